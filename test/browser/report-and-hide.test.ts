import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { createToken } from "../../src/api/commands.js";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeWork } from "../support/factories.js";

/**
 * Issue 15's moderation journey through real Chromium with JavaScript off, across three
 * capabilities: a guest reports a work (src/reports); a policy & abuse admin hides it from the
 * report page (src/moderation); its creator sees the notice on the work. Then, over HTTP against
 * the same running server, the work is gone for everyone else, a guest and a logged-in reader
 * alike, from listings and their counts, search, Atom, OPDS, the API and downloads; its creator
 * still reaches it. (src/moderation/hidden-works.test.ts walks every surface in-process.)
 */

const FANDOM = "Lighthouse Keepers";
const WORD = "lampwick";
const PASSWORDS = { keeper: "the keeper's own password", policy: "a careful admin password", reader: "a reader's password here" };

async function submit(page: Page, button: string): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
  return response?.status();
}

async function logIn(page: Page, login: keyof typeof PASSWORDS): Promise<void> {
  await page.goto("/users/login");
  await page.getByLabel("User name").fill(login);
  await page.getByLabel("Password").fill(PASSWORDS[login]);
  assert.equal(await submit(page, "Log In"), 200, `${login} logs in`);
}

test("a guest reports a work, a policy admin hides it from the report, its creator sees why, and it is gone for everyone else (JavaScript off)", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const server = await startServer(testDb);
    // Each person in a browser of their own, all with JavaScript off.
    const [guest, admin, keeper] = await Promise.all([0, 1, 2].map(() => browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false })));
    try {
      const made = await Promise.all(
        (["keeper", "policy", "reader"] as const).map((login) =>
          createUser(db, { login, email: `${login}@example.org`, password: PASSWORDS[login], roles: login === "policy" ? ["policy_and_abuse"] : [] }),
        ),
      );
      const [keeperUser, , readerUser] = made.map((m) => {
        assert.ok(m.ok);
        return m.value;
      });
      const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", keeperUser!.id).executeTakeFirstOrThrow();
      const workId = await makeWork(db, pseud.id, { title: "Lamp Over Water", fandoms: [FANDOM], chapters: [`<p>The ${WORD} burned all night.</p>`] });
      await makeWork(db, pseud.id, { title: "Calm Sea", fandoms: [FANDOM], chapters: ["<p>Nothing happened, beautifully.</p>"] });

      // 1. The guest reports the work from its page.
      const guestPage = await guest.newPage();
      await guestPage.goto(`/works/${workId}`);
      await Promise.all([guestPage.waitForNavigation(), guestPage.getByRole("link", { name: "Report", exact: true }).click()]);
      await guestPage.getByLabel("Brief summary").fill("Copied from my story");
      await guestPage.getByLabel("Details").fill("Word for word, from chapter one.");
      await guestPage.getByLabel("Your email").fill("reporter@example.org");
      assert.equal(await submit(guestPage, "Send Report"), 200);
      assert.equal(new URL(guestPage.url()).pathname, "/abuse_reports/sent");

      // 2. The policy admin opens the report from the queue and hides the work from it, with a reason.
      const adminPage = await admin.newPage();
      await logIn(adminPage, "policy");
      await adminPage.goto("/admin");
      assert.match(await adminPage.locator("main").innerText(), /Open abuse reports/);
      await adminPage.goto("/admin/abuse_reports");
      await Promise.all([adminPage.waitForNavigation(), adminPage.getByRole("link", { name: "Copied from my story" }).click()]);
      const reportPath = new URL(adminPage.url()).pathname;
      await adminPage.locator(`#hide-${workId}-reason`).fill("Plagiarism, confirmed against the original.");
      assert.equal(await submit(adminPage, "Hide Work"), 200);
      assert.equal(new URL(adminPage.url()).pathname, reportPath, "back on the report after the action");
      assert.ok(await adminPage.getByRole("button", { name: "Unhide Work" }).isVisible(), "the report now offers to unhide");
      const audit = await db.selectFrom("audit_log").select(["action", "reason"]).where("work_id", "=", workId).execute();
      assert.deepEqual(audit, [{ action: "hide_work", reason: "Plagiarism, confirmed against the original." }], "the hide is in the audit log");

      // 3. The creator sees the notice, with the reason, on the work itself.
      const keeperPage = await keeper.newPage();
      await logIn(keeperPage, "keeper");
      await keeperPage.goto(`/works/${workId}`);
      const notice = await keeperPage.locator("main").innerText();
      assert.match(notice, /This work has been hidden by the Archive's admins: Plagiarism, confirmed against the original\./);

      // 4. Everyone else: gone from every kind of surface, counts included, through the running server.
      const readerToken = (await createToken(db, readerUser!.id, "reader", "read")).token;
      const fetchAs = async (path: string, headers: Record<string, string> = {}) => {
        const res = await fetch(`${server.baseUrl}${path}`, { headers, redirect: "manual" });
        assert.ok(res.status < 500, `${path}: ${res.status}`);
        return { status: res.status, body: await res.text() };
      };
      const bearer = { authorization: `Bearer ${readerToken}` };
      const basic = { authorization: `Basic ${Buffer.from(`reader:${readerToken}`).toString("base64")}` };
      const fandomPath = encodeURIComponent(FANDOM);
      for (const [who, headers, basicHeaders] of [
        ["a guest", {}, {}],
        ["a logged-in reader", bearer, basic],
      ] as const) {
        const shows = async (path: string, h: Record<string, string> = headers) => (await fetchAs(path, h)).body.includes(`/works/${workId}`);
        assert.equal(await shows("/works"), false, `${who}: /works`);
        assert.match((await fetchAs(`/tags/${fandomPath}/works`)).body, /<span>1 - 1 of 1 Works<\/span><span> in Lighthouse Keepers<\/span>/, `${who}: the fandom's count leaves it out`);
        assert.equal(await shows(`/works/search?work_search%5Bquery%5D=${WORD}`), false, `${who}: search`);
        assert.equal(await shows(`/tags/${fandomPath}/feed.atom`, basicHeaders), false, `${who}: Atom`);
        assert.equal(await shows("/opds/works"), false, `${who}: OPDS`);
        const api = JSON.parse((await fetchAs("/api/v1/works")).body) as { total: number; works: { id: number }[] };
        assert.equal(api.total, 1, `${who}: the API's total`);
        assert.ok(!api.works.some((w) => w.id === workId), `${who}: the API's list`);
        assert.equal((await fetchAs(`/api/v1/works/${workId}`)).status, 404, `${who}: the API's work`);
        assert.equal((await fetchAs(`/works/${workId}`)).status, 404, `${who}: the work page`);
        assert.equal((await fetchAs(`/downloads/${workId}/Lamp_Over_Water.epub`)).status, 404, `${who}: the download`);
      }
      // The reader's session in a browser too: the work page is the missing-work page.
      const readerContext = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      try {
        const readerPage = await readerContext.newPage();
        await logIn(readerPage, "reader");
        const response = await readerPage.goto(`/works/${workId}`);
        assert.equal(response?.status(), 404);
      } finally {
        await readerContext.close();
      }
    } finally {
      for (const context of [guest, admin, keeper]) await context!.close();
      await server.close();
    }
  });
});

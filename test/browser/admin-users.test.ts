import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { postComment } from "../../src/comments/commands.js";
import { setSpamRules } from "../../src/model/spam.js";
import type { Db } from "../../src/platform/db/index.js";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Issue 15's account actions and spam queue in real Chromium with JavaScript off: a policy admin
 * finds an account and suspends it; the suspended user is refused a new work and reads why;
 * the admin approves a held work from the spam queue. Then every page type of the feature passes
 * the Nu HTML checker and axe-core, light and dark.
 */

const PASSWORD = "lamp oil and patience";
const LINKS = '<p>Deals: <a href="https://shop.example/a">one</a>, https://shop.example/b, www.shop.example/c.</p>';

async function account(db: Db, login: string, roles: ("policy_and_abuse" | "admin")[] = []): Promise<{ id: number; pseudId: number }> {
  const made = await createUser(db, { login, email: `${login}@example.com`, password: PASSWORD, roles });
  assert.ok(made.ok);
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow();
  return { id: made.value.id, pseudId: pseud.id };
}

async function logIn(page: Page, login: string): Promise<void> {
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === "/"), page.getByRole("button", { name: "Log In" }).click()]);
}

const mainText = (page: Page) => page.locator("main").innerText();

test("a policy admin suspends an account and approves a held work; the suspended user sees why; the pages pass the validators", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    await account(db, "policy_pat", ["policy_and_abuse"]);
    const troubled = await account(db, "troubled");
    await makeWork(db, troubled.pseudId, { title: "The Lamp at Hollow Point" });
    const fresh = await account(db, "fresh_fay");
    const older = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await db.updateTable("users").set({ created_at: older }).where("login", "in", ["policy_pat", "troubled"]).execute();
    await setSpamRules(db, { newAccountDays: 7, maxLinks: 2, blockList: ["casino"] });
    await makeWork(db, fresh.pseudId, { title: "Great Deals", chapters: [LINKS] });
    const harbour = await makeWork(db, troubled.pseudId, { title: "Quiet Harbour" });
    await postComment(db, { workId: harbour, creatorUserIds: [troubled.id], chapterId: null, parent: null, author: { userId: fresh.id }, input: { content: "<p>Try the casino.</p>", guest: null, token: null }, held: false });

    const server = await startServer(testDb);
    const contexts: BrowserContext[] = [];
    const context = async (javaScriptEnabled: boolean) => {
      const made = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
      made.setDefaultTimeout(10_000);
      contexts.push(made);
      return made;
    };
    try {
      // The admin, JavaScript off: find the account, suspend it with its works hidden.
      const admin = await (await context(false)).newPage();
      await logIn(admin, "policy_pat");
      await admin.goto("/admin/users");
      await admin.getByLabel("Login or email (or part of one)").fill("troub");
      await Promise.all([admin.waitForURL(/\/admin\/users\?query=troub$/), admin.getByRole("button", { name: "Find" }).click()]);
      await Promise.all([admin.waitForURL(/\/admin\/users\/troubled$/), admin.getByRole("link", { name: "troubled", exact: true }).click()]);
      const suspend = admin.locator("form.suspend");
      await suspend.getByLabel("Days").fill("3");
      await suspend.getByLabel("Reason").fill("Harassment in comments.");
      await suspend.getByLabel("Hide them all (only they and admins see them)").check();
      await Promise.all([admin.waitForURL(/\/admin\/users\/troubled$/), suspend.getByRole("button", { name: "Suspend" }).click()]);
      assert.match(await admin.getByRole("status").first().innerText(), /troubled is suspended for 3 days\. Works hidden: 2\./);
      assert.match(await mainText(admin), /Suspended until \d{4}-\d\d-\d\d at \d\d:\d\d UTC/);

      // The suspended user, JavaScript off: refused a new work, told why, and the notices page.
      const user = await (await context(false)).newPage();
      await logIn(user, "troubled");
      const refused = await user.goto("/works/new");
      assert.equal(refused?.status(), 403);
      assert.match(await mainText(user), /Your account is suspended until/);
      assert.match(await mainText(user), /Harassment in comments\./);
      await Promise.all([user.waitForURL(/\/users\/troubled\/notices$/), user.getByRole("link", { name: "Your account's notices" }).click()]);
      assert.match(await mainText(user), /You can still read/);

      // The spam queue: approve the held work.
      await admin.goto("/admin/spam");
      const held = admin.locator("li.held-work", { hasText: "Great Deals" });
      assert.match(await held.innerText(), /A new account's text with 3 links\./);
      await Promise.all([admin.waitForURL(/\/admin\/spam$/), held.getByRole("button", { name: "Approve" }).click()]);
      assert.match(await admin.getByRole("status").innerText(), /The work is approved and posted\./);
      assert.match(await mainText(admin), /No works are held\./);
      assert.match(await mainText(admin), /Try the casino\./, "the held comment waits");

      // The validators, in contexts with JavaScript on (axe runs inside the page; the pages have none).
      const checkerAdmin = await context(true);
      await logIn(await checkerAdmin.newPage(), "policy_pat");
      const checkerUser = await context(true);
      await logIn(await checkerUser.newPage(), "troubled");
      await admin.close();
      const visit = async (name: string, page: Page, response: Response | null, status = 200) => {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        return { name, page, html: await response.text() };
      };
      const open = async (name: string, ctx: BrowserContext, path: string, status = 200) => {
        const page = await ctx.newPage();
        return visit(name, page, await page.goto(path), status);
      };
      const comment = await db.selectFrom("comments").select("id").where("spam_hold", "=", 1).executeTakeFirstOrThrow();
      const refusedForm = (async () => {
        const page = await checkerAdmin.newPage();
        await page.goto("/admin/users/troubled");
        const form = page.locator("form.ban");
        await form.getByLabel("Reason").fill("   ");
        const [response] = await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), form.getByRole("button", { name: "Ban" }).click()]);
        await page.waitForLoadState();
        return visit("account page after a refused ban", page, response, 422);
      })();
      const visited = [
        ...(await Promise.all([
          open("users search", checkerAdmin, "/admin/users?query=o"),
          open("account page", checkerAdmin, "/admin/users/troubled"),
          open("spam queue", checkerAdmin, "/admin/spam"),
          open("spam settings", checkerAdmin, "/admin/spam/settings"),
          open("mark comment as spam", checkerAdmin, `/admin/spam/comments/${comment.id}/confirm_spam`),
          open("refusal page", checkerUser, "/works/new", 403),
          open("notices page", checkerUser, "/users/troubled/notices"),
        ])),
        await refusedForm,
      ];
      assert.match(visited.at(-1)!.html, /Please give a reason\./);
      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const made of contexts) await made.close();
      await server.close();
    }
  });
});

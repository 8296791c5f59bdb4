import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { jobSteps } from "../../src/app.js";
import { drainJobs } from "../../src/platform/jobs.js";
import { requestTakeout } from "../../src/leaving/index.js";
import { testConfig } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { PASSWORD, seedLeaving } from "../support/leaving.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Leaving the archive in real Chromium with JavaScript off: a writer deletes their account,
 * choosing to orphan their works, and a guest still reads the works under the orphan account.
 * Then the leaving pages (orphaning, account deletion, takeout) go through the Nu HTML checker
 * and axe-core.
 */

async function logIn(page: Page, login: string): Promise<void> {
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === "/"), page.getByRole("button", { name: "Log In" }).click()]);
}

async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), page.getByRole("button", { name: button }).click()]);
  await page.waitForLoadState();
  return response;
}

test("a writer deletes their account choosing orphaning; a guest still reads the works under the orphan account", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-leaving-browser-"));
    const seed = await seedLeaving(db);
    const server = await startServer(testDb, { dataDir });
    const contexts: BrowserContext[] = [];
    try {
      // ---- The pages, checked by the validators first (axe runs in the page: JavaScript on here). ----
      const checker = await browser.newContext({ baseURL: server.baseUrl });
      const checkerGuest = await browser.newContext({ baseURL: server.baseUrl });
      contexts.push(checker, checkerGuest);
      await logIn(await checker.newPage(), "lampwright");
      async function visit(name: string, page: Page, response: Response | null, status = 200) {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        return { name, page, html: await response.text() };
      }
      const open = async (name: string, path: string, context = checker, status = 200) => {
        const page = await context.newPage();
        return visit(name, page, await page.goto(path), status);
      };
      const refusedOrphan = (async () => {
        const page = await checker.newPage();
        await page.goto(`/orphans/new?work_id=${seed.works.byMoth}`);
        return visit("orphan confirmation, nothing chosen", page, await submit(page, "Yes, Orphan Them"), 422);
      })();
      const refusedDelete = (async () => {
        const page = await checker.newPage();
        await page.goto("/users/lampwright/delete");
        await page.getByLabel("Your password", { exact: true }).fill("not my password");
        return visit("account deletion, refused", page, await submit(page, "Delete My Account"), 422);
      })();
      const pages = [
        await open("orphan: choose works", "/orphans/new"),
        await open("orphan: one work", `/orphans/new?work_id=${seed.works.byMoth}`),
        await open("orphan: several works", `/orphans/new?work_id=${seed.works.byDefault}&work_id=${seed.works.shared}`),
        await open("orphan: all works", "/orphans/new?all=true"),
        await refusedOrphan,
        await open("account deletion", "/users/lampwright/delete"),
        await refusedDelete,
        await open("takeout, none yet", "/users/lampwright/takeout"),
      ];
      await requestTakeout(db, seed.writer.id);
      pages.push(await open("takeout, queued", "/users/lampwright/takeout"));
      assert.equal(await drainJobs(db, jobSteps(testConfig(testDb.url, { dataDir }))), 1);
      pages.push(await open("takeout, ready", "/users/lampwright/takeout"));
      pages.push(await open("account deleted", "/account_deleted?works=orphaned", checkerGuest));
      assert.match(await pages.at(-2)!.page.locator("main").innerText(), /Download your takeout/);
      const problems = await pageProblems(pages, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));

      // ---- The journey, with JavaScript off. ----
      const writer = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      const guest = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      contexts.push(writer, guest);
      writer.setDefaultTimeout(15_000);
      const page = await writer.newPage();
      await logIn(page, "lampwright");
      await page.goto("/users/lampwright/edit");
      await Promise.all([page.waitForURL(/\/users\/lampwright\/delete$/), page.getByRole("link", { name: "Delete your account" }).click()]);
      assert.match(await page.locator("main").innerText(), /cannot be undone/);

      // A first try with a wrong password: refused, the choice kept.
      await page.getByLabel("Orphan them, keeping my pseuds' names on them").check();
      await page.getByLabel("Your password", { exact: true }).fill("not my password");
      const refused = await submit(page, "Delete My Account");
      assert.equal(refused.status(), 422);
      assert.match(await page.getByRole("alert").innerText(), /password/i);
      assert.ok(await page.getByLabel("Orphan them, keeping my pseuds' names on them").isChecked(), "the choice stays");

      await page.getByLabel("Your password", { exact: true }).fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/account_deleted\?works=orphaned$/), page.getByRole("button", { name: "Delete My Account" }).click()]);
      assert.match(await page.locator("main").innerText(), /Your account has been deleted[\s\S]*under the orphan account, orphan_account/);
      // Logged out: the account page is gone for good.
      await page.goto("/users/lampwright/edit");
      assert.match(new URL(page.url()).pathname, /^\/users\/login$/);

      // A guest reads the works, under the orphan account.
      const reader = await guest.newPage();
      await reader.goto(`/works/${seed.works.byMoth}`);
      const work = await reader.locator("main").innerText();
      assert.match(work, /Salt and Light/);
      assert.match(work, /Moth \(orphan_account\)/);
      assert.match(work, /The lamp turned/);
      await reader.goto("/users/orphan_account/works");
      const listed = await reader.locator("main").innerText();
      for (const title of ["Salt and Light", "Fog Bell", "Two Keepers"]) assert.match(listed, new RegExp(title));
      await reader.goto(`/works/${seed.works.shared}`);
      assert.match(await reader.locator("main").innerText(), /lampwright \(orphan_account\), tidewatcher|tidewatcher/);
      const gone = await reader.goto("/users/lampwright");
      assert.equal(gone?.status(), 404);
    } finally {
      for (const context of contexts) await context.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

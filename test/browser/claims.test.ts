import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { jobSteps } from "../../src/app.js";
import { claimsCommand } from "../../src/cli/claims.js";
import { drainJobs } from "../../src/platform/jobs.js";
import { testConfig } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { importedAccount } from "../support/legacy.js";
import { dataFolder, outbox } from "../support/outbox.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * After an eFiction import, in real Chromium with JavaScript off: an author who never logged in
 * takes their account with the link mailed to them, and another logs in with their old
 * eFiction password. The claim pages go through the Nu HTML checker and axe-core.
 */

const NEW_PASSWORD = "my new password here";

function claimLink(dataDir: string, to: string): string {
  const mail = outbox(dataDir).find((m) => m.to === to);
  assert.ok(mail, `a claim mail to ${to}`);
  return /http:\/\/127\.0\.0\.1:3000(\/claim\/[A-Za-z0-9_-]+)/.exec(mail.body)![1]!;
}

async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), page.getByRole("button", { name: button }).click()]);
  await page.waitForLoadState();
  return response;
}

test("an imported author takes their account with the mailed link; another logs in with the old eFiction password", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const dataDir = dataFolder(t);
    await importedAccount(db, { login: "aurelie", oldPassword: "aureliepass1", uid: 2 });
    await importedAccount(db, { login: "nikos", oldPassword: "nikospass1", uid: 3 });
    await importedAccount(db, { login: "mei_lin", oldPassword: "mei_linpass1", uid: 4 });
    await claimsCommand(db, ["send", "--source", "efiction"]);
    assert.equal(await drainJobs(db, jobSteps(testConfig(testDb.url, { dataDir }))), 3);
    const server = await startServer(testDb, { dataDir });
    const contexts: BrowserContext[] = [];
    try {
      // ---- The pages, checked by the validators (axe runs in the page: JavaScript on here). ----
      const checker = await browser.newContext({ baseURL: server.baseUrl });
      contexts.push(checker);
      const open = async (name: string, path: string, status: number) => {
        const page = await checker.newPage();
        const response = await page.goto(path);
        assert.equal(response?.status(), status, `${name}: HTTP status`);
        return { name, page, html: await response!.text() };
      };
      const form = await open("claim form", claimLink(dataDir, "nikos@example.org"), 200);
      const refused = await (async () => {
        const page = await checker.newPage();
        await page.goto(claimLink(dataDir, "nikos@example.org"));
        await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
        await page.getByLabel("Confirm new password", { exact: true }).fill("not the same at all");
        const response = await submit(page, "Set password and take the account");
        assert.equal(response.status(), 422);
        return { name: "claim form, passwords differ", page, html: await response.text() };
      })();
      const unknown = await open("claim link unknown", "/claim/not-a-real-token", 404);
      const problems = await pageProblems([form, refused, unknown], { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));

      // ---- The journeys, with JavaScript off. ----
      const author = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      contexts.push(author);
      author.setDefaultTimeout(15_000);
      const page = await author.newPage();
      const link = claimLink(dataDir, "aurelie@example.org");
      await page.goto(link);
      assert.match(await page.locator("main").innerText(), /under the account aurelie/);
      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Confirm new password", { exact: true }).fill(NEW_PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname === "/users/aurelie"), page.getByRole("button", { name: "Set password and take the account" }).click()]);
      assert.match(await page.locator("body").innerText(), /The account is yours/);
      const spent = await page.goto(link);
      assert.equal(spent?.status(), 410);
      assert.match(await page.locator("main").innerText(), /This link cannot be used/);
      // Checked where JavaScript runs (axe is a script in the page).
      const spentProblems = await pageProblems([await open("claim link used", link, 410)], { checkMarkup });
      assert.deepEqual(spentProblems, [], spentProblems.join("\n"));

      const reader = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      contexts.push(reader);
      const login = await reader.newPage();
      await login.goto("/users/login");
      await login.getByLabel("User name", { exact: true }).fill("mei_lin");
      await login.getByLabel("Password", { exact: true }).fill("mei_linpass1");
      await Promise.all([login.waitForURL((url) => url.pathname === "/"), login.getByRole("button", { name: "Log In" }).click()]);
      const legacy = await db.selectFrom("users").select("legacy_password").where("login", "=", "mei_lin").executeTakeFirstOrThrow();
      assert.equal(legacy.legacy_password, null, "upgraded at the first log-in");
    } finally {
      for (const context of contexts) await context.close();
      await server.close();
    }
  });
});

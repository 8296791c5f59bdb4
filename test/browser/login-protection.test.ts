import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret, TOTP } from "otpauth";
import type { BrowserContext, Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * The pages of log-in protection and two-factor authentication, driven through real forms in
 * Chromium, pass the Nu HTML checker and axe-core in the light and dark colour schemes: the
 * two-factor set-up (before, during, with a wrong code, the recovery codes, once on), the
 * log-in's second step (and with a wrong code), a locked account's log-in page, the account
 * page with its log-in log, and the admin settings with the two-factor requirement.
 */

const LOGIN = "guarded";
const PASSWORD = "a careful password";

interface Visited {
  name: string;
  page: Page;
  html: string;
}

test("log-in protection and two-factor pages pass the Nu HTML checker and axe-core, light and dark", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    // Each browser here stands for another person at another address (a trusted local proxy says
    // which): on one address, this many log-ins would meet the per-address limit of 5 in 20 s
    // whenever the machine runs the steps quickly, and that limit is tested elsewhere.
    const server = await startServer(testDb, { trustProxy: ["127.0.0.1"] });
    const contexts: BrowserContext[] = [];
    const context = async () => {
      const made = await browser.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${contexts.length + 1}` } });
      contexts.push(made);
      return made;
    };
    const visited: Visited[] = [];
    /** Keeps a page to check as it was answered (its HTML) and as it is shown (for axe). */
    async function keep(name: string, page: Page, response: Response | null, status: number): Promise<void> {
      assert.ok(response, `${name}: no response`);
      assert.equal(response.status(), status, `${name}: HTTP status`);
      visited.push({ name, page, html: await response.text() });
    }
    /** Submits the page's form holding `button` and waits for the answer (a 303 is followed). */
    async function submit(page: Page, button: string): Promise<Response | null> {
      const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
      return response;
    }
    async function logIn(page: Page, login: string, password: string): Promise<Response | null> {
      await page.goto("/users/login");
      await page.getByLabel("User name").fill(login);
      await page.getByLabel("Password").fill(password);
      return submit(page, "Log In");
    }
    try {
      const made = await createUser(db, { login: LOGIN, email: `${LOGIN}@example.org`, password: PASSWORD, roles: ["admin"] });
      assert.ok(made.ok);
      const userId = made.value.id;

      // Set-up, step by step, in one browser.
      const owner = await (await context()).newPage();
      await logIn(owner, LOGIN, PASSWORD);
      await keep("two-factor, off", owner, await owner.goto(`/users/${LOGIN}/two_factor`), 200);
      const setup = await (await context()).newPage();
      await logIn(setup, LOGIN, PASSWORD);
      await setup.goto(`/users/${LOGIN}/two_factor`);
      await keep("two-factor set-up", setup, await submit(setup, "Set Up Two-Factor Authentication"), 200);
      const { secret } = await db.selectFrom("user_totp").select("secret").where("user_id", "=", userId).executeTakeFirstOrThrow();
      assert.match(await setup.locator("main").innerText(), /otpauth:\/\/totp\//);
      const wrongSetup = await (await context()).newPage();
      await logIn(wrongSetup, LOGIN, PASSWORD);
      await wrongSetup.goto(`/users/${LOGIN}/two_factor`);
      await wrongSetup.getByLabel("Code from your app").fill("12345");
      await keep("two-factor set-up, wrong code", wrongSetup, await submit(wrongSetup, "Turn On Two-Factor Authentication"), 422);
      const codes = await (await context()).newPage();
      await logIn(codes, LOGIN, PASSWORD);
      await codes.goto(`/users/${LOGIN}/two_factor`);
      await codes.getByLabel("Code from your app").fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
      await keep("recovery codes", codes, await submit(codes, "Turn On Two-Factor Authentication"), 200);
      const recovery = await codes.locator("ul.recovery-codes code").allInnerTexts();
      assert.equal(recovery.length, 10);
      const onContext = await context();
      const on = await onContext.newPage();
      await logIn(on, LOGIN, PASSWORD);
      // The password alone now leads to the second step (kept in a tab of its own; each kept page
      // stays as it was answered, for axe to check later).
      const step = await onContext.newPage();
      await keep("two-factor log-in step", step, await step.goto("/users/login/two_factor"), 200);
      const wrongStep = await (await context()).newPage();
      await logIn(wrongStep, LOGIN, PASSWORD);
      await wrongStep.getByLabel("Authentication code or recovery code").fill("000000");
      await keep("two-factor log-in step, wrong code", wrongStep, await submit(wrongStep, "Log In"), 401);
      await db.deleteFrom("login_throttles").execute();
      await on.getByLabel("Authentication code or recovery code").fill(recovery[0]!);
      assert.equal((await submit(on, "Log In"))?.url(), `${server.baseUrl}/`);
      for (const [name, path] of [
        ["two-factor, on", `/users/${LOGIN}/two_factor`],
        ["account page with its log-in log", `/users/${LOGIN}/edit`],
        ["admin settings", "/admin/settings"],
      ] as const) {
        const tab = await onContext.newPage();
        await keep(name, tab, await tab.goto(path), 200);
      }
      assert.ok((await visited.find((v) => v.name === "account page with its log-in log")!.page.locator("table.login-log tbody tr").count()) >= 5, "the log lists the attempts");

      // A locked account's log-in page.
      await db.insertInto("login_throttles").values({ user_id: userId, failures: 5, window_started_at: new Date().toISOString(), next_attempt_at: null, locked_until: new Date(Date.now() + 600_000).toISOString() }).execute();
      const locked = await (await context()).newPage();
      await keep("log-in, account locked", locked, await logIn(locked, LOGIN, PASSWORD), 429);
      assert.match(await locked.locator("main").innerText(), /This account is locked/);

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const made of contexts) await made.close();
      await server.close();
    }
  });
});

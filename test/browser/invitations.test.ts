import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { jobSteps } from "../../src/app.js";
import { publishTerms } from "../../src/invitations/terms.js";
import { setSetting } from "../../src/model/archive-settings.js";
import { drainJobs } from "../../src/platform/jobs.js";
import { createUser } from "../../src/users/commands.js";
import { testConfig } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { dataFolder, outbox } from "../support/outbox.js";
import { type CheckedPage, htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Issue 15's invitations and terms in real Chromium with JavaScript off: someone asks for an
 * invitation on the waiting list, the queue's job mails it (read from the outbox folder), they
 * sign up through its link accepting the terms; later the terms change and they accept the new
 * ones before going on. Every new page passes the Nu HTML checker and axe-core, light and dark.
 */

const BOSS = { login: "boss", password: "the boss's password" };

async function visit(name: string, page: Page, response: Response | null, status = 200): Promise<CheckedPage> {
  assert.ok(response, `${name}: no response`);
  assert.equal(response.status(), status, `${name}: HTTP status`);
  return { name, page, html: await response.text() };
}

/** Clicks a submit button and returns the page the browser lands on (after any redirect). */
async function submit(page: Page, button: string, name: string, status = 200): Promise<CheckedPage> {
  const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button, exact: true }).click()]);
  return visit(name, page, response, status);
}

test("a guest asks for an invitation, the job mails it, they sign up with it accepting the terms, and accept new terms later", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (st, testDb) => {
    const { db, url } = testDb;
    const dataDir = dataFolder(st);
    const config = testConfig(url, { dataDir });
    const server = await startServer(testDb, { dataDir });
    const contexts: BrowserContext[] = [];
    /** A browser with JavaScript off, as people use the archive here. */
    const context = async () => {
      const made = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      made.setDefaultTimeout(10_000);
      contexts.push(made);
      return made;
    };
    // axe runs inside the page, so the pages it checks are opened in a twin of each browser with
    // JavaScript on and the same cookies (the site itself has no script to run).
    const twins = new Map<BrowserContext, BrowserContext>();
    const twin = async (of: BrowserContext) => {
      let made = twins.get(of);
      if (!made) {
        made = await browser.newContext({ baseURL: server.baseUrl, storageState: await of.storageState() });
        made.setDefaultTimeout(10_000);
        contexts.push(made);
        twins.set(of, made);
      }
      return made;
    };
    const checked: CheckedPage[] = [];
    /** A tab of its own at a page, kept there for the checkers. */
    const tab = async (of: BrowserContext, name: string, path: string, status = 200) => {
      const page = await (await twin(of)).newPage();
      const seen = await visit(name, page, await page.goto(path), status);
      checked.push(seen);
      return seen.page;
    };
    /** A form filled and sent in a tab of its own, the page it answers kept for the checkers. */
    const refusedForm = async (of: BrowserContext, name: string, path: string, fill: (page: Page) => Promise<void>, button: string) => {
      const page = await (await twin(of)).newPage();
      await page.goto(path);
      await fill(page);
      const seen = await submit(page, button, name, 422);
      assert.ok(await page.getByRole("alert").isVisible(), `${name}: the error summary`);
      checked.push(seen);
      return page;
    };
    try {
      const boss = await createUser(db, { login: BOSS.login, email: "boss@example.org", password: BOSS.password, roles: ["admin"] });
      assert.ok(boss.ok);
      await setSetting(db, "signup_mode", "invitation");
      await publishTerms(db, boss.value.id, { tos: "Be <em>kind</em> to each other.\n\nCredit your sources.", privacy: "We keep your email address and nothing else." });

      // The waiting list: join, see your place.
      const guests = await context();
      const guest = await guests.newPage();
      await guest.goto("/invite_requests");
      await guest.getByLabel("Email", { exact: true }).fill("newcomer@example.org");
      await Promise.all([guest.waitForURL(/\/invite_requests\/status$/), guest.getByRole("button", { name: "Add Me to the List" }).click()]);
      assert.match(await guest.locator("main").innerText(), /you are number 1\./);
      await guest.getByLabel("Email", { exact: true }).fill("newcomer@example.org");
      await Promise.all([guest.waitForURL(/\/invite_requests\/status\?/), guest.getByRole("button", { name: "Look Up" }).click()]);
      assert.match(await guest.locator("main").innerText(), /You are number 1 on the waiting list\./);
      await tab(guests, "waiting list", "/invite_requests");
      await tab(guests, "waiting list status, looked up", "/invite_requests/status?invite_request%5Bemail%5D=newcomer%40example.org");
      // The same address again: refused, kept.
      const again = await refusedForm(guests, "waiting list refusing an address already on it", "/invite_requests", (page) => page.getByLabel("Email", { exact: true }).fill("newcomer@example.org"), "Add Me to the List");
      assert.equal(await again.getByLabel("Email", { exact: true }).inputValue(), "newcomer@example.org");

      // The job sends the invitation; the mail is in the outbox.
      assert.deepEqual(outbox(dataDir), []);
      await drainJobs(db, jobSteps(config));
      const [mail] = outbox(dataDir);
      assert.equal(mail?.to, "newcomer@example.org");
      const link = /https?:\/\/\S+(\/signup\?invitation_token=[\w-]+)/.exec(mail!.body);
      assert.ok(link, "the mail holds the sign-up link");
      await guest.goto("/invite_requests/status?invite_request%5Bemail%5D=newcomer%40example.org");
      assert.match(await guest.locator("main").innerText(), /An invitation was sent to this address/);

      // The link: code and address filled in; the terms linked, the three boxes to tick.
      await tab(guests, "sign-up from an invitation", link[1]!);
      const newcomers = await context();
      const newcomer = await newcomers.newPage();
      await newcomer.goto(link[1]!);
      assert.equal(await newcomer.getByLabel("Invitation code", { exact: true }).inputValue(), link[1]!.split("=")[1]);
      assert.equal(await newcomer.getByLabel("Email", { exact: true }).inputValue(), "newcomer@example.org");
      await newcomer.getByLabel("User name", { exact: true }).fill("newcomer");
      await newcomer.getByLabel("Password", { exact: true }).fill("a long enough password");
      await newcomer.getByLabel("Confirm password", { exact: true }).fill("a long enough password");
      await newcomer.getByRole("checkbox", { name: "I have read and accept the Terms of Service" }).check();
      await newcomer.getByRole("checkbox", { name: "I have read and accept the Privacy Policy" }).check();
      await newcomer.getByRole("checkbox", { name: "I am at least 13 years old" }).check();
      await Promise.all([newcomer.waitForURL(/\/users\/newcomer$/), newcomer.getByRole("button", { name: "Create Account" }).click()]);
      assert.ok(await newcomer.getByRole("link", { name: "Log out" }).isVisible(), "signed up and logged in");
      const user = await db.selectFrom("users").select("id").where("login", "=", "newcomer").executeTakeFirstOrThrow();
      const acceptedAtSignup = await db.selectFrom("terms_acceptances").select("version").where("user_id", "=", user.id).execute();
      assert.deepEqual(acceptedAtSignup.map((a) => a.version), [1], "the version accepted is recorded");
      // The terms, from the footer.
      await Promise.all([newcomer.waitForURL(/\/tos$/), newcomer.getByRole("link", { name: "Terms of Service" }).click()]);
      assert.match(await newcomer.locator("main").innerText(), /Be kind to each other\./);
      await tab(guests, "terms of service", "/tos");
      await tab(guests, "privacy policy", "/privacy");

      // The terms change: the next page is the new terms; unticked, asked again; ticked, on.
      await publishTerms(db, boss.value.id, { tos: "Be kind. Credit your sources. No spam.", privacy: "We keep your email address and nothing else." });
      await newcomer.goto("/works");
      assert.equal(new URL(newcomer.url()).pathname, "/terms/accept");
      assert.match(await newcomer.locator("main").innerText(), /No spam\./);
      await Promise.all([newcomer.waitForLoadState(), newcomer.getByRole("button", { name: "Accept", exact: true }).click()]);
      assert.match(await newcomer.getByRole("alert").innerText(), /Please tick the box to accept the terms, or log out\./);
      await newcomer.getByRole("checkbox", { name: "I have read and accept the Terms of Service and the Privacy Policy" }).check();
      await Promise.all([newcomer.waitForURL(/\/works$/), newcomer.getByRole("button", { name: "Accept", exact: true }).click()]);
      assert.equal(new URL(newcomer.url()).pathname, "/works", "on to the page they were going to");
      // The pages of that step, checked: a third version so there is something to accept.
      await publishTerms(db, boss.value.id, { tos: "Be kind. Credit your sources. No spam. No bots.", privacy: "We keep your email address and nothing else." });
      const sentThere = await tab(newcomers, "accept the new terms", "/works");
      assert.equal(new URL(sentThere.url()).pathname, "/terms/accept");
      await refusedForm(newcomers, "accept the new terms, box unticked", "/terms/accept?return_to=%2Fworks", async () => {}, "Accept");
      await newcomer.goto("/works");
      await newcomer.getByRole("checkbox", { name: "I have read and accept the Terms of Service and the Privacy Policy" }).check();
      await Promise.all([newcomer.waitForURL(/\/works$/), newcomer.getByRole("button", { name: "Accept", exact: true }).click()]);

      // The admin pages, and a user's invitations.
      const admins = await context();
      const admin = await admins.newPage();
      await admin.goto("/users/login");
      await admin.getByLabel("User name").fill(BOSS.login);
      await admin.getByLabel("Password").fill(BOSS.password);
      await Promise.all([admin.waitForURL((u) => u.pathname === "/"), admin.getByRole("button", { name: "Log In" }).click()]);
      await admin.goto("/admin/invitations");
      await admin.getByLabel("User names", { exact: true }).fill("newcomer");
      await admin.getByLabel("Invitations for each user", { exact: true }).fill("2");
      await Promise.all([admin.waitForURL(/\/admin\/invitations$/), admin.getByRole("button", { name: "Give Invitations" }).click()]);
      assert.match(await admin.locator("main").innerText(), /2 invitation\(s\) given to each of 1 user\(s\)\./);
      await tab(admins, "admin invitations", "/admin/invitations");
      await refusedForm(admins, "admin invitations, settings refused", "/admin/invitations", (page) => page.getByLabel("Invitations per batch", { exact: true }).fill("many"), "Save Waiting List Settings");
      await tab(admins, "admin terms", "/admin/terms");
      await newcomer.goto("/users/newcomer/invitations");
      assert.match(await newcomer.locator("main").innerText(), /Invitations you can send: 2\./);
      await newcomer.getByLabel("Email address to invite", { exact: true }).fill("friend@example.org");
      await Promise.all([newcomer.waitForURL(/\/users\/newcomer\/invitations$/), newcomer.getByRole("button", { name: "Send Invitation" }).click()]);
      assert.match(await newcomer.locator("main").innerText(), /friend@example\.org/);
      await tab(newcomers, "a user's invitations", "/users/newcomer/invitations");

      // In two rounds: a dozen pages at once is more than a busy machine's axe answers in time.
      const half = Math.ceil(checked.length / 2);
      const problems = [...(await pageProblems(checked.slice(0, half), { checkMarkup })), ...(await pageProblems(checked.slice(half), { checkMarkup }))];
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const made of contexts) await made.close();
      await server.close();
    }
  });
});

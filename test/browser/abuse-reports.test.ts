import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Abuse reports in real Chromium with JavaScript off: a guest reports a work from its page (a
 * refused form first, then the report sent), and a policy & abuse admin opens the queue and the
 * report with its snapshot and actions. Every page passes the Nu HTML checker and axe-core, light
 * and dark.
 */

const ADMIN = "abuse_admin";
const PASSWORD = "a careful admin password";

interface Visited {
  name: string;
  page: Page;
  html: string;
}

test("a guest reports a work with JavaScript off; an admin reads it in the queue; every page passes the validators", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const server = await startServer(testDb);
    const guest = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    const admin = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    // axe runs inside the page, so the pages are checked again in contexts with JavaScript on.
    const checkGuest = await browser.newContext({ baseURL: server.baseUrl });
    const checkAdmin = await browser.newContext({ baseURL: server.baseUrl });
    const contexts = [guest, admin, checkGuest, checkAdmin];
    async function submit(page: Page, button: string): Promise<Response | null> {
      const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
      return response;
    }
    async function fillReport(page: Page, summary: string, email: string): Promise<void> {
      await page.getByLabel("Brief summary").fill(summary);
      await page.getByLabel("Details").fill("The text is copied from my own story.\nWord for word.");
      await page.getByLabel("Your email").fill(email);
    }
    async function logIn(page: Page): Promise<void> {
      await page.goto("/users/login");
      await page.getByLabel("User name").fill(ADMIN);
      await page.getByLabel("Password").fill(PASSWORD);
      await submit(page, "Log In");
    }
    try {
      const { pseudId } = await makeCreator(db, "keeper");
      const workId = await makeWork(db, pseudId, {
        title: "Lamp Over Water",
        freeforms: ["Storms"],
        summary: "<p>A keeper and a <em>storm</em>.</p>",
        chapters: ["<p>The lamp turned all night.</p><p>By morning the sea was glass.</p>"],
      });
      const made = await createUser(db, { login: ADMIN, email: "abuse@example.org", password: PASSWORD, roles: ["policy_and_abuse"] });
      assert.ok(made.ok);

      // The guest, JavaScript off: from the work page's Report link to the form, filled in with
      // the work's address, and sent.
      const workPage = await guest.newPage();
      await workPage.goto(`/works/${workId}`);
      const [formResponse] = await Promise.all([workPage.waitForNavigation(), workPage.getByRole("link", { name: "Report", exact: true }).click()]);
      assert.equal(formResponse?.status(), 200);
      const formUrl = workPage.url();
      assert.match(await workPage.getByLabel("Link to the page you are reporting").inputValue(), new RegExp(`/works/${workId}$`));
      await fillReport(workPage, "Plagiarism", "reader@example.org");
      assert.equal((await submit(workPage, "Send Report"))?.status(), 200);
      assert.equal(new URL(workPage.url()).pathname, "/abuse_reports/sent");
      assert.match(await workPage.locator("main").innerText(), /Your report has been sent\. A copy is on its way to reader@example\.org\./);

      // A page of another site: refused by the archive (the browser's own checks pass it), all kept.
      const refused = await guest.newPage();
      await refused.goto(`/abuse_reports/new?url=${encodeURIComponent("https://elsewhere.example/works/1")}`);
      await fillReport(refused, "Elsewhere", "reader@example.org");
      assert.equal((await submit(refused, "Send Report"))?.status(), 422);
      assert.ok(await refused.getByRole("alert").isVisible(), "the refused form lists its errors");
      assert.match(await refused.locator("main").innerText(), /You can only report pages of Fanfold/);
      assert.equal(await refused.getByLabel("Brief summary").inputValue(), "Elsewhere");

      // The admin, JavaScript off: the queue, then the report with its snapshot and actions.
      const adminPage = await admin.newPage();
      await logIn(adminPage);
      await adminPage.goto("/admin/abuse_reports");
      const [reportResponse] = await Promise.all([adminPage.waitForNavigation(), adminPage.getByRole("link", { name: "Plagiarism" }).click()]);
      assert.equal(reportResponse?.status(), 200);
      const reportPath = new URL(adminPage.url()).pathname;
      const main = await adminPage.locator("main").innerText();
      assert.match(main, /The page when it was reported/);
      assert.match(main, /Lamp Over Water/);
      assert.match(main, /The lamp turned all night\./);
      assert.ok(await adminPage.getByRole("button", { name: "Hide Work" }).isVisible());
      assert.ok(await adminPage.getByRole("button", { name: "Suspend User" }).isVisible());

      // Every page of the journey, checked (a second report sent to reach the confirmation again).
      const visited: Visited[] = [];
      async function keep(name: string, page: Page, response: Response | null, status = 200): Promise<void> {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        visited.push({ name, page, html: await response.text() });
      }
      const form = await checkGuest.newPage();
      await keep("report form", form, await form.goto(formUrl));
      const refusedAgain = await checkGuest.newPage();
      await refusedAgain.goto(`/abuse_reports/new?url=${encodeURIComponent("https://elsewhere.example/works/1")}`);
      await fillReport(refusedAgain, "Elsewhere", "reader@example.org");
      await keep("report refused", refusedAgain, await submit(refusedAgain, "Send Report"), 422);
      const sent = await checkGuest.newPage();
      await sent.goto(formUrl);
      await fillReport(sent, "Plagiarism again", "another@example.org");
      await keep("report sent", sent, await submit(sent, "Send Report"));
      await logIn(await checkAdmin.newPage());
      const queue = await checkAdmin.newPage();
      await keep("queue", queue, await queue.goto("/admin/abuse_reports"));
      const report = await checkAdmin.newPage();
      await keep("report page", report, await report.goto(reportPath));
      const resolved = await checkAdmin.newPage();
      await resolved.goto(reportPath);
      await resolved.getByLabel("Resolution note").fill("Hid the work.");
      await keep("report resolved", resolved, await submit(resolved, "Mark Resolved"));
      assert.match(await resolved.locator("main").innerText(), new RegExp(`Resolved by ${ADMIN}`));

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const context of contexts) await context.close();
      await server.close();
    }
  });
});

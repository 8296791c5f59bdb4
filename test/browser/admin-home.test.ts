import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems, type CheckedPage } from "../support/validators.js";

/**
 * A policy admin's journey in real Chromium with JavaScript off: from the Admin link to /admin,
 * then to a work's admin page, a refused hide (no reason), the hide, and the work's tags edited;
 * the creator then sees the hidden notice, a guest gets the 404 of a missing work. The admin home,
 * the hidden works page, a work's admin page (before and after, with its audit log), the tag form,
 * the delete confirmation, a missing work's page and the hidden work's reading pages go through the
 * Nu HTML checker and axe-core, light and dark.
 */

const PASSWORD = "lantern oil and patience";

async function logIn(page: Page, login: string): Promise<void> {
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === "/"), page.getByRole("button", { name: "Log In" }).click()]);
}

test("a policy admin hides a work from its admin page and edits its tags; the admin pages pass the Nu HTML checker and axe-core", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const writer = await createUser(db, { login: "lampwright", email: "lampwright@example.com", password: PASSWORD });
    assert.ok(writer.ok);
    const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", writer.value.id).executeTakeFirstOrThrow();
    const workId = await makeWork(db, pseud.id, { title: "The Lamp at Hollow Point", fandoms: ["Lighthouse Stories"], characters: ["Mira"], freeforms: ["salt spray"] });
    const other = await makeCreator(db, "seawriter");
    await makeWork(db, other.pseudId, { title: "Open Water", fandoms: ["Lighthouse Stories"] });
    assert.ok((await createUser(db, { login: "warden", email: "warden@example.com", password: PASSWORD, roles: ["admin"] })).ok);

    const server = await startServer(testDb);
    const contexts: BrowserContext[] = [];
    const context = async (javaScriptEnabled = false) => {
      const made = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
      contexts.push(made);
      return made;
    };
    const visited: CheckedPage[] = [];
    const visit = async (name: string, page: Page, response: Response | null, status = 200) => {
      assert.ok(response, `${name}: no response`);
      assert.equal(response.status(), status, `${name}: HTTP status`);
      visited.push({ name, page, html: await response.text() });
    };
    try {
      const admin = await context();
      const journey = await admin.newPage();
      await logIn(journey, "warden");

      // The Admin link in the navigation leads to /admin, which links to every admin page.
      await Promise.all([journey.waitForURL(/\/admin$/), journey.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Admin" }).click()]);
      const home = await journey.locator("main").innerText();
      assert.match(home, /Needs attention/);
      assert.match(home, /Hidden works: 0/);
      const main = journey.locator("main");
      for (const name of ["Moderate works", "Tag wrangling", "Archive settings"]) assert.ok(await main.getByRole("link", { name, exact: true }).isVisible(), name);

      // To the works page, and a work's admin page by its id.
      await Promise.all([journey.waitForURL(/\/admin\/works$/), main.getByRole("link", { name: "Moderate works", exact: true }).click()]);
      await journey.getByLabel("Work id").fill(String(workId));
      await Promise.all([journey.waitForURL(new RegExp(`/admin/works/${workId}$`)), journey.getByRole("button", { name: "Go to the work's admin page" }).click()]);

      // A hide with no reason (spaces pass the browser's own check) is refused, said at the field.
      await journey.getByLabel(/Why hide it/).fill("   ");
      const [refusal] = await Promise.all([journey.waitForResponse((res) => res.request().method() === "POST"), journey.getByRole("button", { name: "Hide work" }).click()]);
      assert.equal(refusal.status(), 422);
      await journey.waitForLoadState();
      assert.ok(await journey.getByRole("alert").isVisible(), "the refused form lists its problem");

      await journey.getByLabel(/Why hide it/).fill("Copied from another archive");
      await Promise.all([journey.waitForURL(new RegExp(`/admin/works/${workId}$`)), journey.getByRole("button", { name: "Hide work" }).click()]);
      assert.match(await journey.locator("main").innerText(), /The work is hidden: only its creators and admins can see it\./);

      // The tags, as a policy admin may change them.
      await Promise.all([journey.waitForURL(/\/tags$/), journey.getByRole("link", { name: "Edit tags" }).click()]);
      await journey.getByRole("radio", { name: "Mature" }).check();
      await journey.getByLabel("Additional Tags").fill("salt spray, storm");
      await Promise.all([journey.waitForURL(new RegExp(`/admin/works/${workId}$`)), journey.getByRole("button", { name: "Save tags" }).click()]);
      const log = await journey.locator("table.audit-log").innerText();
      assert.match(log, /Edited the work's tags/);
      assert.match(log, /added Mature/);
      assert.match(log, /Hid the work\s+Copied from another archive/);

      // The creator sees why; a guest gets the 404 of a missing work.
      const creator = await (await context()).newPage();
      await logIn(creator, "lampwright");
      await creator.goto(`/works/${workId}?view_adult=true`);
      assert.match(await creator.locator("main").innerText(), /This work has been hidden by the Archive's admins: Copied from another archive/);
      const guest = await (await context()).newPage();
      assert.equal((await guest.goto(`/works/${workId}`))?.status(), 404);

      // Every admin page through the validators, each in a tab of its own. axe runs inside the
      // page, so these contexts have JavaScript on (the pages themselves have none).
      const checker = await context(true);
      const checkerCreator = await context(true);
      await logIn(await checker.newPage(), "warden");
      await logIn(await checkerCreator.newPage(), "lampwright");
      const open = async (name: string, path: string, status = 200, ctx = checker) => {
        const page = await ctx.newPage();
        await visit(name, page, await page.goto(path), status);
      };
      const refused = async () => {
        const page = await checker.newPage();
        await page.goto(`/admin/works/${workId + 1}`);
        await page.getByLabel(/Why hide it/).fill("   ");
        const [response] = await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), page.getByRole("button", { name: "Hide work" }).click()]);
        await page.waitForLoadState();
        await visit("hide refused", page, response, 422);
      };
      await Promise.all([
        open("admin home", "/admin"),
        open("hidden works", "/admin/works"),
        open("work admin page, hidden, with its audit log", `/admin/works/${workId}`),
        open("work admin page, not hidden", `/admin/works/${workId + 1}`),
        open("tag form", `/admin/works/${workId}/tags`),
        open("delete confirmation", `/admin/works/${workId}/delete?return_to=%2Fadmin`),
        open("a work that does not exist", "/admin/works/999999", 404),
        open("hidden work, as an admin", `/works/${workId}?view_adult=true`),
        open("hidden work, as its creator", `/works/${workId}?view_adult=true`, 200, checkerCreator),
        refused(),
      ]);

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const made of contexts) await made.close();
      await server.close();
    }
  });
});

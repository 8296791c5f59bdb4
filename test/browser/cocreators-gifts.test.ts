import assert from "node:assert/strict";
import { test } from "node:test";
import type { Browser, Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Co-creators and gifts in real Chromium with JavaScript off, controls found by their labels and
 * roles: a writer names a co-creator on the new-work form, who accepts from their profile's link
 * (the byline then names both); the writer gives the work to a friend, who refuses it. The new
 * pages (invitations, gifts, refused gifts, related works, leaving, the form with its new fields
 * and its refusals, a work page with gifts and related works) pass the Nu HTML checker and
 * axe-core, light and dark.
 */

/** Clicks a control that submits a form or follows a link, and returns the next page's response. */
async function go(page: Page, click: () => Promise<void>): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), click()]);
  return response;
}

async function loggedIn(browser: Browser, baseUrl: string, login: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(`${login} password 1`);
  await go(page, () => page.getByRole("button", { name: "Log in" }).click());
  return page;
}

const byline = (page: Page) => page.locator("h3.byline").innerText();

test("a writer adds a co-creator who accepts, gives the work to a friend who refuses it; the new pages pass the Nu HTML checker and axe-core", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    for (const login of ["keeper", "moth", "friend", "elder"]) {
      const made = await createUser(testDb.db, { login, email: `${login}@example.com`, password: `${login} password 1` });
      assert.ok(made.ok);
    }
    const elder = await testDb.db.selectFrom("pseuds").select("id").where("name", "=", "elder").executeTakeFirstOrThrow();
    const parentId = await makeWork(testDb.db, elder.id, { title: "The Old Light" });
    const server = await startServer(testDb);
    const checked: { name: string; page: Page; html: string }[] = [];
    // axe runs as a script in the page: the pages are checked, as served, in a context of their own
    // with JavaScript on (the journey itself runs with it off).
    const checking = await browser.newContext({ baseURL: server.baseUrl });
    const check = async (name: string, page: Page, response: Response | null, status = 200) => {
      assert.ok(response, `${name}: no response`);
      assert.equal(response.status(), status, `${name}: HTTP status`);
      const html = await response.text();
      const copy = await checking.newPage();
      await copy.route(page.url(), (route) => route.fulfill({ status, contentType: "text/html; charset=utf-8", body: html }));
      await copy.goto(page.url());
      checked.push({ name, page: copy, html });
    };
    try {
      // The writer fills in the new-work form, naming moth as a co-creator.
      const keeper = await loggedIn(browser, server.baseUrl, "keeper");
      await check("new work form", keeper, await keeper.goto("/works/new"));
      await keeper.getByRole("radio", { name: "General Audiences" }).check();
      await keeper.getByRole("checkbox", { name: "No Archive Warnings Apply" }).check();
      await keeper.getByLabel("Fandoms (required)", { exact: true }).fill("Original Work");
      await keeper.getByLabel("Work Title (required)", { exact: true }).fill("Two Lamps");
      await keeper.getByLabel("Add co-creators", { exact: true }).fill("moth, nobody-at-all");
      await keeper.getByLabel("URL of the work", { exact: true }).fill(`/works/${parentId}`);
      await keeper.getByLabel("Work Text (required)", { exact: true }).fill("Two keepers shared the watch.");
      // An unknown name: the form comes back with everything typed and the reason.
      await check("work form with a refused co-creator", keeper, await go(keeper, () => keeper.getByRole("button", { name: "Post", exact: true }).click()), 422);
      assert.match(await keeper.getByRole("alert").innerText(), /There is no pseud called nobody-at-all\./);
      assert.equal(await keeper.getByLabel("Work Title (required)", { exact: true }).inputValue(), "Two Lamps");
      assert.equal(await keeper.getByLabel("Work Text (required)", { exact: true }).inputValue(), "Two keepers shared the watch.");
      await keeper.getByLabel("Add co-creators", { exact: true }).fill("moth");
      await go(keeper, () => keeper.getByRole("button", { name: "Post", exact: true }).click());
      assert.match(new URL(keeper.url()).pathname, /^\/works\/\d+$/);
      const workPath = new URL(keeper.url()).pathname;
      assert.equal(await byline(keeper), "keeper", "moth is not named before accepting");
      assert.match(await keeper.locator("ul.associations").innerText(), /Inspired by The Old Light by elder\./);

      // Moth finds the invitation from the profile and accepts it.
      const moth = await loggedIn(browser, server.baseUrl, "moth");
      await moth.goto("/users/moth");
      await go(moth, () => moth.getByRole("link", { name: /Co-creator invitations are waiting for your answer: 1/ }).click());
      assert.equal(new URL(moth.url()).pathname, "/users/moth/creatorships");
      await check("co-creator invitations", moth, await moth.goto("/users/moth/creatorships"));
      assert.match(await moth.locator("main").innerText(), /keeper invited your pseud moth/);
      await go(moth, () => moth.getByRole("button", { name: "Accept: Two Lamps" }).click());
      assert.match(await moth.locator("main").innerText(), /You are now a co-creator of Two Lamps\./);
      await check("co-creator invitations, none left", moth, await moth.goto("/users/moth/creatorships"));
      await moth.goto(workPath);
      assert.equal(await byline(moth), "keeper, moth");
      await go(moth, () => moth.getByRole("link", { name: "Remove Me As Co-Creator" }).click());
      await check("leave a work, confirmation", moth, await moth.goto(`${workPath}/confirm_leave`));

      // The writer gives the work to a friend from the edit form.
      await go(keeper, () => keeper.getByRole("link", { name: "Edit", exact: true }).click());
      await keeper.getByLabel("Gift this work to", { exact: true }).fill("friend");
      await go(keeper, () => keeper.getByRole("button", { name: "Update" }).click());
      assert.match(await keeper.locator("ul.associations").innerText(), /For friend\./);
      assert.equal(await byline(keeper), "keeper, moth", "an edit by one creator keeps the other");
      await check("work page with a gift and a related work", keeper, await keeper.goto(workPath));
      await check("edit work form with its kept related work", keeper, await keeper.goto(`${workPath}/edit`));

      // The friend sees the gift and refuses it.
      const friend = await loggedIn(browser, server.baseUrl, "friend");
      await check("gifts", friend, await friend.goto("/users/friend/gifts"));
      assert.match(await friend.locator("main").innerText(), /Two Lamps/);
      await go(friend, () => friend.getByRole("button", { name: "Refuse Gift: Two Lamps" }).click());
      assert.match(await friend.locator("main").innerText(), /You refused Two Lamps: your name is no longer on it\./);
      assert.doesNotMatch(await friend.locator("ol.work.index").count().then((n) => (n ? friend.locator("ol.work.index").innerText() : "")), /Two Lamps/);
      await check("refused gifts", friend, await friend.goto("/users/friend/gifts?refused=true"));
      await friend.goto(workPath);
      assert.equal(await friend.locator("ul.associations").innerText().then((text) => /For friend/.test(text)), false, "the friend's name left the work");

      // The related work's creator answers on their related-works page; the parent then lists it.
      const elderPage = await loggedIn(browser, server.baseUrl, "elder");
      await check("related works", elderPage, await elderPage.goto("/users/elder/related_works"));
      await go(elderPage, () => elderPage.getByRole("button", { name: "Approve: Two Lamps" }).click());
      await check("parent work page with works inspired by it", elderPage, await elderPage.goto(`/works/${parentId}`));
      assert.match(await elderPage.locator("#children").innerText(), /Works inspired by this one:\s*Two Lamps by keeper, moth/);

      const problems = await pageProblems(checked, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await checking.close();
      await server.close();
    }
  });
});

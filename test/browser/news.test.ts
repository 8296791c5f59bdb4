import assert from "node:assert/strict";
import { test } from "node:test";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { checkHtmlPages, htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * News in real Chromium with JavaScript off: a communications admin posts news and sets the
 * banner; a reader finds the news from the footer, reads it, comments and dismisses the banner; a
 * guest comments too. Then every news page (and a page with the banner) is checked with the Nu
 * HTML checker and axe-core, light and dark, in contexts holding the same cookies.
 */

const PASSWORD = "lamp oil and patience";

/** Clicks a control that submits a form or follows a link, and waits for the next page to load. */
async function go(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), click()]);
}

async function loggedIn(browser: Browser, baseUrl: string, login: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await go(page, () => page.getByRole("button", { name: "Log in" }).click());
  await page.close();
  return context;
}

interface Visited {
  name: string;
  page: Page;
  html: string;
}

test("a communications admin posts news and sets the banner; a reader and a guest read, comment and dismiss it (JavaScript off); every news page passes Nu and axe", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    for (const [login, roles] of [["herald", ["communications"]], ["reader", []]] as const) {
      const made = await createUser(testDb.db, { login, email: `${login}@example.com`, password: PASSWORD, roles: [...roles] });
      assert.ok(made.ok);
    }
    const server = await startServer(testDb);
    const contexts: BrowserContext[] = [];
    try {
      // The admin posts news through the form.
      const herald = await loggedIn(browser, server.baseUrl, "herald");
      contexts.push(herald);
      const admin = await herald.newPage();
      await admin.goto("/admin_posts");
      await go(admin, () => admin.getByRole("link", { name: "Post News" }).click());
      await admin.getByLabel("Title", { exact: true }).fill("Tag wrangling volunteers wanted");
      await admin.getByLabel("Text", { exact: true }).fill("We are looking for <em>wranglers</em>.\n\nApply by the end of the month.");
      await admin.getByLabel("Tags", { exact: true }).fill("Volunteering, Tags");
      await admin.getByLabel("Registered users and guests").check();
      await go(admin, () => admin.getByRole("button", { name: "Post", exact: true }).click());
      assert.match(await admin.locator("main").innerText(), /News post created\./);
      const postUrl = new URL(admin.url()).pathname;
      assert.match(postUrl, /^\/admin_posts\/\d+$/);

      // And the banner, from the news page.
      await admin.goto("/admin_posts");
      await go(admin, () => admin.getByRole("link", { name: "Banner", exact: true }).click());
      await admin.getByLabel("Banner text").fill("Tag wrangling volunteers wanted: <a href=\"/admin_posts\">read the news</a>.");
      await admin.getByLabel("Show the banner on every page").check();
      await go(admin, () => admin.getByRole("button", { name: "Save Banner" }).click());
      assert.match(await admin.locator("main").innerText(), /Banner saved\./);
      assert.match(await admin.locator("#admin-banner").innerText(), /Tag wrangling volunteers wanted/);

      // A reader sees the banner, finds the news from the footer, reads and comments.
      const readerContext = await loggedIn(browser, server.baseUrl, "reader");
      contexts.push(readerContext);
      const reader = await readerContext.newPage();
      await reader.goto("/works");
      assert.ok(await reader.locator("#admin-banner").isVisible(), "the banner shows");
      await go(reader, () => reader.locator("footer").getByRole("link", { name: "News" }).click());
      assert.equal(new URL(reader.url()).pathname, "/admin_posts");
      await go(reader, () => reader.getByRole("link", { name: "Tag wrangling volunteers wanted" }).click());
      assert.match(await reader.locator("main .userstuff").first().innerText(), /We are looking for wranglers\./);
      assert.match(await reader.locator("#comments").innerText(), /Comments on this post close on/);
      await reader.getByLabel("Comment", { exact: true }).fill("I would love to help with the fandom tags.");
      await go(reader, () => reader.getByRole("button", { name: "Comment", exact: true }).click());
      assert.match(await reader.locator("main").innerText(), /Comment created!/);
      assert.match(await reader.locator("#comments").innerText(), /reader[\s\S]*I would love to help with the fandom tags\./);

      // Then dismisses the banner: back on the same page, and it stays gone.
      await go(reader, () => reader.getByRole("button", { name: "Dismiss" }).click());
      assert.equal(new URL(reader.url()).pathname, postUrl);
      assert.equal(await reader.locator("#admin-banner").count(), 0);
      await reader.goto("/works");
      assert.equal(await reader.locator("#admin-banner").count(), 0, "dismissed for this reader");

      // A guest follows the tag, comments with a name and an email, and dismisses the banner too.
      const guestContext = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      contexts.push(guestContext);
      guestContext.setDefaultTimeout(10_000);
      const guest = await guestContext.newPage();
      await guest.goto(postUrl);
      await go(guest, () => guest.locator("main p.tags").getByRole("link", { name: "Volunteering" }).click());
      assert.match(await guest.locator("main h2").first().innerText(), /News tagged Volunteering/);
      await go(guest, () => guest.getByRole("link", { name: "Tag wrangling volunteers wanted" }).click());
      await guest.getByLabel("Name", { exact: true }).fill("Passing Wrangler");
      await guest.getByLabel("Email", { exact: true }).fill("passing@example.org");
      await guest.getByLabel("Comment", { exact: true }).fill("Count me in as well.");
      await go(guest, () => guest.getByRole("button", { name: "Comment", exact: true }).click());
      assert.match(await guest.locator("#comments").innerText(), /Passing Wrangler \(Guest\)[\s\S]*Count me in as well\./);
      await go(guest, () => guest.getByRole("button", { name: "Dismiss" }).click());
      assert.equal(await guest.locator("#admin-banner").count(), 0);

      // A post whose comments closed long ago says so.
      const old = await testDb.db
        .insertInto("admin_posts")
        .values({ title: "Last year's news", content: "<p>Old news.</p>", comment_permission: "all", created_by_user_id: null, created_at: "2020-01-01T00:00:00.000Z", updated_at: "2020-01-01T00:00:00.000Z" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await guest.goto(`/admin_posts/${old.id}`);
      assert.match(await guest.locator("#comments").innerText(), /Comments are closed/);
      assert.equal(await guest.getByLabel("Comment", { exact: true }).count(), 0);

      // The validators, in contexts with JavaScript on (axe runs in the page) and the same cookies.
      const checking = async (from: BrowserContext) => {
        const context = await browser.newContext({ baseURL: server.baseUrl, storageState: await from.storageState() });
        contexts.push(context);
        return context;
      };
      const [adminChecks, guestChecks, freshGuest] = await Promise.all([checking(herald), checking(guestContext), browser.newContext({ baseURL: server.baseUrl })]);
      contexts.push(freshGuest);
      // One page first, so the fresh guest holds its form-token cookie before the pages below load
      // at once (each first visit without it would be handed a new one, and only the last kept).
      await (await freshGuest.newPage()).goto("/admin_posts");
      const visit = async (name: string, page: Page, response: Response | null, status = 200): Promise<Visited> => {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        return { name, page, html: await response.text() };
      };
      const open = async (name: string, context: BrowserContext, path: string): Promise<Visited> => {
        const page = await context.newPage();
        return visit(name, page, await page.goto(path));
      };
      const refused = async (name: string, context: BrowserContext, path: string, fill: (page: Page) => Promise<void>, button: string): Promise<Visited> => {
        const page = await context.newPage();
        await page.goto(path);
        await fill(page);
        const [response] = await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), page.getByRole("button", { name: button, exact: true }).click()]);
        await page.waitForLoadState();
        return visit(name, page, response, 422);
      };
      const tag = await testDb.db.selectFrom("admin_post_tags").select("id").where("name", "=", "Volunteering").executeTakeFirstOrThrow();
      const comment = await testDb.db.selectFrom("admin_post_comments").select("id").orderBy("id").executeTakeFirstOrThrow();
      const postId = Number(postUrl.split("/").pop());
      const visited = await Promise.all([
        open("news, with the banner", freshGuest, "/admin_posts"),
        open("a post with comments and the guest's form, with the banner", freshGuest, postUrl),
        open("news tagged", guestChecks, `/admin_posts?tag=${tag.id}`),
        open("a post whose comments are closed", guestChecks, `/admin_posts/${old.id}`),
        open("news as an admin", adminChecks, "/admin_posts"),
        open("a post as an admin", adminChecks, postUrl),
        open("new post form", adminChecks, "/admin_posts/new"),
        open("edit post form", adminChecks, `/admin_posts/${postId}/edit`),
        open("delete post confirmation", adminChecks, `/admin_posts/${postId}/confirm_delete`),
        open("delete comment confirmation", adminChecks, `/admin_post_comments/${comment.id}/confirm_delete`),
        open("banner settings", adminChecks, "/admin/banner"),
        refused("new post form with errors", adminChecks, "/admin_posts/new", async (page) => page.getByLabel("Tags", { exact: true }).fill("Only tags"), "Post"),
        refused("banner settings with errors", adminChecks, "/admin/banner", async (page) => page.getByLabel("Banner text").fill(""), "Save Banner"),
        refused("a guest's comment with errors", freshGuest, postUrl, async (page) => page.getByLabel("Comment", { exact: true }).fill("No name given."), "Comment"),
      ]);
      assert.ok(visited[0]!.html.includes('id="admin-banner"'), "the banner is among the checked markup");
      // The Nu HTML checker once over every page; axe a few tabs at a time, so a busy machine
      // does not keep fourteen pages waiting on it at once.
      const markup = checkMarkup ? await checkHtmlPages(Object.fromEntries(visited.map((v) => [v.name, v.html]))) : {};
      const problems = Object.entries(markup).flatMap(([name, errors]) => errors.map((error) => `${name}: ${error}`));
      for (let i = 0; i < visited.length; i += 4) problems.push(...(await pageProblems(visited.slice(i, i + 4), { checkMarkup: false })));
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const context of contexts) await context.close();
      await server.close();
    }
  });
});

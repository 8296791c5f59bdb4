import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext } from "playwright-core";
import { Client } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * The pages readers' tools brought (test/fanficfare.test.ts): the log-out confirmation, the log-in
 * page a registered-only work sends a guest to, and a work page as a logged-in reader sees it (the
 * hidden bookmark form; comments on request, then shown). Nu HTML checker and axe-core, light and
 * dark, in real Chromium (axe needs JavaScript; the pages use none); the log-out works by keyboard.
 */
test("readers' tools pages pass the Nu HTML checker and axe-core; log-out by its link and button", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const contexts: BrowserContext[] = [];
    try {
      const { pseudId } = await makeCreator(testDb.db, "lampwright");
      const workId = await makeWork(testDb.db, pseudId, { title: "Harbour Lights", summary: "<p>Lights.</p>" });
      const locked = await makeWork(testDb.db, pseudId, { title: "Members Only", restricted: true });
      await makeCreator(testDb.db, "shellreader");
      await testDb.db.updateTable("works").set({ comment_permission: "all" }).execute();
      const client = new Client(server.app);
      await client.logIn("shellreader", "factory password");
      assert.equal((await client.post(`/works/${workId}/comments`, { "comment[comment_content]": "A lovely harbour." })).statusCode, 303);

      const reader = await browser.newContext({ baseURL: server.baseUrl });
      const guest = await browser.newContext({ baseURL: server.baseUrl });
      contexts.push(reader, guest);
      const login = await reader.newPage();
      await login.goto("/users/login");
      await login.getByLabel("User name", { exact: true }).fill("shellreader");
      await login.getByLabel("Password", { exact: true }).fill("factory password");
      await Promise.all([login.waitForURL((u) => u.pathname === "/"), login.getByRole("button", { name: "Log in" }).click()]);

      const visited: { name: string; page: import("playwright-core").Page; html: string }[] = [];
      const open = async (name: string, context: BrowserContext, path: string) => {
        const page = await context.newPage();
        const response = await page.goto(path);
        assert.equal(response?.status(), 200, name);
        visited.push({ name, page, html: await response!.text() });
        return page;
      };
      const restricted = await open("log-in page for a registered-only work", guest, `/works/${locked}`);
      assert.match(await restricted.locator("main").innerText(), /This work is only available to registered users of the Archive\./);
      const work = await open("work page (reader, comments hidden)", reader, `/works/${workId}`);
      assert.equal(await work.locator("#comments li.comment").count(), 0);
      assert.equal(await work.locator("#bookmark-form").isVisible(), false, "the bookmark form for tools is hidden");
      const shown = await open("work page (comments shown)", reader, `/works/${workId}?show_comments=true`);
      assert.equal(await shown.locator("#comments li.comment").count(), 1);
      await open("log-out confirmation", reader, "/users/logout");

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));

      // Log out as a keyboard user would: the header's link, then the confirmation's button.
      const page = visited.find((v) => v.name === "work page (reader, comments hidden)")!.page;
      await page.getByRole("link", { name: "Log out" }).focus();
      await Promise.all([page.waitForURL(/\/users\/logout$/), page.keyboard.press("Enter")]);
      await page.getByRole("button", { name: "Yes, log out" }).focus();
      await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.keyboard.press("Enter")]);
      assert.equal(await page.getByRole("link", { name: "Log in" }).count(), 1, "logged out");
    } finally {
      for (const context of contexts) await context.close();
      await server.close();
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { createBookmark } from "../../src/responses/commands.js";
import { createPseud } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * People search and bookmark search, with results, with none and with a syntax error, pass the Nu
 * HTML checker and axe-core in the light and the dark colour scheme; the forms work with
 * JavaScript off (plain GET forms).
 */
test("people and bookmark search pages pass the Nu HTML checker and axe-core, light and dark", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const noScript = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    try {
      const { db } = testDb;
      const writer = await makeCreator(db, "keeper");
      const pseud = await createPseud(db, writer.userId, "Lamp Keeper", "Writes about lighthouses.");
      assert.ok(pseud.ok);
      const workId = await makeWork(db, writer.pseudId, { title: "Salt Light", freeforms: ["Sea"], summary: "A storm." });
      const reader = await makeCreator(db, "reader");
      await createBookmark(db, reader.userId, workId, { notes: "<p>A quiet <em>tide</em> story.</p>", tags: ["comfort read"], private: false, rec: true });

      const pages: Record<string, string> = {
        "people search (empty form)": "/people/search",
        "people search (results)": "/people/search?people_search%5Bname%5D=keep",
        "people search (none found)": "/people/search?people_search%5Bname%5D=nobody",
        "bookmark search (empty form)": "/bookmarks/search",
        "bookmark search (results)": "/bookmarks/search?bookmark_search%5Bother_tag_names%5D=Sea&bookmark_search%5Brec%5D=1",
        "bookmark search (none found)": "/bookmarks/search?bookmark_search%5Bbookmarker%5D=nobody",
        "bookmark search (syntax error)": "/bookmarks/search?bookmark_search%5Bbookmark_notes%5D=%22quiet",
      };
      const visited = [];
      for (const [name, path] of Object.entries(pages)) {
        const page = await context.newPage();
        const response = await page.goto(path);
        assert.ok(response, name);
        assert.equal(response.status(), name.includes("syntax error") ? 400 : 200, `${name}: status`);
        visited.push({ name, page, html: await response.text() });
      }
      const byName = new Map(visited.map((v) => [v.name, v.page]));
      assert.equal(await byName.get("people search (results)")!.locator("li.pseud.blurb").count(), 2);
      assert.equal(await byName.get("bookmark search (results)")!.locator("li.work.blurb").count(), 1);

      // Without JavaScript: type into the forms and submit them.
      const plain = await noScript.newPage();
      await plain.goto("/people/search");
      await plain.getByLabel("Name").fill("lamp");
      await plain.getByRole("button", { name: "Search People" }).click();
      await plain.waitForURL(/people_search/);
      assert.equal(await plain.locator("li.pseud.blurb").count(), 1);
      await plain.goto("/works/search");
      await plain.getByRole("navigation", { name: "Search" }).getByRole("link", { name: "Bookmarks" }).click();
      await plain.getByLabel("Bookmarker", { exact: true }).fill("reader");
      await plain.getByRole("button", { name: "Search Bookmarks" }).click();
      await plain.waitForURL(/bookmark_search/);
      assert.equal(await plain.locator("li.work.blurb").count(), 1);

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await context.close();
      await noScript.close();
      await server.close();
    }
  });
});

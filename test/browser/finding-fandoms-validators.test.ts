import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page, Response } from "playwright-core";
import { runRefilterNow } from "../../src/tags/refilter.js";
import { wrangle } from "../../src/tags/wrangling.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * The pages for finding fandoms and tags (`/media`, a medium's fandoms, `/fandoms`, the `/tags`
 * cloud, a user's pseuds, and the 404 that offers search), as served, pass the Nu HTML checker
 * with no errors and axe-core with no violations, in real Chromium with the real stylesheet, in
 * the light and the dark colour scheme.
 */

interface Visited {
  name: string;
  page: Page;
  html: string;
}

test("finding-fandoms pages pass the Nu HTML checker and axe-core, light and dark", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const guest = await browser.newContext({ baseURL: server.baseUrl });
    try {
      // Fandoms in every state: canonical in a medium, un-wrangled, with names that need escaping.
      const wrangled = await wrangle(testDb.db, null, [
        { action: "create", name: "The Harbour", type: "Fandom", canonical: true },
        { action: "create", name: "Mira", type: "Character", canonical: true },
        { action: "parent", tag: "The Harbour", parent: "TV Shows" },
      ]);
      assert.ok(wrangled.ok);
      if (wrangled.jobId !== null) await runRefilterNow(testDb.db, wrangled.jobId);
      const { pseudId } = await makeCreator(testDb.db, "teller");
      await makeWork(testDb.db, pseudId, { title: "One", fandoms: ["The Harbour"], characters: ["Mira"] });
      await makeWork(testDb.db, pseudId, { title: "Two", fandoms: ["The Harbour", "Salt & Light"], characters: ["Mira"] });
      await makeWork(testDb.db, pseudId, { title: "Three", fandoms: ["Écume", "1999 Radio"], freeforms: ["Fluff"] });

      const visited: Visited[] = [];
      const visit = async (name: string, path: string, status = 200) => {
        const page = await guest.newPage();
        const response: Response | null = await page.goto(path);
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        visited.push({ name, page, html: await response.text() });
        return page;
      };
      const media = await visit("media", "/media");
      const tv = await visit("medium fandoms", "/media/TV%20Shows/fandoms");
      const uncategorized = await visit("uncategorized fandoms", "/media/Uncategorized%20Fandoms/fandoms");
      await visit("all fandoms", "/fandoms");
      const cloud = await visit("tag cloud", "/tags");
      await visit("pseuds", "/users/teller/pseuds");
      const missing = await visit("unknown medium (404 with search)", "/media/Radio%20Plays/fandoms", 404);
      await visit("unknown tag (404 with search)", "/tags/No%20Such%20Fandom/works", 404);

      // The pages hold what they should (so a passing check means something).
      assert.equal(await media.locator("li.medium").count(), 11);
      assert.match(await tv.locator("main").innerText(), /The Harbour \(2 works\)/);
      assert.match(await uncategorized.locator("main").innerText(), /Salt & Light \(1 work\)/);
      assert.equal(await cloud.locator("ul.tags.cloud li").count(), 2);
      assert.equal(await missing.getByRole("searchbox", { name: "Search works" }).last().inputValue(), "Radio Plays");
      // Keyboard and no JavaScript needed: the letter links are plain in-page links.
      await uncategorized.locator("nav ol.alphabet a").first().click();
      assert.match(uncategorized.url(), /#letter-/);

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await guest.close();
      await server.close();
    }
  });
});

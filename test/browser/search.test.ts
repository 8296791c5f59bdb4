import assert from "node:assert/strict";
import { test } from "node:test";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { addChapter } from "../../src/works/commands.js";

test("a reader searches for a phrase from one chapter's body and lands on that chapter", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const { pseudId } = await makeCreator(testDb.db, "tidekeeper");
    const workId = await makeWork(testDb.db, pseudId, { title: "Two Lights", fandoms: ["Sea Tales"] });
    await makeWork(testDb.db, pseudId, { title: "A Decoy About Lighthouses", fandoms: ["Sea Tales"] });
    const chapter = (content: string) => ({ title: "", summary: "", notes: "", endnotes: "", content });
    await addChapter(testDb.db, workId, chapter("<p>Nothing to see in this one.</p>"));
    const thirdId = await addChapter(testDb.db, workId, chapter("<p>At dawn the <em>brass telescope</em> fogged over again.</p>"));
    const server = await startServer(testDb);
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await page.goto("/works");
      await page.getByRole("searchbox", { name: "Search works" }).fill('"brass telescope fogged"');
      await page.getByRole("button", { name: "Search works" }).click();
      await page.waitForURL(/\/works\/search\?/);
      const results = page.locator("ol.work.index > li");
      assert.equal(await results.count(), 1, "only the work with the phrase");
      assert.match(await results.first().innerText(), /Found in Chapter 3/);
      assert.equal(await page.locator("li.blurb mark").count(), 3, "the three words are marked");
      await page.getByRole("link", { name: "Chapter 3" }).click();
      await page.waitForURL(new RegExp(`/works/${workId}/chapters/${thirdId}$`));
      assert.match(await page.locator("#chapters").innerText(), /At dawn the brass telescope fogged over again\./);
    } finally {
      await context.close();
      await server.close();
    }
  });
});

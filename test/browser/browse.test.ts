import assert from "node:assert/strict";
import { test } from "node:test";
import { BrowseIndex, defaultListingQuery } from "../../src/listing/index.js";
import { appendChanges } from "../../src/platform/changes.js";
import { findTagByName } from "../../src/model/tags.js";
import { runRefilterNow } from "../../src/tags/refilter.js";
import { wrangle } from "../../src/tags/wrangling.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";

test("a reader filters a fandom's works from the sidebar and sees what the index says", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { pseudId } = await makeCreator(db, "lampwright");
    const works: [title: string, characters: string[], freeforms: string[], kudos: number][] = [
      ["Harbour Lights", ["Ilse", "Oren"], ["Fluff"], 40],
      ["Salt and Iron", ["Ilse"], ["Angst"], 90],
      ["The Long Watch", ["Ilse"], ["Fluff"], 15],
      ["Low Tide", ["Oren"], ["Fluff"], 70],
      ["Foghorn", ["Ilse"], [], 55],
      ["Elsewhere", ["Ilse"], ["Fluff"], 99],
    ];
    const ids: number[] = [];
    for (const [title, characters, freeforms] of works) {
      ids.push(await makeWork(db, pseudId, { title, fandoms: title === "Elsewhere" ? ["Other Shore"] : ["Lighthouse Keepers"], characters, freeforms }));
    }
    // Kudos counts as the responses capability will keep them, announced on the change feed.
    for (const [i, [, , , kudos]] of works.entries()) await db.updateTable("works").set({ kudos_count: kudos }).where("id", "=", ids[i]!).execute();
    await appendChanges(db, ids, "work");
    const wrangled = await wrangle(db, null, ["Lighthouse Keepers", "Other Shore", "Ilse", "Oren", "Fluff", "Angst"].map((tag) => ({ action: "canonical" as const, tag, value: true })));
    assert.ok(wrangled.ok);
    if (wrangled.jobId !== null) await runRefilterNow(db, wrangled.jobId);

    const server = await startServer(testDb);
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await page.goto("/tags/Lighthouse%20Keepers/works");
      const heading = page.locator("h2.heading").first();
      assert.match(await heading.innerText(), /^1 - 5 of 5 Works in Lighthouse Keepers/);

      // Exclude "Angst" from the facet list.
      await page.locator("details", { hasText: "Exclude Additional Tags" }).locator("summary").click();
      await page.getByRole("group", { name: "Exclude Additional Tags" }).getByLabel("Angst (1)").check();
      await page.getByRole("button", { name: "Sort and Filter" }).first().click();
      await page.waitForURL(/exclude_work_search/);
      assert.match(await heading.innerText(), /of 4 Works/);

      // Include the character from the facet list (its count is among the remaining works), sort by kudos.
      await page.locator("details", { hasText: "Include Characters" }).locator("summary").click();
      await page.getByRole("group", { name: "Include Characters" }).getByLabel("Ilse (3)").check();
      await page.getByLabel("Sort by").selectOption({ label: "Kudos" });
      await page.getByRole("button", { name: "Sort and Filter" }).first().click();
      await page.waitForURL(/include_work_search/);

      // What the index says for the same question.
      const fandom = (await findTagByName(db, "Lighthouse Keepers"))!.id;
      const ilse = (await findTagByName(db, "Ilse"))!.id;
      const angst = (await findTagByName(db, "Angst"))!.id;
      const index = await BrowseIndex.build(db);
      const expected = index.index.query({ ...defaultListingQuery(false, { kind: "filter", tagId: fandom }), includeTagIds: [ilse], excludeTagIds: [angst], sort: "kudos_count" });
      assert.equal(expected.total, 3);
      assert.match(await heading.innerText(), new RegExp(`^1 - ${expected.total} of ${expected.total} Works`));
      const listed = await page.locator("ol.work.index > li h4.heading a:first-child").allInnerTexts();
      const byId = new Map(ids.map((id, i) => [id, works[i]![0]]));
      assert.deepEqual(listed, expected.workIds.map((id) => byId.get(id)));
      assert.deepEqual(listed, ["Foghorn", "Harbour Lights", "The Long Watch"], "by kudos, most first");
      // The sidebar's counts are the index's facets.
      const fluffId = (await findTagByName(db, "Fluff"))!.id;
      const fluff = expected.facets.Freeform!.find((f) => f.tagId === fluffId)!;
      assert.equal(await page.locator("#field-include_work_search-freeform_ids label").filter({ hasText: `Fluff (${fluff.count})` }).count(), 1);
      assert.ok(await page.getByRole("group", { name: "Exclude Additional Tags" }).getByLabel("Angst (0)").isChecked(), "the excluded tag stays, ticked, with 0");

      // With JavaScript, "Other tags to include" suggests tag names as they are typed.
      const scripted = await browser.newContext({ baseURL: server.baseUrl });
      try {
        const withScript = await scripted.newPage();
        await withScript.goto("/works");
        await withScript.getByLabel("Other tags to include").pressSequentially("Fluff, Lighth");
        await withScript.waitForFunction(() => [...document.querySelectorAll("datalist option")].some((o) => (o as HTMLOptionElement).value === "Fluff, Lighthouse Keepers"));
      } finally {
        await scripted.close();
      }
    } finally {
      await context.close();
      await server.close();
    }
  });
});

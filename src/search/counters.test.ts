import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { GUEST } from "../platform/http/viewer.js";
import { BrowseIndex } from "../listing/index.js";
import { searchWorks } from "./listing.js";
import { parseSearchQuery } from "./query-language.js";

// Count ranges and sorts in the query language read the counters kept on each work (kudos,
// hits, comments, bookmarks), as the listings' sidebar does.
test("kudos, hits, comments and bookmarks ranges and sorts use the works' counters", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "keeper");
    const counts: [string, number, number][] = [
      ["Tide Charts", 3, 40],
      ["Tide Pools", 12, 5],
      ["Tide Lines", 7, 900],
    ];
    for (const [title, kudos, hits] of counts) {
      const id = await makeWork(db, pseudId, { title });
      await db.updateTable("works").set({ kudos_count: kudos, hits_count: hits }).where("id", "=", id).execute();
    }
    const titles = async (text: string) => {
      const parsed = parseSearchQuery(text);
      assert.ok(parsed.ok, text);
      return (await searchWorks(db, GUEST, parsed.query, 1, await BrowseIndex.build(db))).blurbs.map((b) => b.work.title);
    };
    assert.deepEqual((await titles("tide kudos>5")).sort(), ["Tide Lines", "Tide Pools"]);
    assert.deepEqual(await titles("tide sort:kudos"), ["Tide Pools", "Tide Lines", "Tide Charts"]);
    assert.deepEqual(await titles("tide sort:<hits"), ["Tide Lines", "Tide Charts", "Tide Pools"]);
    assert.deepEqual(await titles("tide hits:10-100"), ["Tide Charts"]);
  });
});

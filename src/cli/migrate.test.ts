import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { BrowseIndex } from "../listing/index.js";
import { dialectOf } from "../platform/db/index.js";
import { GUEST } from "../platform/http/viewer.js";
import { parseSearchQuery } from "../search/query-language.js";
import { searchWorks } from "../search/listing.js";
import { afterMigrations } from "./main.js";

// An archive upgraded past a search migration has its works in the new search tables at once:
// `fanfold migrate` and `fanfold serve --migrate` rebuild the index after such a migration.
test("after migration 0007 an existing archive's works are found again", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "keeper");
    await makeWork(db, pseudId, { title: "Lanterns Over Water" });
    const search = async () => {
      const parsed = parseSearchQuery("lanterns");
      assert.ok(parsed.ok);
      return (await searchWorks(db, GUEST, parsed.query, 1, await BrowseIndex.build(db))).total;
    };
    assert.equal(await search(), 1);
    // What an archive from before 0007 looks like right after migrating: an empty search_docs.
    if (dialectOf(db) === "sqlite") {
      await sql`delete from search_docs`.execute(db);
      assert.equal(await search(), 0, "the upgraded archive's index starts empty");
    }
    await afterMigrations(db, ["0007_search_prefix"]);
    assert.equal(await search(), 1);
  });
});

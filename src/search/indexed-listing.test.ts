import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { relate } from "../blocking/commands.js";
import { BrowseIndex } from "../listing/index.js";
import type { Db } from "../platform/db/index.js";
import { GUEST, type Viewer } from "../platform/http/viewer.js";
import { Random } from "../cli/random.js";
import { PER_PAGE } from "../model/works.js";
import type { BestMatchTuning } from "./best-match.js";
import { searchThroughIndex } from "./indexed-listing.js";
import { searchWithSql } from "../oracles/search-sql.js";
import { searchWorks } from "./listing.js";
import { parseSearchQuery } from "./query-language.js";
import { compileHints } from "./query.js";
import { reindexAll } from "./reindex.js";

const WORDS = ["amber", "birch", "cinder", "dusk", "ember", "fjord", "glade", "harbor", "ivy", "juniper"];
const NOW = new Date("2026-06-15T12:00:00.000Z");

/**
 * Enough works for three pages, with many ties (equal kudos, equal dates, the same words) so the
 * tie-breaks decide, and every filter the query language has: registered-only works, several
 * languages, ratings, crossovers, complete and in-progress, counters.
 */
async function seed(db: Db): Promise<{ member: Viewer; mutedCreator: number }> {
  const rng = new Random({ a: 1, b: 2, c: 7, d: 1 }, 16);
  const creators = [await makeCreator(db, "first"), await makeCreator(db, "second"), await makeCreator(db, "third")];
  const pick = <T,>(xs: readonly T[]) => xs[rng.int(xs.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const ratings = ["General Audiences", "Teen And Up Audiences", "Mature"];
  for (let i = 0; i < 56; i++) {
    const creator = creators[i % 3]!;
    const workId = await makeWork(db, creator.pseudId, {
      title: `${sentence(1 + rng.int(2))} ${i}`,
      rating: pick(ratings),
      fandoms: rng.int(5) === 0 ? ["Myths", "Sea Tales"] : [pick(["Myths", "Sea Tales"])],
      language: pick(["en", "en", "ru", "EN-GB"]),
      summary: sentence(rng.int(6)),
      notes: rng.int(3) === 0 ? sentence(3) : "",
      restricted: rng.int(6) === 0,
      expectedChapters: rng.int(2) === 0 ? 1 : null,
      chapters: Array.from({ length: 1 + rng.int(3) }, () => `<p>${sentence(2 + rng.int(40))}</p>`),
      draft: rng.int(15) === 0,
    });
    // Now and then an unposted last chapter, which no chapter count includes.
    if (rng.int(4) === 0) {
      const last = await db.selectFrom("chapters").select(["id", "position"]).where("work_id", "=", workId).orderBy("position", "desc").executeTakeFirstOrThrow();
      if (last.position > 1) await db.updateTable("chapters").set({ posted: 0 }).where("id", "=", last.id).execute();
    }
    // Counters and dates with ties, written directly (the index is built afterwards).
    const day = String(1 + rng.int(3)).padStart(2, "0");
    await db
      .updateTable("works")
      .set({ kudos_count: rng.int(4), hits_count: rng.int(100), revised_at: `2026-06-${day}T10:00:00.000Z`, published_on: `2026-05-${day}` })
      .where("id", "=", workId)
      .execute();
  }
  await sql`delete from change_feed`.execute(db);
  await reindexAll(db);
  const member = await makeCreator(db, "reader");
  await relate(db, "mute", member.userId, creators[2]!.userId);
  return { member: { user: { id: member.userId, login: "reader", roles: [] }, sessionId: null }, mutedCreator: creators[2]!.userId };
}

test("search through the browse index finds what the SQL search finds, in the same order", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { member } = await seed(db);
    const browse = await BrowseIndex.build(db);
    const queries = [
      "amber",
      "amber birch",
      "amber -birch",
      "amber OR dusk",
      "-amber",
      "amber OR -birch",
      '"amber birch"',
      "amb*",
      "title:cinder",
      "summary:ember dusk",
      "tags:Myths",
      "fandom:myths",
      "fandoms:(sea OR myths) -fandom:tales",
      "character:amber OR freeform:birch",
      "myths amber",
      "zzzz",
      "",
      "words>20",
      "words:5-15 amber",
      "kudos>1",
      "kudos:1-2 birch",
      "hits<50",
      "updated<14 days",
      "updated>14 days amber",
      "complete:true",
      "complete:false amber",
      "crossover:true",
      "crossover:false ivy",
      "language:en",
      "language:EN-gb",
      "rating:teen",
      "rating:mature amber",
      "sort:kudos",
      "amber sort:<kudos",
      "sort:words",
      "sort:>hits",
      "sort:title",
      "birch sort:<title",
      "sort:creator",
      "sort:updated",
      "sort:posted",
      "amber sort:>posted",
      "chapters:1 amber",
      "chapters:2-3",
      "chapters<3 birch",
      "chapters>1",
      "single_chapter:true",
      "single_chapter:false amber",
      "single_chapter:false chapters:1",
    ];
    let throughIndex = 0;
    // Best match: scoring the matches alone, ranking in the database with an early stop, and
    // (asking one at a time) the retries up to all of them.
    const tunings: BestMatchTuning[] = [{}, { scoreEachBelow: 0 }, { scoreEachBelow: 0, firstAsk: () => 1 }];
    for (const text of queries) {
      for (const tuning of tunings) {
        const parsed = parseSearchQuery(text || "sort:updated", { now: NOW });
        assert.ok(parsed.ok, text);
        for (const viewer of [GUEST, member]) {
          for (const page of [1, 2, 3, 4]) {
            const hints = await compileHints(db, parsed.query.text);
            const viaIndex = await searchThroughIndex(db, await browse.current(), viewer, parsed.query, page, PER_PAGE, hints, tuning);
            assert.ok(viaIndex, `${text}: the index answers it`);
            const viaSql = await searchWithSql(db, viewer, parsed.query, page, hints);
            const who = viewer.user ? "member" : "guest";
            assert.equal(viaIndex.total, viaSql.total, `${text} (${who}): total`);
            assert.deepEqual(viaIndex.workIds, viaSql.ids, `${text} (${who}): page ${page}`);
            if (viaSql.ids.length) throughIndex++;
          }
        }
      }
    }
    assert.ok(throughIndex > queries.length * 6, "the pages compared are not all empty");

    // searchWorks answers through the index; the posted date (sort:posted) is in it too.
    for (const text of ["amber", "sort:posted", "amber sort:<posted"]) {
      const parsed = parseSearchQuery(text, { now: NOW });
      assert.ok(parsed.ok);
      const hints = await compileHints(db, parsed.query.text);
      const expected = await searchWithSql(db, member, parsed.query, 1, hints);
      const got = await searchWorks(db, member, parsed.query, 1, browse);
      assert.equal(got.total, expected.total, text);
      assert.deepEqual(got.blurbs.map((b) => b.work.id), expected.ids, text);
    }
    await browse.stop();
  });
});

test("a work made registered-only behind the browse index's back is still not shown to a guest", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "writer");
    const open = await makeWork(db, pseudId, { title: "Open Lantern" });
    const closing = await makeWork(db, pseudId, { title: "Closing Lantern" });
    const browse = await BrowseIndex.build(db);
    // Made registered-only behind the index's back: no change-feed row, as if the feed could not be read.
    await db.updateTable("works").set({ restricted: 1 }).where("id", "=", closing).execute();
    const parsed = parseSearchQuery("lantern");
    assert.ok(parsed.ok);
    const page = await searchWorks(db, GUEST, parsed.query, 1, browse);
    assert.deepEqual(page.blurbs.map((b) => b.work.id), [open]);
    await browse.stop();
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { sql } from "kysely";
import { type Db, dialectOf } from "../platform/db/index.js";
import { computeFilterSets } from "../tags/filters.js";
import { creatorsSortKey, titleSortKey } from "../model/sort-keys.js";
import { eachDialect, openTestDb } from "../../test/support/db.js";
import { benchGenerate, GenerateError, generateArchive, type GenerateSummary, summaryLine } from "./bench-generate.js";

const WORKS = 2_000;

/** A digest of what was written, read back from the database (the same on both dialects). */
async function archiveDigest(db: Db): Promise<string> {
  const hash = createHash("sha256");
  const add = (rows: unknown[]) => hash.update(JSON.stringify(rows));
  add(
    await db
      .selectFrom("works")
      .select(["id", "title", "summary", "language", "word_count", "expected_chapters", "complete", "posted", "restricted", "comment_permission", "published_on", "revised_at", "crossover"])
      .select(["kudos_count", "hits_count", "comments_count", "bookmarks_count", "title_sort", "creators_sort", "created_at", "updated_at"])
      .orderBy("id")
      .execute(),
  );
  add(await db.selectFrom("tags").select(["id", "name", "name_key", "type", "canonical", "merger_id", "unwrangleable"]).orderBy("id").execute());
  add(await db.selectFrom("work_tags").select(["work_id", "tag_id", "position"]).orderBy("work_id").orderBy("tag_id").execute());
  add(await db.selectFrom("work_filters").select(["work_id", "tag_id", "inherited"]).orderBy("work_id").orderBy("tag_id").execute());
  add(await db.selectFrom("work_creators").select(["work_id", "pseud_id", "position"]).orderBy("work_id").orderBy("pseud_id").execute());
  add(await db.selectFrom("tag_meta").select(["sub_id", "meta_id"]).orderBy("sub_id").orderBy("meta_id").execute());
  add(await db.selectFrom("tag_parents").select(["child_id", "parent_id"]).orderBy("child_id").orderBy("parent_id").execute());
  add(await db.selectFrom("pseuds").select(["id", "user_id", "name", "is_default"]).orderBy("id").execute());
  add(await db.selectFrom("chapters").select(["id", "work_id", "position", "word_count", "posted", "published_on"]).orderBy("id").execute());
  return hash.digest("hex").slice(0, 16);
}

/** Every index of the database with its definition: the load drops and re-creates them. */
async function indexDefinitions(db: Db): Promise<string[]> {
  if (dialectOf(db) === "sqlite") {
    const rows = await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_schema where type = 'index' order by name`.execute(db);
    return rows.rows.map((r) => `${r.name}: ${r.sql ?? "(automatic)"}`);
  }
  const rows = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`.execute(db);
  return rows.rows.map((r) => `${r.indexname}: ${r.indexdef}`);
}

async function share(db: Db, where: ReturnType<typeof sql>): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from works where ${where}`.execute(db);
  return (100 * Number(row.rows[0]!.n)) / WORKS;
}

async function tagShare(db: Db, type: string, name: string): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from work_tags join tags on tags.id = work_tags.tag_id where tags.type = ${type} and tags.name = ${name}`.execute(db);
  return (100 * Number(row.rows[0]!.n)) / WORKS;
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual.toFixed(2)} % is not within ${tolerance} of ${expected} %`);

const digests = new Map<string, { checksum: string; digest: string }>();

test("bench generate: an AO3-shaped archive, deterministic for a seed, with filter sets exactly as src/tags/filters.ts computes them", async (t) => {
  await eachDialect(t, async (_t, { db, url, dialect }) => {
    const indexesBefore = await indexDefinitions(db);
    const summary = await generateArchive(url, { works: WORKS, seed: 1 });
    assert.equal(summary.works, WORKS);
    assert.equal(summary.dialect, dialect);
    assert.equal(summary.interrupted, false);
    assert.match(summaryLine(summary), /^generated 2,000 works .* checksum [0-9a-f]{16}$/);

    // The indexes the load dropped are back, exactly as the migrations made them.
    assert.deepEqual(await indexDefinitions(db), indexesBefore);

    // Counts agree with the summary.
    const count = async (table: "works" | "chapters" | "work_tags" | "work_filters") => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    assert.equal(await count("works"), WORKS);
    assert.equal(await count("chapters"), WORKS);
    assert.equal(await count("work_tags"), summary.workTags);
    assert.equal(await count("work_filters"), summary.workFilters);

    // Shares, roughly (2,000 works: a share's standard error is at most ~1.1 points).
    near(await tagShare(db, "Rating", "General Audiences"), 27.8, 4, "General Audiences");
    near(await tagShare(db, "Rating", "Teen And Up Audiences"), 29.9, 4, "Teen And Up Audiences");
    near(await tagShare(db, "Rating", "Explicit"), 16.3, 4, "Explicit");
    near(await tagShare(db, "ArchiveWarning", "No Archive Warnings Apply"), 54, 4, "No Archive Warnings Apply");
    near(await tagShare(db, "ArchiveWarning", "Creator Chose Not To Use Archive Warnings"), 34, 4, "Creator Chose Not To Use Archive Warnings");
    near(await tagShare(db, "Category", "M/M"), 49, 4, "M/M");
    near(await share(db, sql`language = 'en'`), 90.6, 3, "English");
    near(await share(db, sql`complete = 1`), 84, 3.5, "complete");
    near(await share(db, sql`restricted = 1`), 13, 3, "restricted");
    near(await share(db, sql`crossover = 1`), 14, 4, "crossovers");
    const drafts = await share(db, sql`posted = 0`);
    assert.ok(drafts > 0 && drafts < 3, `drafts: ${drafts} %`);
    assert.equal(await share(db, sql`posted = 0 and (kudos_count > 0 or hits_count > 0)`), 0, "drafts have no kudos or hits");
    const perWork = summary.workTags / WORKS;
    assert.ok(perWork > 16 && perWork < 21, `tags per work: ${perWork}`);
    const nonCanonical = (100 * summary.nonCanonicalUses) / summary.workTags;
    assert.ok(nonCanonical > 6 && nonCanonical < 12, `non-canonical uses: ${nonCanonical} %`);
    const median = await sql<{ k: number }>`select kudos_count as k from works where posted = 1 order by kudos_count limit 1 offset ${Math.floor((WORKS * 0.99) / 2)}`.execute(db);
    assert.ok(median.rows[0]!.k >= 30 && median.rows[0]!.k <= 65, `median kudos: ${median.rows[0]!.k}`);

    // Filter sets and crossover: exactly what src/tags/filters.ts computes from the tags and the graph.
    const works = await db.selectFrom("works").select(["id", "crossover"]).orderBy("id").execute();
    const wanted = await computeFilterSets(db, works.map((w) => w.id));
    const stored = new Map<number, Map<number, boolean>>(works.map((w) => [w.id, new Map()]));
    for (const row of await db.selectFrom("work_filters").select(["work_id", "tag_id", "inherited"]).execute()) stored.get(row.work_id)!.set(row.tag_id, row.inherited === 1);
    for (const work of works) {
      const want = wanted.get(work.id)!;
      assert.deepEqual([...stored.get(work.id)!].sort((a, b) => a[0] - b[0]), [...want.filters].sort((a, b) => a[0] - b[0]), `filters of work ${work.id}`);
      assert.equal(work.crossover, want.crossover ? 1 : 0, `crossover of work ${work.id}`);
    }

    // Synonyms, unwrangled tags, metatags over several levels, inherited filters, Media parents.
    const synonym = await db.selectFrom("tags").select(["name", "merger_id"]).where("merger_id", "is not", null).where("type", "=", "Fandom").limit(1).executeTakeFirst();
    assert.ok(synonym, "a fandom synonym exists");
    const usedSynonyms = await sql<{ n: number }>`select count(*) as n from work_tags join tags on tags.id = work_tags.tag_id where tags.merger_id is not null`.execute(db);
    assert.ok(Number(usedSynonyms.rows[0]!.n) > 100, "works are tagged with synonyms");
    const unwrangled = await sql<{ n: number }>`select count(*) as n from work_tags join tags on tags.id = work_tags.tag_id where tags.canonical = 0 and tags.merger_id is null`.execute(db);
    assert.ok(Number(unwrangled.rows[0]!.n) > 500, "works are tagged with unwrangled tags");
    const threeLevels = await sql<{ name: string }>`select t.name from tag_meta a join tag_meta b on b.sub_id = a.meta_id join tags t on t.id = a.sub_id where t.type = 'Fandom' limit 1`.execute(db);
    assert.equal(threeLevels.rows.length, 1, "a fandom has a metatag with a metatag of its own");
    const coffee = await db.selectFrom("tags").select("id").where("name", "=", "Alternate Universe - Coffee Shops & Cafés").executeTakeFirstOrThrow();
    const au = await db.selectFrom("tags").select("id").where("name", "=", "Alternate Universe").executeTakeFirstOrThrow();
    const inheritedAu = await db.selectFrom("work_filters").select("work_id").where("tag_id", "=", au.id).where("inherited", "=", 1).execute();
    assert.ok(inheritedAu.length > 10, "works are found under Alternate Universe through its subtags");
    const viaCoffee = await db.selectFrom("work_tags").select("work_id").where("tag_id", "=", coffee.id).execute();
    const auFilters = new Set((await db.selectFrom("work_filters").select("work_id").where("tag_id", "=", au.id).execute()).map((r) => r.work_id));
    for (const { work_id } of viaCoffee) assert.ok(auFilters.has(work_id), `work ${work_id} is filtered under Alternate Universe (two levels up)`);
    const orphanFandoms = await sql<{ n: number }>`select count(*) as n from tags where type = 'Fandom' and canonical = 1 and name <> 'No Fandom' and id not in (select child_id from tag_parents)`.execute(db);
    assert.equal(Number(orphanFandoms.rows[0]!.n), 0, "every canonical fandom has a Media parent");

    // Sort keys as the work commands compute them.
    const sample = await db.selectFrom("works").select(["id", "title", "title_sort", "creators_sort"]).where("id", "in", [1, 2, 3, 500, 1999]).execute();
    for (const work of sample) {
      assert.equal(work.title_sort, titleSortKey(work.title));
      const names = await db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.name").where("work_id", "=", work.id).orderBy("position").execute();
      assert.equal(work.creators_sort, creatorsSortKey(names.map((n) => n.name)));
    }

    // The archive still works as an archive: new rows get fresh ids (sequences moved past the load).
    const tag = await db.insertInto("tags").values({ name: "Added Afterwards", name_key: "added afterwards", type: "Freeform", canonical: 0, created_at: "2026-01-02T00:00:00.000Z" }).returning("id").executeTakeFirstOrThrow();
    assert.ok(tag.id > summary.tags.canonical + summary.tags.synonyms + summary.tags.unwrangled);
    await db.deleteFrom("tags").where("id", "=", tag.id).execute();

    // A second run refuses: the archive is no longer empty.
    await assert.rejects(generateArchive(url, { works: 10, seed: 1 }), GenerateError);

    digests.set(dialect, { checksum: summary.checksum, digest: await archiveDigest(db) });

    // Deterministic: the same seed again gives the same archive; another seed another one.
    const again = await openTestDb(dialect);
    const other = await openTestDb(dialect);
    try {
      const repeat: GenerateSummary = await generateArchive(again!.url, { works: WORKS, seed: 1 });
      assert.equal(repeat.checksum, summary.checksum);
      assert.equal(await archiveDigest(again!.db), digests.get(dialect)!.digest);
      const different = await generateArchive(other!.url, { works: WORKS, seed: 2 });
      assert.notEqual(different.checksum, summary.checksum);
      assert.notEqual(await archiveDigest(other!.db), digests.get(dialect)!.digest);
    } finally {
      await again?.close();
      await other?.close();
    }
  });
  // The same seed gives the same archive on both databases.
  const sqlite = digests.get("sqlite");
  const postgres = digests.get("postgres");
  if (sqlite && postgres) assert.deepEqual(postgres, sqlite);
});

test("fanfold bench generate: prints one summary line, refuses a non-empty archive and bad arguments", async (t) => {
  const test = await openTestDb("sqlite", t);
  const logged: string[] = [];
  const errors: string[] = [];
  t.mock.method(console, "log", (line: string) => logged.push(line));
  t.mock.method(console, "error", (line: string) => errors.push(line));
  t.mock.method(process.stderr, "write", () => true);
  try {
    assert.equal(await benchGenerate(["--works", "300", "--seed", "7", "--database", test!.url, "--json"]), 0);
    assert.match(logged[0]!, /^generated 300 works \(sqlite, seed 7;/);
    const json = JSON.parse(logged[1]!) as GenerateSummary;
    assert.equal(json.works, 300);
    assert.equal(await benchGenerate(["--works", "300", "--database", test!.url]), 1);
    assert.match(errors.at(-1)!, /already holds works/);
    assert.equal(await benchGenerate(["--works", "lots", "--database", test!.url]), 1);
    assert.match(errors.at(-1)!, /--works must be a whole number/);
    assert.equal(await benchGenerate(["--database", test!.url]), 1);
    assert.match(errors.at(-1)!, /--works N is required/);
    const marker = await test!.db.selectFrom("settings").select("value").where("key", "=", "bench_generate").executeTakeFirstOrThrow();
    assert.equal(JSON.parse(marker.value).seed, 7);
  } finally {
    await test!.close();
  }
});

/**
 * `fanfold bench browse [--json] [--database URL] [--runs N] [--sql-runs N]`: times a fixed mix
 * of listing queries shaped like real browsing through the browse index and through the SQL
 * oracle (src/oracles/sql-listing.ts) on the same database in the same run, checks that both give
 * the same total, first page and facet counts, and prints p50/p95/p99 per engine.
 *
 * The archive comes from `fanfold bench generate --works N` (or is a real one). Tags for the
 * queries are picked from the data: the biggest fandom, a middling one, a tiny tag, the most
 * used additional tag, a metatag, and so on.
 */
import { parseArgs } from "node:util";
import { BrowseIndex, defaultListingQuery, type ListingQuery, type ListingResult, type WorkIndex } from "../listing/index.js";
import { sqlListing } from "../oracles/sql-listing.js";
import { loadConfig } from "../platform/config.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { pendingMigrations } from "../platform/db/migrate.js";
import { endProgress, fmt, progressLine } from "./bench-output.js";

const USAGE = `Usage: fanfold bench browse [--json] [--database URL] [--runs N] [--sql-runs N]

Times a mix of listing queries (filters, sorts, facets, deep pages, guest and logged in) through
the in-memory browse index and through plain SQL on the configured database (DATABASE_URL, or
--database), checks both agree, and prints p50/p95/p99 per engine.
  --runs N       timed runs of each query through the index (default 7, after one warm-up)
  --sql-runs N   timed runs of each query through SQL (default 2, after one warm-up)
  --json         the last line of standard output is one JSON object
Fill a database first with \`fanfold bench generate --works N\`.`;

interface NamedQuery {
  label: string;
  query: ListingQuery;
}

/** The mix: at least 30 listings shaped like real browsing, from the archive's own tags. */
export function browseMix(index: WorkIndex): NamedQuery[] {
  const fandoms = index.tagsBySize("Fandom");
  const freeforms = index.tagsBySize("Freeform");
  const relationships = index.tagsBySize("Relationship");
  const characters = index.tagsBySize("Character");
  const ratings = index.tagsBySize("Rating");
  const warnings = index.tagsBySize("ArchiveWarning");
  const at = <T,>(list: T[], i: number): T => list[Math.min(i, list.length - 1)]!;
  const near = (list: { tagId: number; works: number }[], works: number) => list.reduce((best, t) => (Math.abs(t.works - works) < Math.abs(best.works - works) ? t : best), list[0]!);
  const biggest = at(fandoms, 0).tagId;
  const second = at(fandoms, 1).tagId;
  const middling = at(fandoms, 19).tagId;
  const tiny = near(fandoms, 50).tagId;
  const topFree = at(freeforms, 0).tagId;
  const fluffLike = near(freeforms, Math.round(index.size * 0.05)).tagId;
  const popularRel = at(relationships, 0).tagId;
  const popularChar = at(characters, 0).tagId;
  const explicit = ratings.find((r) => r.tagId === ratings.at(-1)?.tagId)?.tagId ?? at(ratings, 0).tagId;
  const teen = at(ratings, 0).tagId;
  const metatag = index.metatags()[0]?.tagId ?? biggest;
  const tenExcludes = [...warnings.slice(2, 6), ...freeforms.slice(1, 7)].map((t) => t.tagId).slice(0, 10);
  const creator = index.prolificCreators()[0];
  const q = (label: string, loggedIn: boolean, set: Partial<ListingQuery>): NamedQuery => ({ label, query: { ...defaultListingQuery(loggedIn), ...set } });
  return [
    q("all works, by date (guest)", false, {}),
    q("all works, by date (logged in)", true, {}),
    q("biggest fandom, by kudos", true, { scope: { kind: "filter", tagId: biggest }, sort: "kudos_count" }),
    q("biggest fandom, by kudos (guest)", false, { scope: { kind: "filter", tagId: biggest }, sort: "kudos_count" }),
    q("biggest fandom -Explicit -top freeform", true, { scope: { kind: "filter", tagId: biggest }, excludeTagIds: [explicit, topFree] }),
    q("middling fandom +complete +words>10000", true, { scope: { kind: "filter", tagId: middling }, completion: "complete", ranges: { word_count: { min: 10_001 } } }),
    q("popular relationship, 3 excludes", true, { scope: { kind: "filter", tagId: popularRel }, excludeTagIds: [explicit, topFree, at(freeforms, 2).tagId] }),
    q("~5% freeform, by kudos", true, { scope: { kind: "filter", tagId: fluffLike }, sort: "kudos_count" }),
    q("most common rating, by date", true, { includeTagIds: [teen] }),
    q("language zh-Hans, by kudos", true, { language: "zh-Hans", sort: "kudos_count" }),
    q("tiny fandom (~50 works), by date", true, { scope: { kind: "filter", tagId: tiny } }),
    q("biggest fandom, page 200", true, { scope: { kind: "filter", tagId: biggest }, page: 200 }),
    q("ten excludes on all works", true, { excludeTagIds: tenExcludes }),
    q("two biggest fandoms together", true, { scope: { kind: "filter", tagId: biggest }, includeTagIds: [second] }),
    q("complete, en, 1,000-5,000 words, by kudos", true, { completion: "complete", language: "en", ranges: { word_count: { min: 1000, max: 5000 } }, sort: "kudos_count" }),
    q("biggest fandom +Explicit +en, by date", true, { scope: { kind: "filter", tagId: biggest }, includeTagIds: [explicit], language: "en" }),
    q("top freeform across fandoms, by hits", true, { scope: { kind: "filter", tagId: topFree }, sort: "hits" }),
    q("a metatag, by date", true, { scope: { kind: "filter", tagId: metatag } }),
    q("a metatag, guest, by kudos", false, { scope: { kind: "filter", tagId: metatag }, sort: "kudos_count" }),
    q("all works, page 500", true, { page: 500 }),
    q("biggest fandom by kudos, page 500", true, { scope: { kind: "filter", tagId: biggest }, sort: "kudos_count", page: 500 }),
    q("biggest fandom, by title", true, { scope: { kind: "filter", tagId: biggest }, sort: "title_to_sort_on", direction: "asc" }),
    q("all works, by creator", true, { sort: "authors_to_sort_on", direction: "asc" }),
    q("second fandom, crossovers only", true, { scope: { kind: "filter", tagId: second }, crossover: "only" }),
    q("biggest fandom, no crossovers, in progress", true, { scope: { kind: "filter", tagId: biggest }, crossover: "exclude", completion: "in_progress" }),
    q("updated in 2024-2025, by word count", true, { ranges: { revised_at: { min: Date.parse("2024-01-01T00:00:00.000Z"), max: Date.parse("2025-12-31T23:59:59.999Z") } }, sort: "word_count" }),
    q("over 100,000 words, by bookmarks", true, { ranges: { word_count: { min: 100_000 } }, sort: "bookmarks_count" }),
    q("popular character + relationship, by comments", true, { includeTagIds: [popularChar, popularRel], sort: "comments_count" }),
    q("a prolific creator's works", true, { scope: { kind: "user", userId: creator?.userId ?? 0 } }),
    q("a prolific pseud's works, guest", false, { scope: { kind: "pseud", pseudId: creator?.pseudId ?? 0 } }),
    q("biggest fandom +character -freeform (guest)", false, { scope: { kind: "filter", tagId: biggest }, includeTagIds: [at(characters, 1).tagId], excludeTagIds: [topFree] }),
    q("middling fandom, guest, by date posted", false, { scope: { kind: "filter", tagId: middling }, sort: "created_at" }),
    q("language ru, complete", true, { language: "ru", completion: "complete" }),
    q("all works, ascending word count", true, { sort: "word_count", direction: "asc" }),
  ];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return { p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), p99: r(percentile(sorted, 99)) };
}

function sameResult(a: ListingResult, b: ListingResult): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function time<T>(run: () => T | Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
}

export async function benchBrowse(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: "boolean" }, database: { type: "string" }, runs: { type: "string" }, "sql-runs": { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Math.max(1, Number(values.runs ?? 7));
  const sqlRuns = Math.max(1, Number(values["sql-runs"] ?? 2));
  const url = values.database ?? loadConfig().databaseUrl;
  const db: Db = openDatabase(url);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length) {
      console.error(`The database schema is out of date (${pending.join(", ")}): run \`fanfold migrate\` first.`);
      return 1;
    }
    const rssBefore = process.memoryUsage().rss;
    const browse = await BrowseIndex.build(db, { progress: (done, total) => progressLine(`building the index: ${fmt(done)} / ${fmt(total)} works`, done === total) });
    endProgress();
    const index = browse.index;
    const rssAfter = process.memoryUsage().rss;
    if (index.size === 0) {
      console.error("The archive has no posted works: fill it with `fanfold bench generate --works N` first.");
      return 1;
    }
    const mix = browseMix(index);
    const indexTimes: number[] = [];
    const sqlTimes: number[] = [];
    const rows: string[][] = [];
    let mismatches = 0;
    for (const [i, { label, query }] of mix.entries()) {
      progressLine(`[${i + 1}/${mix.length}] ${label}`);
      // One warm-up each, then timed runs; SQL and index interleaved per run.
      const reference = await sqlListing(db, query);
      const fromIndex = index.query(query);
      const agrees = sameResult(reference, fromIndex);
      if (!agrees) {
        mismatches++;
        console.error(`\nMISMATCH on "${label}": SQL total ${reference.total}, index total ${fromIndex.total}`);
      }
      const own: number[] = [];
      const theirs: number[] = [];
      for (let run = 0; run < Math.max(runs, sqlRuns); run++) {
        if (run < runs) own.push((await time(() => index.query(query)))[1]);
        if (run < sqlRuns) theirs.push((await time(() => sqlListing(db, query)))[1]);
      }
      indexTimes.push(...own);
      sqlTimes.push(...theirs);
      const median = (list: number[]) => percentile([...list].sort((a, b) => a - b), 50);
      rows.push([label, reference.total.toLocaleString("en"), median(own).toFixed(2), median(theirs).toFixed(1), agrees ? "yes" : "NO"]);
    }
    endProgress();
    const indexSummary = summary(indexTimes);
    const sqlSummary = summary(sqlTimes);
    const bytes = index.bytes();
    console.log(`Browse benchmark: ${index.size.toLocaleString("en")} listed works, ${mix.length} queries, database ${url.startsWith("sqlite:") ? "SQLite" : "PostgreSQL"}`);
    console.log(`Index built in ${browse.buildSeconds.toFixed(1)} s; about ${(bytes / 1048576).toFixed(0)} MiB (${(bytes / index.size).toFixed(0)} bytes per work); process memory grew ${((rssAfter - rssBefore) / 1048576).toFixed(0)} MiB while building.`);
    console.log("");
    console.log("| query | matches | index median ms | SQL median ms | same answer |");
    console.log("|---|---:|---:|---:|---|");
    for (const row of rows) console.log(`| ${row.join(" | ")} |`);
    console.log("");
    console.log(`index: p50 ${indexSummary.p50} ms, p95 ${indexSummary.p95} ms, p99 ${indexSummary.p99} ms (${indexTimes.length} timings)`);
    console.log(`SQL:   p50 ${sqlSummary.p50} ms, p95 ${sqlSummary.p95} ms, p99 ${sqlSummary.p99} ms (${sqlTimes.length} timings)`);
    console.log(`ratio at p50: ${(sqlSummary.p50 / Math.max(indexSummary.p50, 0.001)).toFixed(0)}x; mismatches: ${mismatches}`);
    if (values.json) {
      console.log(
        JSON.stringify({ works: index.size, queries: mix.length, mismatches, index: indexSummary, sql: sqlSummary, index_bytes: bytes, build_seconds: Math.round(browse.buildSeconds * 10) / 10 }),
      );
    }
    return mismatches === 0 ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import { mutedUserIds, worksOfUsers } from "../blocking/index.js";
import { type SearchRangeName, WORK_COLUMNS } from "../listing/index.js";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { type CompileHints, compileHints, type ParsedQuery, RATING_NAMES, relevance, textCondition, textSource } from "../search/index.js";
import { listableBy } from "../model/visibility.js";
import { type Blurb, blurbsInOrder, PER_PAGE } from "../model/works.js";
import type { Refinement } from "./list-works.js";

// A search answered all in SQL: the baseline `fanfold bench search` measures the listing engine
// against, and the second opinion the search tests check it with. The archive's own searches go
// through the index (src/search/listing.ts, searchWorks).

/** What searchWorks (src/search/listing.ts) answers, all in SQL: the benchmark's baseline. */
export async function searchWorksWithSql(db: DbOrTrx, viewer: Viewer, query: ParsedQuery, page: number): Promise<{ total: number; blurbs: Blurb[] }> {
  const { total, ids } = await searchWithSql(db, viewer, query, page, await compileHints(db, query.text));
  return { total, blurbs: await blurbsInOrder(db, viewer, ids) };
}

/**
 * The total and one page of work ids, all in SQL: the same works, order and total as listWorks
 * with searchRefinement, faster, and the baseline `fanfold bench search` measures the index
 * against.
 *
 * - The matching works are computed once, in a MATERIALIZED CTE with their sort keys, and both
 *   counted and paged from it: listWorks counts in one statement and pages in another, and each
 *   built the set again (for a common word at 100,000 works, ~100 ms each).
 * - A query of plain words (no phrase, no field, no word found in a tag name) starts from one
 *   search_docs MATCH joined to works by id, instead of testing each work against a list.
 * - The sort keys are computed for each matching work, but the works' rows are read only for the page.
 */
export async function searchWithSql(db: DbOrTrx, viewer: Viewer, query: ParsedQuery, page: number, hints: CompileHints): Promise<{ total: number; ids: number[] }> {
  const source = query.text ? textSource(db, query.text, hints) : null;
  const refine = searchRefinement(db, query, { hints, withoutText: true });
  const where: Expression<SqlBool>[] = [...(source?.kind === "condition" ? [source.condition] : []), ...(refine.where ?? [])];
  const orderBy = refine.orderBy ?? [];

  // From the words' works to theirs rows, never the other way: left to itself, SQLite may walk
  // works by an index on a filtered column (words:1000-3000) and run the MATCH once per work.
  // CROSS JOIN keeps the order as written.
  const base = db.selectFrom("works");
  let hits =
    source?.kind === "docs"
      ? (db
          .selectFrom(sql<{ work_id: number }>`(select rowid as work_id from search_docs where search_docs match ${source.expression})`.as("docs"))
          .crossJoin("works")
          .whereRef("works.id", "=", "docs.work_id") as unknown as typeof base)
      : base;
  hits = hits.where(listableBy(viewer));
  // The viewer's muted users' works are left out of the results and of their count.
  const muted = await mutedUserIds(db, viewer);
  if (muted.length) hits = hits.where("works.id", "not in", worksOfUsers(db, muted));
  for (const condition of where) hits = hits.where(condition);
  const keyed = hits.select(["works.id as id", "works.revised_at as revised_at", ...orderBy.map(({ by }, i) => sql`${by}`.as(`k${i}`))]);
  const order = sql.join(
    [...orderBy.map(({ direction }, i) => sql`${sql.ref(`k${i}`)} ${sql.raw(direction)}`), sql`revised_at desc`, sql`id desc`],
    sql`, `,
  );
  const withHits = () => (db as Kysely<any>).with((cte) => cte("hits").materialized(), () => keyed);
  const rows = await withHits()
    .selectFrom("hits")
    .select(["id", sql<number>`(select count(*) from hits)`.as("total")])
    .orderBy(sql`${order}`)
    .limit(PER_PAGE)
    .offset((page - 1) * PER_PAGE)
    .execute();
  let total: number;
  if (rows.length) total = Number(rows[0]!.total);
  else {
    // A page past the end: only the count.
    const counted = await withHits().selectFrom("hits").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    total = Number(counted.n);
  }
  return { total, ids: rows.map((r) => Number(r.id)) };
}

/**
 * Turns a parsed query into listing conditions and order: its words, its ranges, its filters and
 * its sort. Counts (kudos, hits, comments, bookmarks) are the counters kept on each work; the
 * title and creator orders use the same sort keys as the listings (src/works/sort-keys.ts).
 * `hints` (compileHints) lets SQLite answer plain words from search_docs alone.
 */
export function searchRefinement(db: DbOrTrx, query: ParsedQuery, options: { hints?: CompileHints; withoutText?: boolean } = {}): Refinement {
  const where: Expression<SqlBool>[] = [];
  // withoutText: the caller starts from the works the words find (searchWorks).
  if (query.text && !options.withoutText) where.push(textCondition(db, query.text, options.hints));
  const range = (column: Expression<unknown>, r: { min?: number; max?: number } | undefined) => {
    if (!r) return;
    if (r.min !== undefined) where.push(sql<SqlBool>`${column} >= ${r.min}`);
    if (r.max !== undefined) where.push(sql<SqlBool>`${column} <= ${r.max}`);
  };
  for (const c of WORK_COLUMNS) if ("range" in c.search) range(sql.ref(`works.${c.column}`), query.ranges[c.search.name as SearchRangeName]);
  range(sql`(select count(*) from chapters where chapters.work_id = works.id and chapters.posted = 1)`, query.ranges.chapters);
  if (query.updated?.after) where.push(sql<SqlBool>`works.revised_at >= ${query.updated.after}`);
  if (query.updated?.before) where.push(sql<SqlBool>`works.revised_at <= ${query.updated.before}`);
  const f = query.filters;
  if (f.complete !== undefined) where.push(sql<SqlBool>`works.complete = ${f.complete ? 1 : 0}`);
  if (f.crossover !== undefined) where.push(sql<SqlBool>`works.crossover = ${f.crossover ? 1 : 0}`);
  if (f.singleChapter !== undefined) {
    const count = sql`(select count(*) from chapters where chapters.work_id = works.id and chapters.posted = 1)`;
    where.push(f.singleChapter ? sql<SqlBool>`${count} = 1` : sql<SqlBool>`${count} > 1`);
  }
  if (f.language) where.push(sql<SqlBool>`lower(works.language) = ${f.language.toLowerCase()}`);
  if (f.rating) {
    const name = RATING_NAMES[f.rating.toLowerCase()] ?? f.rating;
    where.push(sql<SqlBool>`works.id in (select work_tags.work_id from work_tags join tags on tags.id = work_tags.tag_id where tags.type = 'Rating' and tags.name = ${name})`);
  }

  const orderBy: Refinement["orderBy"] = [];
  const sort = query.sort ?? (query.text ? { column: "best" as const, direction: "desc" as const } : undefined);
  if (sort) {
    const { column, direction } = sort;
    const score = relevance(db, query);
    const keyed = WORK_COLUMNS.find((c) => c.search.name === column);
    if (column === "best" && score) orderBy.push({ by: score, direction: "desc" });
    else if (keyed) orderBy.push({ by: sql.ref(`works.${keyed.column}`), direction });
  }
  return { where, orderBy };
}

import { mutedUserIds, worksOfUsers } from "../blocking/index.js";
import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableBy } from "../model/visibility.js";
import { type Blurb, blurbsInOrder, PER_PAGE } from "../model/works.js";
import type { ParsedQuery } from "./query-language.js";
import { type CompileHints, compileHints, textSource } from "./query.js";
import { searchThroughIndex } from "./indexed-listing.js";
import type { BrowseIndex } from "../listing/index.js";
import { searchRefinement } from "./refine.js";

/**
 * One page of `/works/search` (and of the search feed and API): the works the viewer may see
 * that match the query, in its order, with their total. Through the browse index when the caller
 * has one (indexed-listing.ts: the words' work ids and best-match scores from the database, the
 * rest in memory), else, or for what the index does not keep, in SQL (searchWithSql). Both give
 * the same works, order and total; the tests and `fanfold bench search` hold them to it.
 */
export async function searchWorks(db: DbOrTrx, viewer: Viewer, query: ParsedQuery, page: number, browse?: BrowseIndex): Promise<{ total: number; blurbs: Blurb[] }> {
  const hints = await compileHints(db, query.text);
  const indexed = browse ? await searchThroughIndex(db, await browse.current(), viewer, query, page, PER_PAGE, hints) : null;
  const { total, ids } = indexed ? { total: indexed.total, ids: indexed.workIds } : await searchWithSql(db, viewer, query, page, hints);
  // Checked against the viewer again: the browse index may lag behind the tables (a feed it
  // could not read, a long backlog), and a work made registered-only must never show to a guest.
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

import { type Expression, type SqlBool, sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Refinement } from "../model/works.js";
import type { ParsedQuery } from "./query-language.js";
import { type CompileHints, relevance, textCondition } from "./query.js";

// Ratings by the names the query language gives back.
export const RATING_NAMES: Record<string, string> = {
  "not rated": "Not Rated",
  notrated: "Not Rated",
  "general audiences": "General Audiences",
  general: "General Audiences",
  "teen and up audiences": "Teen And Up Audiences",
  teen: "Teen And Up Audiences",
  mature: "Mature",
  explicit: "Explicit",
};

/** The query language's count fields and the work columns that keep them. */
const COUNTERS = [
  ["kudos", "works.kudos_count"],
  ["hits", "works.hits_count"],
  ["comments", "works.comments_count"],
  ["bookmarks", "works.bookmarks_count"],
] as const;

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
  range(sql.ref("works.word_count"), query.ranges.words);
  range(sql`(select count(*) from chapters where chapters.work_id = works.id and chapters.posted = 1)`, query.ranges.chapters);
  for (const [field, column] of COUNTERS) range(sql.ref(column), query.ranges[field]);
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
    if (column === "best" && score) orderBy.push({ by: score, direction: "desc" });
    else if (column === "title") orderBy.push({ by: sql.ref("works.title_sort"), direction });
    else if (column === "creator") orderBy.push({ by: sql.ref("works.creators_sort"), direction });
    else if (column === "posted") orderBy.push({ by: sql.ref("works.published_on"), direction });
    else if (column === "updated") orderBy.push({ by: sql.ref("works.revised_at"), direction });
    else if (column === "words") orderBy.push({ by: sql.ref("works.word_count"), direction });
    else {
      const counter = COUNTERS.find(([field]) => field === column);
      if (counter) orderBy.push({ by: sql.ref(counter[1]), direction });
    }
  }
  return { where, orderBy };
}

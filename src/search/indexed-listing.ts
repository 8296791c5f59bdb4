import roaring from "roaring";
import { mutedUserIds } from "../blocking/index.js";
import { type Bitmap, defaultListingQuery, type ListingQuery, type NumberColumn, type SearchRangeName, WORK_COLUMNS, type WorkColumn, type WorkIndex } from "../listing/index.js";
import { type RawBuilder, sql } from "kysely";
import { type DbOrTrx, selectIntegers } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listingAudience } from "../model/visibility.js";
import type { ParsedQuery } from "./query-language.js";
import { type BestMatchTuning, firstByBestMatch, firstInOrder } from "./best-match.js";
import { type CompileHints, textWorkIds } from "./query.js";

const { RoaringBitmap32 } = roaring;

/** Ratings by the names the query language gives back. */
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


/** The query language's sort names and count fields, and the listing columns behind them. */
const SORT_KEYS = new Map<string, WorkColumn>(WORK_COLUMNS.map((c) => [c.search.name, c.column]));
const RANGE_COLUMNS = WORK_COLUMNS.filter((c) => "range" in c.search).map((c) => ({ field: c.search.name as SearchRangeName, column: c.column as NumberColumn }));

/**
 * One page of `/works/search` through the browse index: the same works, order and total as the
 * SQL oracle (src/oracles/search-sql.ts), which the tests and `fanfold bench search` hold it to. The database is asked
 * only for the ids the words find and, for best match, the scores of the works whose own fields
 * have them; which of those the viewer may see, the filters (`words>1000`, `kudos:10-50`,
 * `complete:true`, `rating:teen`...), the count and the sort are answered from the index's bitmaps
 * and columns in memory. In SQL each of those is a lookup per matching work, which for a common
 * word is most of the archive (bench/README.md, `fanfold bench search`).
 *
 */
export async function searchThroughIndex(
  db: DbOrTrx,
  index: WorkIndex,
  viewer: Viewer,
  query: ParsedQuery,
  page: number,
  perPage: number,
  hints: CompileHints,
  tuning?: BestMatchTuning,
): Promise<{ total: number; workIds: number[] }> {
  const sort = query.sort ?? (query.text ? { column: "best" as const, direction: "desc" as const } : undefined);
  const matching = await matchingThroughIndex(db, index, viewer, query, hints);

  const total = matching.size;
  const offset = (page - 1) * perPage;
  if (offset >= total) return { total, workIds: [] };

  // The SQL order: the sort's key, then the most recently updated, then the highest id.
  const revised = index.sortKey("revised_at");
  if (revised.kind !== "number") throw new Error("revised_at is a number column");
  const updatedThenId = (a: number, b: number) => revised.values[b]! - revised.values[a]! || b - a;
  let compare = updatedThenId;
  if (sort?.column === "best") {
    const first = await firstByBestMatch(db, query, matching, offset + perPage, updatedThenId, tuning);
    // Without a word that can score (only fields like `tags:`), every work scores 0: the tie-breaks alone.
    if (first) return { total, workIds: first.slice(offset) };
  } else if (sort) {
    const key = index.sortKey(SORT_KEYS.get(sort.column)!);
    const sign = sort.direction === "asc" ? 1 : -1;
    const byKey = key.kind === "number" ? (a: number, b: number) => key.values[a]! - key.values[b]! : (a: number, b: number) => key.values.compare(a, b);
    compare = (a, b) => sign * byKey(a, b) || updatedThenId(a, b);
  }
  return { total, workIds: firstInOrder(matching.toUint32Array(), offset + perPage, compare).slice(offset) };
}

/**
 * The works the query finds that the viewer may see, with its filters applied, from the browse
 * index (the words' work ids from the database): for the results page and for "search within
 * results" on every listing.
 */
export async function matchingThroughIndex(db: DbOrTrx, index: WorkIndex, viewer: Viewer, query: ParsedQuery, hints: CompileHints): Promise<Bitmap> {
  const listing: ListingQuery = { ...defaultListingQuery(viewer.user !== null), ...listingAudience(viewer), excludeUserIds: await mutedUserIds(db, viewer), ranges: {} };
  const f = query.filters;
  for (const { field, column } of RANGE_COLUMNS) if (query.ranges[field]) listing.ranges![column] = query.ranges[field];
  if (query.updated) {
    const { after, before } = query.updated;
    listing.ranges!.revised_at = { min: after ? Date.parse(after) : undefined, max: before ? Date.parse(before) : undefined };
  }
  if (f.complete !== undefined) listing.completion = f.complete ? "complete" : "in_progress";
  if (f.crossover !== undefined) listing.crossover = f.crossover ? "only" : "exclude";

  const within: Bitmap[] = [];
  if (f.language) within.push(index.inLanguageIgnoringCase(f.language));
  if (f.rating) {
    // Ratings are fixed canonical tags that are never wrangled, so a rating's filter set is the
    // works tagged with it: the same works as the SQL path's work_tags.
    const name = RATING_NAMES[f.rating.toLowerCase()] ?? f.rating;
    const tags = await db.selectFrom("tags").select("id").where("type", "=", "Rating").where("name", "=", name).execute();
    const bitmaps = tags.map((t) => index.worksWithTag(t.id)).filter((b): b is Bitmap => b !== undefined);
    within.push(bitmaps.length ? RoaringBitmap32.orMany(bitmaps) : new RoaringBitmap32());
  }
  let except: Bitmap | null = null;
  if (query.text) {
    const found = await textWorkIds(db, query.text, hints);
    if (found.kind === "none") within.push(new RoaringBitmap32());
    else if (found.kind === "in") within.push(new RoaringBitmap32(found.ids));
    else if (found.kind === "except") except = new RoaringBitmap32(found.ids);
  }

  let matching = index.matching(listing, within);
  if (except) matching.andNotInPlace(except);
  const chapters = chapterRange(query);
  if (chapters && !matching.isEmpty) matching = await withChapterCount(db, matching, chapters);
  return matching;
}

/**
 * The works of `matching` with a number of posted chapters in the range: not in the index, so
 * counted in SQL, over the matching works when they are few, else over every chapter (one GROUP BY
 * on an index; 24 ms at 100,000 works). A work without posted chapters counts 0.
 */
async function withChapterCount(db: DbOrTrx, matching: Bitmap, chapters: { min: number; max: number }): Promise<Bitmap> {
  const few = matching.size <= 5000;
  const among = few ? sql`and work_id in (${sql.join(Array.from(matching.toUint32Array()))})` : sql``;
  const counted = (condition: RawBuilder<unknown>) =>
    selectIntegers(db, sql`select work_id from chapters where posted = 1 ${among} group by work_id having ${condition}`).then((ids) => new RoaringBitmap32(ids));
  // With 0 allowed, the works to drop are those past the range (a work with none has no group).
  if (chapters.min <= 0) return RoaringBitmap32.andNot(matching, await counted(sql`count(*) > ${chapters.max}`));
  return RoaringBitmap32.and(matching, await counted(sql`count(*) between ${chapters.min} and ${chapters.max}`));
}

/** The inclusive range of posted chapters the query allows (`chapters:`, `single_chapter:`), if it limits them. */
function chapterRange(query: ParsedQuery): { min: number; max: number } | null {
  const r = query.ranges.chapters;
  const single = query.filters.singleChapter;
  if (!r && single === undefined) return null;
  let min = r?.min ?? 0;
  let max = r?.max ?? Number.MAX_SAFE_INTEGER;
  if (single === true) [min, max] = [Math.max(min, 1), Math.min(max, 1)];
  if (single === false) min = Math.max(min, 2);
  return { min, max };
}

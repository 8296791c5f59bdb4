import roaring from "roaring";
import { mutedUserIds } from "../blocking/index.js";
import { defaultListingQuery, type ListingQuery } from "../listing/index.js";
import type { Bitmap, WorkIndex } from "../listing/index.js";
import { type RawBuilder, sql } from "kysely";
import { type DbOrTrx, selectIntegers } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import type { ParsedQuery } from "./query-language.js";
import { type BestMatchTuning, firstByBestMatch, firstInOrder } from "./best-match.js";
import { type CompileHints, textWorkIds } from "./query.js";
import { RATING_NAMES } from "./refine.js";

const { RoaringBitmap32 } = roaring;

/** The query language's count fields and sort names, and the browse index's columns behind them. */
const COUNTER_COLUMNS = { kudos: "kudos_count", hits: "hits_count", comments: "comments_count", bookmarks: "bookmarks_count" } as const;
const SORT_KEYS = { title: "title_sort", creator: "creators_sort", updated: "revised_at", words: "word_count", ...COUNTER_COLUMNS } as const;

/**
 * One page of `/works/search` through the browse index: the same works, order and total as the
 * SQL listing (listing.ts, searchWithSql), which the tests hold it to. The database is asked
 * only for the ids the words find and, for best match, the scores of the works whose own fields
 * have them; which of those the viewer may see, the filters (`words>1000`, `kudos:10-50`,
 * `complete:true`, `rating:teen`...), the count and the sort are answered from the index's bitmaps
 * and columns in memory. In SQL each of those is a lookup per matching work, which for a common
 * word is most of the archive (bench/README.md, `fanfold bench search`).
 *
 * Returns null for what the index does not keep (the posted date): the caller asks SQL then.
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
): Promise<{ total: number; workIds: number[] } | null> {
  const sort = query.sort ?? (query.text ? { column: "best" as const, direction: "desc" as const } : undefined);
  if (sort && sort.column !== "best" && !(sort.column in SORT_KEYS)) return null;
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
    const key = index.sortKey(SORT_KEYS[sort.column as keyof typeof SORT_KEYS]);
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
  const listing: ListingQuery = { ...defaultListingQuery(viewer.user !== null), excludeUserIds: await mutedUserIds(db, viewer) };
  const f = query.filters;
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
  const range = (column: Parameters<WorkIndex["between"]>[1], r: { min?: number; max?: number } | undefined) => {
    if (r && (r.min !== undefined || r.max !== undefined)) matching = index.between(matching, column, r.min, r.max);
  };
  range("word_count", query.ranges.words);
  for (const [field, column] of Object.entries(COUNTER_COLUMNS) as [keyof typeof COUNTER_COLUMNS, (typeof COUNTER_COLUMNS)[keyof typeof COUNTER_COLUMNS]][]) {
    range(column, query.ranges[field]);
  }
  if (query.updated) {
    const after = query.updated.after ? Date.parse(query.updated.after) : undefined;
    const before = query.updated.before ? Date.parse(query.updated.before) : undefined;
    range("revised_at", { min: after, max: before });
  }
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

import roaring from "roaring";
import { TAG_TYPES, type TagType } from "../model/vocabulary.js";
import { COLUMN_NAMES, type ColumnValues, columnSpec, isTextColumn, type NumberColumn, type TextColumn, WORK_COLUMNS } from "./columns.js";
import { IdLists } from "./id-lists.js";
import { FACET_SIZE, FACET_TYPES, type FacetCount, type ListingQuery, type ListingResult, SORT_COLUMNS, type SortedWorkColumn } from "./listing-query.js";
import { RangeBuckets } from "./range-buckets.js";
import { type SortKeyColumn, SortOrder } from "./sort-order.js";
import { StringKeys } from "./string-keys.js";

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;

/** What the index keeps of one listed (posted) work. */
export interface IndexedWork {
  id: number;
  restricted: boolean;
  /** Hidden by an admin (absent: not hidden): listed only for admins and its own creators. */
  hidden?: boolean;
  complete: boolean;
  crossover: boolean;
  language: string;
  /** Its sort and range columns (columns.ts), dates in ms since the epoch. */
  columns: ColumnValues;
  pseudIds: number[];
  userIds: number[];
  /** The work's filter set: canonical tags it carries directly (or through a synonym)... */
  directTags: number[];
  /** ...and those it carries only through a metatag. */
  inheritedTags: number[];
}

/** How the index picks its strategies; tests force each one to check them all against SQL. */
export interface WorkIndexOptions {
  /** Below this many matching works, facets are counted from the works' tag lists; above, from tag bitmaps with an early stop. */
  countThroughWorksBelow?: number;
  /** "auto" chooses per query between walking a sort order and sorting the matches. */
  pageStrategy?: "auto" | "walk" | "select";
}
/** Measured at a million works: one bitmap intersection per candidate tag costs about 20 µs, counting one work's tags about 0.7 µs. */
const MICROSECONDS_PER_INTERSECTION = 20;
const MICROSECONDS_PER_COUNTED_WORK = 0.7;
const FACET_SAMPLE = 512;
const NO_COLUMNS = new Set<SortedWorkColumn>();
const TYPE_CODE = new Map<TagType, number>(TAG_TYPES.map((t, i) => [t, i]));
/** Rating, ArchiveWarning and Category come first in TAG_TYPES: codes 0 to 2. */
const FIXED_TYPE_CODE_MAX = 2;

/**
 * The browse index: everything a works listing filters, sorts and counts by, in memory, as
 * compressed bitmaps (one per filter tag, language, flag, creator) and typed arrays indexed by
 * work id (one per column of columns.ts). It answers a ListingQuery exactly as the SQL oracle
 * (src/oracles/sql-listing.ts) does, in a few milliseconds at a million works. It knows nothing of the database: index-loader.ts builds it
 * and keeps it current from the change feed.
 */
export class WorkIndex {
  /** Every listed work (posted; registered-only and hidden ones too: `matching` leaves them out for whom it must). */
  private readonly listed = new RoaringBitmap32();
  private readonly restricted = new RoaringBitmap32();
  private readonly hidden = new RoaringBitmap32();
  private readonly complete = new RoaringBitmap32();
  private readonly crossover = new RoaringBitmap32();
  private readonly byLanguage = new Map<string, Bitmap>();
  private readonly byPseud = new Map<number, Bitmap>();
  private readonly byUser = new Map<number, Bitmap>();

  // Tags by dense index: id, type, bitmaps of works that carry it directly / only by inheritance.
  private readonly tagIndex = new Map<number, number>();
  private readonly tagIds: number[] = [];
  /** Type code per tag index (TYPE_CODE; 255 for types without facets); a byte each, for cache-friendly counting. */
  private tagTypes = new Uint8Array(1024);
  private readonly direct: Bitmap[] = [];
  private readonly inherited: (Bitmap | undefined)[] = [];
  private readonly filterUnion = new Map<number, Bitmap>();
  /** Per type: tag indexes by direct count, largest first, and how many works were added to that type's tags since. */
  private readonly facetOrder: { tags: number[]; sizes: number[]; growth: number; stale: boolean }[] = TAG_TYPES.map(() => ({ tags: [], sizes: [], growth: 0, stale: true }));
  private tagCounts = new Uint32Array(0);
  private fixedTagCache: number[] | null = null;
  private fixedTagCacheFor = -1;
  private tagCounts16 = new Uint16Array(0);

  // Columns by work id.
  private capacity = 0;
  private languageCode = new Uint16Array(0);
  private readonly languages: string[] = [];
  /** Counts as 32-bit integers, dates as milliseconds (doubles). */
  private readonly numbers = Object.fromEntries(
    COLUMN_NAMES.filter((c) => !isTextColumn(c)).map((c) => [c, columnSpec(c).kind === "count" ? new Uint32Array(0) : new Float64Array(0)]),
  ) as Record<NumberColumn, Float64Array | Uint32Array>;
  private readonly strings = Object.fromEntries(COLUMN_NAMES.filter(isTextColumn).map((c) => [c, new StringKeys()])) as Record<TextColumn, StringKeys>;
  /** Per work: its direct filter tags (the facets count these) and its inherited-only ones. */
  private readonly tags = new IdLists();
  private readonly inheritedTags = new IdLists();
  private readonly creators = new IdLists();

  private readonly orders = new Map<SortedWorkColumn, SortOrder>();
  /** The sidebar's range columns (word count, date updated): filtered on most listings, so bucketed. */
  private readonly buckets = new Map<NumberColumn, RangeBuckets>(
    WORK_COLUMNS.filter((c) => "sidebarRange" in c).map((c) => [c.column, new RangeBuckets(() => this.numbers[c.column], () => this.listed.toUint32Array())]),
  );
  /** Ids waiting to be added to each bitmap while the index is built (see finishBuild). */
  private pending: {
    listed: number[];
    restricted: number[];
    hidden: number[];
    complete: number[];
    crossover: number[];
    language: Map<string, number[]>;
    pseud: Map<number, number[]>;
    user: Map<number, number[]>;
    direct: number[][];
    inherited: number[][];
  } | null = null;
  /** Scratch bitset over work ids for walking a sort order. */
  private bitset = new Uint32Array(0);

  constructor(private readonly options: WorkIndexOptions = {}) {
    for (const { column } of Object.values(SORT_COLUMNS)) {
      this.orders.set(column, new SortOrder(() => this.keyColumn(column), () => this.listed.toUint32Array()));
    }
  }

  get size(): number {
    return this.listed.size;
  }

  /** Registers a filter tag and its type before works use it. */
  ensureTag(tagId: number, type: string): void {
    if (this.tagIndex.has(tagId)) return;
    const code = TYPE_CODE.get(type as TagType) ?? 255;
    const idx = this.tagIds.length;
    this.tagIndex.set(tagId, idx);
    this.tagIds.push(tagId);
    if (idx >= this.tagTypes.length) {
      const grown = new Uint8Array(this.tagTypes.length * 2);
      grown.set(this.tagTypes);
      this.tagTypes = grown;
    }
    this.tagTypes[idx] = code;
    this.direct.push(new RoaringBitmap32());
    this.inherited.push(undefined);
    if (code !== 255) this.facetOrder[code]!.stale = true;
  }

  hasTag(tagId: number): boolean {
    return this.tagIndex.has(tagId);
  }

  /**
   * Adds many works at start-up without keeping the sort orders and range buckets current;
   * call `finishBuild` once afterwards.
   */
  load(work: IndexedWork): void {
    this.put(work, false);
  }

  finishBuild(): void {
    const b = this.pending;
    this.pending = null;
    if (b) {
      this.listed.addMany(b.listed);
      this.restricted.addMany(b.restricted);
      this.hidden.addMany(b.hidden);
      this.complete.addMany(b.complete);
      this.crossover.addMany(b.crossover);
      for (const [code, ids] of b.language) bitmapIn(this.byLanguage, code).addMany(ids);
      for (const [pseudId, ids] of b.pseud) bitmapIn(this.byPseud, pseudId).addMany(ids);
      for (const [userId, ids] of b.user) bitmapIn(this.byUser, userId).addMany(ids);
      b.direct.forEach((ids, idx) => this.direct[idx]!.addMany(ids));
      b.inherited.forEach((ids, idx) => (this.inherited[idx] ??= new RoaringBitmap32()).addMany(ids));
    }
    this.renumberTagsBySize();
    const ids = this.listed.toUint32Array();
    for (const order of this.orders.values()) {
      order.invalidate();
      order.ensureBuilt();
    }
    for (const buckets of this.buckets.values()) buckets.build(ids);
    this.listed.runOptimize();
    for (const bitmap of this.direct) bitmap.runOptimize();
    for (const order of this.facetOrder) order.stale = true;
  }

  /** Adds or replaces a work (it is posted). */
  upsert(work: IndexedWork): void {
    // Sort orders whose key did not change keep the work where it is (most changes are to tags).
    const unchanged = this.listed.has(work.id) ? this.unchangedSortKeys(work) : NO_COLUMNS;
    this.remove(work.id, unchanged);
    this.put(work, true, unchanged);
  }

  private unchangedSortKeys(work: IndexedWork): Set<SortedWorkColumn> {
    const id = work.id;
    const same = new Set<SortedWorkColumn>();
    for (const column of COLUMN_NAMES) {
      const now = isTextColumn(column) ? this.strings[column].get(id) : this.numbers[column][id];
      if (now === work.columns[column]) same.add(column);
    }
    return same;
  }

  /** Takes a work out (deleted, back to draft, hidden). */
  remove(id: number, keepPlaceIn: Set<SortedWorkColumn> = NO_COLUMNS): void {
    if (!this.listed.has(id)) return;
    for (const [column, order] of this.orders) if (!keepPlaceIn.has(column)) order.beforeChange(id);
    for (const buckets of this.buckets.values()) buckets.remove(id);
    this.listed.remove(id);
    this.restricted.remove(id);
    this.hidden.remove(id);
    this.complete.remove(id);
    this.crossover.remove(id);
    this.byLanguage.get(this.languages[this.languageCode[id]!]!)?.remove(id);
    const creators = this.creators.get(id);
    for (let i = 0; i < creators.length; i += 2) {
      this.byPseud.get(creators[i]!)?.remove(id);
      this.byUser.get(creators[i + 1]!)?.remove(id);
    }
    this.creators.clear(id);
    for (const idx of this.tags.get(id)) {
      this.direct[idx]!.remove(id);
      this.filterUnion.delete(idx);
      this.touchFacetOrder(idx, 0);
    }
    // Ratings, warnings and categories are not in the work's list (see put): a handful of bitmaps.
    for (const idx of this.fixedTags()) this.direct[idx]!.remove(id);
    for (const idx of this.inheritedTags.get(id)) {
      this.inherited[idx]?.remove(id);
      this.filterUnion.delete(idx);
    }
    this.tags.clear(id);
    this.inheritedTags.clear(id);
  }

  private put(work: IndexedWork, live: boolean, keptPlaceIn: Set<SortedWorkColumn> = NO_COLUMNS): void {
    const id = work.id;
    this.ensureCapacity(id + 1);
    const b = live ? null : this.building();
    // At start-up ids arrive in order and are collected per bitmap, then added in bulk (finishBuild).
    if (b) {
      b.listed.push(id);
      if (work.restricted) b.restricted.push(id);
      if (work.hidden) b.hidden.push(id);
      if (work.complete) b.complete.push(id);
      if (work.crossover) b.crossover.push(id);
    } else {
      this.listed.add(id);
      if (work.restricted) this.restricted.add(id);
      if (work.hidden) this.hidden.add(id);
      if (work.complete) this.complete.add(id);
      if (work.crossover) this.crossover.add(id);
    }
    this.languageCode[id] = this.languageNumber(work.language);
    if (b) pushTo(b.language, work.language, id);
    else bitmapIn(this.byLanguage, work.language).add(id);
    const creators: number[] = [];
    for (let i = 0; i < work.pseudIds.length; i++) {
      const pseudId = work.pseudIds[i]!;
      const userId = work.userIds[i] ?? 0;
      if (b) {
        pushTo(b.pseud, pseudId, id);
        pushTo(b.user, userId, id);
      } else {
        bitmapIn(this.byPseud, pseudId).add(id);
        bitmapIn(this.byUser, userId).add(id);
      }
      creators.push(pseudId, userId);
    }
    this.creators.set(id, creators);
    const direct: number[] = [];
    for (const tagId of work.directTags) {
      const idx = this.tagIndex.get(tagId);
      if (idx === undefined) continue; // the loader registers tags first; an unknown one filters nothing
      // The per-work list feeds facet counting; the fixed types (a few tags, on every work) are
      // counted by intersection instead, which keeps each work's list short and the pass cheap.
      if (this.tagTypes[idx]! > FIXED_TYPE_CODE_MAX) direct.push(idx);
      if (b) (b.direct[idx] ??= []).push(id);
      else {
        this.direct[idx]!.add(id);
        this.filterUnion.delete(idx);
        this.touchFacetOrder(idx, 1);
      }
    }
    const inherited: number[] = [];
    for (const tagId of work.inheritedTags) {
      const idx = this.tagIndex.get(tagId);
      if (idx === undefined) continue;
      inherited.push(idx);
      if (b) (b.inherited[idx] ??= []).push(id);
      else {
        (this.inherited[idx] ??= new RoaringBitmap32()).add(id);
        this.filterUnion.delete(idx);
      }
    }
    this.tags.set(id, direct);
    this.inheritedTags.set(id, inherited);
    for (const column of COLUMN_NAMES) {
      if (isTextColumn(column)) this.strings[column].set(id, work.columns[column]);
      else this.numbers[column][id] = work.columns[column];
    }
    if (live) {
      for (const [column, order] of this.orders) if (!keptPlaceIn.has(column)) order.afterChange(id);
      for (const buckets of this.buckets.values()) buckets.add(id);
    }
  }

  private building() {
    this.pending ??= { listed: [], restricted: [], hidden: [], complete: [], crossover: [], language: new Map(), pseud: new Map(), user: new Map(), direct: [], inherited: [] };
    return this.pending;
  }

  /**
   * Gives the most used tags the smallest indexes, so that counting facets through the works'
   * tag lists touches a small, cache-resident part of the count array for most increments.
   */
  private renumberTagsBySize(): void {
    const n = this.tagIds.length;
    const sizes = this.direct.map((b) => b.size);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
    const newIndex = new Uint32Array(n);
    order.forEach((old, i) => {
      newIndex[old] = i;
    });
    // In place, element by element: spreading a million-element array overflows the call stack.
    const permute = <T,>(list: T[]) => {
      const copy = order.map((old) => list[old]!);
      for (let i = 0; i < n; i++) list[i] = copy[i]!;
    };
    permute(this.tagIds);
    this.tagTypes = Uint8Array.from(order, (old) => this.tagTypes[old]!);
    permute(this.direct);
    permute(this.inherited);
    for (const [tagId, old] of this.tagIndex) this.tagIndex.set(tagId, newIndex[old]!);
    this.tags.remap(newIndex);
    this.fixedTagCache = null;
    this.inheritedTags.remap(newIndex);
    this.filterUnion.clear();
  }

  /** Answers a listing: exact total, one page of ids, the top tags per type. */
  query(q: ListingQuery, within: Bitmap[] = []): ListingResult {
    const matching = this.matching(q, within);
    const total = matching.size;
    const offset = (q.page - 1) * q.perPage;
    return { total, workIds: this.page(matching, total, q, offset), facets: this.facets(matching, total) };
  }

  /** The set of works a query matches. */
  matching(q: ListingQuery, within: Bitmap[] = []): Bitmap {
    const empty = new RoaringBitmap32();
    const required: Bitmap[] = [...within];
    if (q.scope.kind === "filter") required.push(this.filterBitmap(q.scope.tagId) ?? empty);
    if (q.scope.kind === "user") required.push(this.byUser.get(q.scope.userId) ?? empty);
    if (q.scope.kind === "pseud") required.push(this.byPseud.get(q.scope.pseudId) ?? empty);
    for (const tagId of q.includeTagIds) required.push(this.filterBitmap(tagId) ?? empty);
    if (q.language) required.push(this.byLanguage.get(q.language) ?? empty);
    if (q.completion === "complete") required.push(this.complete);
    if (q.crossover === "only") required.push(this.crossover);
    required.sort((a, b) => a.size - b.size);
    const result = required.length >= 2 ? RoaringBitmap32.and(required[0]!, required[1]!) : (required[0] ?? this.listed).clone();
    for (let i = 2; i < required.length && !result.isEmpty; i++) result.andInPlace(required[i]!);
    if (required.length > 0) result.andInPlace(this.listed);
    if (!q.loggedIn) result.andNotInPlace(this.restricted);
    if (!q.seesHidden && !this.hidden.isEmpty) {
      // Hidden works leave every listing but their own creators' (and admins', who see them all).
      const own = q.viewerUserId !== undefined ? this.byUser.get(q.viewerUserId) : undefined;
      result.andNotInPlace(own ? RoaringBitmap32.andNot(this.hidden, own) : this.hidden);
    }
    if (q.completion === "in_progress") result.andNotInPlace(this.complete);
    if (q.crossover === "exclude") result.andNotInPlace(this.crossover);
    const excluded = q.excludeTagIds.map((id) => this.filterBitmap(id)).filter((b): b is Bitmap => b !== undefined);
    if (excluded.length) result.andNotInPlace(excluded.length === 1 ? excluded[0]! : RoaringBitmap32.orMany(excluded));
    const mutedWorks = (q.excludeUserIds ?? []).map((id) => this.byUser.get(id)).filter((b): b is Bitmap => b !== undefined);
    if (mutedWorks.length) result.andNotInPlace(mutedWorks.length === 1 ? mutedWorks[0]! : RoaringBitmap32.orMany(mutedWorks));
    if (q.excludeWorkIds?.length) result.andNotInPlace(new RoaringBitmap32(q.excludeWorkIds));
    let out = result;
    for (const [column, range] of Object.entries(q.ranges ?? {}) as [NumberColumn, { min?: number; max?: number }][]) {
      if (range.min !== undefined || range.max !== undefined) out = this.between(out, column, range.min, range.max);
    }
    return out;
  }

  /**
   * The works of `matching` whose value in a number column lies in [min, max] (either bound
   * optional): a new bitmap. The sidebar's range columns go through their range buckets; others
   * are read per work (search's `kudos:100-500` and the like).
   */
  between(matching: Bitmap, column: NumberColumn, min?: number, max?: number): Bitmap {
    const buckets = this.buckets.get(column);
    if (buckets) return buckets.filter(matching, min, max);
    const values = this.numbers[column];
    const lo = min ?? Number.NEGATIVE_INFINITY;
    const hi = max ?? Number.POSITIVE_INFINITY;
    const kept: number[] = [];
    for (const id of matching.toUint32Array()) {
      const v = values[id]!;
      if (v >= lo && v <= hi) kept.push(id);
    }
    return new RoaringBitmap32(kept);
  }

  /** The listed works whose language code is `code` ignoring case (search's `language:EN`). */
  inLanguageIgnoringCase(code: string): Bitmap {
    const wanted = code.toLowerCase();
    const bitmaps = [...this.byLanguage].filter(([c]) => c.toLowerCase() === wanted).map(([, b]) => b);
    return bitmaps.length ? RoaringBitmap32.orMany(bitmaps) : new RoaringBitmap32();
  }

  /** Works carrying a filter tag directly or through a metatag, if the tag is in the index. */
  worksWithTag(tagId: number): Bitmap | undefined {
    return this.filterBitmap(tagId);
  }

  /** A sort key column, by work id, for orders the index's own SortOrders don't keep (search's best match tie-breaks). */
  sortKey(column: SortedWorkColumn): SortKeyColumn {
    return this.keyColumn(column);
  }

  /** Works carrying a filter tag directly or through a metatag. */
  private filterBitmap(tagId: number): Bitmap | undefined {
    const idx = this.tagIndex.get(tagId);
    if (idx === undefined) return undefined;
    const inherited = this.inherited[idx];
    if (!inherited || inherited.isEmpty) return this.direct[idx];
    let union = this.filterUnion.get(idx);
    if (!union) {
      union = RoaringBitmap32.or(this.direct[idx]!, inherited);
      this.filterUnion.set(idx, union);
    }
    return union;
  }

  private page(matching: Bitmap, total: number, q: ListingQuery, offset: number): number[] {
    if (offset >= total) return [];
    const column = SORT_COLUMNS[q.sort].column;
    const order = this.orders.get(column)!;
    const wanted = offset + q.perPage;
    // Walking the whole order costs about wanted × listed / total steps; sorting the matches about total × log(wanted).
    const strategy = this.options.pageStrategy ?? "auto";
    const walkSteps = strategy === "walk" ? 0 : strategy === "select" ? Number.POSITIVE_INFINITY : (wanted * this.listed.size) / total;
    const selectSteps = total * (2 + Math.log2(wanted + 1));
    // Asking the bitmap costs about 100 ns a step (a native call); copying the matches into a
    // bitset first costs about 10 ns a match, then 2 ns a step.
    // The estimate assumes the matches spread evenly through the order (an old fandom's works do
    // not, sorted by date): a walk that runs far past it stops, and the matches are sorted instead.
    if (strategy !== "walk" && walkSteps * 98 <= total * 10) {
      const page = order.walk((id) => matching.has(id), offset, q.perPage, q.direction, Math.max(10_000, walkSteps * 4));
      if (page) return page;
    }
    const ids = matching.toUint32Array();
    if (selectSteps < walkSteps) return order.select(ids, offset, q.perPage, q.direction);
    const bits = this.bitsetOf(ids);
    try {
      return order.walk((id) => (bits[id >>> 5]! & (1 << (id & 31))) !== 0, offset, q.perPage, q.direction)!;
    } finally {
      for (const id of ids) bits[id >>> 5] = 0;
    }
  }

  private bitsetOf(ids: Uint32Array): Uint32Array {
    const words = (this.capacity >>> 5) + 1;
    if (this.bitset.length < words) this.bitset = new Uint32Array(words);
    const bits = this.bitset;
    for (const id of ids) bits[id >>> 5]! |= 1 << (id & 31);
    return bits;
  }

  /** Top FACET_SIZE tags per type among the matching works, by direct filters (count desc, tag id asc). */
  facets(matching: Bitmap, total: number): ListingResult["facets"] {
    const facets: ListingResult["facets"] = {};
    if (total === 0) {
      for (const { type } of FACET_TYPES) facets[type] = [];
      return facets;
    }
    const forced = this.options.countThroughWorksBelow;
    const byCounting = forced !== undefined ? total < forced : this.countingIsCheaper(matching, total);
    if (byCounting) return this.facetsByCounting(matching);
    for (const { type } of FACET_TYPES) facets[type] = this.facetByBitmaps(matching, TYPE_CODE.get(type)!);
    return facets;
  }

  /**
   * Which facet path is cheaper for this set. Counting costs the same for any set of this size;
   * the bitmap path costs one intersection per tag whose size could still beat the tenth place,
   * which depends on how concentrated the set is (a fandom's works share characters; a language's
   * works spread over all of them). A sample of 512 works estimates each type's tenth count.
   */
  private countingIsCheaper(matching: Bitmap, total: number): boolean {
    // Clear cases skip the estimate: a small set is counted, a large one is never worth counting.
    if (total < 5000) return true;
    if (total > 150_000) return false;
    const { start, length, pool } = this.tags.raw();
    const seen = new Map<number, number>();
    for (let i = 0; i < FACET_SAMPLE; i++) {
      const id = matching.select(Math.floor((i * total) / FACET_SAMPLE))!;
      const end = start[id]! + length[id]!;
      for (let j = start[id]!; j < end; j++) seen.set(pool[j]!, (seen.get(pool[j]!) ?? 0) + 1);
    }
    const countsByType: number[][] = TAG_TYPES.map(() => []);
    for (const [idx, count] of seen) countsByType[this.tagTypes[idx]!]?.push(count);
    let intersections = 0;
    for (const { type } of FACET_TYPES) {
      const code = TYPE_CODE.get(type)!;
      const counts = countsByType[code]!.sort((a, b) => b - a);
      const tenth = counts.length >= FACET_SIZE ? counts[FACET_SIZE - 1]! : 0;
      // Half the sample's estimate, to be safe: a tag this large might still make the top ten.
      const threshold = Math.max(1, Math.floor(((tenth * total) / FACET_SAMPLE) * 0.5));
      const sizes = this.facetOrderOf(code).sizes;
      let lo = 0;
      let hi = sizes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sizes[mid]! >= threshold) lo = mid + 1;
        else hi = mid;
      }
      intersections += lo;
    }
    return intersections * MICROSECONDS_PER_INTERSECTION > total * MICROSECONDS_PER_COUNTED_WORK;
  }

  private facetsByCounting(matching: Bitmap): ListingResult["facets"] {
    // Counts fit in 16 bits below 65,536 works: half the memory to keep in cache.
    const small = matching.size < 0x10000;
    if (this.tagCounts.length < this.tagIds.length) this.tagCounts = new Uint32Array(Math.ceil(this.tagIds.length * 1.25) + 16);
    if (this.tagCounts16.length < this.tagIds.length) this.tagCounts16 = new Uint16Array(Math.ceil(this.tagIds.length * 1.25) + 16);
    const counts = small ? this.tagCounts16 : this.tagCounts;
    const touched: number[] = [];
    const { start, length, pool } = this.tags.raw();
    const ids = matching.toUint32Array();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const end = start[id]! + length[id]!;
      for (let j = start[id]!; j < end; j++) {
        const idx = pool[j]!;
        if (counts[idx]++ === 0) touched.push(idx);
      }
    }
    const byType: FacetCount[][] = TAG_TYPES.map(() => []);
    for (let i = 0; i < touched.length; i++) {
      const idx = touched[i]!;
      const top = byType[this.tagTypes[idx]!];
      const count = counts[idx]!;
      counts[idx] = 0;
      if (!top) continue;
      if (top.length === FACET_SIZE) {
        const last = top[FACET_SIZE - 1]!;
        if (count < last.count || (count === last.count && this.tagIds[idx]! > last.tagId)) continue;
      }
      offerTop(top, { tagId: this.tagIds[idx]!, count });
    }
    for (const idx of this.fixedTags()) {
      const count = matching.andCardinality(this.direct[idx]!);
      if (count > 0) offerTop(byType[this.tagTypes[idx]!]!, { tagId: this.tagIds[idx]!, count });
    }
    const facets: ListingResult["facets"] = {};
    for (const { type } of FACET_TYPES) facets[type] = byType[TYPE_CODE.get(type)!]!;
    return facets;
  }

  /** Indexes of the rating, warning and category tags. */
  private fixedTags(): number[] {
    if (this.fixedTagCache === null || this.fixedTagCacheFor !== this.tagIds.length) {
      this.fixedTagCache = [];
      for (let idx = 0; idx < this.tagIds.length; idx++) if (this.tagTypes[idx]! <= FIXED_TYPE_CODE_MAX) this.fixedTagCache.push(idx);
      this.fixedTagCacheFor = this.tagIds.length;
    }
    return this.fixedTagCache;
  }

  /**
   * One type's top tags by intersecting the matches with each tag's bitmap, largest tags first,
   * stopping once no remaining tag can reach the current tenth place: a tag's count among the
   * matches is at most its count among all works, bounded by its size when the order was made
   * plus every work added to the type's tags since.
   */
  private facetByBitmaps(matching: Bitmap, code: number): FacetCount[] {
    const order = this.facetOrderOf(code);
    const top: FacetCount[] = [];
    const everything = matching.size === this.listed.size;
    for (let i = 0; i < order.tags.length; i++) {
      const bound = order.sizes[i]! + order.growth;
      if (bound === 0 || (top.length === FACET_SIZE && bound < top[FACET_SIZE - 1]!.count)) break;
      const idx = order.tags[i]!;
      // Every listed work matches (all works, for a member): a tag's count is its size.
      const count = everything ? this.direct[idx]!.size : matching.andCardinality(this.direct[idx]!);
      if (count > 0) offerTop(top, { tagId: this.tagIds[idx]!, count });
    }
    return top;
  }

  private facetOrderOf(code: number) {
    const order = this.facetOrder[code]!;
    if (order.stale || order.growth > 10_000) {
      const tags: number[] = [];
      // Empty tags stay in the order (at the end), so a tag's first work does not make it stale.
      for (let idx = 0; idx < this.tagIds.length; idx++) if (this.tagTypes[idx] === code) tags.push(idx);
      const size = tags.map((idx) => this.direct[idx]!.size);
      const bySize = tags.map((idx, i) => ({ idx, size: size[i]! })).sort((a, b) => b.size - a.size || a.idx - b.idx);
      order.tags = bySize.map((t) => t.idx);
      order.sizes = bySize.map((t) => t.size);
      order.growth = 0;
      order.stale = false;
    }
    return order;
  }

  private touchFacetOrder(idx: number, added: number): void {
    const order = this.facetOrder[this.tagTypes[idx]!];
    if (!order) return;
    order.growth += added;
  }

  /** A type's tags with their number of direct works, largest first (benchmarks pick their tags from it). */
  tagsBySize(type: TagType): { tagId: number; works: number }[] {
    const order = this.facetOrderOf(TYPE_CODE.get(type)!);
    return order.tags.map((idx) => ({ tagId: this.tagIds[idx]!, works: this.direct[idx]!.size }));
  }

  /** Metatags: tags some works carry only through a subtag, with how many works they filter. */
  metatags(): { tagId: number; works: number }[] {
    const out: { tagId: number; works: number }[] = [];
    for (let idx = 0; idx < this.tagIds.length; idx++) {
      if (this.inherited[idx] && !this.inherited[idx]!.isEmpty) out.push({ tagId: this.tagIds[idx]!, works: this.filterBitmap(this.tagIds[idx]!)!.size });
    }
    return out.sort((a, b) => b.works - a.works);
  }

  /** Creators by number of listed works, most first. */
  prolificCreators(): { pseudId: number; userId: number; works: number }[] {
    const users = new Map([...this.byUser].map(([id, b]) => [id, b.size]));
    const out: { pseudId: number; userId: number; works: number }[] = [];
    for (const [pseudId, bitmap] of this.byPseud) {
      const first = bitmap.minimum();
      const creators = this.creators.get(first);
      let userId = 0;
      for (let i = 0; i < creators.length; i += 2) if (creators[i] === pseudId) userId = creators[i + 1]!;
      out.push({ pseudId, userId, works: Math.max(bitmap.size, users.get(userId) ?? 0) });
    }
    return out.sort((a, b) => b.works - a.works);
  }

  /** Approximate memory held, in bytes: bitmaps serialized, typed arrays, string keys. */
  bytes(): number {
    let total = 0;
    const bitmaps = [this.listed, this.restricted, this.hidden, this.complete, this.crossover, ...this.byLanguage.values(), ...this.byPseud.values(), ...this.byUser.values(), ...this.direct, ...this.inherited.filter((b): b is Bitmap => b !== undefined)];
    for (const bitmap of bitmaps) total += bitmap.getSerializationSizeInBytes(true);
    for (const values of Object.values(this.numbers)) total += values.byteLength;
    for (const keys of Object.values(this.strings)) total += keys.bytes();
    total += this.languageCode.byteLength + this.tags.bytes() + this.inheritedTags.bytes() + this.creators.bytes();
    for (const order of this.orders.values()) total += order.bytes();
    for (const buckets of this.buckets.values()) total += buckets.bytes();
    total += this.tagIds.length * 24;
    return total;
  }

  private keyColumn(column: SortedWorkColumn): SortKeyColumn {
    if (isTextColumn(column)) return { kind: "string", values: this.strings[column] };
    return { kind: "number", values: this.numbers[column] };
  }

  private languageNumber(code: string): number {
    let n = this.languages.indexOf(code);
    if (n < 0) n = this.languages.push(code) - 1;
    return n;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5), 1024);
    const grow = <T extends Float64Array | Uint32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.languageCode = grow(this.languageCode, (n) => new Uint16Array(n));
    for (const key of Object.keys(this.numbers) as (keyof typeof this.numbers)[]) {
      const old = this.numbers[key];
      this.numbers[key] = old instanceof Float64Array ? grow(old, (n) => new Float64Array(n)) : grow(old, (n) => new Uint32Array(n));
    }
    this.tags.grow(capacity);
    this.inheritedTags.grow(capacity);
    for (const keys of Object.values(this.strings)) keys.grow(capacity);
    this.creators.grow(capacity);
    this.capacity = capacity;
  }
}

/** A bitmap of these ids (search results, an unwrangled tag's works) to narrow a listing with. */
export function bitmapOf(ids: number[]): Bitmap {
  return new RoaringBitmap32(ids);
}

function pushTo<K>(map: Map<K, number[]>, key: K, id: number): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

function bitmapIn<K>(map: Map<K, Bitmap>, key: K): Bitmap {
  let bitmap = map.get(key);
  if (!bitmap) {
    bitmap = new RoaringBitmap32();
    map.set(key, bitmap);
  }
  return bitmap;
}

// Module-level rather than a closure per call: hot loops call these hundreds of thousands of times.
function better(a: FacetCount, b: FacetCount): boolean {
  return a.count > b.count || (a.count === b.count && a.tagId < b.tagId);
}

/** Keeps `top` the FACET_SIZE best entries, count desc then tag id asc. */
function offerTop(top: FacetCount[], entry: FacetCount): void {
  if (top.length === FACET_SIZE && !better(entry, top[FACET_SIZE - 1]!)) return;
  let i = top.length < FACET_SIZE ? top.length : FACET_SIZE - 1;
  if (top.length < FACET_SIZE) top.push(entry);
  while (i > 0 && better(entry, top[i - 1]!)) {
    top[i] = top[i - 1]!;
    i--;
  }
  top[i] = entry;
}

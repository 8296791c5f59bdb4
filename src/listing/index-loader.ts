import { sql } from "kysely";
import { type DbOrTrx, dialectOf } from "../platform/db/index.js";
import { COLUMN_NAMES, columnValues } from "./columns.js";
import type { ListingQuery, ListingResult } from "./listing-query.js";
import { type Bitmap, type IndexedWork, WorkIndex, type WorkIndexOptions } from "./work-index.js";

const BATCH = 20_000;
/** A change-feed id still missing after this long belonged to a rolled-back transaction, not a slow one. */
const GAP_PATIENCE_MS = 10 * 60_000;
/** At most this many missing ids are watched; beyond that the oldest are given up. */
const MAX_GAPS = 10_000;
/** Feed rows read per query, and queries a listing waits for before answering (the timer reads the rest). */
const FEED_PAGE = 5000;
const FEED_PAGES_PER_LISTING = 4;

/**
 * The browse index of one process over one database: built from the tables at start-up, then
 * kept current by following the change feed (change_feed rows are written in the transaction of
 * every change to a work's listing data). Every listing first catches up with the feed, so a
 * reader sees their own change at once and any number of processes agree within a poll.
 */
export class BrowseIndex {
  readonly index: WorkIndex;
  /** The highest change-feed id read. */
  private highest = 0;
  /**
   * Ids below `highest` not seen yet, with when they were first missed. On PostgreSQL an id is
   * taken when a transaction inserts and becomes visible when it commits, so a smaller id can
   * appear after a larger one; each pass looks for these again until GAP_PATIENCE_MS.
   */
  private readonly gaps = new Map<number, number>();
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  buildSeconds = 0;

  private constructor(
    private readonly db: DbOrTrx,
    options: WorkIndexOptions,
  ) {
    this.index = new WorkIndex(options);
  }

  /** Reads every listed work into a new index; `progress` hears how far it got. */
  static async build(db: DbOrTrx, options: { progress?: (done: number, total: number) => void } & WorkIndexOptions = {}): Promise<BrowseIndex> {
    const started = performance.now();
    const browse = new BrowseIndex(db, options);
    const progress = options.progress;
    // The feed's position first: changes made while the tables are read are applied again after.
    // Ids just below it that are missing may belong to transactions still open: watch them.
    const last = await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
    browse.highest = Number(last?.id ?? 0);
    const recent = await db.selectFrom("change_feed").select("id").where("id", ">", browse.highest - 1000).execute();
    const present = new Set(recent.map((r) => Number(r.id)));
    for (let id = Math.max(1, browse.highest - 999); id < browse.highest; id++) if (!present.has(id)) browse.gaps.set(id, Date.now());
    const tags = await db.selectFrom("tags").select(["id", "type"]).where("canonical", "=", 1).execute();
    for (const tag of tags) browse.index.ensureTag(tag.id, tag.type);
    const counted = await db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).where("posted", "=", 1).executeTakeFirstOrThrow();
    const total = Number(counted.n);
    let after = 0;
    let done = 0;
    for (;;) {
      const works = await loadWorks(db, { after, limit: BATCH });
      if (works.length === 0) break;
      for (const work of works) browse.index.load(work);
      after = works[works.length - 1]!.id;
      done += works.length;
      progress?.(done, total);
    }
    browse.index.finishBuild();
    browse.buildSeconds = (performance.now() - started) / 1000;
    return browse;
  }

  /**
   * Answers a listing after applying the changes committed so far (a reader sees their own
   * change). A long backlog (a large re-filter) is left to the timer after a few pages, and a
   * database error while catching up is logged: the index answers as it stands.
   */
  async query(q: ListingQuery, within: Bitmap[] = []): Promise<ListingResult> {
    return (await this.current()).query(q, within);
  }

  /** The index after applying the changes committed so far, for callers that ask it more than a listing (search). */
  async current(): Promise<WorkIndex> {
    try {
      await this.catchUp();
    } catch (error) {
      console.error(`browse index: could not read the change feed: ${(error as Error).message}`);
    }
    return this.index;
  }

  /** Polls the feed in the background too, so an idle process does not fall behind. */
  follow(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.catchUp(Number.POSITIVE_INFINITY).catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queued?.catch(() => {});
    await this.running?.catch(() => {});
  }

  /**
   * Applies the feed's new rows. Calls made while a pass runs share one further pass that starts
   * after it, so every caller waits for a pass that began after it asked.
   */
  catchUp(pages = FEED_PAGES_PER_LISTING): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.applyNewChanges(pages).finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued = this.running
      .catch(() => {})
      .then(() => {
        this.queued = null;
        return this.catchUp(pages);
      });
    return this.queued;
  }

  private async applyNewChanges(pages: number): Promise<void> {
    // Ids that were missing: committed since?
    if (this.gaps.size) {
      const now = Date.now();
      for (const [id, since] of this.gaps) if (now - since > GAP_PATIENCE_MS) this.gaps.delete(id);
      const ids = [...this.gaps.keys()];
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await this.db.selectFrom("change_feed").select(["id", "work_id"]).where("id", "in", ids.slice(i, i + 1000)).execute();
        if (rows.length) await this.reload([...new Set(rows.map((r) => r.work_id))]);
        for (const row of rows) this.gaps.delete(Number(row.id));
      }
    }
    // Then everything newer, page by page.
    for (let page = 0; page < pages; page++) {
      const rows = await this.db.selectFrom("change_feed").select(["id", "work_id"]).where("id", ">", this.highest).orderBy("id").limit(FEED_PAGE).execute();
      if (rows.length === 0) return;
      await this.reload([...new Set(rows.map((r) => r.work_id))]);
      for (const row of rows) {
        const id = Number(row.id);
        for (let missing = Math.max(this.highest + 1, id - MAX_GAPS); missing < id; missing++) this.gaps.set(missing, Date.now());
        this.highest = id;
      }
      while (this.gaps.size > MAX_GAPS) this.gaps.delete(this.gaps.keys().next().value!);
      if (rows.length < FEED_PAGE) return;
    }
  }

  /** Reads these works again and puts them in (or takes them out of) the index. */
  private async reload(workIds: number[]): Promise<void> {
    for (let i = 0; i < workIds.length; i += 1000) {
      const ids = workIds.slice(i, i + 1000);
      const works = await loadWorks(this.db, { ids });
      const unknownTags = new Set<number>();
      for (const work of works) for (const tagId of [...work.directTags, ...work.inheritedTags]) if (!this.index.hasTag(tagId)) unknownTags.add(tagId);
      if (unknownTags.size) {
        const tags = await this.db.selectFrom("tags").select(["id", "type"]).where("id", "in", [...unknownTags]).execute();
        for (const tag of tags) this.index.ensureTag(tag.id, tag.type);
      }
      const found = new Set(works.map((w) => w.id));
      for (const work of works) this.index.upsert(work);
      for (const id of ids) if (!found.has(id)) this.index.remove(id);
    }
  }
}

/** Posted works with everything the index keeps: by id range (start-up) or by ids (changes). */
async function loadWorks(db: DbOrTrx, which: { after: number; limit: number } | { ids: number[] }): Promise<IndexedWork[]> {
  let query = db
    .selectFrom("works")
    .select(["id", "restricted", "hidden_by_admin", "complete", "crossover", "language", ...COLUMN_NAMES])
    .where("posted", "=", 1);
  query = "ids" in which ? query.where("id", "in", which.ids) : query.where("id", ">", which.after).orderBy("id").limit(which.limit);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const lo = rows[0]!.id;
  const hi = rows[rows.length - 1]!.id;
  const inRange = "ids" in which ? sql`work_id in (${sql.join(which.ids.map((id) => sql`${id}`))})` : sql`work_id between ${lo} and ${hi}`;
  // One row per work with its filters packed as tag_id * 2 + inherited: far fewer rows to decode.
  const packed = await sql<{ work_id: number; filters: string }>`select work_id, ${aggregate(db)} as filters
    from work_filters where ${inRange} group by work_id`.execute(db);
  const filtersOf = new Map(packed.rows.map((r) => [Number(r.work_id), r.filters]));
  const creatorRows = await db
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .select(["work_creators.work_id as workId", "pseuds.id as pseudId", "pseuds.user_id as userId"])
    .where(({ eb }) => ("ids" in which ? eb("work_creators.work_id", "in", which.ids) : eb.between("work_creators.work_id", lo, hi)))
    .orderBy("work_creators.work_id")
    .orderBy("work_creators.position")
    .execute();
  const creatorsOf = new Map<number, { pseudIds: number[]; userIds: number[] }>();
  for (const c of creatorRows) {
    let entry = creatorsOf.get(c.workId);
    if (!entry) creatorsOf.set(c.workId, (entry = { pseudIds: [], userIds: [] }));
    entry.pseudIds.push(c.pseudId);
    entry.userIds.push(c.userId);
  }
  return rows.map((r) => ({
    id: r.id,
    restricted: r.restricted === 1,
    hidden: r.hidden_by_admin === 1,
    complete: r.complete === 1,
    crossover: r.crossover === 1,
    language: r.language,
    columns: columnValues(r),
    pseudIds: creatorsOf.get(r.id)?.pseudIds ?? [],
    userIds: creatorsOf.get(r.id)?.userIds ?? [],
    ...unpackFilters(filtersOf.get(r.id)),
  }));
}

function aggregate(db: DbOrTrx) {
  return dialectOf(db) === "postgres"
    ? sql`string_agg((tag_id * 2 + inherited)::text, ',')`
    : sql`group_concat(tag_id * 2 + inherited)`;
}

function unpackFilters(packed: string | undefined): { directTags: number[]; inheritedTags: number[] } {
  const directTags: number[] = [];
  const inheritedTags: number[] = [];
  if (packed) {
    for (const part of packed.split(",")) {
      const n = Number(part);
      if (n % 2 === 1) inheritedTags.push((n - 1) / 2);
      else directTags.push(n / 2);
    }
  }
  return { directTags, inheritedTags };
}

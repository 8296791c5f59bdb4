import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { shiftWorkCounters } from "../platform/changes.js";
import type { Db } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { isCreator, type WorkAccess } from "../model/visibility.js";
import { guestAddressKey } from "./policy.js";

// Hits: one per visitor (a logged-in user, else a guest address as kudos key it: IPv4, or an
// IPv6 /64) per work per UTC day. Reading a page only adds a key to this process's memory (no
// query); every HITS_FLUSH_SECONDS the buffer is written in one transaction: the dedup keys into
// hit_visits (its primary key decides, so a key counted before a flush, or by another process,
// counts nothing again), and for the keys that were new, works.hits_count, the per-day table the
// stats chart reads, and a change-feed row per work (listings sort by hits). A crash loses at most
// the hits buffered since the last flush; closing the app flushes them.

declare module "fastify" {
  interface FastifyInstance {
    hits: HitCounter;
  }
}

/** How often buffered hits are written: also the most a crash may lose. The README says so. */
export const HITS_FLUSH_SECONDS = 5;
/** Past this many buffered keys a flush starts at once, rather than waiting for the timer. */
const FLUSH_AT_KEYS = 20_000;
/**
 * While the database cannot take them (every flush fails and keeps its batch), at most this many
 * keys are held (about 20 MB); hits past it are dropped, so memory stays bounded.
 */
const MAX_KEYS = 200_000;
/** Rows per multi-row insert: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 300;
/** Old dedup keys are pruned at most this often. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Requests from obvious robots are not counted. The rule: no User-Agent at all, or one naming a
 * robot or a tool rather than a browser: "bot" as a word or before "/" (Googlebot/2.1, bingbot),
 * crawl, spider, slurp, archiver, scraper, headless browsers, link previews, and command-line or
 * library clients (curl, wget, python, Go, Java, okhttp, libwww, http client).
 */
const BOT_USER_AGENT = /bot\b|bot\/|crawl|spider|slurp|archiver|scrap|headless|phantomjs|lighthouse|preview|facebookexternalhit|embedly|curl\/|wget\/|python|go-http-client|java\/|okhttp|libwww|http-?client/i;

export function looksLikeBot(userAgent: string | undefined): boolean {
  return !userAgent || !userAgent.trim() || BOT_USER_AGENT.test(userAgent);
}

/** Whether this request may count as a hit on this work: a posted work, not its creator, not a robot. */
export function countsAsHit(viewer: Viewer, work: WorkAccess, userAgent: string | undefined): boolean {
  return work.posted === 1 && !isCreator(viewer, work) && !looksLikeBot(userAgent);
}

/** Who a hit is from, before hashing: the account when logged in, else the guest's address key. */
export function visitorOf(viewer: Viewer, ip: string): string {
  return viewer.user ? `user:${viewer.user.id}` : `address:${guestAddressKey(ip)}`;
}

interface PendingHit {
  day: string;
  work_id: number;
  visitor: string;
}

export class HitCounter {
  private pending = new Map<string, PendingHit>();
  private running: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | null = null;
  private prunedAt = 0;

  /** `salt` keeps addresses out of the table: keys are salted hashes, different every day. */
  constructor(
    private readonly db: Db,
    private readonly salt: string,
  ) {}

  /** Notes a hit (memory only). Repeats before the next flush cost nothing. */
  note(workId: number, visitor: string, at: Date = new Date()): void {
    const day = at.toISOString().slice(0, 10);
    const hashed = createHash("sha256").update(`${this.salt}\0${day}\0${visitor}`).digest("base64url").slice(0, 22);
    const key = `${day}|${workId}|${hashed}`;
    if (this.pending.has(key) || this.pending.size >= MAX_KEYS) return;
    this.pending.set(key, { day, work_id: workId, visitor: hashed });
    // Once as the buffer reaches the mark, not on every hit after it.
    if (this.pending.size === FLUSH_AT_KEYS) this.flush().catch((error) => console.error(`Hits not written yet: ${(error as Error).message}`));
  }

  /** Hits waiting for the next flush (for tests and the README's claim). */
  get buffered(): number {
    return this.pending.size;
  }

  /** Writes the buffered hits now; resolves to how many were new. One flush at a time. */
  flush(): Promise<number> {
    const next = this.running.catch(() => 0).then(() => this.write());
    this.running = next;
    return next;
  }

  private async write(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      const counted = await this.store(batch);
      if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) await this.prune();
      return counted;
    } catch (error) {
      // Nothing was written (one transaction): keep the batch for the next flush.
      for (const hit of batch) this.pending.set(`${hit.day}|${hit.work_id}|${hit.visitor}`, hit);
      throw error;
    }
  }

  private async store(batch: PendingHit[]): Promise<number> {
    // One order for every process, so two flushes inserting the same keys cannot deadlock.
    batch.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.work_id - b.work_id || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0)));
    return this.db.transaction().execute(async (trx) => {
      // A work deleted since its hit was noted is left out (its per-day row would have no work).
      const ids = [...new Set(batch.map((h) => h.work_id))];
      const existing = new Set<number>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const row of await trx.selectFrom("works").select("id").where("id", "in", ids.slice(i, i + CHUNK)).execute()) existing.add(row.id);
      }
      const rows = batch.filter((h) => existing.has(h.work_id));
      const perWorkDay = new Map<string, { work_id: number; day: string; hits: number }>();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const inserted = await trx
          .insertInto("hit_visits")
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.doNothing())
          .returning(["work_id", "day"])
          .execute();
        for (const row of inserted) {
          const key = `${row.work_id}|${row.day}`;
          const entry = perWorkDay.get(key) ?? { work_id: row.work_id, day: row.day, hits: 0 };
          entry.hits += 1;
          perWorkDay.set(key, entry);
        }
      }
      if (perWorkDay.size === 0) return 0;
      const days = [...perWorkDay.values()].sort((a, b) => a.work_id - b.work_id || (a.day < b.day ? -1 : 1));
      for (let i = 0; i < days.length; i += CHUNK) {
        await trx
          .insertInto("work_hits_daily")
          .values(days.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(["work_id", "day"]).doUpdateSet((eb) => ({ hits: eb("work_hits_daily.hits", "+", eb.ref("excluded.hits")) })))
          .execute();
      }
      const perWork = new Map<number, number>();
      for (const d of days) perWork.set(d.work_id, (perWork.get(d.work_id) ?? 0) + d.hits);
      await shiftWorkCounters(trx, "hits_count", perWork);
      return days.reduce((sum, d) => sum + d.hits, 0);
    });
  }

  /** Dedup keys are needed only while their day can still receive hits: today and yesterday (a hit noted before midnight may flush after). */
  private async prune(): Promise<void> {
    this.prunedAt = Date.now();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await this.db.deleteFrom("hit_visits").where("day", "<", yesterday).execute();
  }

  /** Flushes every HITS_FLUSH_SECONDS until stopped. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((error) => console.error(`Hits not written yet: ${(error as Error).message}`));
    }, HITS_FLUSH_SECONDS * 1000);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}

/** Gives the app its hit counter (`app.hits`), flushing on a timer and when the app closes. */
export function attachHitCounter(app: FastifyInstance, db: Db, salt: string): HitCounter {
  const counter = new HitCounter(db, salt);
  app.decorate("hits", counter);
  counter.start();
  app.addHook("onClose", async () => {
    await counter.stop().catch((error) => console.error(`Hits lost at shutdown: ${(error as Error).message}`));
  });
  return counter;
}

/** Counts this page view of a work when it should be counted; memory only, no query. */
export function noteHit(req: FastifyRequest, work: WorkAccess & { id: number }): void {
  if (req.method !== "GET" || !countsAsHit(req.viewer, work, req.headers["user-agent"])) return;
  req.server.hits?.note(work.id, visitorOf(req.viewer, req.ip));
}

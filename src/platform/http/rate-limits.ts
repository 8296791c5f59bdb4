import type { FastifyBaseLogger } from "fastify";
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitOptions } from "@fastify/rate-limit";
import { sql } from "kysely";
import { type Db, dialectOf } from "../db/index.js";

// Every rate limit of the archive is counted here, in the database (the rate_limits table), so
// that every process serving one archive (over one SQLite file or one PostgreSQL database) sees
// the same counts: a limit of five log-ins in 20 seconds per address holds however a proxy spreads
// the requests. Route limits (the `rateLimit` option of the route table, any Fastify route's
// `config.rateLimit`, the JSON API's limiter) go through @fastify/rate-limit with the store below;
// a limit that counts something else than requests (wrong OPDS passwords) calls countHit and
// peekHits itself. Nothing counts in a process's memory.
//
// Counting is a fixed window per key, begun by the key's first hit: one upsert per hit, atomic on
// both databases (PostgreSQL's ON CONFLICT locks the row; SQLite has one writer), which returns
// the count with this hit and when the window ends. A hit after the end starts a new window at 1.
// Expired rows are harmless (the next hit resets them) and are deleted at most once a minute per
// process, through the index on expires_at.

/** Hits in a key's current window (this one included, for countHit) and milliseconds until it ends. */
export interface WindowCount {
  hits: number;
  ttlMs: number;
}

/**
 * The database could not count a hit (connection lost, database locked or unreachable). Routes that
 * change something refuse the request with it (503, RATE_LIMIT_UNAVAILABLE); reads go through.
 */
export class RateLimitUnavailable extends Error {
  readonly statusCode = 503;
  readonly code = "FANFOLD_RATE_LIMIT_UNAVAILABLE";
  constructor(cause: unknown) {
    super(`The rate limit could not be checked: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "RateLimitUnavailable";
  }
}

/** Seconds a client is told to wait (Retry-After) when the limit could not be checked. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

const SWEEP_EVERY_MS = 60_000;
const lastSweep = new WeakMap<Db, number>();

/** Counts one hit on `key` in a window of `windowMs`; throws RateLimitUnavailable when the database fails. */
export async function countHit(db: Db, key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
  const nowIso = new Date(now).toISOString();
  const expired = sql<boolean>`rate_limits.expires_at <= ${nowIso}`;
  const upsert = (on: Db) =>
    on
      .insertInto("rate_limits")
      .values({ key, hits: 1, expires_at: new Date(now + windowMs).toISOString() })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({
          hits: sql<number>`case when ${expired} then 1 else rate_limits.hits + 1 end`,
          expires_at: sql<string>`case when ${expired} then excluded.expires_at else rate_limits.expires_at end`,
        }),
      )
      .returning(["hits", "expires_at"])
      .executeTakeFirstOrThrow();
  let row: { hits: number; expires_at: string };
  try {
    row = dialectOf(db) === "sqlite" ? await withoutSync(db, upsert) : await upsert(db);
  } catch (error) {
    throw new RateLimitUnavailable(error);
  }
  sweepNowAndThen(db, now);
  return { hits: Number(row.hits), ttlMs: Math.max(0, Date.parse(row.expires_at) - now) };
}

/**
 * Runs `write` on the SQLite connection with synchronous=NORMAL, then puts the connection's
 * setting back. The archive's file is opened with synchronous=FULL (a posted story survives a power
 * cut), which makes every commit wait for the disk: a few milliseconds during which better-sqlite3
 * holds the whole process. A hit needs no such care (after a power cut, a window restarts), so its
 * commit skips the wait; the next FULL commit syncs it with its own. Holding the one connection
 * (Kysely's lock) keeps every other query out while the setting differs.
 */
async function withoutSync<T>(db: Db, write: (on: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(conn);
    const previous = Number(rows[0]?.synchronous ?? 2);
    await sql`pragma synchronous = normal`.execute(conn);
    try {
      return await write(conn);
    } finally {
      await sql.raw(`pragma synchronous = ${previous}`).execute(conn);
    }
  });
}

/** The hits in `key`'s current window without counting one (0 and 0 when it has none). */
export async function peekHits(db: Db, key: string, now = Date.now()): Promise<WindowCount> {
  let row: { hits: number; expires_at: string } | undefined;
  try {
    row = await db.selectFrom("rate_limits").select(["hits", "expires_at"]).where("key", "=", key).where("expires_at", ">", new Date(now).toISOString()).executeTakeFirst();
  } catch (error) {
    throw new RateLimitUnavailable(error);
  }
  return row ? { hits: Number(row.hits), ttlMs: Math.max(0, Date.parse(row.expires_at) - now) } : { hits: 0, ttlMs: 0 };
}

/** Deletes the windows that have ended; returns how many. */
export async function sweepExpiredRateLimits(db: Db, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom("rate_limits").where("expires_at", "<=", new Date(now).toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** At most once a minute per database handle, not awaited: a failed sweep leaves rows the next one deletes. */
function sweepNowAndThen(db: Db, now: number): void {
  const last = lastSweep.get(db);
  if (last !== undefined && now - last < SWEEP_EVERY_MS) return;
  lastSweep.set(db, now);
  if (last === undefined) return; // the first hit only starts the clock
  sweepExpiredRateLimits(db, now).catch(() => {});
}

/** The option naming a limiter that is no route (the JSON API's), so its keys have a prefix of their own. */
const LIMITER_NAME = "fanfoldLimiter";

/**
 * A limiter's options for `app.rateLimit(…)` (a limiter that is no one route's), under a name that
 * prefixes its keys in the shared table.
 */
export function namedLimiter(name: string, options: RateLimitOptions): RateLimitOptions {
  return { ...options, [LIMITER_NAME]: name } as RateLimitOptions;
}

/** Whether a route takes only reads: its limit lets requests through when the count fails. */
export function readsOnly(method: string | string[]): boolean {
  return (Array.isArray(method) ? method : [method]).every((m) => m === "GET" || m === "HEAD");
}

/**
 * The @fastify/rate-limit store over the rate_limits table. The plugin makes one child per route
 * (or named limiter); each prefixes its keys with the route's method and URL (or the name), so two
 * routes count apart, as the plugin's own stores do, and the same route counts together in every
 * process. A failed count is logged here and passed to the plugin, which refuses the request (the
 * error handlers answer RATE_LIMIT_UNAVAILABLE) unless the route set `skipOnError` (reads do).
 * `continueExceeding` and `exponentialBackoff` are not supported.
 */
export function databaseRateLimitStore(db: Db, log: FastifyBaseLogger): FastifyRateLimitStoreCtor {
  const failed = (key: string, error: unknown) => log.error({ err: error, key }, "rate limit not checked: the database did not answer");
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = "",
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      countHit(db, this.prefix + key, timeWindow).then(
        (count) => callback(null, { current: count.hits, ttl: count.ttlMs }),
        (error: Error) => {
          failed(this.prefix + key, error);
          callback(error);
        },
      );
    }

    /** The plugin's non-counting look (`createRateLimit(…)(req, { increment: false })`). */
    read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      peekHits(db, this.prefix + key).then(
        (count) => callback(null, { current: count.hits, ttl: count.ttlMs }),
        (error: Error) => {
          failed(this.prefix + key, error);
          callback(error);
        },
      );
    }

    // The plugin passes the route's merged limit options with `routeInfo` (the route), not the
    // route options its type declares.
    child(given: Parameters<FastifyRateLimitStore["child"]>[0]): FastifyRateLimitStore {
      const options = given as unknown as RateLimitOptions & { routeInfo?: { method?: string | string[]; url?: string } };
      if (options.continueExceeding || options.exponentialBackoff) throw new Error("The database rate-limit store does not support continueExceeding or exponentialBackoff.");
      const name = (options as Record<string, unknown>)[LIMITER_NAME];
      const route = options.routeInfo;
      const prefix = typeof name === "string" ? name : route?.url ? `${[route.method].flat().join(",")} ${route.url}` : undefined;
      if (!prefix) throw new Error("A rate limit that is no route's needs a name: use namedLimiter(name, options).");
      return new DatabaseRateLimitStore(options, `${prefix}|`);
    }
  };
}

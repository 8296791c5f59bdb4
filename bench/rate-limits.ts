// The cost of a rate-limit check: the database store every limit uses (one upsert per hit, in the
// rate_limits table, src/platform/http/rate-limits.ts) on SQLite and on PostgreSQL, against
// @fastify/rate-limit's in-memory store (what the archive used before, per process) in the same run.
//
//   npx tsx bench/rate-limits.ts [--checks 3000] [--concurrency 16] [--dialect sqlite|postgres|both]
//
// Each store is driven as @fastify/rate-limit drives it: `store.child(route).incr(key, cb, window, max)`,
// keys spread over 200 client addresses. "one at a time" awaits each check before the next (the
// latency a request pays); "N at once" keeps N checks in flight (a busy server). On PostgreSQL the
// table is UNLOGGED (as the migration makes it); the run is repeated with it LOGGED for comparison.
// PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// in a throwaway database dropped at the end; SQLite in a temp folder removed at the end.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { FastifyBaseLogger } from "fastify";
import type { FastifyRateLimitStore } from "@fastify/rate-limit";
import { sql } from "kysely";
import { type Db, openDatabase } from "../src/platform/db/index.js";
import { migrateToLatest } from "../src/platform/db/migrate.js";
import { databaseRateLimitStore } from "../src/platform/http/rate-limits.js";

const { values: options } = parseArgs({
  options: {
    checks: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    dialect: { type: "string", default: "both" },
  },
});
const CHECKS = Number(options.checks);
const CONCURRENCY = Number(options.concurrency);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const WINDOW_MS = 20_000;
const MAX = 5;

const require = createRequire(import.meta.url);
type StoreCtor = new (options: unknown) => FastifyRateLimitStore;
const LocalStore = require("@fastify/rate-limit/store/LocalStore.js") as new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => FastifyRateLimitStore;
const silent = { error: () => {} } as unknown as FastifyBaseLogger;

function routeStore(Store: StoreCtor | null): FastifyRateLimitStore {
  const route = { routeInfo: { method: "POST", url: "/users/login" }, timeWindow: WINDOW_MS, max: MAX };
  const root = Store ? new Store({}) : new LocalStore(false, false, 5000);
  return root.child(route as never);
}

const incr = (store: FastifyRateLimitStore, key: string) =>
  new Promise<number>((resolve, reject) => store.incr(key, (error, result) => (error ? reject(error) : resolve(result!.current)), WINDOW_MS, MAX));

/** Microseconds per check, and checks a second, for CHECKS checks with `inFlight` at a time. */
async function measure(store: FastifyRateLimitStore, inFlight: number, round: string): Promise<{ usPerCheck: number; perSecond: number }> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < CHECKS) {
      const i = next++;
      await incr(store, `${round}:192.0.2.${i % 200}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ms = performance.now() - started;
  return { usPerCheck: (ms * 1000) / CHECKS, perSecond: (CHECKS / ms) * 1000 };
}

const rows: { store: string; one: { usPerCheck: number; perSecond: number }; many: { usPerCheck: number; perSecond: number } }[] = [];

async function run(name: string, store: FastifyRateLimitStore): Promise<void> {
  process.stderr.write(`${name}…\n`);
  await measure(store, 1, `warm-${name}`); // warm up: prepared plans, JIT, the pool's connections
  const one = await measure(store, 1, `one-${name}`);
  const many = await measure(store, CONCURRENCY, `many-${name}`);
  rows.push({ store: name, one, many });
}

async function withSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-bench-"));
  const db = openDatabase(`sqlite:${join(dir, "bench.sqlite")}`);
  try {
    await migrateToLatest(db);
    await run("SQLite file (WAL)", routeStore(databaseRateLimitStore(db, silent) as unknown as StoreCtor));
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgres(): Promise<void> {
  const admin = openDatabase(ADMIN_URL);
  const name = `fanfold_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  let db: Db | undefined;
  try {
    await sql.raw(`create database ${name}`).execute(admin);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    db = openDatabase(url.toString());
    await migrateToLatest(db);
    const store = routeStore(databaseRateLimitStore(db, silent) as unknown as StoreCtor);
    await run("PostgreSQL, UNLOGGED table", store);
    await sql`alter table rate_limits set logged`.execute(db);
    await run("PostgreSQL, LOGGED table", store);
  } finally {
    await db?.destroy();
    // The pool's connections close asynchronously on the server: wait, so the drop cuts none.
    for (let i = 0; i < 50; i++) {
      const left = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
      if (left.rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin).catch(() => {});
    await admin.destroy();
  }
}

await run("in memory (@fastify/rate-limit LocalStore)", routeStore(null));
if (options.dialect !== "postgres") await withSqlite();
if (options.dialect !== "sqlite") await withPostgres();

const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`Rate-limit checks: ${fmt(CHECKS)} per run, one at a time and ${CONCURRENCY} at once`);
console.log(`${"store".padEnd(44)}${"µs/check (1)".padStart(14)}${"checks/s (1)".padStart(14)}${`checks/s (${CONCURRENCY})`.padStart(16)}`);
for (const r of rows) console.log(`${r.store.padEnd(44)}${fmt(r.one.usPerCheck, 1).padStart(14)}${fmt(r.one.perSecond).padStart(14)}${fmt(r.many.perSecond).padStart(16)}`);

// The re-filter benchmark: how long making a tag used by N works a synonym of another takes to
// re-filter all of them, on SQLite and on PostgreSQL, and whether a re-filter job killed midway
// (SIGKILL, in a child process) and restarted finishes with exact filter sets.
//
//   npx tsx bench/refilter.ts [--works 100000] [--dialect sqlite|postgres|both] [--json] [--batch 1000]
//
// See bench/README.md for what is measured and the figures on the project's machine.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { type Db, openDatabase } from "../src/platform/db/index.js";
import { migrateToLatest } from "../src/platform/db/migrate.js";
import { claimJob, jobStatus } from "../src/platform/jobs.js";
import { computeFilterSets, refreshFilterSets } from "../src/tags/filters.js";
import { REFILTER_BATCH, runRefilterNow, setRefilterBatchSize } from "../src/tags/refilter.js";
import { tagKey } from "../src/model/vocabulary.js";
import { wrangle } from "../src/tags/wrangling.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKER = join(ROOT, "bench/refilter-worker.ts");
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** How long a dead worker's job stays locked before another worker may take it (jobs.ts STALE_MS). */
const STALE_SECONDS = 60;
const KILL_AT = 0.3;

type Dialect = "sqlite" | "postgres";

const { values: options } = parseArgs({
  options: {
    works: { type: "string", default: "100000" },
    dialect: { type: "string", default: "both" },
    json: { type: "boolean", default: false },
    batch: { type: "string" },
  },
});
const WORKS = Number(options.works);
if (!Number.isInteger(WORKS) || WORKS < 100) fail(`--works must be a whole number of at least 100, not "${options.works}".`);
if (!["sqlite", "postgres", "both"].includes(options.dialect!)) fail(`--dialect must be sqlite, postgres or both, not "${options.dialect}".`);
const DIALECTS: Dialect[] = options.dialect === "both" ? ["sqlite", "postgres"] : [options.dialect as Dialect];
if (options.batch !== undefined) {
  const batch = Number(options.batch);
  if (!Number.isInteger(batch) || batch < 1) fail(`--batch must be a positive whole number, not "${options.batch}".`);
  setRefilterBatchSize(batch);
}
const BATCH = REFILTER_BATCH;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Output helpers

const say = (line: string) => process.stderr.write(`${line}\n`);
let progressShown = false;
function progress(text: string): void {
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[K${text}`);
    progressShown = true;
  }
}
function endProgress(): void {
  if (progressShown) process.stderr.write("\r\x1b[K");
  progressShown = false;
}
const fmt = (n: number) => n.toLocaleString("en-US");
const secs = (ms: number) => Math.round(ms / 10) / 100;

/** A small seeded generator, so every run builds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Databases: a SQLite file in a temp folder, or a throwaway PostgreSQL database.

interface BenchDb {
  db: Db;
  url: string;
  close(): Promise<void>;
}

const cleanups = new Set<() => Promise<void>>();

async function postgresReachable(): Promise<boolean> {
  const probe = openDatabase(ADMIN_URL);
  try {
    await sql`select 1`.execute(probe);
    return true;
  } catch {
    return false;
  } finally {
    await probe.destroy().catch(() => {});
  }
}

async function freshDatabase(dialect: Dialect): Promise<BenchDb> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-bench-"));
    const url = `sqlite:${join(dir, "bench.sqlite")}`;
    const db = openDatabase(url);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    };
    cleanups.add(close);
    return { db, url, close };
  }
  const name = `fanfold_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = openDatabase(ADMIN_URL);
  await sql.raw(`create database ${name}`).execute(admin);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.destroy().catch(() => {});
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
    await admin.destroy();
  };
  cleanups.add(close);
  return { db, url: url.toString(), close };
}

process.once("SIGINT", () => {
  endProgress();
  say("bench: interrupted; removing the benchmark databases");
  void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
});

// ---------------------------------------------------------------------------------------------
// Data: N works, each tagged "Tag A" and "Tag C" (the two tags the benchmark wrangles), a
// rating, a warning, one or two fandoms and a couple of other tags from a wrangled vocabulary
// (canonical tags, synonyms, metatags three levels deep, unwrangled tags).

const NOW = "2026-01-01T00:00:00.000Z";

async function insertTags(db: Db, rows: { name: string; type: string; canonical: boolean }[]): Promise<Map<string, number>> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("tags")
      .values(rows.slice(i, i + 500).map((r) => ({ name: r.name, name_key: tagKey(r.name), type: r.type, canonical: r.canonical ? 1 : 0, created_at: NOW })))
      .execute();
  }
  const all = await db.selectFrom("tags").select(["id", "name"]).execute();
  return new Map(all.map((t) => [t.name, t.id]));
}

async function seed(db: Db, dialect: Dialect, n: number): Promise<void> {
  const rand = random(20260101);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;

  const user = await db.insertInto("users").values({ login: "bench", login_key: "bench", email: "bench@example.com", password_hash: "-", created_at: NOW }).returning("id").executeTakeFirstOrThrow();
  const pseud = await db
    .insertInto("pseuds")
    .values({ user_id: user.id, name: "bench", name_key: "bench", description: "", is_default: 1, created_at: NOW })
    .returning("id")
    .executeTakeFirstOrThrow();

  const FANDOMS = 50;
  const FREEFORMS = 1000;
  const CHARACTERS = 500;
  const tagRows: { name: string; type: string; canonical: boolean }[] = [
    { name: "Tag A", type: "Freeform", canonical: false },
    { name: "Tag B", type: "Freeform", canonical: true },
    { name: "Tag B Meta", type: "Freeform", canonical: true },
    { name: "Tag C", type: "Freeform", canonical: false },
    { name: "Tag D", type: "Freeform", canonical: true },
    { name: "Tag D Meta", type: "Freeform", canonical: true },
    { name: "Fandom Universe", type: "Fandom", canonical: true },
  ];
  for (let i = 1; i <= FANDOMS; i++) tagRows.push({ name: `Fandom ${i}`, type: "Fandom", canonical: i <= 45 });
  // Freeforms: 40% canonical, 20% synonyms of a canonical one (set below), the rest unwrangled.
  for (let i = 1; i <= FREEFORMS; i++) tagRows.push({ name: `Freeform ${i}`, type: "Freeform", canonical: i % 5 < 2 });
  for (let i = 1; i <= CHARACTERS; i++) tagRows.push({ name: `Character ${i}`, type: "Character", canonical: i % 5 < 3 });
  const ids = await insertTags(db, tagRows);
  const id = (name: string) => ids.get(name)!;

  // The graph: metatags for Tag B and Tag D, a fandom universe, synonyms and metatag chains.
  const meta: { sub_id: number; meta_id: number }[] = [
    { sub_id: id("Tag B"), meta_id: id("Tag B Meta") },
    { sub_id: id("Tag D"), meta_id: id("Tag D Meta") },
  ];
  for (let i = 1; i <= 10; i++) meta.push({ sub_id: id(`Fandom ${i}`), meta_id: id("Fandom Universe") });
  const canonicalFreeforms = Array.from({ length: FREEFORMS }, (_, k) => k + 1).filter((i) => i % 5 < 2);
  for (const i of canonicalFreeforms) {
    // Every fifth canonical freeform sits under a lower-numbered one: chains, never cycles.
    const lower = canonicalFreeforms.filter((j) => j < i);
    if (lower.length && i % 25 === 1) meta.push({ sub_id: id(`Freeform ${i}`), meta_id: id(`Freeform ${pick(lower.slice(-10))}`) });
  }
  await db.insertInto("tag_meta").values(meta).execute();
  for (let i = 1; i <= FREEFORMS; i++) {
    if (i % 5 === 2) await db.updateTable("tags").set({ merger_id: id(`Freeform ${pick(canonicalFreeforms)}`) }).where("id", "=", id(`Freeform ${i}`)).execute();
  }

  const ratings = (await db.selectFrom("tags").select("id").where("type", "=", "Rating").execute()).map((r) => r.id);
  const warnings = (await db.selectFrom("tags").select("id").where("type", "=", "ArchiveWarning").execute()).map((r) => r.id);
  const fandoms = Array.from({ length: FANDOMS }, (_, k) => id(`Fandom ${k + 1}`));
  const others = [...Array.from({ length: FREEFORMS }, (_, k) => id(`Freeform ${k + 1}`)), ...Array.from({ length: CHARACTERS }, (_, k) => id(`Character ${k + 1}`))];
  const tagA = id("Tag A");
  const tagB = id("Tag B");
  const tagC = id("Tag C");

  const PER_TRANSACTION = 10_000;
  for (let from = 1; from <= n; from += PER_TRANSACTION) {
    const to = Math.min(n, from + PER_TRANSACTION - 1);
    await db.transaction().execute(async (trx) => {
      const works = [];
      const creators = [];
      const taggings: { work_id: number; tag_id: number; position: number }[] = [];
      for (let w = from; w <= to; w++) {
        works.push({
          id: w,
          title: `Work ${w}`,
          summary: "",
          notes: "",
          endnotes: "",
          language: "en",
          word_count: 1000 + (w % 5000),
          expected_chapters: 1,
          complete: 1,
          posted: 1,
          restricted: 0,
          comment_permission: "all",
          published_on: "2025-06-01",
          backdated: 0,
          revised_at: NOW,
          import_headers: null,
          created_at: NOW,
          updated_at: NOW,
        });
        creators.push({ work_id: w, pseud_id: pseud.id, position: 0 });
        const tags = new Set<number>([pick(ratings), pick(warnings), pick(fandoms)]);
        if (rand() < 0.1) tags.add(pick(fandoms)); // some crossovers
        tags.add(tagA);
        tags.add(tagC);
        if (rand() < 0.05) tags.add(tagB); // a few already carry the canonical
        while (tags.size < 8) tags.add(pick(others));
        let position = 0;
        for (const tag_id of tags) taggings.push({ work_id: w, tag_id, position: position++ });
      }
      for (let i = 0; i < works.length; i += 1000) await trx.insertInto("works").values(works.slice(i, i + 1000)).execute();
      for (let i = 0; i < creators.length; i += 5000) await trx.insertInto("work_creators").values(creators.slice(i, i + 5000)).execute();
      for (let i = 0; i < taggings.length; i += 5000) await trx.insertInto("work_tags").values(taggings.slice(i, i + 5000)).execute();
    });
    progress(`  inserting works ${fmt(to)}/${fmt(n)}`);
  }
  endProgress();
  if (dialect === "postgres") {
    // The works were inserted with their ids: move the identity sequence past them.
    await sql`select setval(pg_get_serial_sequence('works', 'id'), (select max(id) from works))`.execute(db);
  }
}

async function initialFilterSets(db: Db, n: number): Promise<void> {
  const STEP = 2000;
  for (let from = 1; from <= n; from += STEP) {
    const ids = Array.from({ length: Math.min(STEP, n - from + 1) }, (_, k) => from + k);
    await db.transaction().execute((trx) => refreshFilterSets(trx, ids));
    progress(`  initial filter sets ${fmt(ids[ids.length - 1]!)}/${fmt(n)}`);
  }
  endProgress();
}

/** PostgreSQL's planner needs statistics on freshly filled tables (autovacuum would gather them soon). */
async function analyze(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === "postgres") await sql`analyze`.execute(db);
}

/** Works whose stored filter set (or crossover flag) differs from a from-scratch recomputation. */
async function mismatches(db: Db, n: number, label: string): Promise<number[]> {
  const wrong: number[] = [];
  const STEP = 5000;
  for (let from = 1; from <= n; from += STEP) {
    const to = Math.min(n, from + STEP - 1);
    const ids = Array.from({ length: to - from + 1 }, (_, k) => from + k);
    const wanted = await computeFilterSets(db, ids);
    const stored = new Map<number, Map<number, number>>(ids.map((i) => [i, new Map()]));
    const rows = await db.selectFrom("work_filters").select(["work_id", "tag_id", "inherited"]).where("work_id", ">=", from).where("work_id", "<=", to).execute();
    for (const row of rows) stored.get(row.work_id)!.set(row.tag_id, row.inherited);
    const crossover = new Map((await db.selectFrom("works").select(["id", "crossover"]).where("id", ">=", from).where("id", "<=", to).execute()).map((w) => [w.id, w.crossover]));
    for (const workId of ids) {
      const want = wanted.get(workId)!;
      const have = stored.get(workId)!;
      const same =
        have.size === want.filters.size &&
        [...want.filters].every(([tagId, inherited]) => have.get(tagId) === (inherited ? 1 : 0)) &&
        crossover.get(workId) === (want.crossover ? 1 : 0);
      if (!same) wrong.push(workId);
    }
    progress(`  ${label}: checked ${fmt(to)}/${fmt(n)}`);
  }
  endProgress();
  return wrong;
}

async function filterCount(db: Db, name: string): Promise<number> {
  const row = await db
    .selectFrom("work_filters")
    .innerJoin("tags", "tags.id", "work_filters.tag_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("tags.name_key", "=", tagKey(name))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------
// The crash test: the job runs in a child process that is killed with SIGKILL once it is about
// 30% done; a second process claims the job and finishes it.

interface WorkerLine {
  event: "claimed" | "not-claimed" | "finished";
  pid: number;
  cursor?: number;
  done_count?: number;
  total?: number;
  attempts?: number;
  outcome?: string;
  state?: string;
  error?: string | null;
}

function startWorker(url: string, jobId: number) {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, url, String(jobId), String(BATCH)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const lines: WorkerLine[] = [];
  let buffer = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, at).trim();
      buffer = buffer.slice(at + 1);
      if (line.startsWith("{")) lines.push(JSON.parse(line) as WorkerLine);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  cleanups.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { child, lines, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CrashResult {
  killed_at: number;
  killed_cursor: number;
  resumed_from: number;
  resumed_cursor: number;
  total: number;
  finished_done_count: number;
  fresh_lock_respected: boolean;
  mismatches: number;
  seconds: number;
}

async function crashTest(bench: BenchDb, n: number): Promise<CrashResult> {
  const { db, url } = bench;
  const started = performance.now();
  const queued = await wrangle(db, null, [{ action: "synonym", tag: "Tag C", of: "Tag D" }]);
  if (!queued.ok || queued.jobId === null) throw new Error(`crash test: wrangling refused: ${queued.ok ? "no job" : queued.message}`);
  const jobId = queued.jobId;

  const first = startWorker(url, jobId);
  let exitedEarly = false;
  void first.exited.then(() => (exitedEarly = true));
  for (;;) {
    const job = await jobStatus(db, jobId);
    if (job && job.done_count >= KILL_AT * job.total) break;
    if (exitedEarly) throw new Error(`crash test: the first worker exited before it was ${KILL_AT * 100}% done (${JSON.stringify(first.lines)})`);
    progress(`  crash test: first worker at ${fmt(job?.done_count ?? 0)}/${fmt(job?.total ?? 0)}`);
    await sleep(10);
  }
  first.child.kill("SIGKILL");
  const exit = await first.exited;
  endProgress();
  if (exit.signal !== "SIGKILL") throw new Error(`crash test: the first worker was not killed (exit ${JSON.stringify(exit)})`);
  const afterKill = await db.selectFrom("jobs").selectAll().where("id", "=", jobId).executeTakeFirstOrThrow();
  say(`  crash test: killed worker ${first.child.pid} with SIGKILL at ${fmt(afterKill.done_count)}/${fmt(afterKill.total)} (job ${afterKill.state}, cursor ${afterKill.cursor}, locked by ${afterKill.locked_by})`);

  // The dead worker's lock is fresh: no one may take the job yet (the second worker would wait).
  const early = await claimJob(db, jobId);
  const freshLockRespected = early === undefined;
  if (!freshLockRespected) throw new Error("crash test: a job locked a moment ago by a (dead) worker was claimed at once");
  // A real restart waits STALE_SECONDS for the lock to go stale; the benchmark moves it back instead.
  const stale = new Date(Date.now() - (STALE_SECONDS + 1) * 1000).toISOString();
  await db.updateTable("jobs").set({ locked_at: stale }).where("id", "=", jobId).execute();
  say(`  crash test: moved the job's locked_at back ${STALE_SECONDS + 1} s (a real restart waits ${STALE_SECONDS} s for the lock to go stale)`);

  const second = startWorker(url, jobId);
  const secondExit = await second.exited;
  const claimed = second.lines.find((l) => l.event === "claimed");
  const finished = second.lines.find((l) => l.event === "finished");
  if (!claimed || !finished || secondExit.code !== 0) throw new Error(`crash test: the second worker did not finish the job (exit ${JSON.stringify(secondExit)}, ${JSON.stringify(second.lines)})`);
  const seconds = secs(performance.now() - started);
  say(`  crash test: worker ${second.child.pid} claimed the job at ${fmt(claimed.done_count!)}/${fmt(claimed.total!)} (cursor ${claimed.cursor}, attempt ${claimed.attempts}) and finished it: ${finished.state}, ${fmt(finished.done_count!)}/${fmt(finished.total!)}`);

  const wrong = await mismatches(db, n, "crash test: verifying every work");
  for (const workId of wrong.slice(0, 10)) say(`  MISMATCH: work ${workId}`);
  return {
    killed_at: afterKill.done_count,
    killed_cursor: afterKill.cursor,
    resumed_from: claimed.done_count!,
    resumed_cursor: claimed.cursor!,
    total: afterKill.total,
    finished_done_count: finished.done_count!,
    fresh_lock_respected: freshLockRespected,
    mismatches: wrong.length,
    seconds,
  };
}

// ---------------------------------------------------------------------------------------------

interface DialectResult {
  seconds: number;
  works_per_second: number;
  enqueue_seconds: number;
  job_seconds: number;
  refiltered: number;
  mismatches: number;
  setup_seconds: { insert: number; initial_filter_sets: number };
  crash_test: CrashResult;
}

async function benchDialect(dialect: Dialect, n: number): Promise<DialectResult> {
  say(`\n${dialect}: ${fmt(n)} works, re-filter batches of ${fmt(BATCH)}`);
  const bench = await freshDatabase(dialect);
  const { db } = bench;
  try {
    await migrateToLatest(db);
    let t = performance.now();
    await seed(db, dialect, n);
    await analyze(db, dialect);
    const insertSeconds = secs(performance.now() - t);
    say(`  inserted ${fmt(n)} works with their tags in ${insertSeconds} s`);
    t = performance.now();
    await initialFilterSets(db, n);
    await analyze(db, dialect);
    const initialSeconds = secs(performance.now() - t);
    say(`  computed their filter sets in ${initialSeconds} s`);

    // The measurement: "Tag A" (on every work) becomes a synonym of the canonical "Tag B".
    const started = performance.now();
    const result = await wrangle(db, null, [{ action: "synonym", tag: "Tag A", of: "Tag B" }]);
    if (!result.ok || result.jobId === null) throw new Error(`wrangling refused: ${result.ok ? "no job" : result.message}`);
    const queuedAt = performance.now();
    await runRefilterNow(db, result.jobId, (done, total) => progress(`  re-filtering ${fmt(done)}/${fmt(total)}`));
    const ended = performance.now();
    endProgress();
    const job = await jobStatus(db, result.jobId);
    if (job?.state !== "done") throw new Error(`the re-filter job did not finish: ${JSON.stringify(job)}`);
    const seconds = secs(ended - started);
    say(`  "Tag A" → synonym of "Tag B": ${fmt(job.done_count)} works re-filtered in ${seconds} s (${fmt(Math.round(job.done_count / (seconds || 1e-9)))} works/s)`);
    const underB = await filterCount(db, "Tag B");
    if (underB !== n) throw new Error(`after the merge ${fmt(underB)} works filter under "Tag B", not all ${fmt(n)}`);
    const wrong = await mismatches(db, n, "verifying every work");
    for (const workId of wrong.slice(0, 10)) say(`  MISMATCH: work ${workId}`);
    say(`  stored filter sets vs. a from-scratch recomputation: ${wrong.length} mismatches`);

    const crash = await crashTest(bench, n);
    const underD = await filterCount(db, "Tag D");
    if (underD !== n) throw new Error(`after the crash test ${fmt(underD)} works filter under "Tag D", not all ${fmt(n)}`);
    say(`  crash test: ${crash.mismatches} mismatches`);
    return {
      seconds,
      works_per_second: Math.round(job.done_count / (seconds || 1e-9)),
      enqueue_seconds: secs(queuedAt - started),
      job_seconds: secs(ended - queuedAt),
      refiltered: job.done_count,
      mismatches: wrong.length,
      setup_seconds: { insert: insertSeconds, initial_filter_sets: initialSeconds },
      crash_test: crash,
    };
  } finally {
    await bench.close();
    cleanups.delete(bench.close);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")).join("\n");
}

const results: Partial<Record<Dialect, DialectResult>> = {};
let failed = false;
for (const dialect of DIALECTS) {
  if (dialect === "postgres" && !(await postgresReachable())) {
    say(`\n!!! PostgreSQL is not reachable at ${ADMIN_URL} (set BENCH_POSTGRES_URL): the PostgreSQL run DID NOT HAPPEN.`);
    failed = true;
    continue;
  }
  try {
    results[dialect] = await benchDialect(dialect, WORKS);
  } catch (error) {
    endProgress();
    say(`bench: ${dialect}: ${(error as Error).stack ?? error}`);
    failed = true;
  }
}

const ran = DIALECTS.filter((d) => results[d]);
const out: string[] = [];
out.push(`\nRe-filter after making a tag on ${fmt(WORKS)} works a synonym (batches of ${fmt(BATCH)})`);
out.push(
  table([
    ["dialect", "insert s", "initial sets s", "merge+re-filter s", "works/s", "mismatches"],
    ...ran.map((d) => {
      const r = results[d]!;
      return [d, String(r.setup_seconds.insert), String(r.setup_seconds.initial_filter_sets), String(r.seconds), fmt(r.works_per_second), String(r.mismatches)];
    }),
  ]),
);
out.push(`\nCrash test: worker killed with SIGKILL past ${KILL_AT * 100}%, a new worker claims the job and finishes it`);
out.push(
  table([
    ["dialect", "killed at", "resumed from", "finished", "seconds", "mismatches"],
    ...ran.map((d) => {
      const c = results[d]!.crash_test;
      return [d, `${fmt(c.killed_at)}/${fmt(c.total)}`, fmt(c.resumed_from), `${fmt(c.finished_done_count)}/${fmt(c.total)}`, String(c.seconds), String(c.mismatches)];
    }),
  ]),
);
out.push(`(before the restart the benchmark moved the job's locked_at back ${STALE_SECONDS + 1} s; a real restart waits ${STALE_SECONDS} s for a dead worker's lock to go stale)`);
console.log(out.join("\n"));

if (options.json) {
  const json: Record<string, unknown> = { works: WORKS, batch: BATCH };
  for (const d of ran) {
    const { crash_test: _crash, ...rest } = results[d]!;
    json[d] = rest;
  }
  const crash: Record<string, unknown> = {};
  for (const d of ran) {
    const c = results[d]!.crash_test;
    crash[d] = { killed_at: c.killed_at, resumed_from: c.resumed_from, mismatches: c.mismatches, total: c.total, finished_done_count: c.finished_done_count };
  }
  crash.mismatches = ran.reduce((sum, d) => sum + results[d]!.crash_test.mismatches, 0);
  json.crash_test = crash;
  console.log(JSON.stringify(json));
}

const anyMismatch = ran.some((d) => results[d]!.mismatches > 0 || results[d]!.crash_test.mismatches > 0);
process.exitCode = failed || anyMismatch ? 1 : 0;

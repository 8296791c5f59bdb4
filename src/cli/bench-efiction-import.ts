/**
 * `fanfold bench efiction-import`: how fast `fanfold import-efiction` brings a big eFiction
 * archive over, and how much memory it takes, on SQLite and on PostgreSQL.
 *
 * It generates a dump (`bench efiction-generate`: by default 10,000 stories and 40,000 chapters of
 * ~2,500 words each) or reuses one, then for each database:
 * 1. the baseline: a fresh database, and in a child process `fanfold bench efiction-load`, a plain
 *    bulk load of the same rows (read the dump, read every chapter file, INSERT one user and pseud
 *    per member, the works, their chapters and creators, in big transactions: no sanitizing, no
 *    tags, filters, search index, comments, bookmarks or redirects). It is the floor an import
 *    cannot go under on this machine;
 * 2. the import: another fresh database, and in a child process the real command,
 *    `fanfold import-efiction --dump FILE --stories DIR` (or `--command`, a stand-in);
 * each measured from outside the same way: wall time from spawn to exit (Node's start-up
 * included, shown on its own line), and the child's peak resident memory (`/usr/bin/time`'s
 * maxRSS, or without it a preloaded module that reports Node's `process.resourceUsage().maxRSS`).
 * Then it counts the works and chapters the import left, and removes the database.
 *
 * See bench/efiction-import.md for how to run it and the figures on the project's machine.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Insertable, sql } from "kysely";
import { loadConfig } from "../platform/config.js";
import { type Db, dialectOf, openDatabase } from "../platform/db/index.js";
import { migrateToLatest, pendingMigrations } from "../platform/db/migrate.js";
import type { ChaptersTable, WorksTable } from "../platform/db/tables.js";
import { breathe, endProgress, fmt, progressLine, round, say } from "./bench-output.js";
import { DUMP_FILE, type EfictionGenerateSummary, EfictionGenerateError, generateEfictionArchive, generateSummaryLine, STORIES_DIR, SUMMARY_FILE, wholeArgument } from "./bench-efiction-generate.js";
import { type DumpValue, readDump } from "./efiction-dump.js";
import { DumpError } from "../transfer/index.js";
import { createScratchPostgres } from "./bench-postgres.js";

const USAGE = `Usage: fanfold bench efiction-import [--stories N] [--chapters C] [--seed S] [--words-per-chapter W]
                                   [--archive DIR] [--dialect sqlite|postgres|both] [--database URL]
                                   [--command "CMD ARGS"] [--skip-baseline] [--json]

Times \`fanfold import-efiction\` on a generated eFiction archive against a plain bulk load of the
same rows, on SQLite and PostgreSQL: stories/s, chapters/s, wall time, the child's peak memory.

  --stories N            stories to generate (default 10000); --chapters C (default 4 × N);
                         --seed S (default 1); --words-per-chapter W (default 2500)
  --archive DIR          keep the generated archive in DIR, and reuse it when DIR already holds
                         one made with the same arguments (default: a temp folder, removed after)
  --dialect D            sqlite, postgres or both (default both)
  --database URL         import into this database instead of a throwaway one (it is migrated
                         and left in place; the baseline still uses a throwaway one)
  --command "CMD ARGS"   run this instead of \`fanfold import-efiction\` (split on spaces;
                         \`--dump FILE --stories DIR\` are appended, DATABASE_URL is set)
  --skip-baseline        do not run the plain-load baseline
  --json                 the last line of standard output is one JSON object

PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
each run gets a database fanfold_bench_efiction_<pid>_<random>, dropped at the end.`;

const LOAD_USAGE = `Usage: fanfold bench efiction-load --dump FILE --stories DIR [--database URL]

The benchmark's baseline: a plain bulk load of an eFiction dump's members, stories and chapters
into an empty, migrated archive (DATABASE_URL by default) with no clean-up, tags or indexes.
Prints one JSON line: parse_seconds, insert_seconds, users, works, chapters.`;

class BenchError extends Error {}

/** The `fanfold` command of this checkout (from src/cli or dist/cli alike). */
const FANFOLD_BIN = fileURLToPath(new URL("../../bin/fanfold.mjs", import.meta.url));

type Dialect = "sqlite" | "postgres";

interface ScratchDb {
  url: string;
  /** Removes the database (and its folder). */
  drop(): Promise<void>;
}

/** A fresh, migrated database of a dialect that nothing else uses. */
async function scratchDatabase(dialect: Dialect, label: string): Promise<ScratchDb> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `fanfold-bench-efiction-${label}-`));
    const url = `sqlite:${join(dir, "archive.sqlite")}`;
    const db = openDatabase(url);
    await migrateToLatest(db);
    await db.destroy();
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchPostgres("efiction", (message) => new BenchError(message));
  const { url } = scratch;
  const db = openDatabase(url);
  const drop = () => scratch.drop();
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    await drop();
    throw error;
  }
  await db.destroy();
  return { url, drop };
}

// ---------------------------------------------------------------------------------------------
// Running a child and measuring it

export interface ChildRun {
  exitCode: number;
  seconds: number;
  /** Peak resident set size of the child, in MB (10^6 bytes); null when it could not be read. */
  maxRssMb: number | null;
  stdout: string;
}

/** How the child's peak memory is read: GNU time, or a module preloaded into Node children. */
export type RssProbe = "time" | "node";

export function defaultRssProbe(): RssProbe {
  if (!existsSync("/usr/bin/time")) return "node";
  const check = spawnSync("/usr/bin/time", ["-f", "%M", "true"], { encoding: "utf8" });
  return check.status === 0 && /^\d+\s*$/m.test(check.stderr) ? "time" : "node";
}

const NODE_PROBE = `import { writeFileSync } from "node:fs";
// Written by fanfold bench efiction-import: reports this process's peak memory when it exits.
process.on("exit", () => {
  try { writeFileSync(\`\${process.env.FANFOLD_BENCH_RSS_FILE}.\${process.pid}\`, String(process.resourceUsage().maxRSS)); } catch {}
});
`;

/**
 * Runs `argv` with `env` added, its standard output to a file (read back), its standard error
 * passed through; returns its exit code, wall time and peak memory.
 */
export async function measureChild(argv: string[], env: Record<string, string>, workDir: string, probe: RssProbe): Promise<ChildRun> {
  const id = randomBytes(4).toString("hex");
  const stdoutPath = join(workDir, `child-${id}.out`);
  const rssPath = join(workDir, `child-${id}.rss`);
  let command = argv;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (probe === "time") command = ["/usr/bin/time", "-f", "%M", "-o", rssPath, ...argv];
  else {
    const probeFile = join(workDir, "rss-probe.mjs");
    if (!existsSync(probeFile)) writeFileSync(probeFile, NODE_PROBE);
    childEnv.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import=${new URL(`file://${probeFile}`).href}`.trim();
    childEnv.FANFOLD_BENCH_RSS_FILE = rssPath;
  }
  const out = openSync(stdoutPath, "w");
  const started = performance.now();
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { env: childEnv, stdio: ["ignore", out, "inherit"] });
    child.on("error", (error) => {
      say(`bench: cannot run ${command[0]}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const seconds = (performance.now() - started) / 1000;
  closeSync(out);
  let maxRssKb: number | null = null;
  if (probe === "time") {
    const reported = existsSync(rssPath) ? /(\d+)\s*$/.exec(readFileSync(rssPath, "utf8").trim()) : null;
    maxRssKb = reported ? Number(reported[1]) : null;
  } else {
    // Every Node process of the child's tree wrote its own peak; the biggest is the child's.
    const prefix = `child-${id}.rss.`;
    for (const file of readdirSync(workDir).filter((f) => f.startsWith(prefix))) maxRssKb = Math.max(maxRssKb ?? 0, Number(readFileSync(join(workDir, file), "utf8")));
  }
  const stdout = readFileSync(stdoutPath, "utf8");
  rmSync(stdoutPath, { force: true });
  return { exitCode, seconds, maxRssMb: maxRssKb === null ? null : round((maxRssKb * 1024) / 1e6, 1), stdout };
}

// ---------------------------------------------------------------------------------------------
// The baseline: a plain bulk load

interface LoadResult {
  parse_seconds: number;
  insert_seconds: number;
  users: number;
  works: number;
  chapters: number;
}

const isoDay = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const isoTime = (unix: number) => new Date(unix * 1000).toISOString();

/**
 * Loads the dump's members, stories and chapters as they are into an empty migrated archive:
 * one user and default pseud per member, a work per story (posted when validated), its chapters
 * with the files' text untouched, its owner as creator. Ids are eFiction's own.
 */
export async function plainLoad(db: Db, dumpPath: string, storiesDir: string): Promise<LoadResult> {
  const parseStarted = performance.now();
  const columns = new Map<string, string[]>();
  const wanted = new Set(["authors", "stories", "chapters", "settings"]);
  const rows = new Map<string, Record<string, DumpValue>[]>();
  for await (const event of readDump(dumpPath)) {
    if (event.kind === "table") columns.set(event.table, event.columns);
    else if (wanted.has(event.table)) {
      const names = columns.get(event.table)!;
      const row: Record<string, DumpValue> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = event.values[i]!;
      let list = rows.get(event.table);
      if (!list) rows.set(event.table, (list = []));
      list.push(row);
    }
  }
  const parseSeconds = (performance.now() - parseStarted) / 1000;
  const insertStarted = performance.now();
  const authors = rows.get("authors") ?? [];
  const stories = rows.get("stories") ?? [];
  const chapters = rows.get("chapters") ?? [];
  const storeFiles = (rows.get("settings")?.[0]?.store ?? "files") === "files";
  const now = new Date().toISOString();

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < authors.length; i += 500) {
      const batch = authors.slice(i, i + 500);
      await trx
        .insertInto("users")
        .values(batch.map((a) => ({ id: Number(a.uid), login: String(a.penname), login_key: String(a.penname).toLowerCase(), email: `${a.uid}@efiction.invalid`, password_hash: "-", legacy_password: `md5:${a.password}`, created_at: isoTime(Number(a.date)) })))
        .execute();
      await trx
        .insertInto("pseuds")
        .values(batch.map((a) => ({ id: Number(a.uid), user_id: Number(a.uid), name: String(a.penname), name_key: String(a.penname).toLowerCase(), description: "", is_default: 1, created_at: now })))
        .execute();
    }
  });
  const chaptersOf = new Map<number, Record<string, DumpValue>[]>();
  for (const chapter of chapters) {
    const sid = Number(chapter.sid);
    let list = chaptersOf.get(sid);
    if (!list) chaptersOf.set(sid, (list = []));
    list.push(chapter);
  }
  const PER_TRANSACTION = 500;
  let loadedChapters = 0;
  for (let i = 0; i < stories.length; i += PER_TRANSACTION) {
    const works: Insertable<WorksTable>[] = [];
    const workChapters: Insertable<ChaptersTable>[] = [];
    const creators: { work_id: number; pseud_id: number; position: number }[] = [];
    for (const s of stories.slice(i, i + PER_TRANSACTION)) {
      creators.push({ work_id: Number(s.sid), pseud_id: Number(s.uid), position: 0 });
      const own = chaptersOf.get(Number(s.sid)) ?? [];
      const posted = s.validated === "1" ? 1 : 0;
      works.push({
        id: Number(s.sid),
        title: String(s.title),
        summary: String(s.summary ?? ""),
        notes: String(s.storynotes ?? ""),
        endnotes: "",
        language: "en",
        word_count: Number(s.wordcount),
        expected_chapters: s.completed === "1" ? own.length : null,
        complete: s.completed === "1" ? 1 : 0,
        posted,
        restricted: 0,
        comment_permission: "all",
        published_on: isoDay(Number(s.date)),
        backdated: 0,
        revised_at: isoTime(Number(s.updated)),
        crossover: 0,
        import_headers: null,
        created_at: isoTime(Number(s.date)),
        updated_at: isoTime(Number(s.updated)),
      });
      for (const c of own) {
        const text = storeFiles ? readFileSync(join(storiesDir, String(c.uid), `${c.chapid}.txt`), "utf8") : String(c.storytext ?? "");
        workChapters.push({
          id: Number(c.chapid),
          work_id: Number(s.sid),
          position: Number(c.inorder),
          title: String(c.title),
          summary: "",
          notes: String(c.notes ?? ""),
          endnotes: String(c.endnotes ?? ""),
          content: text,
          word_count: Number(c.wordcount),
          posted,
          published_on: isoDay(Number(s.date)),
          created_at: isoTime(Number(s.date)),
          updated_at: isoTime(Number(s.updated)),
        });
      }
    }
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < works.length; k += 250) await trx.insertInto("works").values(works.slice(k, k + 250)).execute();
      for (let k = 0; k < workChapters.length; k += 100) await trx.insertInto("chapters").values(workChapters.slice(k, k + 100)).execute();
      for (let k = 0; k < creators.length; k += 1000) await trx.insertInto("work_creators").values(creators.slice(k, k + 1000)).execute();
    });
    loadedChapters += workChapters.length;
    await breathe();
  }
  if (dialectOf(db) === "postgres") {
    for (const table of ["users", "pseuds", "works", "chapters"]) await sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest(1, (select max(id) from ${table})))`).execute(db);
  }
  return {
    parse_seconds: round(parseSeconds, 2),
    insert_seconds: round((performance.now() - insertStarted) / 1000, 2),
    users: authors.length,
    works: stories.length,
    chapters: loadedChapters,
  };
}

/** `fanfold bench efiction-load --dump FILE --stories DIR`: the baseline, run in a child process. */
export async function benchEfictionLoad(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { dump: { type: "string" }, stories: { type: "string" }, database: { type: "string" }, help: { type: "boolean", default: false } } }));
  } catch (error) {
    console.error(`fanfold: ${(error as Error).message}\n\n${LOAD_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(LOAD_USAGE);
    return 0;
  }
  if (!values.dump || !values.stories) {
    console.error(`fanfold: --dump FILE and --stories DIR are required.\n\n${LOAD_USAGE}`);
    return 2;
  }
  if (!existsSync(values.dump)) {
    console.error(`fanfold: ${values.dump}: no such file.`);
    return 1;
  }
  const db = openDatabase(values.database ?? loadConfig().databaseUrl);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length) throw new BenchError(`the database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
    if ((await db.selectFrom("works").select("id").limit(1).execute()).length) throw new BenchError("the database already holds works; the plain load needs an empty archive.");
    console.log(JSON.stringify(await plainLoad(db, values.dump, values.stories)));
    return 0;
  } catch (error) {
    if (error instanceof BenchError || error instanceof DumpError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`fanfold: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark

interface RunFigures {
  seconds: number;
  stories_per_second: number;
  chapters_per_second: number;
  max_rss_mb: number | null;
  exit_code: number;
  works: number;
  chapters: number;
}

interface DialectFigures {
  import: RunFigures;
  baseline?: RunFigures & { parse_seconds: number; insert_seconds: number };
}

async function countsIn(url: string): Promise<{ works: number; chapters: number }> {
  const db = openDatabase(url);
  try {
    const count = async (table: "works" | "chapters") => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    return { works: await count("works"), chapters: await count("chapters") };
  } finally {
    await db.destroy();
  }
}

function figures(run: ChildRun, archive: EfictionGenerateSummary, counts: { works: number; chapters: number }): RunFigures {
  return {
    seconds: round(run.seconds, 2),
    stories_per_second: round(archive.stories / run.seconds, 1),
    chapters_per_second: round(archive.chapters / run.seconds, 1),
    max_rss_mb: run.maxRssMb,
    exit_code: run.exitCode,
    works: counts.works,
    chapters: counts.chapters,
  };
}

/** The archive to import: reused from `dir` when it was made with the same arguments, else generated. */
function archiveFor(dir: string, wanted: { stories: number; chapters: number; seed: number; wordsPerChapter: number }): EfictionGenerateSummary {
  const summaryPath = join(dir, SUMMARY_FILE);
  if (existsSync(summaryPath)) {
    const existing = JSON.parse(readFileSync(summaryPath, "utf8")) as EfictionGenerateSummary;
    const same = existing.stories === wanted.stories && existing.chapters === wanted.chapters && existing.seed === wanted.seed && existing.words_per_chapter === wanted.wordsPerChapter && existing.store === "files";
    if (!same) throw new BenchError(`${dir} holds another generated archive (${existing.stories} stories, seed ${existing.seed}); give another --archive.`);
    say(`  reusing the archive in ${dir}: ${generateSummaryLine(existing)}`);
    return existing;
  }
  if (existsSync(join(dir, DUMP_FILE))) throw new BenchError(`${dir} holds an efiction.sql that this benchmark did not make; give another --archive.`);
  const summary = generateEfictionArchive(dir, { ...wanted, onProgress: (done, total) => progressLine(`  generating: chapters ${fmt(done)}/${fmt(total)}`, done === total) });
  endProgress();
  say(`  generated ${generateSummaryLine(summary)}`);
  return summary;
}

export async function benchEfictionImport(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        stories: { type: "string", default: "10000" },
        chapters: { type: "string" },
        seed: { type: "string", default: "1" },
        "words-per-chapter": { type: "string", default: "2500" },
        archive: { type: "string" },
        dialect: { type: "string", default: "both" },
        database: { type: "string" },
        command: { type: "string" },
        "skip-baseline": { type: "boolean", default: false },
        "rss-probe": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`fanfold: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  const interrupted = () => {
    endProgress();
    say("bench: interrupted; removing the benchmark databases and files");
    void cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  try {
    const stories = wholeArgument("stories", values.stories!, 1);
    const chapters = values.chapters === undefined ? 4 * stories : wholeArgument("chapters", values.chapters, stories);
    const seed = wholeArgument("seed", values.seed!, 0);
    const wordsPerChapter = wholeArgument("words-per-chapter", values["words-per-chapter"]!, 50);
    let dialects: Dialect[];
    if (values.database) {
      if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(values.database)) throw new BenchError(`--database must be sqlite:PATH or postgres://…, not "${values.database}".`);
      dialects = [values.database.startsWith("sqlite:") ? "sqlite" : "postgres"];
    } else if (values.dialect === "both") dialects = ["sqlite", "postgres"];
    else if (values.dialect === "sqlite" || values.dialect === "postgres") dialects = [values.dialect];
    else throw new BenchError(`--dialect must be sqlite, postgres or both, not "${values.dialect}".`);
    const probe = values["rss-probe"] ?? defaultRssProbe();
    if (probe !== "time" && probe !== "node") throw new BenchError(`--rss-probe must be time or node, not "${probe}".`);
    const importCommand = values.command ? values.command.trim().split(/\s+/) : [process.execPath, FANFOLD_BIN, "import-efiction"];
    if (!importCommand[0]) throw new BenchError("--command is empty.");

    const workDir = mkdtempSync(join(tmpdir(), "fanfold-bench-efiction-"));
    cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
    const archiveDir = values.archive ?? join(workDir, "archive");
    say(`bench efiction-import: ${fmt(stories)} stories, ${fmt(chapters)} chapters, seed ${seed}; ${dialects.join(" and ")}; memory from ${probe === "time" ? "/usr/bin/time" : "a Node preload"}`);
    const archive = archiveFor(archiveDir, { stories, chapters, seed, wordsPerChapter });
    const dumpPath = join(archiveDir, DUMP_FILE);
    const storiesDir = join(archiveDir, STORIES_DIR);
    const childArgs = ["--dump", dumpPath, "--stories", storiesDir];

    // Node's own start-up, so it can be told apart from the work.
    const startup = await measureChild([process.execPath, FANFOLD_BIN, "help"], {}, workDir, probe);
    say(`  start-up of a fanfold process (fanfold help): ${round(startup.seconds, 2)} s, ${startup.maxRssMb} MB`);
    const loadBefore = loadavg()[0]!;

    const results: Partial<Record<Dialect, DialectFigures>> = {};
    let failed = false;
    for (const dialect of dialects) {
      let baseline: DialectFigures["baseline"];
      if (!values["skip-baseline"]) {
        const scratch = await scratchDatabase(dialect, "baseline");
        cleanups.push(() => scratch.drop());
        say(`  ${dialect}: baseline (plain bulk load)…`);
        const run = await measureChild([process.execPath, FANFOLD_BIN, "bench", "efiction-load", ...childArgs], { DATABASE_URL: scratch.url }, workDir, probe);
        const counts = await countsIn(scratch.url);
        const phases = run.exitCode === 0 ? (JSON.parse(run.stdout.trim().split("\n").at(-1)!) as LoadResult) : undefined;
        baseline = { ...figures(run, archive, counts), parse_seconds: phases?.parse_seconds ?? 0, insert_seconds: phases?.insert_seconds ?? 0 };
        await scratch.drop();
        cleanups.pop();
        if (run.exitCode !== 0) {
          say(`  ${dialect}: the baseline failed (exit ${run.exitCode})`);
          failed = true;
        } else say(`  ${dialect}: baseline ${baseline.seconds} s (parse ${baseline.parse_seconds} s, insert ${baseline.insert_seconds} s), ${baseline.max_rss_mb} MB`);
      }

      const scratch = values.database ? undefined : await scratchDatabase(dialect, "import");
      if (scratch) cleanups.push(() => scratch.drop());
      const url = values.database ?? scratch!.url;
      if (values.database) {
        const db = openDatabase(url);
        await migrateToLatest(db).finally(() => db.destroy());
      }
      say(`  ${dialect}: ${importCommand.slice(importCommand[1] === FANFOLD_BIN ? 2 : 0).join(" ")} --dump … --stories …`);
      const run = await measureChild([...importCommand, ...childArgs], { DATABASE_URL: url }, workDir, probe);
      const counts = await countsIn(url).catch(() => ({ works: 0, chapters: 0 }));
      if (scratch) {
        await scratch.drop();
        cleanups.pop();
      }
      const result = figures(run, archive, counts);
      results[dialect] = { import: result, baseline };
      if (run.exitCode !== 0) {
        say(`  ${dialect}: the import failed (exit ${run.exitCode}); its standard output ended with:\n${run.stdout.trim().split("\n").slice(-10).join("\n")}`);
        failed = true;
      } else {
        say(`  ${dialect}: import ${result.seconds} s, ${result.max_rss_mb} MB; ${fmt(counts.works)} works, ${fmt(counts.chapters)} chapters in the archive`);
        if (counts.works !== archive.stories || counts.chapters !== archive.chapters) say(`  ${dialect}: note: the dump has ${fmt(archive.stories)} stories and ${fmt(archive.chapters)} chapters`);
      }
    }
    const loadAfter = loadavg()[0]!;

    const rows = [["database", "run", "wall s", "stories/s", "chapters/s", "peak RSS MB", "works", "chapters", "exit"]];
    const line = (dialect: string, label: string, r: RunFigures) => rows.push([dialect, label, String(r.seconds), fmt(r.stories_per_second), fmt(r.chapters_per_second), String(r.max_rss_mb ?? "?"), fmt(r.works), fmt(r.chapters), String(r.exit_code)]);
    for (const dialect of dialects) {
      const r = results[dialect]!;
      if (r.baseline) line(dialect, "baseline: plain bulk load", r.baseline);
      line(dialect, values.command ? "import (--command)" : "fanfold import-efiction", r.import);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    const table = rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
    console.log(
      [
        "",
        `eFiction import of ${fmt(archive.stories)} stories, ${fmt(archive.chapters)} chapters (${fmt(archive.words)} words; dump ${fmt(round(archive.dump_bytes / 1e6))} MB, chapter files ${fmt(round(archive.story_file_bytes / 1e6))} MB), seed ${archive.seed}`,
        ...table,
        `start-up of a fanfold process, included in each wall time: ${round(startup.seconds, 2)} s, ${startup.maxRssMb} MB; load average ${round(loadBefore, 2)} before, ${round(loadAfter, 2)} after`,
      ].join("\n"),
    );
    if (values.json) {
      console.log(
        JSON.stringify({
          stories: archive.stories,
          chapters: archive.chapters,
          words: archive.words,
          seed: archive.seed,
          dump_bytes: archive.dump_bytes,
          story_file_bytes: archive.story_file_bytes,
          command: values.command ?? "fanfold import-efiction",
          rss_probe: probe,
          startup: { seconds: round(startup.seconds, 2), max_rss_mb: startup.maxRssMb },
          load_average: { before: round(loadBefore, 2), after: round(loadAfter, 2) },
          ...results,
        }),
      );
    }
    return failed ? 1 : 0;
  } catch (error) {
    endProgress();
    if (error instanceof BenchError || error instanceof EfictionGenerateError || error instanceof DumpError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off("SIGINT", interrupted);
    await cleanUp();
  }
}

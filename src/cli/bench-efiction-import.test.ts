import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { eachDialect, openTestDb } from "../../test/support/db.js";
import { DUMP_FILE, generateEfictionArchive, STORIES_DIR } from "./bench-efiction-generate.js";
import { benchEfictionImport, defaultRssProbe, measureChild, plainLoad } from "./bench-efiction-import.js";

const FANFOLD = fileURLToPath(new URL("../../bin/fanfold.mjs", import.meta.url));

/** Runs a bench command in this process; returns its exit code, standard output lines and error lines. */
async function captured(run: () => Promise<number>): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (line: string) => out.push(...String(line).split("\n"));
  console.error = (line: string) => err.push(String(line));
  try {
    return { code: await run(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("the plain-load baseline puts every member, story and chapter (its file's text) in the archive", (t) => eachDialect(t, async (_t, { db }) => {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-load-"));
  try {
    const summary = generateEfictionArchive(dir, { stories: 40, wordsPerChapter: 80, seed: 2 });
    const result = await plainLoad(db, join(dir, DUMP_FILE), join(dir, STORIES_DIR));
    assert.deepEqual({ users: result.users, works: result.works, chapters: result.chapters }, { users: summary.rows.authors, works: 40, chapters: 160 });
    const count = async (table: "users" | "works" | "chapters" | "work_creators") => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    assert.equal(await count("users"), summary.rows.authors);
    assert.equal(await count("works"), 40);
    assert.equal(await count("chapters"), 160);
    assert.equal(await count("work_creators"), 40);
    const chapter = await db.selectFrom("chapters").innerJoin("work_creators", "work_creators.work_id", "chapters.work_id").select(["chapters.id", "chapters.content", "work_creators.pseud_id"]).orderBy("chapters.id").executeTakeFirstOrThrow();
    assert.equal(chapter.content, readFileSync(join(dir, STORIES_DIR, String(chapter.pseud_id), `${chapter.id}.txt`), "utf8"));
    // Fresh ids continue after the loaded ones (PostgreSQL's sequences were moved).
    const next = await db.insertInto("works").values({ title: "after", summary: "", notes: "", endnotes: "", language: "en", word_count: 0, expected_chapters: null, complete: 0, posted: 0, restricted: 0, comment_permission: "all", published_on: "2026-01-01", backdated: 0, revised_at: "2026-01-01T00:00:00.000Z", crossover: 0, import_headers: null, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" }).returning("id").executeTakeFirstOrThrow();
    assert.equal(next.id, 41);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}));

test("a child's exit code, wall time and peak memory are measured (GNU time and the Node preload agree)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-measure-"));
  try {
    const allocate = [process.execPath, "-e", "const b = Buffer.alloc(150e6, 1); console.log(b[0] + 41); process.exitCode = 3"];
    const probes = defaultRssProbe() === "time" ? (["time", "node"] as const) : (["node"] as const);
    if (probes.length === 1) console.error("\n!!! /usr/bin/time is not usable here: only the Node preload was checked\n");
    for (const probe of probes) {
      const run = await measureChild(allocate, {}, dir, probe);
      assert.equal(run.exitCode, 3, probe);
      assert.equal(run.stdout.trim(), "42", probe);
      assert.ok(run.maxRssMb !== null && run.maxRssMb >= 150 && run.maxRssMb < 400, `${probe}: ${run.maxRssMb} MB for a 150 MB buffer`);
      assert.ok(run.seconds > 0 && run.seconds < 60);
    }
    const missing = await measureChild(["/nonexistent/command"], {}, dir, "node");
    assert.notEqual(missing.exitCode, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bench efiction-import runs a stand-in importer against the baseline on each database and reports both", async (t) => {
  // The PostgreSQL half runs when the server is there (openTestDb says so loudly otherwise).
  const postgres = await openTestDb("postgres", t);
  await postgres?.close();
  const dialect = postgres ? "both" : "sqlite";
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-bench-"));
  try {
    const args = ["--stories", "25", "--words-per-chapter", "60", "--archive", join(dir, "archive"), "--dialect", dialect, "--command", `${process.execPath} ${FANFOLD} bench efiction-load`, "--json"];
    const first = await captured(() => benchEfictionImport(args));
    assert.equal(first.code, 0, first.err.join("\n"));
    const report = JSON.parse(first.out.at(-1)!);
    for (const name of postgres ? ["sqlite", "postgres"] : ["sqlite"]) {
      for (const run of [report[name].import, report[name].baseline]) {
        assert.equal(run.exit_code, 0);
        assert.equal(run.works, 25);
        assert.equal(run.chapters, 100);
        assert.ok(run.seconds > 0 && run.stories_per_second > 0 && run.chapters_per_second > run.stories_per_second);
        assert.ok(run.max_rss_mb > 10, `peak memory ${run.max_rss_mb} MB`);
      }
      assert.ok(report[name].baseline.parse_seconds >= 0 && report[name].baseline.insert_seconds > 0);
    }
    assert.ok(first.out.some((line) => /^sqlite\s+baseline: plain bulk load\s/.test(line)), "a table on standard output");
    // The archive is kept in --archive and reused by the next run.
    const again = await captured(() => benchEfictionImport([...args.slice(0, 8), "--dialect", "sqlite", "--skip-baseline", "--command", `${process.execPath} -e process.exit(3)`]));
    assert.equal(again.code, 1, "a failing importer fails the benchmark");
    assert.ok(!again.out.some((line) => line.includes("baseline")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bench efiction-import refuses bad arguments with one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-bench-"));
  try {
    for (const args of [["--dialect", "mysql"], ["--database", "mysql://x"], ["--stories", "0"], ["--rss-probe", "ps"]]) {
      const run = await captured(() => benchEfictionImport(args));
      assert.equal(run.code, 1, args.join(" "));
      assert.equal(run.err.filter((line) => line.startsWith("fanfold: ")).length, 1, args.join(" "));
    }
    generateEfictionArchive(join(dir, "other"), { stories: 5, wordsPerChapter: 60 });
    const other = await captured(() => benchEfictionImport(["--stories", "6", "--archive", join(dir, "other")]));
    assert.equal(other.code, 1);
    assert.match(other.err.at(-1)!, /^fanfold: .* holds another generated archive/);
    const load = await captured(() => import("./bench-efiction-import.js").then((m) => m.benchEfictionLoad(["--dump", join(dir, "missing.sql"), "--stories", dir])));
    assert.equal(load.code, 1);
    assert.match(load.err[0]!, /^fanfold: .*missing\.sql: no such file\.$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

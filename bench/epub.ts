/**
 * The EPUB of a long work: time and peak memory to build it (bench/README.md, "Downloads").
 *
 *   npx tsx bench/epub.ts                         # 500,000 words in 100 chapters, SQLite
 *   npx tsx bench/epub.ts --words 2000000 --chapters 400
 *   npx tsx bench/epub.ts --dialect postgres      # a throwaway database on BENCH_POSTGRES_URL
 *   npx tsx bench/epub.ts --keep long.epub        # keep the EPUB (e.g. for epubcheck)
 *   npx tsx bench/epub.ts --pdf                   # also time the A5 PDF of the same work (needs Chromium)
 *
 * It posts the generated work through the same command as the posting form (into a fresh
 * database); then a fresh Node process (so the generated text is not in its heap) opens the
 * database and builds the EPUB through the download code (src/downloads/epub.ts) into a file,
 * sampling its resident memory every 10 ms. Printed: the build time, that process's peak RSS and
 * how far it rose during the build, the EPUB's size, and the stored text's size.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { writeEpub } from "../src/downloads/epub.js";
import { loadBookSource } from "../src/downloads/queries.js";
import { openDatabase, type Db } from "../src/platform/db/index.js";
import { migrateToLatest } from "../src/platform/db/migrate.js";
import { createUser } from "../src/users/commands.js";
import { createWork } from "../src/works/commands.js";
import { parseChapter, type WorkInput } from "../src/works/schema.js";

const { values: args } = parseArgs({
  options: {
    words: { type: "string", default: "500000" },
    chapters: { type: "string", default: "100" },
    dialect: { type: "string", default: "sqlite" },
    keep: { type: "string" },
    pdf: { type: "boolean", default: false },
    // Internal: the measuring child process (a fresh process, so the generation's garbage is not in its heap).
    "build-from": { type: "string" },
    "work-id": { type: "string" },
  },
});
const WORDS = Number(args.words);
const CHAPTERS = Number(args.chapters);

const VOCABULARY = (
  "the lamp turned all night and by morning the sea was glass she climbed stairs salt wind " +
  "keeper storm light harbour ship rope quiet voice window tide gull stone bell winter letter " +
  "remembered carefully beneath against without whisper lantern shore"
).split(" ");

/** Deterministic prose: paragraphs of 60 to 140 words. */
function chapterText(words: number, seed: number): string {
  let state = seed * 2654435761 + 1;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8);
  const paragraphs: string[] = [];
  let left = words;
  while (left > 0) {
    const n = Math.min(left, 60 + (next() % 81));
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(VOCABULARY[next() % VOCABULARY.length]!);
    ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
    paragraphs.push(`<p>${ws.join(" ")}.</p>`);
    left -= n;
  }
  return paragraphs.join("\n");
}

async function openBenchDb(): Promise<{ db: Db; url: string; close: () => Promise<void> }> {
  if (args.dialect === "postgres") {
    const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const name = `fanfold_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = openDatabase(adminUrl);
    await sql.raw(`create database ${name}`).execute(admin);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = openDatabase(url.toString());
    return {
      db,
      url: url.toString(),
      close: async () => {
        await db.destroy();
        await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
        await admin.destroy();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "fanfold-bench-epub-"));
  const url = `sqlite:${join(dir, "bench.sqlite")}`;
  const db = openDatabase(url);
  return { db, url, close: async () => (await db.destroy(), rmSync(dir, { recursive: true, force: true })) };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The measured part, in its own process: build the EPUB of `workId` from the database at `url`. */
async function measureBuild(url: string, workId: number): Promise<void> {
  const db = openDatabase(url);
  const out = mkdtempSync(join(tmpdir(), "fanfold-bench-epub-out-"));
  try {
    const book = (await loadBookSource(db, workId))!;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const path = join(out, "long.epub");
    await writeEpub(book, { name: "Fanfold", publicUrl: "http://127.0.0.1:3000" }, createWriteStream(path));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (args.keep) copyFileSync(path, args.keep);
    console.log(JSON.stringify({ seconds: Number(seconds.toFixed(2)), rssBefore: before, rssPeak: peak, epubBytes: statSync(path).size, chapters: book.chapters.length, words: book.work.word_count }));
  } finally {
    rmSync(out, { recursive: true, force: true });
    await db.destroy();
  }
}

if (args["build-from"]) {
  await measureBuild(args["build-from"], Number(args["work-id"]));
  process.exit(0);
}

const { db, url, close } = await openBenchDb();
try {
  await migrateToLatest(db);
  const user = await createUser(db, { login: "bencher", email: "bencher@example.org", password: "bench password 1" });
  if (!user.ok) throw new Error("could not create the bench user");
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow();
  process.stderr.write(`posting a ${WORDS.toLocaleString("en-US")}-word work in ${CHAPTERS} chapters (${args.dialect})…\n`);
  const perChapter = Math.ceil(WORDS / CHAPTERS);
  const chapters = Array.from({ length: CHAPTERS }, (_, i) => {
    const parsed = parseChapter({ title: `Part ${i + 1}`, summary: "", notes: "", endnotes: "", content: chapterText(perChapter, i + 1) });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.value;
  });
  const input: WorkInput = {
    title: "The Long Night",
    pseudIds: [pseud.id],
    rating: "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["Gen"],
    tags: { Fandom: ["Original Work"], Relationship: [], Character: ["The Keeper"], Freeform: ["Long"] },
    language: "en",
    summary: "A very long work.",
    notes: "",
    endnotes: "",
    restricted: false,
    commentPermission: "registered",
    expectedChapters: CHAPTERS,
    publishedOn: null,
  };
  const { workId } = await createWork(db, input, chapters, { draft: false });
  const stored = chapters.reduce((sum, c) => sum + Buffer.byteLength(c.content), 0);

  process.stderr.write("building the EPUB in a fresh process…\n");
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--build-from", url, "--work-id", String(workId), ...(args.keep ? ["--keep", args.keep] : [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`the build process failed (${child.status})`);
  const measured = JSON.parse(child.stdout.trim().split("\n").pop()!);
  const result = { dialect: args.dialect, storedText: stored, ...measured, rssRise: measured.rssPeak - measured.rssBefore };
  console.log(`EPUB of a ${result.words.toLocaleString("en-US")}-word, ${result.chapters}-chapter work (${args.dialect}):`);
  console.log(`  built in        ${result.seconds} s`);
  console.log(`  peak RSS        ${mb(result.rssPeak)} (${mb(result.rssBefore)} before the build, +${mb(result.rssRise)})`);
  console.log(`  EPUB            ${mb(result.epubBytes)} (stored chapter HTML ${mb(stored)})`);
  console.log(JSON.stringify(result));
  if (args.pdf) {
    // The PDF's work happens in Chromium's processes, so only its time is reported here.
    // Loaded only here, so the EPUB's measuring process does not carry playwright-core.
    const { buildDownload } = await import("../src/downloads/build.js");
    const { closePdfBrowser } = await import("../src/downloads/pdf.js");
    const dir = mkdtempSync(join(tmpdir(), "fanfold-bench-pdf-"));
    try {
      const book = (await loadBookSource(db, workId))!;
      const started = performance.now();
      await buildDownload(db, book, { name: "Fanfold", publicUrl: "http://127.0.0.1:3000" }, "pdf", "a5", join(dir, "long.pdf"));
      const seconds = (performance.now() - started) / 1000;
      const pages = (await readFile(join(dir, "long.pdf"), "latin1")).match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      console.log(`  PDF (A5)        ${seconds.toFixed(1)} s, ${pages} pages, ${mb(statSync(join(dir, "long.pdf")).size)} (Chromium started and closed included)`);
      console.log(JSON.stringify({ pdfSeconds: Number(seconds.toFixed(1)), pdfPages: pages }));
    } finally {
      await closePdfBrowser();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await close();
}

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sharedFile } from "../../test/support/shared.js";
import { benchEfictionGenerate, DUMP_FILE, type EfictionGenerateOptions, generateEfictionArchive, STORIES_DIR } from "./bench-efiction-generate.js";
import { type DumpValue, readDump } from "./efiction-dump.js";
import { columnsOf, EFICTION_TABLES } from "./efiction-schema.js";

type Row = Record<string, DumpValue>;
interface ReadBack {
  columns: Map<string, string[]>;
  rows: Map<string, Row[]>;
  insertLines: Map<string, number>;
}

/** Every table and row of a dump, rows as objects keyed by the CREATE TABLE's column names. */
async function readBack(path: string): Promise<ReadBack> {
  const columns = new Map<string, string[]>();
  const rows = new Map<string, Row[]>();
  for await (const event of readDump(path)) {
    if (event.kind === "table") {
      columns.set(event.table, event.columns);
      rows.set(event.table, []);
      continue;
    }
    const names = columns.get(event.table);
    assert.ok(names, `rows of ${event.table} come after its CREATE TABLE`);
    assert.equal(event.values.length, names.length, `a row of ${event.table} has one value per column`);
    rows.get(event.table)!.push(Object.fromEntries(names.map((name, i) => [name, event.values[i]!])));
  }
  const insertLines = new Map<string, number>();
  for (const match of readFileSync(path, "utf8").matchAll(/^INSERT INTO `fanfiction_(\w+)` VALUES/gm)) insertLines.set(match[1]!, (insertLines.get(match[1]!) ?? 0) + 1);
  return { columns, rows, insertLines };
}

function generated(options: EfictionGenerateOptions) {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-gen-"));
  const summary = generateEfictionArchive(dir, options);
  return { dir, summary, close: () => rmSync(dir, { recursive: true, force: true }) };
}

const numbers = (list: DumpValue) => (list === "" ? [] : String(list).split(",").map(Number));

test("a generated eFiction archive has the schema's tables and columns, consistent rows and CRLF chapter files", async () => {
  const archive = generated({ stories: 300, wordsPerChapter: 120, seed: 7 });
  try {
    const { summary, dir } = archive;
    const dump = await readBack(join(dir, DUMP_FILE));
    assert.deepEqual([...dump.columns.keys()], Object.keys(EFICTION_TABLES));
    for (const [table, columns] of dump.columns) assert.deepEqual(columns, columnsOf(table), table);
    for (const [table, rows] of dump.rows) assert.equal(rows.length, summary.rows[table], `${table}: rows read back = rows written`);

    const stories = dump.rows.get("stories")!;
    const chapters = dump.rows.get("chapters")!;
    const authors = dump.rows.get("authors")!;
    assert.equal(stories.length, 300);
    assert.equal(chapters.length, 1200, "4 chapters a story by default");
    assert.deepEqual(stories.map((s) => s.sid), Array.from({ length: 300 }, (_, i) => i + 1));
    assert.deepEqual(chapters.map((c) => c.chapid), Array.from({ length: 1200 }, (_, i) => i + 1));
    const uids = new Set(authors.map((a) => a.uid));
    for (const a of authors) {
      assert.match(String(a.penname), /^[a-zA-Z0-9-_ ]{3,30}$/, "eFiction's penname rule");
      assert.match(String(a.password), /^[0-9a-f]{32}$/, "unsalted md5");
    }
    assert.equal(new Set(authors.map((a) => a.penname)).size, authors.length, "pennames are unique");

    // Chapters: files under the chapter's uid, CRLF, no trailing newline; counters agree.
    const byStory = new Map<number, Row[]>();
    for (const chapter of chapters) {
      assert.equal(chapter.storytext, null, "store=files: no text in the database");
      const text = readFileSync(join(dir, STORIES_DIR, String(chapter.uid), `${chapter.chapid}.txt`), "utf8");
      assert.ok(!/(?<!\r)\n/.test(text), `chapter ${chapter.chapid}: every line ends with CRLF`);
      assert.ok(!text.endsWith("\n"), `chapter ${chapter.chapid}: no newline at the end`);
      byStory.set(Number(chapter.sid), [...(byStory.get(Number(chapter.sid)) ?? []), chapter]);
    }
    const formats = { paragraphs: 0, breaks: 0, plain: 0 };
    for (const file of readdirSync(join(dir, STORIES_DIR), { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
      const text = readFileSync(join(file.parentPath, file.name), "utf8");
      formats[text.includes("<p>") ? "paragraphs" : text.includes("<br />") ? "breaks" : "plain"]++;
    }
    assert.ok(formats.paragraphs > formats.plain && formats.plain > 0 && formats.breaks > 0, `HTML and plain-text chapters: ${JSON.stringify(formats)}`);
    assert.equal(readdirSync(join(dir, STORIES_DIR), { recursive: true }).filter((f) => String(f).endsWith(".txt")).length, 1200, "one file per chapter, no more");
    const reviews = dump.rows.get("reviews")!;
    for (const story of stories) {
      const own = byStory.get(Number(story.sid))!;
      assert.deepEqual(own.map((c) => c.inorder).sort((a, b) => Number(a) - Number(b)), own.map((_, i) => i + 1), `story ${story.sid}: chapters 1..n`);
      assert.ok(own.every((c) => c.uid === story.uid), "a chapter's uid is its story's owner");
      assert.equal(story.wordcount, own.reduce((a, c) => a + Number(c.wordcount), 0), `story ${story.sid}: wordcount is its chapters'`);
      assert.equal(story.reviews, reviews.filter((r) => r.type === "ST" && r.item === story.sid).length, `story ${story.sid}: reviews counter`);
      assert.ok(Number(story.updated) >= Number(story.date));
      assert.ok(uids.has(story.uid));
      assert.equal(typeof story.rid, "string", "stories.rid is a varchar");
    }
    assert.ok(stories.some((s) => String(s.catid).includes(",")), "some stories are in several categories");
    assert.ok(stories.some((s) => String(s.title).includes("????")), "some titles lost an emoji to utf8mb3");

    // Co-authors, classes, categories and characters refer to rows that exist.
    const coauthors = dump.rows.get("coauthors")!;
    assert.ok(coauthors.length > 0);
    for (const co of coauthors) {
      const story = stories[Number(co.sid) - 1]!;
      assert.equal(story.coauthors, 1);
      assert.notEqual(co.uid, story.uid);
      assert.ok(uids.has(co.uid));
    }
    const classTypes = new Map(dump.rows.get("classes")!.map((c) => [c.class_id, c.class_type]));
    const categories = new Map(dump.rows.get("categories")!.map((c) => [c.catid, c]));
    const characterIds = new Set(dump.rows.get("characters")!.map((c) => c.charid));
    for (const story of stories) {
      assert.ok(numbers(story.classes).every((id) => classTypes.has(id)));
      assert.ok(numbers(story.catid).every((id) => categories.has(id)));
      assert.ok(numbers(story.charid).every((id) => characterIds.has(id)));
    }
    assert.deepEqual([...new Set(classTypes.values())].sort(), [1, 2], "genres and warnings");
    for (const category of categories.values()) if (category.parentcatid !== -1) assert.equal(categories.get(category.parentcatid)!.parentcatid, -1, "two levels");
    assert.ok([...categories.values()].some((c) => c.parentcatid !== -1), "some sub-categories");

    // Series, reviews and favourites.
    const inseries = dump.rows.get("inseries")!;
    assert.ok(dump.rows.get("series")!.length > 0 && inseries.length > 0);
    for (const part of inseries) assert.ok((part.sid === 0) !== (part.subseriesid === 0), "a part is a story or a sub-series");
    assert.ok(reviews.some((r) => r.uid === 0), "some anonymous reviews");
    assert.ok(reviews.some((r) => r.rating === -1) && reviews.some((r) => Number(r.rating) > 0), "reviews with and without stars");
    for (const r of reviews.filter((r) => r.type === "ST")) assert.equal(chapters[Number(r.chapid) - 1]!.sid, r.item, "a review's chapter is of its story");
    const favoriteTypes = new Set(dump.rows.get("favorites")!.map((f) => f.type));
    assert.deepEqual([...favoriteTypes].sort(), ["AU", "SE", "ST"]);
    assert.equal(dump.rows.get("settings")![0]!.store, "files");
    assert.equal(dump.rows.get("settings")![0]!.version, "3.5.8");
    assert.deepEqual(dump.rows.get("stats")!.map((s) => [s.stories, s.chapters]), [[300, 1200]]);
    // log_ip is varbinary(16): INET6_ATON's 4 raw bytes.
    for (const entry of dump.rows.get("log")!) assert.equal(String(entry.log_ip).length, 4);
  } finally {
    archive.close();
  }
});

test("the same seed gives the same archive, another seed another", () => {
  const a = generated({ stories: 40, wordsPerChapter: 100, seed: 3 });
  const b = generated({ stories: 40, wordsPerChapter: 100, seed: 3 });
  const c = generated({ stories: 40, wordsPerChapter: 100, seed: 4 });
  try {
    assert.equal(a.summary.dump_sha256, b.summary.dump_sha256);
    assert.notEqual(a.summary.dump_sha256, c.summary.dump_sha256);
    const files = (dir: string) =>
      readdirSync(join(dir, STORIES_DIR), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".txt"))
        .sort();
    assert.deepEqual(files(a.dir), files(b.dir));
    for (const file of files(a.dir)) assert.equal(readFileSync(join(a.dir, STORIES_DIR, file), "utf8"), readFileSync(join(b.dir, STORIES_DIR, file), "utf8"), file);
  } finally {
    for (const g of [a, b, c]) g.close();
  }
});

test("store=mysql puts the same texts in chapters.storytext; MySQL-style INSERTs hold the same rows; INSERTs stop near 1 MB", async () => {
  const files = generated({ stories: 30, wordsPerChapter: 3000, seed: 5 });
  const inside = generated({ stories: 30, wordsPerChapter: 3000, seed: 5, store: "mysql", insertStyle: "mysql" });
  try {
    const a = await readBack(join(files.dir, DUMP_FILE));
    const b = await readBack(join(inside.dir, DUMP_FILE));
    assert.ok(!existsSync(join(inside.dir, STORIES_DIR, "2")), "no chapter files with store=mysql");
    for (const [i, chapter] of a.rows.get("chapters")!.entries()) {
      const other = b.rows.get("chapters")![i]!;
      assert.equal(other.storytext, readFileSync(join(files.dir, STORIES_DIR, String(chapter.uid), `${chapter.chapid}.txt`), "utf8"));
      assert.deepEqual({ ...other, storytext: null }, chapter);
    }
    for (const table of a.rows.keys()) if (table !== "chapters" && table !== "settings") assert.deepEqual(b.rows.get(table), a.rows.get(table), table);
    assert.equal(b.rows.get("settings")![0]!.store, "mysql");
    // ~120 chapters × ~18 KB of text: mysqldump would start a new INSERT every ~1 MB.
    assert.ok(b.insertLines.get("chapters")! >= 2, `chapters in ${b.insertLines.get("chapters")} INSERTs`);
    assert.ok(inside.summary.longest_insert_bytes <= 1_046_528 + 40_000, `longest INSERT ${inside.summary.longest_insert_bytes} bytes`);
    const mysqlStyle = readFileSync(join(inside.dir, DUMP_FILE), "utf8");
    assert.match(mysqlStyle, /^INSERT INTO `fanfiction_stories` VALUES \(1,.*\),\(2,/m, "MySQL style: the whole INSERT on one line");
    assert.match(readFileSync(join(files.dir, DUMP_FILE), "utf8"), /^INSERT INTO `fanfiction_stories` VALUES\n\(1,.*\),\n\(2,/m, "MariaDB style: VALUES, then one row a line");
  } finally {
    files.close();
    inside.close();
  }
});

test("the generated dump has exactly the tables and columns of the real eFiction fixture's dump", async (t) => {
  const fixture = sharedFile(t, "fixtures/efiction/efiction.sql", "the comparison of the generated schema with the real eFiction dump");
  if (!fixture) return;
  const real = await readBack(fixture);
  assert.deepEqual([...real.columns.keys()], Object.keys(EFICTION_TABLES));
  for (const [table, columns] of real.columns) assert.deepEqual(columns, columnsOf(table), table);
  // The reader reads the real dump: the MANIFEST's counts.
  assert.equal(real.rows.get("stories")!.length, 6);
  assert.equal(real.rows.get("chapters")!.length, 13);
  assert.equal(real.rows.get("authors")!.length, 4);
  assert.equal(real.rows.get("series")![0]!.title, "Aurélie\\'s Café Stories", "the backslash eFiction stores is kept");
  assert.equal(real.rows.get("log")![0]!.log_ip, "\x7f\0\0\x01", "varbinary bytes, \\0 unescaped");
  // And the structure lines are written as MariaDB writes them.
  const realText = readFileSync(fixture, "utf8");
  const archive = generated({ stories: 5, wordsPerChapter: 60 });
  try {
    const ours = readFileSync(join(archive.dir, DUMP_FILE), "utf8");
    const createOf = (text: string, table: string) => new RegExp(`CREATE TABLE \`fanfiction_${table}\` \\(\\n[\\s\\S]*?\\n\\) ENGINE=\\w+`).exec(text)?.[0];
    for (const table of Object.keys(EFICTION_TABLES)) assert.equal(createOf(ours, table), createOf(realText, table), table);
  } finally {
    archive.close();
  }
});

test("efiction-generate refuses bad arguments with one line and a non-zero exit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-efiction-gen-"));
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await benchEfictionGenerate(["--stories", "ten", "--out", dir]), 1);
    assert.equal(await benchEfictionGenerate(["--stories", "10"]), 1);
    assert.equal(await benchEfictionGenerate(["--stories", "10", "--chapters", "5", "--out", dir]), 1);
    assert.equal(await benchEfictionGenerate(["--stories", "10", "--store", "ftp", "--out", dir]), 1);
    assert.equal(await benchEfictionGenerate(["--stories", "10", "--out", dir, "--words-per-chapter", "60"]), 0);
    assert.equal(await benchEfictionGenerate(["--stories", "10", "--out", dir]), 1, "a folder that already holds a dump");
  } finally {
    console.error = original;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(errors.length, 5);
  for (const line of errors) assert.match(line, /^fanfold: [^\n]+$/);
});

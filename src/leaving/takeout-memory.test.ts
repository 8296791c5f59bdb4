import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Db } from "../platform/db/index.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { requestTakeout, takeoutFolder } from "./takeout.js";

// A 500-work account's takeout is written as a stream: run by the real job in a process of its
// own whose V8 heap is capped well below the size of what it writes, the build finishes, and the
// process's memory grows by far less than the zip holds. (Measured, not timed: the figures are
// printed with the test.)

const WORKS = 500;
/** Words per work: about 28 KB of text each, some 14 MB in all, written three times (EPUB, HTML, TXT): 42 MB of entries. */
const WORDS = 6000;
/** The child's old-space cap: the app takes about 70 MB of it, leaving less room than the entries it writes. */
const HEAP_CAP_MB = 96;
/** What the child's resident memory may grow by while it writes the zip. */
const RSS_GROWTH_LIMIT = 80 * 1024 * 1024;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A deterministic pseudo-random text (compresses like prose, not like a repeated string). */
function prose(seed: number, words: number): string {
  const vocabulary = "the lamp sea glass keeper storm tide harbour light night morning rope salt fog bell shore wave gull stone stair window oil wick cold warm long slow turned waited climbed watched listened remembered".split(" ");
  let x = seed * 2654435761 || 1;
  const next = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x);
  const paragraphs: string[] = [];
  let words_ = 0;
  while (words_ < words) {
    const n = 40 + (next() % 80);
    const sentence = Array.from({ length: n }, () => vocabulary[next() % vocabulary.length]).join(" ");
    paragraphs.push(`<p>${sentence[0]!.toUpperCase()}${sentence.slice(1)}.</p>`);
    words_ += n;
  }
  return paragraphs.join("\n");
}

/** 500 works for one user, quickly: one posted through the command, the rest copied from it in bulk with their own text. */
async function manyWorks(db: Db, pseudId: number): Promise<number[]> {
  const template = await makeWork(db, pseudId, { title: "Template Tide", chapters: ["<p>Template.</p>"] });
  const row = await db.selectFrom("works").selectAll().where("id", "=", template).executeTakeFirstOrThrow();
  const tags = await db.selectFrom("work_tags").select(["tag_id", "position"]).where("work_id", "=", template).execute();
  const { id: _id, ...columns } = row;
  const ids = [template];
  for (let start = 1; start < WORKS; start += 50) {
    const batch = Array.from({ length: Math.min(50, WORKS - start) }, (_, i) => ({ ...columns, title: `Tide ${start + i}`, title_sort: `tide ${start + i}`, word_count: WORDS }));
    const made = (await db.insertInto("works").values(batch).returning("id").execute()).map((r) => r.id);
    await db.insertInto("work_creators").values(made.map((work_id) => ({ work_id, pseud_id: pseudId, position: 0 }))).execute();
    await db.insertInto("work_tags").values(made.flatMap((work_id) => tags.map((tag) => ({ work_id, ...tag })))).execute();
    const now = new Date().toISOString();
    await db
      .insertInto("chapters")
      .values(made.map((work_id) => ({ work_id, position: 1, title: "", summary: "", notes: "", endnotes: "", content: prose(work_id, WORDS), word_count: WORDS, posted: 1, published_on: row.published_on, created_at: now, updated_at: now })))
      .execute();
    ids.push(...made);
  }
  return ids;
}

/** The names and uncompressed sizes in a zip's central directory, read from the file without inflating anything. */
function zipEntries(path: string): { name: string; size: number }[] {
  const size = statSync(path).size;
  const fd = openSync(path, "r");
  try {
    const tailLength = Math.min(size, 66_000);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    let end = tail.length - 22;
    while (end >= 0 && tail.readUInt32LE(end) !== 0x06054b50) end--;
    assert.ok(end >= 0, "a zip's end record");
    const count = tail.readUInt16LE(end + 10);
    const cdSize = tail.readUInt32LE(end + 12);
    const cdOffset = tail.readUInt32LE(end + 16);
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOffset);
    const names: { name: string; size: number }[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const nameLength = cd.readUInt16LE(offset + 28);
      const extraLength = cd.readUInt16LE(offset + 30);
      const commentLength = cd.readUInt16LE(offset + 32);
      names.push({ name: cd.toString("utf8", offset + 46, offset + 46 + nameLength), size: cd.readUInt32LE(offset + 24) });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    closeSync(fd);
  }
}

function runChild(url: string, dataDir: string): Promise<{ ran: number; mail: string[]; startRss: number; peakRss: number; startHeap: number; peakHeap: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_CAP_MB}`, "--import", "tsx", join(ROOT, "test/support/takeout-child.ts"), url, dataDir],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: "test" }, maxBuffer: 1024 * 1024, timeout: 20 * 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`the takeout process failed: ${error.message}\n${stderr}`));
        const line = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`the takeout process said: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

test("a 500-work account's takeout is streamed: it finishes with a capped heap, its memory growing far less than the zip holds", async (t) => {
  await eachDialect(t, async (t, { db, url }) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-takeout-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const { userId, pseudId } = await makeCreator(db, "prolific");
    const ids = await manyWorks(db, pseudId);
    assert.equal(ids.length, WORKS);
    const { takeout } = await requestTakeout(db, userId);

    const measured = await runChild(url, dataDir);
    const row = await db.selectFrom("takeouts").selectAll().where("id", "=", takeout.id).executeTakeFirstOrThrow();
    assert.equal(row.state, "ready", "the job finished");
    assert.deepEqual(measured.mail, [`takeout-${takeout.id}`], "and mailed its owner");
    const job = await db.selectFrom("jobs").select(["done_count", "total", "attempts"]).where("id", "=", row.job_id!).executeTakeFirstOrThrow();
    assert.deepEqual([job.done_count, job.total, job.attempts], [WORKS, WORKS, 1], "one run, every work counted");

    const path = join(takeoutFolder(dataDir), row.file!);
    const entries = zipEntries(path);
    const names = entries.map((e) => e.name);
    const written = entries.reduce((sum, e) => sum + e.size, 0);
    assert.equal(names.filter((n) => /^takeout\/works\/\d+\/[^/]+\.epub$/.test(n)).length, WORKS, "an EPUB per work");
    assert.equal(names.filter((n) => /^takeout\/works\/\d+\/[^/]+\.html$/.test(n)).length, WORKS);
    assert.equal(names.filter((n) => /^takeout\/works\/\d+\/[^/]+\.txt$/.test(n)).length, WORKS);
    assert.equal(names.filter((n) => /^takeout\/works\/\d+\/work\.json$/.test(n)).length, WORKS);
    assert.equal(names.length, WORKS * 4 + 5);

    const rssGrowth = measured.peakRss - measured.startRss;
    const heapGrowth = measured.peakHeap - measured.startHeap;
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    t.diagnostic(`entries ${mb(written)} before compression, zip ${mb(row.size)}; child RSS ${mb(measured.startRss)} → peak ${mb(measured.peakRss)} (+${mb(rssGrowth)}); heap+buffers ${mb(measured.startHeap)} → peak ${mb(measured.peakHeap)} (+${mb(heapGrowth)}); heap capped at ${HEAP_CAP_MB} MB`);
    console.error(`takeout of ${WORKS} works (${t.name}): entries ${mb(written)}, zip ${mb(row.size)}, RSS +${mb(rssGrowth)}, heap+buffers +${mb(heapGrowth)}`);
    assert.ok(rssGrowth < RSS_GROWTH_LIMIT, `the process grew by ${mb(rssGrowth)} while writing (limit ${mb(RSS_GROWTH_LIMIT)})`);
    // Had the build held what it wrote, the capped heap could not have: it had this much room left.
    const room = HEAP_CAP_MB * 1048576 - measured.startHeap;
    assert.ok(written > room, `the entries (${mb(written)}) are more than the heap had room for (${mb(room)})`);
    assert.ok(heapGrowth < written / 3, `the heap grew by ${mb(heapGrowth)}, a small part of the ${mb(written)} written`);
  });
});

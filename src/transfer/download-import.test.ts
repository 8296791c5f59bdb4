import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ZipFile } from "yazl";
import { eachDialect } from "../../test/support/db.js";
import type { Db } from "../platform/db/index.js";
import { createUser, createPseud } from "../users/commands.js";
import { createWork } from "../works/commands.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { chaptersOf, creatorName, findWork, tagsOfWork } from "../model/works.js";
import { membershipsOfWork } from "../model/series.js";
import { loadBookSource, writeEpub, writeHtml } from "../downloads/index.js";
import { importingPseudIds, readImportFile } from "./import-file.js";
import { pseudsOf } from "../model/users.js";
import { type ImportedWork, saveImportedWork } from "./imported-work.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");

/** A folder zipped as an EPUB (the mimetype entry first and stored, as OCF requires); `replace` changes a file's text on the way. */
async function zipFolder(dir: string, replace: Record<string, (text: string) => string> = {}): Promise<Buffer> {
  const zip = new ZipFile();
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  zip.addBuffer(readFileSync(join(dir, "mimetype")), "mimetype", { compress: false });
  for (const file of files.filter((f) => f !== "mimetype")) {
    const name = file.split("\\").join("/");
    const bytes = readFileSync(join(dir, file));
    zip.addBuffer(replace[name] ? Buffer.from(replace[name]!(bytes.toString("utf8"))) : bytes, name);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A ZIP of the given entries, the first stored. */
async function zipEntries(entries: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [i, [name, text]] of Object.entries(entries).entries()) zip.addBuffer(Buffer.from(text), name, { compress: i > 0 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function readOk(bytes: Buffer) {
  const read = readImportFile(bytes);
  assert.ok(read.ok, read.ok ? "" : read.message);
  assert.notEqual(read.kind, "work-text");
  if (!read.ok || read.kind === "work-text") throw new Error("unreachable");
  return read;
}

test("an AO3 HTML download (written from AO3's download templates) reads with every field it carries", () => {
  const read = readOk(readFileSync(join(FIXTURES, "ao3-download.html")));
  assert.equal(read.kind, "ao3-html");
  const expected: ImportedWork = {
    title: "The Ferryman's Ledger",
    rating: "Teen And Up Audiences",
    warnings: ["Graphic Depictions Of Violence", "Major Character Death"],
    categories: ["F/M", "Gen"],
    fandoms: ["Original Work"],
    relationships: ["Ferryman/Toll Keeper"],
    characters: ["The Ferryman", "Toll Keeper"],
    freeforms: ["Rivers", "Debts & Payments", "Slow Burn"],
    language: "English",
    summary: "<p>Every crossing is written down. <em>Every</em> one.</p>",
    notes: "<p>Thanks to my beta, who knows rivers.</p>",
    endnotes: "<p>Thank you for crossing with me.</p>",
    publishedOn: "2023-06-11",
    revisedOn: "2023-08-02",
    expectedChapters: 5,
    restricted: null,
    commentPermission: null,
    creators: ["Quillon (inkwell)", "Brackwater"],
    series: [{ title: "River Crossings", part: 2 }],
    giftsFor: [],
    originalUrl: "https://archiveofourown.org/works/48151623",
    chapters: [
      {
        title: "The First Fare",
        summary: "<p>A coin on the water.</p>",
        notes: "<p>Set before part one.</p>",
        endnotes: "<p>More next week.</p>",
        content: "<p>The ferryman wrote the first fare in the ledger: one coin, one crossing.</p>\n<p>The river said nothing, as <strong>rivers</strong> do.</p>",
        publishedOn: null,
      },
      {
        title: "",
        summary: "",
        notes: "",
        endnotes: "",
        content:
          "<p>The toll keeper read the ledger upside down.</p>\n<blockquote><p>A quotation inside the text stays text.</p></blockquote>\n<h2>A heading the writer put in the text</h2>\n<p>And the page turned.</p>",
        publishedOn: null,
      },
      { title: "Low Water", summary: "", notes: "", endnotes: "<p>Two chapters to go.</p>", content: "<p>At low water the ferry sat on stones, and the ledger stayed shut.</p>", publishedOn: null },
    ],
  };
  assert.deepEqual(read.work, expected);
  // What the file has and the archive does not take is said, not dropped silently.
  const lost = read.losses.map((loss) => loss.where);
  assert.deepEqual(lost, ["Collections", "Preface", "chapter 2", "Afterword"]);
});

test("an AO3 EPUB download (Calibre's split documents, extra classes, a chapter split in two) reads the same way", async () => {
  const read = readOk(await zipFolder(join(FIXTURES, "ao3-download-epub")));
  assert.equal(read.kind, "ao3-epub");
  assert.equal(read.work.title, "Lantern Weather");
  assert.equal(read.work.rating, "General Audiences");
  assert.deepEqual(read.work.warnings, ["No Archive Warnings Apply"]);
  assert.deepEqual(read.work.freeforms, ["Fog", "Lanterns"]);
  assert.deepEqual(read.work.series, [{ title: "Weather Works", part: 3 }]);
  assert.deepEqual(read.work.creators, ["Wickmaker"]);
  assert.equal(read.work.publishedOn, "2022-11-01");
  assert.equal(read.work.revisedOn, "2022-11-20");
  assert.equal(read.work.expectedChapters, 2);
  assert.equal(read.work.summary, '<p class="calibre8">Two nights of fog.</p>');
  assert.equal(read.work.originalUrl, "https://archiveofourown.org/works/777001");
  assert.deepEqual(
    read.work.chapters.map((c) => ({ title: c.title, summary: c.summary, endnotes: c.endnotes, text: c.content.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim() })),
    [
      {
        title: "Fog Comes In",
        summary: '<p class="calibre8">The harbour disappears.</p>',
        endnotes: '<p class="calibre8">Short one, sorry.</p>',
        text: "The fog came in at four and did not leave. Someone lit the first lantern. Then a second, and a third, down the whole quay.",
      },
      { title: "Fog Lifts", summary: "", endnotes: "", text: "By the second morning the lanterns were only lanterns again." },
    ],
  );
  assert.deepEqual(read.losses, []);
  // The same book with every document's content inside one more wrapper, as another converter may write it.
  const wrap = (page: string) => page.replace(/<body class="calibre">([\s\S]*)<\/body>/, '<body class="calibre"><div class="calibre0">$1</div></body>');
  const wrapped = readOk(await zipFolder(join(FIXTURES, "ao3-download-epub"), Object.fromEntries([0, 1, 2, 3].map((i) => [`Lantern_Weather_split_00${i}.xhtml`, wrap]))));
  assert.deepEqual(wrapped.work, read.work);
});

test("a FanFicFare EPUB (its title page, default note labels, extra title page lines) reads with every field it carries", async () => {
  const expected: ImportedWork = {
    title: "Heron Season",
    rating: "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["Gen"],
    fandoms: ["Original Work"],
    relationships: [],
    characters: ["The Heron", "The Watcher"],
    freeforms: ["Herons", "Patience"],
    language: "English",
    summary: "<p>Birds, <em>patience</em>, a marsh.</p><p><b>Kudos:</b> not a line of the title page.</p>",
    notes: "<p>For the spring exchange.</p>",
    endnotes: "<p>One more chapter to come.</p>",
    // From the package document: the title page writes its dates in the reader's own format.
    publishedOn: "2019-04-02",
    revisedOn: "2019-05-30",
    expectedChapters: 3,
    restricted: true,
    commentPermission: null,
    creators: ["Wader (reedbank)"],
    series: [
      { title: "Marsh Year", part: 2 },
      { title: "Birdwatching Prompts", part: 7 },
    ],
    giftsFor: ["egret"],
    originalUrl: "https://archiveofourown.org/works/6020304",
    chapters: [
      {
        title: "Still Water",
        summary: "<p>The heron waits.</p>",
        notes: "",
        endnotes: "<p>Heron facts next time.</p>",
        content: "<p>The heron stood in the still water all morning.</p>\n<p>The watcher stood on the bank and did the same.</p>",
        publishedOn: null,
      },
      { title: "", summary: "", notes: "<p>A renamed label.</p>", endnotes: "", content: "<p>At noon the heron struck, and missed, and waited again.</p>", publishedOn: null },
    ],
  };
  const read = readOk(await zipFolder(join(FIXTURES, "fanficfare-epub")));
  assert.equal(read.kind, "fanficfare-epub");
  assert.deepEqual(read.work, expected);
  assert.deepEqual(
    read.losses.map((loss) => loss.where),
    ['title page "kudos"', "chapter 1", "chapter 2"],
    "the kudos line, the inspired-by line and the renamed note label are reported",
  );
  // FanFicFare's titlepage_use_table: the same lines as table rows.
  const asTable = (page: string) =>
    page.replace(/<div>([\s\S]*)<\/div>/, (_all, lines: string) => `<table>${lines.replace(/<b>([^<]*)<\/b>\s*([\s\S]*?)<br \/>/g, "<tr><td><b>$1</b></td><td>$2</td></tr>")}</table>`);
  const table = readOk(await zipFolder(join(FIXTURES, "fanficfare-epub"), { "OEBPS/title_page.xhtml": asTable }));
  assert.deepEqual(table.work, expected);
});

test("files that are not AO3 or FanFicFare downloads are refused with what was expected", async () => {
  const refused = (bytes: Buffer) => {
    const read = readImportFile(bytes);
    assert.equal(read.ok, false, "refused");
    return read.ok ? "" : read.message;
  };
  assert.match(refused(Buffer.from("<!DOCTYPE html><html><body><h1>My blog</h1><p>Hello.</p></body></html>")), /^not an AO3 download: no preface with a 'Rating:' line; expected a file from a work's Download menu \(HTML or EPUB\) or a FanFicFare EPUB$/);
  const noText = readFileSync(join(FIXTURES, "ao3-download.html"), "utf8").replace(/<div id="chapters"[\s\S]*<div id="afterword">/, '<div id="afterword">');
  assert.match(refused(Buffer.from(noText)), /no chapter text/);
  const epub = await zipFolder(join(FIXTURES, "ao3-download-epub"));
  assert.match(refused(epub.subarray(0, Math.floor(epub.length / 2))), /^not a readable EPUB: the ZIP file is damaged or cut short/);
  const corrupt = Buffer.from(epub);
  // Damage the first compressed entry's data: its central directory is intact, its bytes are not.
  corrupt.fill(0xff, 200, 400);
  assert.match(refused(corrupt), /^not a readable EPUB: /);
  assert.match(refused(await zipEntries({ "hello.txt": "hello" })), /not a readable EPUB: the ZIP file is not an EPUB \(it has no META-INF\/container\.xml\)/);
  assert.match(refused(Buffer.from('<div id="preface"><p>Just a fragment.</p></div>')), /^not an AO3 download: no preface with a 'Rating:' line/);
  assert.match(refused(Buffer.from("%PDF-1.7\n...")), /a PDF cannot be imported/);
  assert.match(refused(Buffer.from([0x57, 0xe9, 0x0a])), /not valid UTF-8/);
  // EPUBs of other kinds: a novel's, and FanFicFare's of a story from another site.
  const book = (opfMetadata: string, body: string) =>
    zipEntries({
      mimetype: "application/epub+zip",
      "META-INF/container.xml": `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
      "OEBPS/content.opf": `<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">${opfMetadata}</metadata><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>`,
      "OEBPS/a.xhtml": `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>${body}</html>`,
    });
  assert.match(refused(await book("<dc:title>A Novel</dc:title>", "<body><h1>Chapter One</h1><p>It was a dark night.</p></body>")), /^not an AO3 download: no preface with a 'Rating:' line/);
  assert.match(
    refused(await book(`<dc:title>Elsewhere</dc:title><dc:contributor>FanFicFare [https://github.com/JimmXinu/FanFicFare]</dc:contributor><dc:source>https://www.fanfiction.net/s/123/1/</dc:source>`, '<body class="fff_titlepage"><div><b>Rating:</b> K<br/></div></body>')),
    /^not a FanFicFare EPUB of an AO3 work: its source is "https:\/\/www\.fanfiction\.net\/s\/123\/1\/"/,
  );
});

// ---- Round trips through the database: download, then import ----------------------------------

interface Seeded {
  workId: number;
  oneShotId: number;
  userId: number;
}

/** A work with everything a download carries: tags of every kind, notes, chapters with their own notes, dates, a series; and a one-shot. */
async function seed(db: Db): Promise<Seeded> {
  const made = await createUser(db, { login: "lampwright", email: "lampwright@example.com", password: "a fine password" });
  assert.ok(made.ok);
  const pseudId = (await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow()).id;
  const moth = await createPseud(db, made.value.id, "Moth", "");
  assert.ok(moth.ok);
  const { workId } = await createWork(
    db,
    {
      title: "Salt Roads & Sea Lanes",
      pseudIds: [moth.value.id],
      rating: "Mature",
      warnings: ["Major Character Death", "Graphic Depictions Of Violence"],
      categories: ["Gen", "Multi"],
      tags: { Fandom: ["Original Work", "Sea Shanties (Traditional)"], Relationship: ["Cartographer/Sailor"], Character: ["The Cartographer", "Sailor"], Freeform: ["Road Trip", "Maps", "Ünïcödé tag"] },
      language: "en",
      summary: "<p>Three roads, <em>one</em> map.</p>",
      notes: "<p>Work notes at the start.</p>",
      endnotes: "<p>Work notes at the end.</p>",
      restricted: false,
      commentPermission: "registered",
      expectedChapters: 4,
      publishedOn: "2021-03-04",
    },
    [
      { title: "North", summary: "<p>Chapter one's summary.</p>", notes: "<p>Chapter one's notes.</p>", endnotes: "<p>Chapter one's end notes.</p>", content: "<p>The first road ran north.</p><p>Second <strong>paragraph</strong> &amp; more.</p>" },
      { title: "East", summary: "<p>Chapter two's summary.</p>", notes: "", endnotes: "", content: "<p>The second road ran east.</p><blockquote><p>A quoted sign.</p></blockquote>" },
      { title: "", summary: "", notes: "<p>Only notes here.</p>", endnotes: "<p>End three.</p>", content: "<p>The third road had no name.</p><h2>A heading in the text</h2><p>Still chapter three.</p>" },
    ],
    { draft: false, revisedOn: "2022-05-06" },
  );
  const oneShot = await createWork(
    db,
    {
      title: "Lamp",
      pseudIds: [pseudId],
      rating: "Teen And Up Audiences",
      warnings: ["No Archive Warnings Apply"],
      categories: ["F/F"],
      tags: { Fandom: ["Original Work"], Relationship: [], Character: [], Freeform: ["Storms"] },
      language: "en",
      summary: "<p>A keeper.</p>",
      notes: "<p>Notes.</p>",
      endnotes: "<p>End notes.</p>",
      restricted: false,
      commentPermission: "registered",
      expectedChapters: 1,
      publishedOn: "2020-01-02",
    },
    [{ title: "", summary: "<p>Its summary.</p>", notes: "<p>Its notes.</p>", endnotes: "<p>Its end notes.</p>", content: "<p>The lamp turned.</p>" }],
    { draft: false },
  );
  await db.transaction().execute(async (trx) => {
    const id = await createSeries(trx, [moth.value.id], "Tides");
    await addWorkToSeries(trx, id, oneShot.workId, null);
    await addWorkToSeries(trx, id, workId, null);
  });
  return { workId, oneShotId: oneShot.workId, userId: made.value.id };
}

/** Everything a download carries, as stored. */
async function snapshot(db: Db, id: number) {
  const work = await findWork(db, id);
  assert.ok(work);
  const tags = (await tagsOfWork(db, id)).map((t) => `${t.type}:${t.name}`).sort();
  const chapters = (await chaptersOf(db, id)).map((c) => ({ position: c.position, title: c.title, summary: c.summary, notes: c.notes, endnotes: c.endnotes, content: c.content, words: c.word_count }));
  const series = (await membershipsOfWork(db, id)).map((s) => ({ title: s.title, position: s.position }));
  const { title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on } = work;
  return { title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on, revised_on: work.revised_at.slice(0, 10), creators: work.creators.map(creatorName), tags, chapters, series };
}

async function download(db: Db, id: number, format: "html" | "epub"): Promise<Buffer> {
  const book = await loadBookSource(db, id);
  assert.ok(book);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const archive = { name: "Fanfold Test", publicUrl: "https://fanfold.example" };
  await (format === "html" ? writeHtml(book, archive, out) : writeEpub(book, archive, out));
  out.end();
  return Buffer.concat(chunks);
}

test("download (HTML and EPUB) then import gives an equal work, with the original URL recorded", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const s = await seed(db);
    for (const id of [s.workId, s.oneShotId]) {
      for (const format of ["html", "epub"] as const) {
        const read = readOk(await download(db, id, format));
        assert.equal(read.kind, format === "html" ? "ao3-html" : "ao3-epub");
        assert.deepEqual(read.losses, [], `${format} of ${id}: nothing lost`);
        const pseuds = await pseudsOf(db, s.userId);
        const saved = await saveImportedWork(db, read.work, { pseudIds: importingPseudIds(read.work.creators, "lampwright", pseuds), draft: false });
        assert.ok(saved.ok, saved.ok ? "" : `${saved.field}: ${saved.message}`);
        assert.deepEqual(saved.losses, [], `${format} of ${id}: saving lost nothing`);
        const label = `${format} download of work ${id}`;
        const original = await snapshot(db, id);
        const imported = await snapshot(db, saved.workId);
        // The series gains the imported work as its next part (it is a new work in the same series).
        assert.deepEqual({ ...imported, series: imported.series.map((x) => x.title) }, { ...original, series: original.series.map((x) => x.title) }, label);
        const row = await db.selectFrom("works").select("original_url").where("id", "=", saved.workId).executeTakeFirstOrThrow();
        assert.equal(row.original_url, `https://fanfold.example/works/${id}`, `${label}: original URL`);
      }
    }
  });
});

test("the AO3-format fixtures import with their fields", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const made = await createUser(db, { login: "inkwell", email: "inkwell@example.com", password: "a fine password" });
    assert.ok(made.ok);
    const pseudId = (await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow()).id;
    const html = readOk(readFileSync(join(FIXTURES, "ao3-download.html")));
    const saved = await saveImportedWork(db, html.work, { pseudIds: [pseudId], draft: false });
    assert.ok(saved.ok, saved.ok ? "" : saved.message);
    const work = await snapshot(db, saved.workId);
    assert.equal(work.title, "The Ferryman's Ledger");
    assert.equal(work.expected_chapters, 5);
    assert.equal(work.published_on, "2023-06-11");
    assert.equal(work.revised_on, "2023-08-02");
    assert.ok(work.tags.includes("Freeform:Debts & Payments"));
    assert.ok(work.tags.includes("ArchiveWarning:Major Character Death"));
    // A new series here has no part 1 yet: the work goes in as its first part, and saving says so.
    assert.deepEqual(work.series, [{ title: "River Crossings", position: 1 }]);
    // Neither byline name is a pseud here: the work is the importer's, and saving says so.
    assert.deepEqual(
      saved.losses.map((loss) => `${loss.where}: ${loss.message}`),
      ['creator "Quillon (inkwell)": not credited: no pseud here has that name.', 'creator "Brackwater": not credited: no pseud here has that name.', 'series "River Crossings": placed as part 1, not part 2: the series has no part 1 here.'],
    );
    assert.deepEqual(work.chapters.map((c) => c.title), ["The First Fare", "", "Low Water"]);
    assert.match(work.chapters[1]!.content, /<h2>A heading the writer put in the text<\/h2>/);
    assert.equal((await db.selectFrom("works").select("original_url").where("id", "=", saved.workId).executeTakeFirstOrThrow()).original_url, "https://archiveofourown.org/works/48151623");

    const epub = readOk(await zipFolder(join(FIXTURES, "ao3-download-epub")));
    const savedEpub = await saveImportedWork(db, epub.work, { pseudIds: [pseudId], draft: false });
    assert.ok(savedEpub.ok, savedEpub.ok ? "" : savedEpub.message);
    const lantern = await snapshot(db, savedEpub.workId);
    assert.equal(lantern.complete, 1);
    assert.deepEqual(lantern.series, [{ title: "Weather Works", position: 1 }]);
    assert.equal(lantern.chapters.length, 2);
  });
});

function fanfold(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, "bin/fanfold.mjs"), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
}

test("fanfold import takes downloads by content, and a refused file in the batch imports nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-import-"));
    const env = { DATABASE_URL: url, DATA_DIR: dir };
    await createUser(db, { login: "importer", email: "importer@example.com", password: "a fine password" });
    // Named .txt: the content decides, not the name.
    const html = join(dir, "ledger.txt");
    writeFileSync(html, readFileSync(join(FIXTURES, "ao3-download.html")));
    const epub = join(dir, "lantern.epub");
    writeFileSync(epub, await zipFolder(join(FIXTURES, "ao3-download-epub")));
    const blog = join(dir, "blog.html");
    writeFileSync(blog, "<!DOCTYPE html><html><body><p>Not a download.</p></body></html>");
    const broken = join(dir, "broken.epub");
    writeFileSync(broken, readFileSync(epub).subarray(0, 300));

    for (const [bad, message] of [
      [blog, /blog\.html: not an AO3 download: no preface with a 'Rating:' line; expected a file from a work's Download menu/],
      [broken, /broken\.epub: not a readable EPUB: the ZIP file is damaged or cut short/],
    ] as const) {
      const refused = fanfold(["import", html, epub, bad, "--as", "importer"], env);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, message);
      assert.equal(refused.stderr.trim().split("\n").length, 1, "one line");
      assert.doesNotMatch(refused.stderr, /\n\s+at /, "no stack trace");
    }
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0, "a refused file in the batch imports nothing");

    const imported = fanfold(["import", html, epub, "--as", "importer", "--draft"], env);
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(imported.stdout.trim().split("\n").length, 2);
    assert.match(imported.stderr, /warning: Collections: the work's collections \(River Week 2023\) are not carried over/);
    const works = await db.selectFrom("works").select(["title", "posted", "original_url"]).orderBy("id").execute();
    assert.deepEqual(works.map((w) => [w.title, Number(w.posted), w.original_url]), [
      ["The Ferryman's Ledger", 0, "https://archiveofourown.org/works/48151623"],
      ["Lantern Weather", 0, "https://archiveofourown.org/works/777001"],
    ]);
  });
});

test("damaged EPUBs and HTML (random bytes changed, files cut short) are read or refused, never a crash", async () => {
  const files = [await zipFolder(join(FIXTURES, "ao3-download-epub")), await zipFolder(join(FIXTURES, "fanficfare-epub")), readFileSync(join(FIXTURES, "ao3-download.html"))];
  let seed = 20261208;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (const original of files) {
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(original);
      for (let k = 1 + Math.floor(random() * 8); k > 0; k--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const damaged = random() < 0.2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      const read = readImportFile(damaged);
      if (!read.ok) assert.ok(read.message.length > 0 && !read.message.includes("\n"), "a one-line reason");
    }
  }
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildApp } from "../app.js";
import { exportWorkText } from "../transfer/work-text-archive.js";
import { Client, testConfig } from "../../test/support/app.js";
import { missingTool } from "../../test/support/browser.js";
import { eachDialect } from "../../test/support/db.js";
import { postBook } from "../../test/support/downloads.js";
import { makeCreator } from "../../test/support/factories.js";
import { updateWork } from "../works/commands.js";
import { findWork } from "../model/works.js";
import { downloadFileName, downloadPath } from "./file-name.js";
import { closePdfBrowser, DEFAULT_PDF_QUEUE_LIMIT, pdfAvailable, setPdfQueueLimit } from "./pdf.js";
import { downloadsCount } from "./queries.js";

test("file names follow AO3's rule", () => {
  assert.equal(downloadFileName("Salt & <Light>", 7), "Salt_Light");
  assert.equal(downloadFileName("Café au lait: a story", 7), "Cafe_au_lait_a_story");
  assert.equal(downloadFileName("The Lighthouse Keeper's Long Winter Night", 7), "The_Lighthouse_Keepers");
  assert.equal(downloadFileName("Averyveryverylongsinglewordtitlewithoutspaces", 7), "Averyveryverylongsinglew");
  assert.equal(downloadFileName("Hi", 7), "Hi_Work_7");
  assert.equal(downloadFileName("灯台守の夜", 7), "Work_7");
  assert.equal(downloadFileName("Straße &amp; Ærø", 7), "Strasse_AEro");
  assert.equal(downloadPath({ id: 7, title: "Hi", updated_at: "2024-01-02T03:04:05.000Z" }, "epub"), "/downloads/7/Hi_Work_7.epub?updated_at=1704164645");
});

/** A fresh app with its own data folder (where the download cache lives). */
async function setUp(testDb: { db: import("../platform/db/index.js").Db; url: string }) {
  const dataDir = mkdtempSync(join(tmpdir(), "fanfold-downloads-"));
  const app = await buildApp(testConfig(testDb.url, { dataDir }), testDb.db);
  return { dataDir, app, close: async () => (await app.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

test("downloads: visibility, counting, caching per version, HTML and TXT, the menu", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { dataDir, app, close } = await setUp(testDb);
    try {
      const { pseudId } = await makeCreator(testDb.db, "keeper");
      const password = "factory password";
      const chapters = [
        { title: "Landfall", content: "The lamp turned all night.", endnotes: "First end note." },
        { content: "<p>By morning the sea was <em>glass</em> &amp; salt.</p>" },
      ];
      const workId = await postBook(testDb.db, pseudId, { title: "Salt & <Light>", summary: "A storm.", notes: "Notes first.", endnotes: "Thanks for reading.", chapters });
      const draftId = await postBook(testDb.db, pseudId, { title: "Unfinished", draft: true, chapters: [{ content: "Not yet written." }] });
      const lockedId = await postBook(testDb.db, pseudId, { title: "Members Only", restricted: true, chapters: [{ content: "Only for members." }] });

      const guest = new Client(app);
      const member = new Client(app);
      assert.equal((await member.logIn("keeper", password)).statusCode, 303);

      // Drafts are never downloaded, not even by their creator; unknown works and formats are 404.
      assert.equal((await member.get(`/downloads/${draftId}/Unfinished.epub`)).statusCode, 404);
      assert.equal((await guest.get(`/downloads/${draftId}/Unfinished.html`)).statusCode, 404);
      assert.equal((await guest.get("/downloads/99999/Nothing.epub")).statusCode, 404);
      assert.equal((await guest.get(`/downloads/${workId}/Salt_Light.mobi`)).statusCode, 404);
      assert.equal((await guest.get(`/downloads/${workId}/Salt_Light`)).statusCode, 404);
      // Registered-only works: guests are asked to log in, members get the file.
      const locked = await guest.get(`/downloads/${lockedId}/Members_Only.epub`);
      assert.equal(locked.statusCode, 401);
      assert.match(locked.body, /only available to registered users/);
      assert.equal((await member.get(`/downloads/${lockedId}/Members_Only.epub`)).statusCode, 200);

      // HTML: one standalone file with AO3's preface, chapters and afterword.
      const html = await guest.get(`/downloads/${workId}/Salt_Light.html`);
      assert.equal(html.statusCode, 200);
      assert.equal(html.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(html.headers["content-disposition"], 'attachment; filename="Salt_Light.html"');
      assert.match(html.body, /<title>Salt &amp; &lt;Light(&gt;|>) - keeper - Original Work<\/title>/);
      assert.match(html.body, /<div id="preface">/);
      assert.match(html.body, /Posted originally on the <a href="http:\/\/127\.0\.0\.1:3000\/">Fanfold<\/a> at <a href="http:\/\/127\.0\.0\.1:3000\/works\/\d+">/);
      assert.match(html.body, /<dt>Rating:<\/dt>\s*<dd><a href="http:\/\/127\.0\.0\.1:3000\/tags\/General%20Audiences\/works">General Audiences<\/a><\/dd>/);
      assert.match(html.body, /Chapters: 2\/2/);
      assert.match(html.body, /<h1>Salt &amp; &lt;Light(&gt;|>)<\/h1>/);
      assert.match(html.body, /See the end of the work for notes/);
      assert.match(html.body, /<h2 class="heading">Chapter 1: Landfall<\/h2>/);
      assert.match(html.body, /<h2 class="heading">Chapter 2<\/h2>/);
      assert.match(html.body, /The lamp turned all night\./);
      assert.match(html.body, /By morning the sea was <em>glass<\/em> &amp; salt\./);
      assert.match(html.body, /id="endnotes1"/);
      assert.match(html.body, /See the end of the chapter for <a href="#endnotes1">more notes<\/a>/);
      assert.match(html.body, /<div id="afterword">[\s\S]*Thanks for reading\.[\s\S]*to let the creator know if you enjoyed their work!/);

      // TXT: the work-text format, as `fanfold export` writes it.
      const txt = await guest.get(`/downloads/${workId}/Salt_Light.txt`);
      assert.equal(txt.statusCode, 200);
      assert.equal(txt.headers["content-type"], "text/plain; charset=utf-8");
      assert.equal(txt.body, await exportWorkText(testDb.db, workId));

      // Every GET counts, from the cache or not (HEAD does not).
      assert.equal(await downloadsCount(testDb.db, workId), 2);
      await guest.get(`/downloads/${workId}/Salt_Light.html`);
      assert.equal(await downloadsCount(testDb.db, workId), 3);
      await app.inject({ method: "HEAD", url: `/downloads/${workId}/Salt_Light.html` });
      assert.equal(await downloadsCount(testDb.db, workId), 3);
      assert.equal(await downloadsCount(testDb.db, lockedId), 1);
      assert.equal(await downloadsCount(testDb.db, draftId), 0);

      // Cached per version: one file per format; an edit makes a new one that replaces it.
      const cacheDir = join(dataDir, "downloads", String(workId));
      const cached = () => readdirSync(cacheDir).filter((f) => f.startsWith("html-"));
      assert.equal(cached().length, 1);
      const before = cached()[0];
      const work = (await findWork(testDb.db, workId))!;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await updateWork(testDb.db, workId, {
        title: "Salt & Light, Revised",
        pseudIds: [pseudId],
        rating: "General Audiences",
        warnings: ["No Archive Warnings Apply"],
        categories: ["Gen"],
        tags: { Fandom: ["Original Work"], Relationship: [], Character: ["Mira"], Freeform: [] },
        language: "en",
        summary: work.summary,
        notes: work.notes,
        endnotes: work.endnotes,
        restricted: false,
        commentPermission: "registered",
        expectedChapters: 2,
        publishedOn: null,
      });
      const revised = await guest.get(`/downloads/${workId}/anything.html`);
      assert.match(revised.body, /<h1>Salt &amp; Light, Revised<\/h1>/);
      assert.equal(revised.headers["content-disposition"], 'attachment; filename="Salt_Light_Revised.html"');
      assert.equal(cached().length, 1);
      assert.notEqual(cached()[0], before);

      // The work page offers every format; a draft's page offers none.
      const page = await guest.get(`/works/${workId}`);
      const updated = (await findWork(testDb.db, workId))!;
      for (const format of ["epub", "html", "txt"] as const) assert.ok(page.body.includes(downloadPath(updated, format)), `menu links ${format}`);
      if (pdfAvailable()) {
        assert.ok(page.body.includes(downloadPath(updated, "pdf")), "menu links the PDF");
        assert.ok(page.body.includes(downloadPath(updated, "pdf", "a5")), "menu links the A5 PDF");
      } else assert.match(page.body, /PDF unavailable/);
      assert.match(page.body, /<li class="download"><details><summary>Download<\/summary>/);
      const draftPage = await member.get(`/works/${draftId}`);
      assert.equal(draftPage.statusCode, 200);
      assert.doesNotMatch(draftPage.body, /\/downloads\//);
    } finally {
      await close();
    }
  });
});

/** Runs a poppler tool; null when it is not installed. */
function poppler(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) return null;
  assert.equal(result.status, 0, `${command} failed: ${result.stderr}`);
  return result.stdout;
}

test("PDF: every chapter's text, CJK and emoji, fonts embedded and named, the document information, A5 and Letter", async (t) => {
  if (!pdfAvailable()) {
    missingTool(t, "Chromium missing: PDF downloads were NOT TESTED");
    return;
  }
  if (poppler("pdftotext", ["-v"]) === null) {
    missingTool(t, "poppler-utils missing (pdftotext): PDF downloads were NOT TESTED (apt-get install poppler-utils)");
    return;
  }
  t.after(() => closePdfBrowser());
  await eachDialect(t, async (_t, testDb) => {
    const { dataDir, app, close } = await setUp(testDb);
    try {
      const { pseudId } = await makeCreator(testDb.db, "keeper");
      const chapters = [
        { title: "Landfall", content: "The lamp turned all night, chapter one." },
        { title: "灯台", content: "灯台の光は一晩中回り続けた。🌊" },
        { content: "<p>中文：灯塔的光整夜旋转。</p><p>한국어: 등대의 불빛.</p>" },
        { content: '<p dir="rtl" lang="ar">دار ضوء المنارة طوال الليل.</p><p><img src="http://127.0.0.1:9/never-fetched.png" alt="A map"></p>' },
        { content: "The last chapter ends with a smile 😊 and the word Finis." },
      ];
      const workId = await postBook(testDb.db, pseudId, { title: "Lamps of the World", summary: "Five chapters.", endnotes: "The end notes.", fandoms: "Original Work, 灯台守", freeforms: "Sea, Night Shift", chapters });
      const client = new Client(app);
      for (const paper of ["letter", "a5"] as const) {
        const res = await client.get(`/downloads/${workId}/Lamps_of_the_World.pdf${paper === "a5" ? "?paper=a5" : ""}`);
        assert.equal(res.statusCode, 200, `${paper}: status`);
        assert.equal(res.headers["content-type"], "application/pdf");
        assert.equal(res.rawPayload.subarray(0, 5).toString("latin1"), "%PDF-");
        const path = join(dataDir, `book-${paper}.pdf`);
        writeFileSync(path, res.rawPayload);

        const info = poppler("pdfinfo", [path])!;
        // The document information names the work, its byline, fandoms and tags, and the archive as
        // the application that made it (Chromium's print gives its user agent, HeadlessChrome).
        const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, "m").exec(info)?.[1];
        assert.equal(field("Title"), "Lamps of the World", `${paper}: Title`);
        assert.equal(field("Author"), "keeper", `${paper}: Author is the byline`);
        assert.equal(field("Subject"), "Original Work, 灯台守", `${paper}: Subject is the fandoms`);
        assert.equal(field("Keywords"), "General Audiences, No Archive Warnings Apply, Gen, Mira, Sea, Night Shift", `${paper}: Keywords are the other tags`);
        assert.equal(field("Creator"), "Fanfold", `${paper}: Creator`);
        assert.doesNotMatch(info, /HeadlessChrome/);
        assert.match(info, paper === "a5" ? /Page size:\s+4(19|20)(\.\d+)? x 595(\.\d+)? pts|Page size:.*\(A5\)/ : /Page size:\s+612 x 792 pts/, `${paper}: page size`);
        // pdftotext marks right-to-left runs with bidi controls; they are not part of the text.
        const text = poppler("pdftotext", ["-layout", path, "-"])!.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").replace(/\s+/g, " ");
        for (const expected of ["The lamp turned all night, chapter one.", "灯台の光は一晩中回り続けた。", "中文：灯塔的光整夜旋转。", "한국어: 등대의 불빛.", "Finis", "Posted originally on the Fanfold", "The end notes."]) {
          assert.ok(text.includes(expected), `${paper}: the PDF's text holds "${expected}"`);
        }
        assert.ok(/المنارة|ةرانملا/.test(text), `${paper}: the Arabic chapter's text is there`);
        assert.ok(text.includes("Image: A map"), `${paper}: an image becomes its description`);
        // Every font the PDF uses is embedded and named, the CJK and emoji fonts too (Skia draws
        // those as Type 3 fonts; src/downloads/pdf-info.ts names them).
        const fonts = poppler("pdffonts", [path])!.split("\n").slice(2).filter(Boolean);
        assert.ok(fonts.length > 0);
        for (const line of fonts) {
          assert.match(line, /\syes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/, `embedded: ${line}`);
          assert.doesNotMatch(line, /^\[none\]/, `named: ${line}`);
        }
        for (const font of [/^\S+\+NotoS\w+CJK/, /^\S+\+NotoColorEmoji/]) assert.ok(fonts.some((line) => font.test(line)), `${paper}: ${font} is embedded by name`);
        // One page as an image (what it looks like was checked by eye when this test was written).
        const prefix = join(dataDir, `page-${paper}`);
        poppler("pdftoppm", ["-f", "2", "-l", "2", "-r", "60", "-png", path, prefix]);
        assert.ok(readdirSync(dataDir).some((f) => f.startsWith(`page-${paper}`) && f.endsWith(".png")));
      }
      // Past the queue's limit a PDF is refused with 503 and Retry-After, not queued without bound.
      setPdfQueueLimit(1);
      try {
        const others = [await postBook(testDb.db, pseudId, { title: "Other One", chapters: [{ content: "Another lamp, another night." }] }), await postBook(testDb.db, pseudId, { title: "Other Two", chapters: [{ content: "A third lamp, a third night." }] })];
        const answers = await Promise.all(others.map((id) => app.inject({ method: "GET", url: `/downloads/${id}/Other.pdf` })));
        assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 503]);
        const busy = answers.find((r) => r.statusCode === 503)!;
        assert.equal(busy.headers["retry-after"], "30");
        assert.match(busy.body, /Many PDFs are being made right now/);
      } finally {
        setPdfQueueLimit(DEFAULT_PDF_QUEUE_LIMIT);
      }
      // Both paper sizes are cached side by side.
      const cached = readdirSync(join(dataDir, "downloads", String(workId)));
      assert.equal(cached.filter((f) => f.startsWith("pdf-a5-")).length, 1);
      assert.equal(cached.filter((f) => f.startsWith("pdf-letter-")).length, 1);
      assert.ok(!existsSync(join(dataDir, "never")));
    } finally {
      await close();
    }
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildApp } from "../app.js";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { epubCases, postBook, readZip } from "../../test/support/downloads.js";
import { epubcheck, epubcheckAvailable } from "../../test/support/epubcheck.js";
import { makeCreator } from "../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";

/**
 * Every EPUB the suite makes passes epubcheck with no errors and no warnings: one chapter, thirty
 * chapters, images, CJK, right-to-left text, and every element the sanitizer allows. Each is
 * downloaded through the route, as a reader would. The same works' HTML downloads pass the Nu
 * HTML checker.
 */
test("every EPUB passes epubcheck, with the table of contents and metadata; the HTML downloads pass the Nu checker", async (t) => {
  const check = epubcheckAvailable(t);
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-epub-"));
    const app = await buildApp(testConfig(testDb.url, { dataDir }), testDb.db);
    try {
      const { pseudId } = await makeCreator(testDb.db, "keeper");
      const client = new Client(app);
      const htmlDownloads: Record<string, string> = {};
      for (const { name, book } of epubCases()) {
        const workId = await postBook(testDb.db, pseudId, book);
        const res = await client.get(`/downloads/${workId}/file.epub`);
        assert.equal(res.statusCode, 200, `${name}: status`);
        assert.equal(res.headers["content-type"], "application/epub+zip");
        const bytes = res.rawPayload;
        const entries = readZip(bytes);
        assert.equal([...entries.keys()][0], "mimetype", `${name}: mimetype first`);
        assert.equal(bytes.toString("latin1", 30, 38), "mimetype", `${name}: mimetype stored first`);
        const opf = entries.get("EPUB/content.opf")!.toString("utf8");
        const nav = entries.get("EPUB/nav.xhtml")!.toString("utf8");
        // Metadata: title, creator, language, publisher, summary, tags as subjects, dates.
        assert.ok(opf.includes(`<dc:creator id="creator1">keeper</dc:creator>`), `${name}: creator`);
        assert.ok(opf.includes(`<dc:language>${book.language ?? "en"}</dc:language>`), `${name}: language`);
        assert.ok(opf.includes("<dc:publisher>Fanfold</dc:publisher>"), `${name}: publisher`);
        assert.ok(opf.includes("<dc:subject>Original Work</dc:subject>") || opf.includes("<dc:subject>オリジナル作品</dc:subject>"), `${name}: fandom subject`);
        assert.ok(opf.includes("<dc:subject>General Audiences</dc:subject>"), `${name}: rating subject`);
        assert.match(opf, /<dc:date>\d{4}-\d{2}-\d{2}<\/dc:date>/);
        assert.match(opf, /<meta property="dcterms:modified">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/meta>/);
        if (book.summary) assert.match(opf, /<dc:description>[^<]+<\/dc:description>/, `${name}: summary`);
        assert.ok(opf.includes('<meta property="schema:accessMode">textual</meta>'), `${name}: accessibility metadata`);
        // One table-of-contents entry per chapter, plus preface and afterword.
        assert.equal((nav.match(/<li>/g) ?? []).length, book.chapters.length + 2, `${name}: toc entries`);
        for (let i = 1; i <= book.chapters.length; i++) assert.ok(entries.has(`EPUB/chapter-${i}.xhtml`), `${name}: chapter ${i}`);
        assert.match(entries.get("EPUB/preface.xhtml")!.toString("utf8"), /Posted originally on the <a href="http:\/\/127\.0\.0\.1:3000\/">Fanfold<\/a>/);
        assert.match(entries.get("EPUB/afterword.xhtml")!.toString("utf8"), /to let the creator know if you enjoyed their work!/);
        htmlDownloads[name] = (await client.get(`/downloads/${workId}/file.html`)).body;
        if (!check) continue;
        const path = join(dataDir, `${workId}.epub`);
        writeFileSync(path, bytes);
        const result = await epubcheck(path);
        assert.ok(result.ok, `${name}: epubcheck found problems:\n${result.messages.join("\n") || result.output}`);
      }
      // The HTML download keeps images (the EPUB links to them instead).
      assert.match(htmlDownloads.images!, /<img src="https:\/\/example\.org\/a\.png" alt="A lighthouse" width="300" height="200"\/>/);
      if (checkMarkup) {
        for (const [name, errors] of Object.entries(await checkHtmlPages(htmlDownloads))) assert.deepEqual(errors, [], `${name}: the HTML download has markup errors`);
      }
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

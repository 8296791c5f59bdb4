import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { readZip } from "../../test/support/downloads.js";
import { epubcheck, epubcheckAvailable } from "../../test/support/epubcheck.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp } from "../app.js";
import { addWorkToSeries, createSeries, removeWorkFromSeries, updateSeries } from "./commands.js";

test("downloads: EPUB metadata and the preface name the series and part (as anyone who may download sees it); joining, renaming and leaving rebuild the cached file", async (t) => {
  const check = epubcheckAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-series-dl-"));
    const app = await buildApp(testConfig(testDb.url, { dataDir }), db);
    try {
      const { pseudId } = await makeCreator(db, "keeper");
      const draft = await makeWork(db, pseudId, { title: "Unfinished", draft: true });
      const locked = await makeWork(db, pseudId, { title: "Members Only", restricted: true });
      const open = await makeWork(db, pseudId, { title: "Open Sea" });
      const [tides, other] = await db.transaction().execute(async (trx) => {
        const a = await createSeries(trx, [pseudId], "Tides & <Currents>");
        for (const w of [draft, locked, open]) await addWorkToSeries(trx, a, w, null);
        const b = await createSeries(trx, [pseudId], "Another");
        await addWorkToSeries(trx, b, open, null);
        return [a, b];
      });
      const guest = new Client(app);
      const epubOf = async () => {
        const res = await guest.get(`/downloads/${open}/file.epub`);
        assert.equal(res.statusCode, 200);
        return { bytes: res.rawPayload, entries: readZip(res.rawPayload) };
      };

      // A guest may download the open work: it is Part 1 of Tides (the draft and the
      // registered-only work before it are not counted), Part 1 of Another.
      let { bytes, entries } = await epubOf();
      let opf = entries.get("EPUB/content.opf")!.toString("utf8");
      assert.ok(opf.includes('<meta property="belongs-to-collection" id="series1">Tides &amp; &lt;Currents&gt;</meta>'), opf);
      assert.ok(opf.includes('<meta refines="#series1" property="collection-type">series</meta>'));
      assert.ok(opf.includes('<meta refines="#series1" property="group-position">1</meta>'));
      assert.ok(opf.includes('<meta property="belongs-to-collection" id="series2">Another</meta>'));
      assert.ok(opf.includes('<meta name="calibre:series" content="Tides &amp; &lt;Currents&gt;"/>'));
      assert.ok(opf.includes('<meta name="calibre:series_index" content="1"/>'));
      const preface = entries.get("EPUB/preface.xhtml")!.toString("utf8");
      assert.match(preface, /<dt>Series:<\/dt>\s*<dd>Part 1 of <a href="http:\/\/127\.0\.0\.1:3000\/series\/\d+">Tides &amp; &lt;Currents&gt;<\/a>, Part 1 of <a href="[^"]+">Another<\/a><\/dd>/);
      assert.doesNotMatch(preface, /Unfinished|Members Only/);
      if (check) {
        const path = join(dataDir, "series.epub");
        writeFileSync(path, bytes);
        const result = await epubcheck(path);
        assert.ok(result.ok, `epubcheck found problems:\n${result.messages.join("\n") || result.output}`);
      }
      // The registered-only work's download counts the posted works before it.
      const reader = new Client(app);
      const { createUser } = await import("../users/commands.js");
      await createUser(db, { login: "reader", email: "reader@example.com", password: "reader password 1" });
      await reader.logIn("reader", "reader password 1");
      const lockedOpf = readZip((await reader.get(`/downloads/${locked}/file.epub`)).rawPayload).get("EPUB/content.opf")!.toString("utf8");
      assert.ok(lockedOpf.includes('<meta refines="#series1" property="group-position">1</meta>'));
      const openAsReader = readZip((await reader.get(`/downloads/${open}/file.epub`)).rawPayload).get("EPUB/content.opf")!.toString("utf8");
      assert.equal(openAsReader, opf, "the cached file does not depend on who downloaded it first");

      // The plain-text download has a Series line per series.
      const txt = (await guest.get(`/downloads/${open}/file.txt`)).body;
      assert.match(txt, /^Series: Part 1 of Tides & <Currents>$/m);
      assert.match(txt, /^Series: Part 1 of Another$/m);

      // Renamed: a new file.
      await updateSeries(db, tides, { title: "Renamed Tides", summary: "", notes: "", complete: false, order: [draft, locked, open], removed: [] });
      ({ entries } = await epubOf());
      opf = entries.get("EPUB/content.opf")!.toString("utf8");
      assert.ok(opf.includes(">Renamed Tides</meta>"));
      assert.match((await guest.get(`/downloads/${open}/file.txt`)).body, /^Series: Part 1 of Renamed Tides$/m);
      // A work posted before it in the series changes its part number.
      const earlier = await makeWork(db, pseudId, { title: "Earlier" });
      await db.transaction().execute((trx) => addWorkToSeries(trx, tides, earlier, 1));
      ({ entries } = await epubOf());
      assert.ok(entries.get("EPUB/content.opf")!.toString("utf8").includes('<meta refines="#series1" property="group-position">2</meta>'));
      // Out of both series: no series left in the file.
      await db.transaction().execute(async (trx) => {
        await removeWorkFromSeries(trx, tides, open);
        await removeWorkFromSeries(trx, other, open);
      });
      ({ bytes, entries } = await epubOf());
      assert.doesNotMatch(entries.get("EPUB/content.opf")!.toString("utf8"), /belongs-to-collection|calibre:series/);
      assert.doesNotMatch(entries.get("EPUB/preface.xhtml")!.toString("utf8"), /Series:/);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

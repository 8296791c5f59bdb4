import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServer } from "./support/browser.js";
import { eachDialect } from "./support/db.js";
import { sharedFile } from "./support/shared.js";
import { AO3, fanficfarePython, type FanFicFareTool, runFanFicFare } from "./support/fanficfare.js";
import type { Db } from "../src/platform/db/index.js";
import { createPseud, createUser } from "../src/users/commands.js";
import { createWork } from "../src/works/commands.js";
import { addWorkToSeries, createSeries } from "../src/series/commands.js";
import { setGifts, giftsOfWork, giftLabel } from "../src/gifts/index.js";
import { chaptersOf, creatorName, findWork, tagsOfWork } from "../src/model/works.js";
import { membershipsOfWork } from "../src/model/series.js";
import { pseudsOf } from "../src/model/users.js";
import { importingPseudIds, readImportFile, saveImportedWork } from "../src/transfer/index.js";

/**
 * The real FanFicFare (../shared/tools/fanficfare, through its driver that sends
 * archiveofourown.org to this archive's port) writes EPUBs of served works; `fanfold import`'s
 * reader takes them back, and the imported work must equal the served one in every field
 * FanFicFare's EPUB carries. test/fanficfare.test.ts checks FanFicFare's reading of the archive;
 * this checks the way back.
 */

interface Seeded {
  complete: number;
  inProgress: number;
  oneShot: number;
  userId: number;
}

/** A writer (with a second pseud) and a reader; a complete and an in-progress multi-chapter work in a series, and a one-shot given as a gift. */
async function seed(db: Db): Promise<Seeded> {
  const made = await createUser(db, { login: "lampwright", email: "lampwright@example.com", password: "a fine password" });
  assert.ok(made.ok);
  const pseudId = (await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow()).id;
  const moth = await createPseud(db, made.value.id, "Moth", "");
  assert.ok(moth.ok);
  const reader = await createUser(db, { login: "shellreader", email: "shellreader@example.com", password: "a fine password" });
  assert.ok(reader.ok);
  const readerPseud = (await db.selectFrom("pseuds").select("id").where("user_id", "=", reader.value.id).executeTakeFirstOrThrow()).id;
  const base = {
    restricted: false,
    commentPermission: "registered" as const,
    language: "en",
  };
  const chapters = [
    { title: "North", summary: "<p>Chapter one's summary.</p>", notes: "<p>Chapter one's notes.</p>", endnotes: "<p>Chapter one's end notes.</p>", content: "<p>The first road ran north.</p><p>Second <strong>paragraph</strong> &amp; more.</p>" },
    { title: "East", summary: "<p>Chapter two's summary.</p>", notes: "", endnotes: "", content: "<p>The second road ran east.</p><blockquote><p>A quoted sign.</p></blockquote>" },
    { title: "", summary: "", notes: "<p>Only notes here.</p>", endnotes: "<p>End three.</p>", content: "<p>The third road had no name.</p><p>Still chapter three.</p>" },
  ];
  const multi = (title: string, expectedChapters: number) => ({
    ...base,
    title,
    pseudIds: [moth.value.id],
    rating: "Mature",
    warnings: ["Major Character Death", "Graphic Depictions Of Violence"],
    categories: ["Gen", "Multi"],
    tags: { Fandom: ["Original Work", "Sea Shanties (Traditional)"], Relationship: ["Cartographer/Sailor"], Character: ["The Cartographer", "Sailor"], Freeform: ["Road Trip", "Maps"] },
    summary: "<p>Three roads, <em>one</em> map.</p>",
    notes: "<p>Work notes at the start.</p>",
    endnotes: "<p>Work notes at the end.</p>",
    expectedChapters,
    publishedOn: "2021-03-04",
  });
  const complete = (await createWork(db, multi("Salt Roads", 3), chapters, { draft: false, revisedOn: "2022-05-06" })).workId;
  const inProgress = (await createWork(db, multi("Salt Roads Unfinished", 4), chapters, { draft: false, revisedOn: "2022-06-07" })).workId;
  const oneShot = (
    await createWork(
      db,
      {
        ...base,
        title: "Lamp",
        pseudIds: [pseudId],
        rating: "Teen And Up Audiences",
        warnings: ["No Archive Warnings Apply"],
        categories: ["F/F"],
        tags: { Fandom: ["Original Work"], Relationship: [], Character: ["Keeper"], Freeform: ["Storms"] },
        summary: "<p>A keeper.</p>",
        notes: "<p>Notes.</p>",
        endnotes: "<p>End notes.</p>",
        expectedChapters: 1,
        publishedOn: "2020-01-02",
      },
      [{ title: "", summary: "<p>Its summary.</p>", notes: "<p>Its notes.</p>", endnotes: "<p>Its end notes.</p>", content: "<p>The lamp turned.</p>" }],
      { draft: false },
    )
  ).workId;
  await db.transaction().execute(async (trx) => {
    const id = await createSeries(trx, [moth.value.id], "Tides");
    await addWorkToSeries(trx, id, complete, null);
    await addWorkToSeries(trx, id, inProgress, null);
    await setGifts(trx, oneShot, [{ kind: "pseud", pseudId: readerPseud }]);
  });
  return { complete, inProgress, oneShot, userId: made.value.id };
}

/** What FanFicFare's EPUB carries of a work, as stored. Block markup is compared without the line breaks FanFicFare puts between blocks. */
async function snapshot(db: Db, id: number) {
  const work = await findWork(db, id);
  assert.ok(work);
  const blocks = (html: string) => html.replace(/>\s+</g, "><").trim();
  const tags = (await tagsOfWork(db, id)).map((t) => `${t.type}:${t.name}`).sort();
  const chapters = (await chaptersOf(db, id)).map((c) => ({ title: c.title, summary: blocks(c.summary), notes: blocks(c.notes), endnotes: blocks(c.endnotes), content: blocks(c.content), words: c.word_count }));
  const series = (await membershipsOfWork(db, id)).map((s) => s.title);
  const gifts = (await giftsOfWork(db, id)).map(giftLabel);
  const { title, language, word_count, expected_chapters, complete, published_on } = work;
  return {
    title,
    summary: blocks(work.summary),
    notes: blocks(work.notes),
    endnotes: blocks(work.endnotes),
    language,
    word_count,
    expected_chapters,
    complete,
    published_on,
    revised_on: work.revised_at.slice(0, 10),
    creators: work.creators.map(creatorName),
    tags,
    chapters,
    series,
    gifts,
  };
}

test("FanFicFare's EPUB of a served work imports as an equal work", { timeout: 600_000 }, async (t) => {
  const driver = sharedFile(t, "tools/fanficfare/ff_driver.py", "the FanFicFare import test");
  if (!driver) return;
  const python = fanficfarePython(t, "The FanFicFare import test");
  if (!python) return;
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const dir = mkdtempSync(join(tmpdir(), "fanfold-fff-import-"));
    try {
      const db = testDb.db;
      const s = await seed(db);
      const tool: FanFicFareTool = { python, driver, dir, port: new URL(server.baseUrl).port };
      // FanFicFare's defaults for AO3, as a reader has them; and with the expected chapter count
      // added to the title page (its default title page says only how many are posted).
      const common = `[defaults]\nis_adult:true\nnever_make_cover:true\n[archiveofourown.org]\nslow_down_sleep_time:0\n`;
      writeFileSync(join(dir, "default.ini"), common);
      writeFileSync(join(dir, "total.ini"), `${common}extra_titlepage_entries: chapterslashtotal\n`);
      writeFileSync(join(dir, "epub3.ini"), `${common}[epub]\nepub_version:3.0\n`);
      const cases: [string, number, string][] = [
        ["a complete multi-chapter work in a series", s.complete, "default.ini"],
        ["an in-progress work, with chapterslashtotal on the title page", s.inProgress, "total.ini"],
        ["a one-shot given as a gift", s.oneShot, "default.ini"],
        ["a complete work as FanFicFare's EPUB 3", s.complete, "epub3.ini"],
      ];
      const pseuds = await pseudsOf(db, s.userId);
      for (const [label, id, ini] of cases) {
        const name = `work-${id}-${ini.replace(".ini", "")}.epub`;
        await runFanFicFare(tool, ini, ["-f", "epub", "-o", `output_filename=${name}`, `${AO3}/works/${id}`]);
        const read = readImportFile(readFileSync(join(dir, name)));
        assert.ok(read.ok, read.ok ? "" : `${label}: ${read.message}`);
        if (!read.ok || read.kind !== "fanficfare-epub") throw new Error(`${label}: read as ${read.ok ? read.kind : "a refusal"}, not as a FanFicFare EPUB`);
        assert.deepEqual(read.losses, [], `${label}: nothing lost in reading`);
        const saved = await saveImportedWork(db, read.work, { pseudIds: importingPseudIds(read.work.creators, "lampwright", pseuds), draft: false });
        assert.ok(saved.ok, saved.ok ? "" : `${label}: ${saved.field}: ${saved.message}`);
        assert.deepEqual(saved.losses, [], `${label}: nothing lost in saving`);
        assert.deepEqual(await snapshot(db, saved.workId), await snapshot(db, id), label);
        const row = await db.selectFrom("works").select("original_url").where("id", "=", saved.workId).executeTakeFirstOrThrow();
        assert.equal(row.original_url, `${AO3}/works/${id}`, `${label}: the work's address as FanFicFare knew it`);
      }

      // FanFicFare's default title page does not say how many chapters an unfinished work expects: said, imported as "?".
      await runFanFicFare(tool, "default.ini", ["-f", "epub", "-o", "output_filename=unfinished.epub", `${AO3}/works/${s.inProgress}`]);
      const unfinished = readImportFile(readFileSync(join(dir, "unfinished.epub")));
      assert.ok(unfinished.ok && unfinished.kind === "fanficfare-epub");
      if (unfinished.ok && unfinished.kind === "fanficfare-epub") {
        assert.equal(unfinished.work.expectedChapters, null);
        assert.match(unfinished.losses.map((l) => l.message).join("\n"), /expected number of chapters is not in FanFicFare's default title page/);
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

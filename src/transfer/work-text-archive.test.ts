import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { eachDialect } from "../../test/support/db.js";
import { sharedFile } from "../../test/support/shared.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { chaptersOf, findWork, tagsOfWork } from "../model/works.js";
import { exportWorkText, importWorkText } from "./work-text-archive.js";
import { membershipsOfWork } from "../model/series.js";
import { nameKey } from "../model/users.js";
import { giftLabel, giftsOfWork } from "../gifts/index.js";
import { deleteWork } from "../works/commands.js";
import { type ImportedWork, saveImportedWork } from "./imported-work.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OWN_FIXTURES = ["work-text-multichapter.txt", "work-text-cjk.txt", "work-text-tricky.txt"].map((name) => join(ROOT, "test/fixtures", name));

const body = (file: string) => file.replace(/\r\n/g, "\n").slice(file.replace(/\r\n/g, "\n").indexOf("\nWork Text:\n\n") + 13).replace(/\n$/, "");
const headerLines = (file: string) =>
  file
    .replace(/\r\n/g, "\n")
    .slice(0, file.indexOf("\nWork Text:\n"))
    .split("\n")
    .filter((line) => /^(Rating|Archive Warning|Category|Fandom|Relationship|Character|Additional Tags|Language|Series|Author|Published|Updated|Completed|Words|Chapters): ./.test(line));

async function pseudOf(db: Db, login: string): Promise<number> {
  const user = await createUser(db, { login, email: `${login}@example.com`, password: "a fine password" });
  assert.ok(user.ok);
  return (await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow()).id;
}

/** What makes two works "equal" for the format's promise: metadata and text. */
async function snapshot(db: Db, id: number) {
  const work = await findWork(db, id);
  assert.ok(work);
  const tags = (await tagsOfWork(db, id)).map((t) => `${t.type}:${t.name}`);
  const chapters = (await chaptersOf(db, id)).map((c) => ({ title: c.title, content: c.content, words: c.word_count }));
  const { title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on } = work;
  return { title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on, tags, chapters };
}

/** Import, export, import the export: checks every promise of the format through the database. */
async function roundTrip(db: Db, pseudId: number, file: string) {
  const text = readFileSync(file, "utf8");
  const first = await importWorkText(db, text, pseudId, { draft: false });
  assert.ok(first.ok, first.ok ? "" : `${file}:${first.line}: ${first.message}`);
  const exported = await exportWorkText(db, first.workId);
  assert.ok(exported);
  assert.equal(body(exported), body(text), `${file}: the body comes back byte for byte`);
  for (const line of headerLines(text)) assert.ok(exported.split("\n").includes(line), `${file}: header kept: ${line}`);
  const second = await importWorkText(db, exported, pseudId, { draft: false });
  assert.ok(second.ok);
  assert.deepEqual(await snapshot(db, second.workId), await snapshot(db, first.workId), `${file}: importing the export gives an equal work`);
  assert.equal(await exportWorkText(db, second.workId), exported, "and the same export");
  return first;
}

test("the seed work survives import and export through the database", async (t) => {
  const seed = sharedFile(t, "fixtures/seed-work.txt", "the seed work's round trip through the database");
  if (!seed) return;
  await eachDialect(t, async (_t, { db }) => {
    const pseudId = await pseudOf(db, "someone");
    const result = await roundTrip(db, pseudId, seed);
    assert.ok(result.ok);
    assert.deepEqual(result.defaults, ["Rating: Not Rated", "Archive Warning: Creator Chose Not To Use Archive Warnings", "Fandom: No Fandom", "Language: English"]);
    const work = await findWork(db, result.workId);
    assert.equal(work?.title, "that constant sting they call love");
    assert.ok(work!.word_count > 6000 && work!.word_count < 7000, `about 6,400 words, counted ${work!.word_count}`);
  });
});

test("the project's own fixtures survive import and export through the database", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const pseudId = await pseudOf(db, "fixture_owner");
    for (const file of OWN_FIXTURES) await roundTrip(db, pseudId, file);
    const multi = await importWorkText(db, readFileSync(OWN_FIXTURES[0]!, "utf8"), pseudId, { draft: true });
    assert.ok(multi.ok);
    const work = await findWork(db, multi.workId);
    assert.equal(work?.posted, 0, "--draft imports a draft");
    assert.equal((await chaptersOf(db, multi.workId)).length, 3);
    assert.equal(work?.published_on, "2024-03-14", "the file's publication date is kept");
  });
});

test("a malformed file names the line, says what was expected and imports nothing", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const pseudId = await pseudOf(db, "careful");
    const cases: [string, number, RegExp][] = [
      ["Work Hedder\n\nTitle\n\nWork Text:\n\nBody text here.", 1, /Work Header/],
      ["Work Header\n\nTitle\n\nRating: Extremely Spicy\n\nWork Text:\n\nBody text here.", 5, /not a known Rating/],
      ["Work Header\n\nTitle\n\nLanguage: Klingonese\n\nWork Text:\n\nBody text here.", 5, /not a language/],
      ["Work Header\n\nTitle\n\nFandom: Bad*Tag\n\nWork Text:\n\nBody text here.", 5, /character tags can't have/],
      ["Work Header\n\nTitle\n\nRating: Mature\n\nBody without the marker line.", 7, /Work Text/],
    ];
    for (const [text, line, message] of cases) {
      const result = await importWorkText(db, text, pseudId, { draft: false });
      assert.equal(result.ok, false, text);
      if (!result.ok) {
        assert.equal(result.line, line, `line for: ${text.slice(0, 40)}`);
        assert.match(result.message, message);
      }
    }
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0, "nothing was imported");
  });
});

function fanfold(args: string[], env: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, [join(ROOT, "bin/fanfold.mjs"), ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: "utf8" });
}

test("the fanfold command: user add, import, export, search reindex, jobs run", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-cli-"));
    const env = { DATABASE_URL: url, DATA_DIR: dir };
    const added = fanfold(["user", "add", "importer", "--email", "importer@example.com", "--role", "wrangler"], env, "a password from stdin\n");
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /Created user importer/);
    const roles = await db.selectFrom("user_roles").select("role").execute();
    assert.deepEqual(roles.map((r) => r.role), ["wrangler"]);

    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "Work Header\n\nTitle\n\nRating: Nope\n\nWork Text:\n\nSome text here.");
    const refused = fanfold(["import", OWN_FIXTURES[1]!, bad, "--as", "importer"], env);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /bad\.txt:5: "Nope" is not a known Rating/);
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0, "a bad file in the batch imports nothing");
    const notUtf8 = join(dir, "latin1.txt");
    writeFileSync(notUtf8, Buffer.from([0x57, 0x6f, 0x72, 0x6b, 0xe9, 0x0a]));
    assert.match(fanfold(["import", notUtf8, "--as", "importer"], env).stderr, /not valid UTF-8/);

    const imported = fanfold(["import", ...OWN_FIXTURES, "--as", "importer"], env);
    assert.equal(imported.status, 0, imported.stderr);
    const lines = imported.stdout.trim().split("\n");
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\/works\/\d+\t/);
    const id = /^\/works\/(\d+)/.exec(lines[0]!)![1]!;
    const exported = fanfold(["export", id, "--format", "txt"], env);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(body(exported.stdout), body(readFileSync(OWN_FIXTURES[0]!, "utf8")));
    const out = join(dir, "out.txt");
    assert.equal(fanfold(["export", id, "--format", "txt", "--out", out], env).status, 0);
    assert.equal(readFileSync(out, "utf8"), exported.stdout);
    assert.match(fanfold(["export", "99999"], env).stderr, /There is no work 99999/);
    const reindexed = fanfold(["search", "reindex"], env);
    assert.equal(reindexed.status, 0, reindexed.stderr);
    assert.match(reindexed.stdout, /Search index rebuilt: 3 works/);
    assert.match(fanfold(["jobs", "run"], env).stdout, /No jobs were waiting|Finished/);
  });
});

test("an imported work keeps its file's dates on the page", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const pseudId = await pseudOf(db, "dates");
    const result = await importWorkText(db, readFileSync(OWN_FIXTURES[0]!, "utf8"), pseudId, { draft: false });
    assert.ok(result.ok);
    const work = await findWork(db, result.workId);
    assert.equal(work?.published_on, "2024-03-14");
    assert.equal(work?.revised_at.slice(0, 10), "2024-04-02", "Completed: becomes Date Updated");
  });
});

/** Everything a work-text file carries, read from the database (ids of the work itself left out). */
async function fullSnapshot(db: Db, id: number) {
  const work = await findWork(db, id);
  assert.ok(work);
  const { title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on, restricted, comment_permission, original_url, posted } = work;
  return {
    title, summary, notes, endnotes, language, word_count, expected_chapters, complete, published_on, restricted, comment_permission, original_url, posted,
    revisedOn: work.revised_at.slice(0, 10),
    creators: work.creators.map((c) => c.pseudId),
    tags: (await tagsOfWork(db, id)).map((t) => `${t.type}:${t.name}`),
    chapters: (await chaptersOf(db, id)).map((c) => ({ title: c.title, summary: c.summary, notes: c.notes, endnotes: c.endnotes, content: c.content, published_on: c.published_on })),
    gifts: (await giftsOfWork(db, id)).map((g) => [g.pseudId, giftLabel(g)]),
    series: (await membershipsOfWork(db, id)).map((m) => [m.seriesId, m.title, m.position]),
  };
}

/** A work with every field the format carries: 3 chapters with their own notes and dates, registered-only, in a series at part 2, a co-creator, two gifts. */
function everyField(overrides: Partial<ImportedWork> = {}): ImportedWork {
  return {
    title: "The Lighthouse Keepers",
    rating: "Teen And Up Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["F/F"],
    fandoms: ["Original Work"],
    relationships: ["Tamsin/Edda"],
    characters: ["Tamsin Roe", "Edda Voss"],
    freeforms: ["Weather"],
    language: "English",
    summary: "<p>Two keepers, one light.</p>",
    notes: "<p>Written for the winter exchange.</p>",
    endnotes: "<p>Thank you for reading.</p>",
    publishedOn: "2023-01-05",
    revisedOn: null,
    expectedChapters: 3,
    restricted: true,
    commentPermission: "registered",
    creators: ["keeper", "Second Keeper (second_keeper)"],
    series: [{ title: "Coastal Lights", part: 2 }],
    giftsFor: ["friend", "Auntie Margaret"],
    originalUrl: "https://archiveofourown.org/works/123",
    chapters: [1, 2, 3].map((n) => ({
      title: n === 2 ? "" : `Part ${n}`,
      summary: `<p>What happens in chapter ${n}.</p>`,
      notes: `<p>Notes before chapter ${n}.<br />On two lines.</p>`,
      endnotes: `<p>After chapter ${n}.</p>`,
      content: `<p>The text of chapter ${n}, long enough.</p>\n<p>A second paragraph.</p>`,
      publishedOn: ["2023-01-05", "2023-01-19", "2023-02-20"][n - 1]!,
    })),
    ...overrides,
  };
}

test("work-text export then import gives an equal work, every field", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const keeper = await pseudOf(db, "keeper");
    const second = await pseudOf(db, "second_keeper");
    await db.updateTable("pseuds").set({ name: "Second Keeper", name_key: nameKey("Second Keeper") }).where("id", "=", second).execute();
    const friend = await pseudOf(db, "friend");
    const partOne = await saveImportedWork(db, everyField({ title: "Part one", series: [{ title: "Coastal Lights", part: 1 }], creators: [], giftsFor: [] }), { pseudIds: [keeper], draft: false });
    assert.ok(partOne.ok);
    const original = await saveImportedWork(db, everyField(), { pseudIds: [keeper], draft: false });
    assert.ok(original.ok, original.ok ? "" : original.message);
    assert.deepEqual(original.losses, []);
    const before = await fullSnapshot(db, original.workId);
    assert.deepEqual(before.creators, [keeper, second]);
    assert.deepEqual(before.gifts, [[friend, "friend"], [null, "Auntie Margaret"]]);
    assert.deepEqual(before.series.map((s) => s[2]), [2]);
    assert.deepEqual(before.chapters.map((c) => c.published_on), ["2023-01-05", "2023-01-19", "2023-02-20"]);

    const exported = await exportWorkText(db, original.workId);
    assert.ok(exported);
    for (const line of [
      "Series: Part 2 of Coastal Lights",
      "Author: keeper, Second Keeper (second_keeper)",
      "Gift For: friend, Auntie Margaret",
      "Chapter Dates: 2023-01-05, 2023-01-19, 2023-02-20",
      "Registered Only: yes",
      "Comments: registered users only",
      "Original URL: https://archiveofourown.org/works/123",
      "Chapter 2 Notes:",
    ]) assert.ok(exported.split("\n").includes(line), `exported: ${line}`);

    // Moved, as between archives: the original goes, its export comes back in its place.
    await deleteWork(db, original.workId);
    const back = await importWorkText(db, exported, keeper, { draft: false });
    assert.ok(back.ok, back.ok ? "" : `${back.line}: ${back.message}`);
    assert.deepEqual(back.defaults, []);
    assert.deepEqual(back.warnings, []);
    assert.deepEqual(await fullSnapshot(db, back.workId), before);
    assert.equal(await exportWorkText(db, back.workId), exported, "and it exports the same again");

    // A comment permission other than the default, and a public work, round-trip as well.
    const open = await saveImportedWork(db, everyField({ title: "Open", restricted: false, commentPermission: "none", series: [], giftsFor: [] }), { pseudIds: [keeper], draft: false });
    assert.ok(open.ok);
    const openBefore = await fullSnapshot(db, open.workId);
    const openText = (await exportWorkText(db, open.workId))!;
    assert.ok(!openText.includes("Registered Only:"));
    assert.ok(openText.includes("\nComments: no one\n"));
    await deleteWork(db, open.workId);
    const openBack = await importWorkText(db, openText, keeper, { draft: false });
    assert.ok(openBack.ok);
    assert.deepEqual(await fullSnapshot(db, openBack.workId), openBefore);
  });
});

test("a header the archive cannot apply is a warning naming its line, on stderr from the command", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const keeper = await pseudOf(db, "keeper");
    const file = [
      "Work Header", "", "Warned", "",
      "Fandom: Original Work", // 5
      "Series: Part 3 of Brand New", // 6
      "Author: keeper, Nobody Here", // 7
      "Gift For: keeper, Someone Else", // 8
      "Chapter Dates: 2020-01-01", // 9
      "Original URL: not-an-address", // 10
      "Kudos: 12", // 11
      "",
      "Chapter 4 Notes:", "", "There is no chapter four.", "",
      "Work Text:", "", "Chapter 1", "", "The first chapter's text.", "", "Chapter 2", "", "The second chapter's text.", "",
    ].join("\n");
    const result = await importWorkText(db, file, keeper, { draft: false });
    assert.ok(result.ok, result.ok ? "" : result.message);
    const expected = [
      /^Line 11: unknown label "Kudos" skipped\.$/,
      /^Line 13: "Chapter 4 Notes:" but the text has 2 chapter\(s\); skipped\.$/,
      /^Line 9: "Chapter Dates" gives 1 date\(s\) for 2 chapter\(s\)/,
      /^Line 6 \(Series\): series "Brand New" placed as part 1, not part 3/,
      /^Line 7 \(Author\): creator "Nobody Here" not credited: no pseud here has that name\.$/,
      /^Line 8 \(Gift For\): gift for "keeper" not given: /,
      /^Line 10 \(Original URL\): original URL "not-an-address" is not an http\(s\) address/,
    ];
    assert.equal(result.warnings.length, expected.length, result.warnings.join("\n"));
    for (const [i, pattern] of expected.entries()) assert.match(result.warnings[i]!, pattern);
    const work = await findWork(db, result.workId);
    assert.deepEqual((await giftsOfWork(db, result.workId)).map(giftLabel), ["Someone Else"], "the other gift is given");
    assert.deepEqual((await chaptersOf(db, result.workId)).map((c) => c.published_on), ["2020-01-01", "2020-01-01"], "the work is dated by its first chapter");
    assert.equal(work?.original_url, null);

    const dir = mkdtempSync(join(tmpdir(), "fanfold-warn-"));
    const path = join(dir, "warned.txt");
    writeFileSync(path, file);
    const cli = fanfold(["import", path, "--as", "keeper"], { DATABASE_URL: url, DATA_DIR: dir });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /warning: Line 7 \(Author\): creator "Nobody Here" not credited/);
    assert.match(cli.stderr, /warning: Line 11: unknown label "Kudos" skipped/);
  });
});

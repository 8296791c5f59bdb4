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

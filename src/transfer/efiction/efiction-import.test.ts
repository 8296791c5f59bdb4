import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { eachDialect } from "../../../test/support/db.js";
import { sharedFile } from "../../../test/support/shared.js";
import type { Db } from "../../platform/db/index.js";
import { chaptersOf, findWork, tagsOfWork } from "../../model/works.js";
import { membershipsOfWork } from "../../model/series.js";
import { readEfictionDump } from "./archive.js";
import { prepareEfictionImport, runPreparedEfictionImport } from "./command.js";
import { plannedWorkWithText } from "./plan.js";
import { defaultMapping, mappingToCsv, parseMappingCsv } from "./mapping.js";
import { DumpError, readMysqlDump, type SqlValue } from "./mysql-dump.js";
import { efictionTextToHtml, repairMojibake, restoreLostCharacters } from "./text-repair.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The fixture eFiction archive (../shared/fixtures/efiction), or null and the test skipped loudly. */
function fixture(t: TestContext): { dump: string; stories: string; dir: string } | null {
  const dump = sharedFile(t, "fixtures/efiction/efiction.sql", "the eFiction import of the real fixture archive");
  if (!dump) return null;
  const dir = join(dump, "..");
  return { dump, stories: join(dir, "stories"), dir };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "fanfold-efiction-"));
}

function fanfold(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, "bin/fanfold.mjs"), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
}

async function readAll(path: string, chunkSize?: number) {
  const rows: { table: string; values: SqlValue[]; line: number }[] = [];
  await readMysqlDump(path, { wants: () => true, row: (table, values, line) => rows.push({ table: table.name, values, line }) }, { chunkSize });
  return rows;
}

test("the dump reader reads MySQL's literals and escapes, whatever the chunk borders", async () => {
  const dir = scratch();
  const path = join(dir, "small.sql");
  writeFileSync(
    path,
    [
      "/*M!999999\\- enable the sandbox mode */ ",
      "-- a comment; with a semicolon",
      "/*!40101 SET NAMES utf8mb4 */;",
      "CREATE TABLE `x_t` (",
      "  `id` int(11) NOT NULL,",
      "  `s` text CHARACTER SET latin1 DEFAULT NULL,",
      "  `b` varbinary(16) DEFAULT NULL,",
      "  `n` decimal(10,2) DEFAULT NULL,",
      "  PRIMARY KEY (`id`),",
      "  KEY `s` (`s`(10))",
      ") ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;",
      "INSERT INTO `x_t` VALUES (1,'it\\'s a \\\"quote\\\"; \\\\ back\\nslash\\r\\0\\Z and ''doubled''',0x7F000001,-1.5),",
      "(2,NULL,X'ff',3e2),(3,'Ελληνικά 🐉 -- not a comment /* nor this */',_binary 'ab',12);",
      "INSERT INTO `x_t` (`id`, `s`, `b`, `n`) VALUES (4,'named',NULL,0);",
    ].join("\n"),
  );
  const whole = await readAll(path);
  assert.equal(whole.length, 4);
  assert.deepEqual(whole[0]!.values.slice(0, 2), [1, "it's a \"quote\"; \\ back\nslash\r\0\x1a and 'doubled'"]);
  assert.deepEqual([...(whole[0]!.values[2] as Uint8Array)], [0x7f, 0, 0, 1]);
  assert.equal(whole[0]!.values[3], -1.5);
  assert.deepEqual(whole[1]!.values[1], null);
  assert.deepEqual([...(whole[1]!.values[2] as Uint8Array)], [0xff]);
  assert.equal(whole[1]!.values[3], 300);
  assert.equal(whole[2]!.values[1], "Ελληνικά 🐉 -- not a comment /* nor this */");
  assert.equal(whole[2]!.values[2], "ab");
  assert.deepEqual(whole.map((r) => r.line), [12, 13, 13, 14]);
  for (const chunkSize of [1, 2, 3, 5, 7, 64]) assert.deepEqual(await readAll(path, chunkSize), whole, `the same rows read ${chunkSize} bytes at a time`);
  rmSync(dir, { recursive: true, force: true });
});

test("the fixture dump reads the same at any chunk size; a damaged dump names its table and line", async (t) => {
  const f = fixture(t);
  if (!f) return;
  const whole = await readAll(f.dump);
  assert.deepEqual(await readAll(f.dump, 7), whole);
  const text = readFileSync(f.dump, "utf8");
  const lines = text.split("\n");
  const dir = scratch();
  const damaged = async (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return prepareEfictionImport({ dump: path, stories: f.stories, map: null });
  };
  // Cut short inside the stories' INSERT (after the third row).
  const storiesInsert = lines.findIndex((l) => l.startsWith("INSERT INTO `fanfiction_stories`"));
  const cut = await damaged("cut.sql", lines.slice(0, storiesInsert + 4).join("\n") + "\n(5,'月光");
  assert.ok(!cut.ok);
  assert.match(cut.message, /line 1089: the dump ends inside a quoted string/);
  const cutAtRow = await damaged("cut-row.sql", lines.slice(0, storiesInsert + 4).join("\n"));
  assert.ok(!cutAtRow.ok);
  assert.match(cutAtRow.message, /table `fanfiction_stories`, line \d+: the dump ends in the middle of a statement/);
  // One row corrupted: a value that is no SQL literal.
  const corrupt = [...lines];
  corrupt[storiesInsert + 2] = corrupt[storiesInsert + 2]!.replace("'Le Retour'", "Le Retour");
  const bad = await damaged("corrupt.sql", corrupt.join("\n"));
  assert.ok(!bad.ok);
  assert.match(bad.message, new RegExp(`table \`fanfiction_stories\`, line ${storiesInsert + 3}: an unreadable value`));
  assert.match(bad.message, /Nothing was imported\.$/);
  // Another version: the stories table lacks a column this importer reads.
  const older = text.replace("  `classes` varchar(200) NOT NULL DEFAULT '0',\n", "").replace(/'8,5,4',|'8,3',|'9,1',|'8,3,7',|'10,2,3',|'12,4',/g, "");
  const other = await damaged("older.sql", older);
  assert.ok(!other.ok);
  assert.match(other.message, /table `fanfiction_stories`, line 1044: the table has no column `classes`/);
  const notEfiction = await damaged("other.sql", "CREATE TABLE `wp_posts` (`ID` int);\nINSERT INTO `wp_posts` VALUES (1);\n");
  assert.ok(!notEfiction.ok);
  assert.match(notEfiction.message, /not an eFiction 3\.x database dump/);
  rmSync(dir, { recursive: true, force: true });
});

test("mojibake (UTF-8 read as latin1) is detected and repaired; plain latin1 text is not touched", async (t) => {
  assert.equal(repairMojibake("CafÃ© au Lait"), "Café au Lait");
  assert.equal(repairMojibake("Draco\u00e2\u20ac\u2122s"), "Draco’s");
  assert.equal(repairMojibake("Café"), null, "real latin1 text does not read back as UTF-8");
  assert.equal(repairMojibake("plain"), null);
  const f = fixture(t);
  if (!f) return;
  // The fixture as an old host's latin1 tables would dump it: every character's UTF-8 bytes read as Windows-1252.
  const cp1252 = new TextDecoder("windows-1252");
  const mojibake = readFileSync(f.dump, "utf8")
    .replace(/[^\x00-\x7f]/gu, (c) => cp1252.decode(Buffer.from(c, "utf8")))
    .replace(/CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci/g, "CHARSET=latin1");
  const dir = scratch();
  writeFileSync(join(dir, "latin1.sql"), mojibake);
  const [original, repaired] = [await readEfictionDump(f.dump), await readEfictionDump(join(dir, "latin1.sql"))];
  assert.equal(original.mojibake.detected, false, "the real (utf8mb4) fixture is not mojibake");
  assert.equal(repaired.mojibake.detected, true);
  assert.equal(repaired.mojibake.leftAsIs, 0);
  assert.deepEqual(repaired.stories, original.stories);
  assert.deepEqual(repaired.authors, original.authors);
  assert.deepEqual(repaired.characters, original.characters);
  assert.deepEqual(repaired.reviews, original.reviews);
  rmSync(dir, { recursive: true, force: true });
});

test("emoji eFiction's connection lost come back when a chapter holds the same words", () => {
  assert.deepEqual(restoreLostCharacters("Tea ☕???? time", ["<p>Tea ☕🐉 time</p>"]), { text: "Tea ☕🐉 time", restored: 1 });
  assert.deepEqual(restoreLostCharacters("One-shot ????", ["<p>no such words</p>"]), { text: "One-shot ????", restored: 0 });
});

test("the mapping CSV: the default reads back as itself; edits apply; a bad row names its line", async (t) => {
  const f = fixture(t);
  if (!f) return;
  const archive = await readEfictionDump(f.dump);
  const csv = mappingToCsv(defaultMapping(archive));
  const back = parseMappingCsv(csv, archive);
  assert.ok(back.ok);
  assert.deepEqual(back.rows, defaultMapping(archive));
  assert.match(csv, /^rating,5,NC-17,Rating,Explicit$/m);
  assert.match(csv, /^class,10,Character Death,ArchiveWarning,Major Character Death$/m);
  assert.match(csv, /^class,1,Action\/Adventure,Freeform,Action\/Adventure$/m);
  assert.match(csv, /^category,2,Post-Hogwarts Era,Fandom,Harry Potter$/m);
  assert.match(csv, /^category,2,Post-Hogwarts Era,Freeform,Post-Hogwarts Era$/m);
  assert.match(csv, /^character,6,Ἀθηνᾶ \(Athena\),Character,Ἀθηνᾶ \(Athena\)$/m);
  const wrong = parseMappingCsv(`${csv}rating,1,G,Rating,Kids\n`, archive);
  assert.ok(!wrong.ok);
  assert.equal(wrong.line, csv.split("\n").length);
  assert.match(wrong.message, /"Kids" is not an AO3 rating/);
  const unknown = parseMappingCsv("kind,efiction_id,efiction_name,ao3_type,ao3_tag\ncharacter,99,Nobody,Character,Nobody\n", archive);
  assert.deepEqual(unknown, { ok: false, line: 2, message: "the archive has no character with id 99" });
});

test("the clean-up of eFiction text: CRLF, nl2br only for text without <p>/<br>, Fanfold's paragraphs and sanitizer", () => {
  assert.equal(efictionTextToHtml("One.\r\n\r\nTwo,\r\nstill two."), "<p>One.</p>\n<p>Two,<br />still two.</p>");
  assert.equal(efictionTextToHtml("<p>One\r\nline</p>\r\n<p>Two</p>"), "<p>One line</p>\n<p>Two</p>");
  assert.equal(efictionTextToHtml("<p style=\"color:red\">x</p><script>alert(1)</script>"), "<p>x</p>");
});

/** Story sid → work id, and the other legacy ids, as the import recorded them. */
async function legacy(db: Db, kind: string): Promise<Map<number, number>> {
  const rows = await db.selectFrom("legacy_ids").select(["legacy_id", "target_id"]).where("source", "=", "efiction").where("kind", "=", kind).execute();
  return new Map(rows.map((r) => [Number(r.legacy_id), r.target_id]));
}

test("the fixture eFiction archive imports: 4 users, 6 stories, 13 chapters, series, reviews, favorites, each text equal to its chapter files after the clean-up", async (t) => {
  const f = fixture(t);
  if (!f) return;
  await eachDialect(t, async (_t, { db }) => {
    const prepared = await prepareEfictionImport({ dump: f.dump, stories: f.stories, map: null });
    assert.ok(prepared.ok);
    const run = await runPreparedEfictionImport(db, prepared.plan);
    assert.ok(run.ok, run.ok ? "" : JSON.stringify(run.problems));
    assert.deepEqual(run.counts, { accounts: 4, works: 6, drafts: 0, chapters: 13, series: 1, comments: 3, bookmarks: 1, subscriptions: 1 });
    assert.ok(run.losses.some((l) => /story 6/.test(l.where) && /"\?\?\?\?" where eFiction's database connection lost/.test(l.message)), "the lost emoji are reported");

    // Accounts: pennames as logins, the MD5 kept for the first log-in, no usable password.
    const users = await db.selectFrom("users").select(["id", "login", "email", "legacy_password", "password_hash", "profile"]).orderBy("id").execute();
    assert.deepEqual(users.map((u) => u.login), ["ArchiveAdmin", "aurelie", "nikos", "mei_lin"]);
    assert.equal(users[1]!.legacy_password, "md5:c4f9b89d985010d8920518532da69cd8");
    assert.ok(users.every((u) => u.password_hash === "!imported"));
    assert.match(users[2]!.profile, /Νίκος Παπαδόπουλος/);
    assert.equal((await db.selectFrom("user_roles").selectAll().execute()).length, 0, "the eFiction admin gets no role here");
    const userOf = await legacy(db, "user");
    assert.deepEqual([...userOf.keys()].sort(), [1, 2, 3, 4]);

    const workOf = await legacy(db, "story");
    const chapterOf = await legacy(db, "chapter");
    assert.equal(workOf.size, 6);
    assert.equal(chapterOf.size, 13);
    const archive = prepared.plan.archive;
    for (const story of archive.stories) {
      const workId = workOf.get(story.sid)!;
      const work = await findWork(db, workId);
      assert.ok(work);
      assert.equal(work.posted, 1);
      assert.equal(work.original_url, `http://127.0.0.1:8088/viewstory.php?sid=${story.sid}`);
      assert.equal(work.complete, story.completed ? 1 : 0);
      assert.equal(work.comment_permission, "all", "the archive took anonymous reviews");
      assert.equal(work.hits_count, story.hits);
      assert.equal(work.published_on, story.published!.slice(0, 10));
      const stored = await chaptersOf(db, workId);
      const chapters = archive.chapters.filter((c) => c.sid === story.sid).sort((a, b) => a.order - b.order);
      assert.equal(stored.length, chapters.length);
      for (const [i, chapter] of chapters.entries()) {
        assert.equal(chapterOf.get(chapter.chapid), stored[i]!.id);
        const file: string = readFileSync(join(f.stories, String(chapter.uid), `${chapter.chapid}.txt`), "utf8");
        assert.equal(stored[i]!.content, efictionTextToHtml(file), `story ${story.sid} chapter ${i + 1} is its file after the clean-up`);
        assert.equal(stored[i]!.title, chapter.title);
      }
    }
    // Plain text with blank lines became paragraphs; the emoji the file kept is there.
    const cafe = await chaptersOf(db, workOf.get(1)!);
    assert.match(cafe[2]!.content, /^<p>This chapter is plain text without any HTML tags\.<\/p>\n<p>Paragraphs/);
    assert.match((await chaptersOf(db, workOf.get(6)!))[0]!.content, /🐉☕/);
    assert.equal((await findWork(db, workOf.get(6)!))!.restricted, 1, "NC-17 was for registered users only");

    // Tags through the default mapping.
    const tags = async (sid: number) => (await tagsOfWork(db, workOf.get(sid)!)).map((tag) => `${tag.type}:${tag.name}`).sort();
    assert.deepEqual(await tags(1), [
      "ArchiveWarning:No Archive Warnings Apply",
      "Character:Harry Potter - Character",
      "Character:Hermione Granger",
      "Fandom:Harry Potter",
      "Freeform:Humor",
      "Freeform:Post-Hogwarts Era",
      "Freeform:Romance",
      "Rating:General Audiences",
    ].sort());
    assert.ok((await tags(6)).includes("Rating:Explicit"));
    assert.ok((await tags(6)).includes("Fandom:Original Fiction") && (await tags(6)).includes("Fandom:Harry Potter"), "two categories, two fandoms");
    assert.ok((await tags(5)).includes("ArchiveWarning:Major Character Death"));

    // The co-author is a co-creator.
    const creators = await db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.name").where("work_id", "=", workOf.get(4)!).orderBy("position").execute();
    assert.deepEqual(creators.map((c) => c.name), ["nikos", "mei_lin"]);

    // The series, in its order, with its title unescaped.
    const seriesOf = await legacy(db, "series");
    const [one, two] = [await membershipsOfWork(db, workOf.get(1)!), await membershipsOfWork(db, workOf.get(2)!)];
    assert.deepEqual(one, [{ seriesId: seriesOf.get(1)!, title: "Aurélie's Café Stories", position: 1 }]);
    assert.deepEqual(two, [{ seriesId: seriesOf.get(1)!, title: "Aurélie's Café Stories", position: 2 }]);

    // Reviews as comments on their chapters, the stars kept in the text, the guest by name.
    const commentOf = await legacy(db, "review");
    const comments = await db.selectFrom("comments").selectAll().orderBy("id").execute();
    assert.equal(comments.length, 3);
    const c1 = comments.find((c) => c.id === commentOf.get(1))!;
    assert.equal(c1.work_id, workOf.get(1));
    assert.equal(c1.chapter_id, chapterOf.get(1));
    assert.equal(c1.user_id, userOf.get(3));
    assert.match(c1.content, /Magnifique.*Rating: 9 of 10 stars/s);
    assert.equal(c1.created_at, "2026-11-26T13:18:44.000Z");
    const c2 = comments.find((c) => c.id === commentOf.get(2))!;
    assert.equal(c2.chapter_id, chapterOf.get(5));
    const c3 = comments.find((c) => c.id === commentOf.get(3))!;
    assert.equal(c3.chapter_id, chapterOf.get(11));
    assert.equal(c3.user_id, null);
    assert.equal(c3.guest_name, "Zoë (guest)");
    assert.doesNotMatch(c3.content, /Rating/, "no stars given");
    assert.equal((await findWork(db, workOf.get(1)!))!.comments_count, 1);

    // Favorites: a bookmark with the note, a subscription to the author.
    const bookmarks = await db.selectFrom("bookmarks").selectAll().execute();
    assert.equal(bookmarks.length, 1);
    assert.equal(bookmarks[0]!.user_id, userOf.get(4));
    assert.equal(bookmarks[0]!.work_id, workOf.get(1));
    assert.equal(bookmarks[0]!.notes, "<p>Mon préféré ☕</p>");
    const subscriptions = await db.selectFrom("subscriptions").select(["user_id", "kind", "target_id"]).execute();
    assert.deepEqual(subscriptions, [{ user_id: userOf.get(2)!, kind: "user", target_id: userOf.get(4)! }]);

    // Categories and classes point at their tags, for the old browse URLs.
    const categoryOf = await legacy(db, "category");
    assert.equal(categoryOf.size, 4);
    const tagName = async (id: number) => (await db.selectFrom("tags").select("name").where("id", "=", id).executeTakeFirstOrThrow()).name;
    assert.equal(await tagName(categoryOf.get(1)!), "Harry Potter");
    assert.equal(await tagName(categoryOf.get(2)!), "Post-Hogwarts Era");

    // A second run imports nothing.
    const again = await runPreparedEfictionImport(db, prepared.plan);
    assert.ok(!again.ok);
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 6);
  });
});

test("fanfold import-efiction: --dry-run and a damaged dump write nothing; a missing chapter file makes a draft with a notice", async (t) => {
  const f = fixture(t);
  if (!f) return;
  await eachDialect(t, async (_t, { db, url }) => {
    const dir = scratch();
    const env = { DATABASE_URL: url, DATA_DIR: dir };
    const count = async () => (await db.selectFrom("users").select("id").execute()).length + (await db.selectFrom("works").select("id").execute()).length;

    const dry = fanfold(["import-efiction", "--dump", f.dump, "--stories", f.stories, "--dry-run"], env);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^kind,efiction_id,efiction_name,ao3_type,ao3_tag\n/);
    assert.match(dry.stderr, /accounts 4, works 6 \(drafts 0\), chapters 13, series 1, comments 3, bookmarks 1, subscriptions 1/);
    assert.equal(await count(), 0, "the dry run wrote nothing");

    // The mapping printed, edited and handed back.
    writeFileSync(join(dir, "map.csv"), dry.stdout.replace("category,1,Harry Potter,Fandom,Harry Potter", "category,1,Harry Potter,Fandom,Harry Potter - J. K. Rowling"));
    const badMap = fanfold(["import-efiction", "--dump", f.dump, "--stories", f.stories, "--map", join(dir, "map.csv"), "--dry-run"], env);
    assert.equal(badMap.status, 0, badMap.stderr);
    assert.match(badMap.stdout, /category,1,Harry Potter,Fandom,Harry Potter - J\. K\. Rowling/);

    // Bad arguments: one line each, no stack trace.
    for (const [args, expected] of [
      [["--dump", join(dir, "nothing.sql"), "--stories", f.stories], /^fanfold: .*nothing\.sql: no such file/],
      [["--dump", f.dump, "--stories", join(dir, "no-stories")], /^fanfold: .*no-stories: no such folder; this archive keeps its chapter text in files/],
      [["--dump", f.dump, "--stories", f.stories, "--map", join(dir, "no-map.csv")], /^fanfold: .*no-map\.csv: no such file\.\n$/],
      [["--stories", f.stories], /^fanfold: Usage: fanfold import-efiction/],
    ] as const) {
      const refused = fanfold(["import-efiction", ...args], env);
      assert.equal(refused.status, 1, refused.stderr);
      assert.match(refused.stderr, expected);
      assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    }

    const lines = readFileSync(f.dump, "utf8").split("\n");
    writeFileSync(join(dir, "cut.sql"), lines.slice(0, 1000).join("\n"));
    const cut = fanfold(["import-efiction", "--dump", join(dir, "cut.sql"), "--stories", f.stories], env);
    assert.equal(cut.status, 1);
    assert.match(cut.stderr, /^fanfold: .*cut\.sql: table `fanfiction_settings`, line 1000: the dump ends in the middle of a statement.*Nothing was imported\.\n$/);
    assert.equal(await count(), 0, "the damaged dump wrote nothing");

    // One chapter file gone: its story comes in as a draft that tells its author why.
    const stories = join(dir, "stories");
    cpSync(f.stories, stories, { recursive: true });
    rmSync(join(stories, "2", "2.txt"));
    const run = fanfold(["import-efiction", "--dump", f.dump, "--stories", stories, "--map", join(dir, "map.csv"), "--report", join(dir, "report.txt")], env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /works 6 \(drafts 1\)/);
    assert.match(run.stdout, /story 1 .*text missing for chapter 2; imported as a draft with a notice to its author/);
    assert.equal(readFileSync(join(dir, "report.txt"), "utf8"), run.stdout);
    const workOf = await legacy(db, "story");
    const draft = await findWork(db, workOf.get(1)!);
    assert.equal(draft!.posted, 0);
    assert.match(draft!.notes, /the text of chapter 2 was missing/);
    assert.match((await chaptersOf(db, workOf.get(1)!))[1]!.content, /missing when http:\/\/127\.0\.0\.1:8088 was imported/);
    assert.ok((await tagsOfWork(db, workOf.get(2)!)).some((tag) => tag.name === "Harry Potter - J. K. Rowling"), "the edited mapping was used");
    assert.equal((await findWork(db, workOf.get(2)!))!.posted, 1);
    rmSync(dir, { recursive: true, force: true });
  });
});

test("another prefix, text kept in the database (store = mysql) and DATETIME dates read as the fixture does", async (t) => {
  const f = fixture(t);
  if (!f) return;
  const original = await readEfictionDump(f.dump);
  const uidOf = new Map(original.chapters.map((c) => [c.chapid, c.uid]));
  const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\r/g, "\\r").replace(/\n/g, "\\n")}'`;
  let inChapters = false;
  const variant = readFileSync(f.dump, "utf8")
    .split("\n")
    .map((line) => {
      if (line.startsWith("INSERT INTO `fanfiction_chapters`")) inChapters = true;
      else if (!line.startsWith("(")) inChapters = false;
      const chapid = /^\((\d+),/.exec(line)?.[1];
      if (inChapters && chapid) return line.replace(",NULL,", `,${quote(readFileSync(join(f.stories, String(uidOf.get(Number(chapid))), `${chapid}.txt`), "utf8"))},`);
      return line;
    })
    .join("\n")
    .replaceAll("`fanfiction_", "`old_fanfiction_")
    .replace("'en',0,'stories','files'", "'en',0,'stories','mysql'")
    .replace(/`(date|updated)` int\(10\) unsigned NOT NULL DEFAULT 0/g, "`$1` datetime NOT NULL DEFAULT '0000-00-00 00:00:00'")
    .replace(/,1795699124,1795699124,/g, ",'2026-11-26 13:18:44','2026-11-26 13:18:44',")
    .replace(/,1795699124,(\d+|-1),'0','ST'\)/g, ",'2026-11-26 13:18:44',$1,'0','ST')");
  // The reviews as `mysqldump --complete-insert` writes them, here with the columns in another order.
  const reviewColumns = ["reviewid", "item", "chapid", "reviewer", "uid", "review", "date", "rating", "respond", "type"];
  const reviewRows = (await readAll(f.dump)).filter((r) => r.table === "fanfiction_reviews");
  const literal = (v: SqlValue) => (typeof v === "string" ? quote(v) : String(v));
  const completeInsert = `INSERT INTO \`old_fanfiction_reviews\` (${[...reviewColumns].reverse().map((c) => `\`${c}\``).join(", ")}) VALUES ${reviewRows.map((r) => `(${[...r.values].reverse().map(literal).join(",")})`).join(",")};`;
  const withCompleteInsert = variant.replace(/INSERT INTO `old_fanfiction_reviews` VALUES\n[^;]*;/, () => completeInsert);
  assert.notEqual(withCompleteInsert, variant);
  const dir = scratch();
  writeFileSync(join(dir, "variant.sql"), withCompleteInsert);
  const read = await readEfictionDump(join(dir, "variant.sql"));
  assert.equal(read.settings.store, "mysql");
  // Lines differ (the reviews' INSERT is one line now); everything else is the same.
  const withoutLines = <T extends { line: number }>(rows: T[]) => rows.map(({ line: _line, ...rest }) => rest);
  assert.deepEqual(withoutLines(read.stories), withoutLines(original.stories), "the same stories, dates read from DATETIME");
  assert.deepEqual(withoutLines(read.reviews), withoutLines(original.reviews), "the reviews, read from a complete INSERT in another column order");
  const [fromFiles, fromDb] = await Promise.all([
    prepareEfictionImport({ dump: f.dump, stories: f.stories, map: null }),
    // The stories folder is not needed (nor read) when the text is in the database.
    prepareEfictionImport({ dump: join(dir, "variant.sql"), stories: join(dir, "no-such-folder"), map: null }),
  ]);
  assert.ok(fromFiles.ok && fromDb.ok);
  assert.deepEqual(fromDb.plan.stories.map(plannedWorkWithText), fromFiles.plan.stories.map(plannedWorkWithText), "the same works, text from chapters.storytext");
  rmSync(dir, { recursive: true, force: true });
});

test("a failure while writing rolls every write back: all or nothing", async (t) => {
  const f = fixture(t);
  if (!f) return;
  await eachDialect(t, async (_t, { db }) => {
    const tables = ["users", "works", "chapters", "series", "comments", "bookmarks", "subscriptions", "legacy_ids", "tags", "change_feed"] as const;
    const rowCounts = async () => Promise.all(tables.map(async (table) => (await db.selectFrom(table).select(sql`1`.as("one")).execute()).length));
    const before = await rowCounts();
    const prepared = await prepareEfictionImport({ dump: f.dump, stories: f.stories, map: null });
    assert.ok(prepared.ok);
    // The last story fails as it is saved (a rating the archive does not know), after every other write.
    const last = prepared.plan.stories[prepared.plan.stories.length - 1]!;
    last.work = { ...last.work, rating: "Adults Only" };
    const run = await runPreparedEfictionImport(db, prepared.plan);
    assert.ok(!run.ok);
    assert.match(run.problems[0]!.message, /rating: "Adults Only" is not a known Rating/);
    assert.deepEqual(await rowCounts(), before, `nothing written to ${tables.join(", ")}`);
  });
});

test("an open series with stories by several authors is one series here, each author credited on it", async (t) => {
  const f = fixture(t);
  if (!f) return;
  // Story 4 (nikos, with mei_lin) joins aurelie's series 1 as its third story, as eFiction's open series allow.
  const dir = scratch();
  const dump = join(dir, "efiction.sql");
  writeFileSync(dump, readFileSync(f.dump, "utf8").replace("(1,2,0,1,2);", "(1,2,0,1,2),\n(1,4,0,1,3);"));
  await eachDialect(t, async (_t, { db }) => {
    const prepared = await prepareEfictionImport({ dump, stories: f.stories, map: null });
    assert.ok(prepared.ok);
    const run = await runPreparedEfictionImport(db, prepared.plan);
    assert.ok(run.ok, run.ok ? "" : JSON.stringify(run.problems));
    assert.equal(run.counts.series, 1, "one series, not one per author");
    const workOf = await legacy(db, "story");
    const places = await Promise.all([1, 2, 4].map(async (sid) => (await membershipsOfWork(db, workOf.get(sid)!)).map((m) => [m.title, m.position])));
    assert.deepEqual(places, [[["Aurélie's Café Stories", 1]], [["Aurélie's Café Stories", 2]], [["Aurélie's Café Stories", 3]]]);
    const seriesId = (await legacy(db, "series")).get(1)!;
    const creators = await db.selectFrom("series_creators").innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id").select("pseuds.name").where("series_id", "=", seriesId).orderBy("position").execute();
    assert.deepEqual(creators.map((c) => c.name), ["aurelie", "nikos"]);
    assert.ok(!run.losses.some((l) => /placed as part/.test(l.message)), JSON.stringify(run.losses.filter((l) => /part/.test(l.message))));
  });
  rmSync(dir, { recursive: true, force: true });
});

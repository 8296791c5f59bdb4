import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { legacyId } from "../../test/support/legacy.js";
import { buildApp } from "../app.js";
import { chaptersOf } from "../model/works.js";
import { chapterPath, fullWorkPath, seriesPath, workPath } from "../model/paths.js";
import { ConfigError, loadConfig } from "../platform/config.js";
import type { Db } from "../platform/db/index.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { startSession } from "../users/sessions.js";

/** An archive as the eFiction importer leaves it: its works, accounts, series and tags, and the legacy_ids rows naming them. */
async function importedArchive(db: Db) {
  const aurelie = await makeCreator(db, "aurelie");
  await legacyId(db, "user", 2, aurelie.userId);
  const cafe = await makeWork(db, aurelie.pseudId, { title: "Café au Lait", fandoms: ["Harry Potter"], freeforms: ["Angst"], chapters: ["<p>one</p>", "<p>two</p>", "<p>three</p>"], expectedChapters: 3 });
  await legacyId(db, "story", 1, cafe);
  const chapters = await chaptersOf(db, cafe);
  for (const [i, chapter] of chapters.entries()) await legacyId(db, "chapter", i + 1, chapter.id);
  const draft = await makeWork(db, aurelie.pseudId, { title: "Secret Draft Title", draft: true });
  await legacyId(db, "story", 2, draft);
  const draftChapter = (await chaptersOf(db, draft))[0]!;
  await legacyId(db, "chapter", 4, draftChapter.id);
  const hidden = await makeWork(db, aurelie.pseudId, { title: "Hidden Away Title" });
  await db.updateTable("works").set({ hidden_by_admin: 1 }).where("id", "=", hidden).execute();
  await legacyId(db, "story", 3, hidden);
  const members = await makeWork(db, aurelie.pseudId, { title: "Members Only Title", restricted: true });
  await legacyId(db, "story", 5, members);
  const series = await createSeries(db, [aurelie.pseudId], "Aurélie's Café Stories");
  await addWorkToSeries(db, series, cafe, null);
  await legacyId(db, "series", 1, series);
  const tag = (name: string) => db.selectFrom("tags").select("id").where("name", "=", name).executeTakeFirstOrThrow();
  await legacyId(db, "category", 1, (await tag("Harry Potter")).id);
  await legacyId(db, "class", 3, (await tag("Angst")).id);
  return { cafe, chapters: chapters.map((c) => c.id), series, members, draft, draftChapter: draftChapter.id, owner: aurelie.userId };
}

/** Every old address and where it must go (null: the 404 page). */
function expectations(a: Awaited<ReturnType<typeof importedArchive>>): [string, string | null][] {
  const [one, two, three] = a.chapters as [number, number, number];
  return [
    ["/viewstory.php?sid=1", workPath(a.cafe)],
    ["/viewstory.php?sid=1&chapter=2", chapterPath(a.cafe, two)],
    ["/viewstory.php?sid=1&chapter=3&textsize=2", chapterPath(a.cafe, three)],
    ["/viewstory.php?sid=1&textsize=1", workPath(a.cafe)],
    ["/viewstory.php?sid=1&chapter=all", fullWorkPath(a.cafe)],
    ["/viewstory.php?sid=1&chapter=4", null],
    ["/viewstory.php?sid=1&chapter=zero", null],
    ["/viewstory.php?chapid=1", chapterPath(a.cafe, one)],
    ["/viewstory.php?chapid=3", chapterPath(a.cafe, three)],
    ["/viewstory.php?chapid=4", null],
    ["/viewstory.php?chapid=99", null],
    ["/viewstory.php?action=printable&sid=1&chapter=2", chapterPath(a.cafe, two)],
    ["/viewstory.php?action=printable&sid=1&chapter=all", fullWorkPath(a.cafe)],
    ["/viewstory.php?sid=2", null],
    ["/viewstory.php?sid=2&chapter=1", null],
    ["/viewstory.php?sid=3", null],
    ["/viewstory.php?sid=5", workPath(a.members)],
    ["/viewstory.php?sid=99", null],
    ["/viewstory.php?sid=99999999999", null],
    ["/viewstory.php?sid=abc", null],
    ["/viewstory.php", null],
    ["/viewuser.php?uid=2", "/users/aurelie"],
    ["/viewuser.php?uid=3", null],
    ["/viewseries.php?seriesid=1", seriesPath(a.series)],
    ["/viewseries.php?seriesid=2", null],
    ["/reviews.php?type=ST&item=1", `${workPath(a.cafe)}/comments`],
    ["/reviews.php?type=ST&item=2", null],
    ["/reviews.php?type=SE&item=1", null],
    ["/browse.php?type=categories&catid=1", "/tags/Harry%20Potter/works"],
    ["/browse.php?type=categories&catid=2", null],
    ["/browse.php?type=titles", "/works"],
    ["/browse.php?type=class&type_id=1&classid=3", "/tags/Angst/works"],
    ["/browse.php?type=class&type_id=1&classid=4", null],
    ["/browse.php?type=class&type_id=1", "/works"],
    ["/series.php", "/works"],
    ["/authors.php?list=authors", "/people/search"],
    ["/rss.php", "/works/feed.atom"],
  ];
}

const LEAKS = ["Secret Draft Title", "Hidden Away Title", "Members Only Title"];

for (const prefix of ["", "/archive"]) {
  test(`every old eFiction address redirects permanently to its page, or is the 404 page (prefix "${prefix}")`, async (t) => {
    await eachDialect(t, async (_t, { db, url }) => {
      const archive = await importedArchive(db);
      const app = await buildApp(testConfig(url, { legacyPathPrefix: prefix }), db);
      const guest = new Client(app);
      for (const [old, target] of expectations(archive)) {
        const res = await guest.get(`${prefix}${old}`);
        if (target === null) {
          assert.equal(res.statusCode, 404, `${prefix}${old} is not found`);
          assert.match(res.headers["content-type"] as string, /text\/html/, `${old}: the archive's own 404 page`);
        } else {
          assert.equal(res.statusCode, 301, `${prefix}${old} redirects permanently`);
          assert.equal(res.headers.location, target, `${prefix}${old} goes to ${target}`);
        }
        for (const title of LEAKS) assert.ok(!res.body.includes(title), `${old} does not show "${title}"`);
      }
      // The pages redirected to are there, and the registered-only work's page asks a guest to log in.
      for (const [, target] of expectations(archive)) if (target && target !== workPath(archive.members)) assert.equal((await guest.get(target)).statusCode, 200, `${target} answers`);
      const members = await guest.get(workPath(archive.members));
      assert.equal(members.statusCode, 302);
      assert.match(members.headers.location as string, /^\/users\/login\?restricted=true/);
      // A prefix moves the addresses: they are not also answered at the root.
      if (prefix) assert.equal((await guest.get("/viewstory.php?sid=1")).statusCode, 404);
      await app.close();
    });
  });
}

test("an old address of a draft redirects only its own creator (the same rule as the work page)", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const archive = await importedArchive(db);
    const app = await buildApp(testConfig(url), db);
    const owner = new Client(app);
    owner.cookies.set(SESSION_COOKIE, await startSession(db, archive.owner, 1));
    const work = await owner.get("/viewstory.php?sid=2");
    assert.equal(work.statusCode, 301);
    assert.equal(work.headers.location, workPath(archive.draft));
    assert.equal((await owner.get("/viewstory.php?chapid=4")).headers.location, chapterPath(archive.draft, archive.draftChapter));
    assert.equal((await new Client(app).get("/viewstory.php?sid=2")).statusCode, 404, "a guest learns nothing");
    await app.close();
  });
});

test("LEGACY_PATH_PREFIX: unset is the root; a path is kept without its trailing slash; anything else is refused", () => {
  const env = (vars: Record<string, string>) => loadConfig({ SECRET: "a secret of enough length", DATA_DIR: "/nonexistent", ...vars });
  assert.equal(env({}).legacyPathPrefix, "");
  assert.equal(env({ LEGACY_PATH_PREFIX: "/" }).legacyPathPrefix, "");
  assert.equal(env({ LEGACY_PATH_PREFIX: "/archive/" }).legacyPathPrefix, "/archive");
  assert.equal(env({ LEGACY_PATH_PREFIX: "/old/efiction" }).legacyPathPrefix, "/old/efiction");
  for (const bad of ["archive", "/arch ive", "/a/../b", "//x", "/x?y", "http://example.org/x", "/:id"]) {
    assert.throws(() => env({ LEGACY_PATH_PREFIX: bad }), ConfigError, bad);
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { addWorkToSeries, createSeries } from "./commands.js";

/** A logged-in reader's client. */
const reader = async (app: FastifyInstance, db: Db, login: string) => (await loggedInUser(app, db, login)).client;

async function seriesOf(db: Db, pseudId: number, title: string, works: number[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await createSeries(trx, [pseudId], title);
    for (const w of works) await addWorkToSeries(trx, id, w, null);
    return id;
  });
}

const form = (overrides: Record<string, string> = {}) => ({ "bookmark[notes]": "", "bookmark[tag_string]": "", ...overrides });

test("bookmarks of series: notes sanitized, own tags, private, rec; on /series/ID/bookmarks and /users/NAME/bookmarks; edit and delete", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const work = await makeWork(db, pseudId, { title: "Part One" });
    const seriesId = await seriesOf(db, pseudId, "Bookmarked Series", [work]);
    const ana = await reader(app, db, "ana");

    let page = await ana.get(`/series/${seriesId}`);
    assertMatch(page.body, new RegExp(`<a href="/series/${seriesId}/bookmarks/new">Bookmark Series</a>`));
    page = await ana.get(`/series/${seriesId}/bookmarks/new`);
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /Series: <cite>Bookmarked Series<\/cite>/);
    let res = await ana.post(`/series/${seriesId}/bookmarks`, form({ "bookmark[notes]": "Read in <em>order</em>.<script>alert(1)</script>", "bookmark[tag_string]": "saga, comfort &amp; calm", "bookmark[rec]": "1" }));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, "/users/ana/bookmarks");
    const row = await db.selectFrom("bookmarks").selectAll().where("series_id", "=", seriesId).executeTakeFirstOrThrow();
    assert.equal(row.work_id, null);
    assert.match(row.notes, /<em>order<\/em>/);
    assert.doesNotMatch(row.notes, /script/);
    // The work's own counter is untouched by a bookmark of its series.
    assert.equal((await db.selectFrom("works").select("bookmarks_count").where("id", "=", work).executeTakeFirstOrThrow()).bookmarks_count, 0);

    // A second submit makes no second bookmark.
    res = await ana.post(`/series/${seriesId}/bookmarks`, form({ "bookmark[notes]": "again" }));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/bookmarks/${row.id}/edit`);
    assert.equal((await db.selectFrom("bookmarks").select("id").where("series_id", "=", seriesId).execute()).length, 1);

    // Listed with the series' blurb on the user's page, and on the series' bookmarks page.
    for (const path of ["/users/ana/bookmarks", `/series/${seriesId}/bookmarks`]) {
      page = await new Client(app).get(path);
      assert.equal(page.statusCode, 200, path);
      assertMatch(page.body, /1 Bookmark/, path);
      assertMatch(page.body, /<li>saga<\/li><li>comfort &amp;amp; calm<\/li>/, path);
      assertMatch(page.body, /<span class="rec">Rec<\/span>/, path);
      assert.doesNotMatch(page.body, /<script>alert/, path);
    }
    page = await new Client(app).get("/users/ana/bookmarks");
    assertMatch(page.body, new RegExp(`<li class="series blurb group" id="series_${seriesId}">`));
    page = await new Client(app).get(`/series/${seriesId}`);
    assertMatch(page.body, /<dd class="bookmarks"><a href="\/series\/\d+\/bookmarks">1<\/a><\/dd>/);
    page = await ana.get(`/series/${seriesId}`);
    assertMatch(page.body, new RegExp(`<a href="/bookmarks/${row.id}/edit">Edit Bookmark</a>`));

    // Private: gone for others and out of the count; still the owner's.
    page = await ana.get(`/bookmarks/${row.id}/edit`);
    assertMatch(page.body, /Series: <cite>Bookmarked Series<\/cite>/);
    res = await ana.post(`/bookmarks/${row.id}`, form({ "bookmark[notes]": "mine only", "bookmark[private]": "1" }));
    assert.equal(res.statusCode, 303);
    page = await new Client(app).get(`/series/${seriesId}/bookmarks`);
    assertMatch(page.body, /0 Bookmarks/);
    page = await new Client(app).get(`/series/${seriesId}`);
    assertMatch(page.body, /<dd class="bookmarks"><a href="\/series\/\d+\/bookmarks">0<\/a><\/dd>/);
    page = await ana.get("/users/ana/bookmarks");
    assertMatch(page.body, /Private Bookmark/);

    // Another user can neither edit nor delete it.
    const bob = await reader(app, db, "bob");
    assert.equal((await bob.get(`/bookmarks/${row.id}/edit`)).statusCode, 404);
    assert.equal((await bob.post(`/bookmarks/${row.id}/delete`, {})).statusCode, 404);
    // Too-long notes: the form again with what was typed.
    res = await ana.post(`/bookmarks/${row.id}`, form({ "bookmark[notes]": "x".repeat(5001), "bookmark[tag_string]": "kept tag" }));
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /value="kept tag"/);
    res = await ana.post(`/series/${seriesId}/bookmarks`, form({ "bookmark[notes]": "y".repeat(5001), "bookmark[tag_string]": "typed" }));
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /value="typed"/);

    // Delete.
    page = await ana.get(`/bookmarks/${row.id}/confirm_delete`);
    assertMatch(page.body, /Bookmarked Series/);
    res = await ana.post(`/bookmarks/${row.id}/delete`, {});
    assert.equal(res.statusCode, 303);
    assert.equal((await db.selectFrom("bookmarks").select("id").execute()).length, 0);

    // Guests are asked to log in; a missing series is a 404.
    assert.notEqual((await new Client(app).get(`/series/${seriesId}/bookmarks/new`)).statusCode, 200);
    assert.equal((await ana.get("/series/99999/bookmarks/new")).statusCode, 404);
    assert.equal((await new Client(app).get("/series/99999/bookmarks")).statusCode, 404);
    await app.close();
  });
});

test("bookmarks of series: a series of which the viewer may see no work has its bookmarks hidden from that viewer", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const locked = await makeWork(db, pseudId, { title: "Members Only", restricted: true });
    const seriesId = await seriesOf(db, pseudId, "Locked Series", [locked]);
    const ana = await reader(app, db, "ana");
    const res = await ana.post(`/series/${seriesId}/bookmarks`, form({ "bookmark[notes]": "public note" }));
    assert.equal(res.statusCode, 303);
    // Ana (logged in) sees it; a guest sees neither the bookmark nor a count of it.
    assertMatch((await ana.get("/users/ana/bookmarks")).body, /Locked Series/);
    for (const path of ["/users/ana/bookmarks", `/series/${seriesId}/bookmarks`]) {
      const page = await new Client(app).get(path);
      assertMatch(page.body, /0 Bookmarks/, path);
      assert.doesNotMatch(page.body, /public note/, path);
    }
    await app.close();
  });
});

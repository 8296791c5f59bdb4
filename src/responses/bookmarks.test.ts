import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";

/** A logged-in reader's client. */
const reader = async (app: FastifyInstance, db: Db, login: string) => (await loggedInUser(app, db, login)).client;

const counter = async (db: Db, workId: number) => (await db.selectFrom("works").select("bookmarks_count").where("id", "=", workId).executeTakeFirstOrThrow()).bookmarks_count;
const bookmarkId = async (db: Db, login: string, workId: number) =>
  (await db.selectFrom("bookmarks").innerJoin("users", "users.id", "bookmarks.user_id").select("bookmarks.id").where("users.login", "=", login).where("work_id", "=", workId).executeTakeFirstOrThrow()).id;

const form = (overrides: Record<string, string> = {}) => ({ "bookmark[notes]": "", "bookmark[tag_string]": "", ...overrides });

test("bookmarks: create with sanitized notes and own tags, list, edit, delete; counted; one per user per work", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Bookmarked Work" });
    const ana = await reader(app, db, "ana");
    const feedBefore = Number((await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0);

    let page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, new RegExp(`<a href="/works/${workId}/bookmarks/new">Bookmark</a>`));
    page = await ana.get(`/works/${workId}/bookmarks/new`);
    assert.equal(page.statusCode, 200);
    let res = await ana.post(
      `/works/${workId}/bookmarks`,
      form({ "bookmark[notes]": 'So <em>good</em>.<script>alert(1)</script><a href="javascript:alert(2)">x</a>', "bookmark[tag_string]": "comfort read, Comfort Read,  salt &amp; sea , ", "bookmark[rec]": "1" }),
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, "/users/ana/bookmarks");
    const id = await bookmarkId(db, "ana", workId);
    const row = await db.selectFrom("bookmarks").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.match(row.notes, /<em>good<\/em>/);
    assert.doesNotMatch(row.notes, /script|alert\(1\)|javascript:/);
    assert.equal(row.rec, 1);
    const tags = await db.selectFrom("bookmark_tags").select("name").where("bookmark_id", "=", id).orderBy("position").execute();
    assert.deepEqual(tags.map((t) => t.name), ["comfort read", "salt &amp; sea"]);
    assert.equal(await counter(db, workId), 1);

    // The double submit makes no second bookmark: it sends the user to edit the first.
    res = await ana.post(`/works/${workId}/bookmarks`, form({ "bookmark[notes]": "again" }));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/bookmarks/${id}/edit`);
    assert.equal((await db.selectFrom("bookmarks").select("id").where("work_id", "=", workId).execute()).length, 1);
    assert.equal(await counter(db, workId), 1);

    // Listed on the user's and the work's pages, tags escaped, notes as sanitized HTML.
    for (const path of ["/users/ana/bookmarks", `/works/${workId}/bookmarks`]) {
      page = await new Client(app).get(path);
      assert.equal(page.statusCode, 200, path);
      assertMatch(page.body, /1 Bookmark/, path);
      assertMatch(page.body, /<li>comfort read<\/li><li>salt &amp;amp; sea<\/li>/, path);
      assertMatch(page.body, /<blockquote class="userstuff notes"><p>So <em>good<\/em>\./, path);
      assertMatch(page.body, /<span class="rec">Rec<\/span>/, path);
      assert.doesNotMatch(page.body, /<script>alert|javascript:alert/, path);
    }
    page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, new RegExp(`<a href="/bookmarks/${id}/edit">Edit Bookmark</a>`));

    // Edit: the form shows what was stored; making it private takes it out of the count.
    page = await ana.get(`/bookmarks/${id}/edit`);
    assertMatch(page.body, /comfort read, salt &amp;amp; sea/);
    res = await ana.post(`/bookmarks/${id}`, form({ "bookmark[notes]": "Changed.", "bookmark[tag_string]": "one", "bookmark[private]": "1" }));
    assert.equal(res.statusCode, 303);
    assert.equal(await counter(db, workId), 0);
    res = await ana.post(`/bookmarks/${id}`, form({ "bookmark[notes]": "Public again." }));
    assert.equal(await counter(db, workId), 1);

    // Too-long notes: the form again, with the text kept and a message.
    res = await ana.post(`/bookmarks/${id}`, form({ "bookmark[notes]": "x".repeat(5001), "bookmark[tag_string]": "kept tag" }));
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Notes can be at most 5000 characters/);
    assertMatch(res.body, /value="kept tag"/);

    // Delete, behind a confirmation page.
    page = await ana.get(`/bookmarks/${id}/confirm_delete`);
    assertMatch(page.body, /Are you sure/);
    res = await ana.post(`/bookmarks/${id}/delete`, {});
    assert.equal(res.statusCode, 303);
    assert.equal(await counter(db, workId), 0);
    assert.equal(await db.selectFrom("bookmark_tags").select("name").where("bookmark_id", "=", id).executeTakeFirst(), undefined);
    assert.equal((await ana.post(`/bookmarks/${id}/delete`, {})).statusCode, 404); // a second click

    // Each counter change wrote a change-feed row for the work (create, private, public, delete).
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", feedBefore).execute();
    assert.deepEqual(feed, Array.from({ length: 4 }, () => ({ work_id: workId, kind: "work" })));
    await app.close();
  });
});

test("bookmarks: nobody edits or deletes another person's bookmark by changing the id", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const ana = await reader(app, db, "ana");
    const ben = await reader(app, db, "ben");
    await ana.post(`/works/${workId}/bookmarks`, form({ "bookmark[notes]": "Ana's notes", "bookmark[tag_string]": "ana" }));
    await ana.post(`/works/${await makeWork(db, pseudId, { title: "Second" })}/bookmarks`, form({ "bookmark[private]": "1" }));
    const publicId = await bookmarkId(db, "ana", workId);
    const privateId = publicId + 1;
    await ben.get("/users/login");

    // A public bookmark: ben can see it exists, so the answer is 403; a private one is not found.
    assert.equal((await ben.get(`/bookmarks/${publicId}/edit`)).statusCode, 403);
    assert.equal((await ben.post(`/bookmarks/${publicId}`, form({ "bookmark[notes]": "ben was here" }))).statusCode, 403);
    assert.equal((await ben.get(`/bookmarks/${publicId}/confirm_delete`)).statusCode, 403);
    assert.equal((await ben.post(`/bookmarks/${publicId}/delete`, {})).statusCode, 403);
    assert.equal((await ben.get(`/bookmarks/${privateId}/edit`)).statusCode, 404);
    assert.equal((await ben.post(`/bookmarks/${privateId}`, form())).statusCode, 404);
    assert.equal((await ben.post(`/bookmarks/${privateId}/delete`, {})).statusCode, 404);
    assert.equal((await ben.post("/bookmarks/99999/delete", {})).statusCode, 404);
    // Guests are sent to log in.
    assert.equal((await new Client(app).post(`/bookmarks/${publicId}/delete`, {})).statusCode, 401);

    const rows = await db.selectFrom("bookmarks").select(["id", "notes"]).orderBy("id").execute();
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.notes, "<p>Ana's notes</p>");
    await app.close();
  });
});

test("bookmarks: private ones only to their owner; registered-only works' only to users; drafts never", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, userId } = await appWithUser(db, url);
    const open = await makeWork(db, pseudId, { title: "Open Work" });
    const locked = await makeWork(db, pseudId, { title: "Locked Work", restricted: true });
    const secret = await makeWork(db, pseudId, { title: "Secretly Kept" });
    const ana = await reader(app, db, "ana");
    await ana.post(`/works/${open}/bookmarks`, form({ "bookmark[notes]": "open note" }));
    await ana.post(`/works/${locked}/bookmarks`, form({ "bookmark[notes]": "locked note" }));
    await ana.post(`/works/${secret}/bookmarks`, form({ "bookmark[notes]": "private note", "bookmark[private]": "1" }));
    assert.equal(await counter(db, secret), 0);

    const guest = new Client(app);
    let page = await guest.get("/users/ana/bookmarks");
    assertMatch(page.body, /1 Bookmark by ana/);
    assertMatch(page.body, /open note/);
    assert.doesNotMatch(page.body, /locked note|Locked Work|private note|Secretly Kept/);
    const lockedBookmarks = await guest.get(`/works/${locked}/bookmarks`);
    assert.equal(lockedBookmarks.statusCode, 302, "a guest is sent to log in");
    assert.equal(lockedBookmarks.headers.location, `/users/login?restricted=true&return_to=${encodeURIComponent(`/works/${locked}/bookmarks`)}`);

    const ben = await reader(app, db, "ben");
    page = await ben.get("/users/ana/bookmarks");
    assertMatch(page.body, /2 Bookmarks by ana/);
    assertMatch(page.body, /locked note/);
    assert.doesNotMatch(page.body, /private note|Secretly Kept/);
    page = await ben.get(`/works/${secret}/bookmarks`);
    assertMatch(page.body, /0 Bookmarks/);
    assert.doesNotMatch(page.body, /private note/);

    page = await ana.get("/users/ana/bookmarks");
    assertMatch(page.body, /3 Bookmarks by ana/);
    assertMatch(page.body, /private note/);
    assertMatch(page.body, /Private Bookmark/);

    // A draft cannot be bookmarked, and a bookmark of a work that is made a draft again is never shown.
    const draft = await makeWork(db, pseudId, { title: "Draft Work", draft: true });
    assert.equal((await ana.get(`/works/${draft}/bookmarks/new`)).statusCode, 404);
    assert.equal((await ana.post(`/works/${draft}/bookmarks`, form())).statusCode, 404);
    await db.updateTable("works").set({ posted: 0 }).where("id", "=", open).execute();
    page = await ana.get("/users/ana/bookmarks");
    assert.doesNotMatch(page.body, /open note/);
    // Its owner can still edit or delete it, without being shown the draft's title.
    const openBookmark = await bookmarkId(db, "ana", open);
    page = await ana.get(`/bookmarks/${openBookmark}/edit`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Open Work/);
    assert.equal((await ana.post(`/bookmarks/${openBookmark}/delete`, {})).statusCode, 303);
    assert.equal(userId > 0, true);
    await app.close();
  });
});

test("bookmarks re-sort the bookmarks listing at once; deleting a work takes its kudos and bookmarks with it", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const first = await makeWork(db, pseudId, { title: "Older Work" });
    const second = await makeWork(db, pseudId, { title: "Newer Work" });
    const guest = new Client(app);
    const order = async () => {
      const body = (await guest.get("/works?work_search%5Bsort_column%5D=bookmarks_count")).body;
      return [...body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1]));
    };
    assert.deepEqual(await order(), [second, first]);
    const ana = await reader(app, db, "ana");
    assert.equal((await ana.post(`/works/${first}/bookmarks`, form())).statusCode, 303);
    assert.deepEqual(await order(), [first, second]);
    // A private bookmark is not counted, so it does not move a work either.
    const ben = await reader(app, db, "ben");
    await ben.post(`/works/${second}/bookmarks`, form({ "bookmark[private]": "1" }));
    assert.deepEqual(await order(), [first, second]);

    await ana.post(`/works/${first}/kudos`, {});
    const creator = new Client(app);
    await creator.logIn(login, password);
    await creator.get(`/works/${first}/confirm_delete`);
    const res = await creator.post(`/works/${first}/delete`, {});
    assert.ok(res.statusCode === 303, `delete answered ${res.statusCode}`);
    assert.equal(await db.selectFrom("works").select("id").where("id", "=", first).executeTakeFirst(), undefined);
    assert.equal((await db.selectFrom("kudos").select("id").where("work_id", "=", first).execute()).length, 0);
    assert.equal((await db.selectFrom("bookmarks").select("id").where("work_id", "=", first).execute()).length, 0);
    assert.equal((await db.selectFrom("bookmark_tags").select("name").execute()).length, 0);
    assertMatch((await ana.get("/users/ana/bookmarks")).body, /0 Bookmarks by ana/);
    await app.close();
  });
});

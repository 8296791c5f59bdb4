import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { addChapter } from "../works/commands.js";
import { markedForLaterAmong } from "./history.js";

const reader = loggedInUser;

const readingOf = (db: Db, userId: number, workId: number) => db.selectFrom("readings").selectAll().where("user_id", "=", userId).where("work_id", "=", workId).executeTakeFirst();

/** The blurbs' work ids on a listing page, in order. */
const listed = (html: string) => [...html.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1]));

test("history: visits recorded per reader (not creators, not guests), listed newest first with visits and updates", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, userId: creatorId, login, password } = await appWithUser(db, url);
    const first = await makeWork(db, pseudId, { title: "First Read" });
    const second = await makeWork(db, pseudId, { title: "Second Read" });
    const { client: ana, userId: anaId } = await reader(app, db, "ana");

    await ana.get(`/works/${first}`);
    await ana.get(`/works/${first}`);
    await ana.get(`/works/${second}`);
    const row = await readingOf(db, anaId, first);
    assert.equal(row?.view_count, 2);
    assert.equal(row?.marked_for_later, 0);
    const firstChapter = await db.selectFrom("chapters").select("id").where("work_id", "=", first).executeTakeFirstOrThrow();
    assert.equal(row?.last_chapter_id, firstChapter.id);

    // A chapter page records the chapter it showed.
    const newChapter = await addChapter(db, first, { title: "Two", summary: "", notes: "", endnotes: "", content: "<p>The second chapter's words.</p>" });
    await ana.get(`/works/${first}/chapters/${newChapter}`);
    assert.equal((await readingOf(db, anaId, first))?.last_chapter_id, newChapter);
    assert.equal((await readingOf(db, anaId, first))?.view_count, 3);

    // Newest visit first; the counts show.
    let page = await ana.get("/users/ana/readings");
    assert.equal(page.statusCode, 200);
    assert.deepEqual(listed(page.body), [first, second]);
    assertMatch(page.body, /History \(2 works\)/);
    assertMatch(page.body, /Visited 3 times/);
    assert.doesNotMatch(page.body, /Update available/);

    // A chapter posted after the last visit: "Update available" until the next visit.
    await addChapter(db, second, { title: "More", summary: "", notes: "", endnotes: "", content: "<p>A chapter posted after the visit.</p>" });
    page = await ana.get("/users/ana/readings");
    const secondBlurb = page.body.slice(page.body.indexOf(`<li id="work_${second}"`));
    assertMatch(secondBlurb, /\(Update available\.\)/);
    assert.doesNotMatch(page.body.slice(page.body.indexOf(`<li id="work_${first}"`), page.body.indexOf(`<li id="work_${second}"`)), /Update available/);
    await ana.get(`/works/${second}`);
    page = await ana.get("/users/ana/readings");
    assert.doesNotMatch(page.body, /Update available/);

    // Creators' own visits and guests' are not history.
    const creator = new Client(app);
    await creator.logIn(login, password);
    await creator.get(`/works/${first}`);
    assert.equal(await readingOf(db, creatorId, first), undefined);
    await new Client(app).get(`/works/${first}`);
    assert.equal((await db.selectFrom("readings").select("user_id").execute()).length, 2);
    await app.close();
  });
});

test("history: Marked for Later from the work page and the listings; markedForLaterAmong", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const later = await makeWork(db, pseudId, { title: "Read It Later" });
    const other = await makeWork(db, pseudId, { title: "Other Work" });
    const { client: ana, userId: anaId } = await reader(app, db, "ana");

    let page = await ana.get(`/works/${later}`);
    assertMatch(page.body, /<li class="mark"><form method="post" action="\/works\/\d+\/mark_for_later"><input type="hidden" name="authenticity_token"[^>]*><button type="submit">Mark for Later<\/button>/);
    // Without the CSRF token nothing changes.
    assert.equal((await ana.post(`/works/${later}/mark_for_later`, {}, { csrf: false })).statusCode, 403);
    assert.equal((await readingOf(db, anaId, later))?.marked_for_later, 0);

    let res = await ana.post(`/works/${later}/mark_for_later`, {});
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/works/${later}#feedback`);
    page = await ana.get(`/works/${later}`);
    assertMatch(page.body, /This work was added to your Marked for Later list\./);
    assertMatch(page.body, /action="\/works\/\d+\/mark_as_read"><input[^>]*><button type="submit">Mark as Read<\/button>/);
    // A work never opened can be marked from elsewhere too (its history row has no visits yet).
    res = await ana.post(`/works/${other}/mark_for_later`, { return_to: "/users/ana/readings?show=to-read" });
    assert.equal(res.headers.location, "/users/ana/readings?show=to-read");
    assert.equal((await readingOf(db, anaId, other))?.view_count, 0);

    page = await ana.get("/users/ana/readings?show=to-read");
    assertMatch(page.body, /Marked for Later \(2 works\)/);
    assert.deepEqual(listed(page.body).sort(), [later, other].sort());
    assertMatch(page.body, /\(Marked for Later\.\)/);

    assert.deepEqual([...(await markedForLaterAmong(db, anaId, [later, other, 999999]))].sort(), [later, other].sort());
    assert.deepEqual([...(await markedForLaterAmong(db, anaId, []))], []);

    // Mark as Read from the listing: off the Marked for Later list, still in history.
    res = await ana.post(`/works/${later}/mark_as_read`, { return_to: "/users/ana/readings?show=to-read" });
    assert.equal(res.statusCode, 303);
    page = await ana.get("/users/ana/readings?show=to-read");
    assert.deepEqual(listed(page.body), [other]);
    assertMatch(page.body, /This work was marked as read\./);
    page = await ana.get("/users/ana/readings");
    assert.deepEqual(listed(page.body).sort(), [later, other].sort());
    // An outside return address is not followed.
    res = await ana.post(`/works/${later}/mark_for_later`, { return_to: "//evil.example/" });
    assert.equal(res.headers.location, "/");

    // Guests are offered no button and are refused.
    page = await new Client(app).get(`/works/${later}`);
    assert.doesNotMatch(page.body, /Mark for Later/);
    assert.equal((await new Client(app).post(`/works/${later}/mark_for_later`, {})).statusCode, 401);
    await app.close();
  });
});

test("history: only its owner sees or changes it; delete one, clear all behind a confirmation, turn it off", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const a = await makeWork(db, pseudId, { title: "Work A" });
    const b = await makeWork(db, pseudId, { title: "Work B" });
    const { client: ana, userId: anaId } = await reader(app, db, "ana");
    const { client: ben } = await reader(app, db, "ben");
    await ana.get(`/works/${a}`);
    await ana.get(`/works/${b}`);

    // Someone else: refused on every page and action; a guest is sent to log in.
    assert.equal((await ben.get("/users/ana/readings")).statusCode, 403);
    assert.equal((await ben.get("/users/ana/readings?show=to-read")).statusCode, 403);
    assert.equal((await ben.post(`/users/ana/readings/${a}/delete`, {})).statusCode, 403);
    assert.equal((await ben.post("/users/ana/readings/clear", {})).statusCode, 403);
    assert.equal((await ben.post("/users/ana/readings/preference", { enabled: "0" })).statusCode, 403);
    const guest = await new Client(app).get("/users/ana/readings");
    assert.equal(guest.statusCode, 303);
    assert.match(String(guest.headers.location), /^\/users\/login/);
    assert.equal((await ben.get("/users/nobody/readings")).statusCode, 404);
    assert.equal((await db.selectFrom("readings").select("work_id").where("user_id", "=", anaId).execute()).length, 2);

    // Delete one (a second click says it is gone), then clear the rest after confirming.
    let res = await ana.post(`/users/ana/readings/${a}/delete`, {});
    assert.equal(res.statusCode, 303);
    let page = await ana.get("/users/ana/readings");
    assertMatch(page.body, /Work successfully deleted from your history\./);
    assert.deepEqual(listed(page.body), [b]);
    await ana.post(`/users/ana/readings/${a}/delete`, {});
    assertMatch((await ana.get("/users/ana/readings")).body, /That work is not in your history\./);
    page = await ana.get("/users/ana/readings/confirm_clear");
    assertMatch(page.body, /Are you sure you want to delete every work in your history/);
    assertMatch(page.body, /<form method="post" action="\/users\/ana\/readings\/clear">/);
    res = await ana.post("/users/ana/readings/clear", {});
    assert.equal(res.statusCode, 303);
    page = await ana.get("/users/ana/readings");
    assertMatch(page.body, /Your history is now cleared\./);
    assertMatch(page.body, /History \(0 works\)/);

    // Off: visits are no longer recorded (Marked for Later still works); on again: they are.
    res = await ana.post("/users/ana/readings/preference", { enabled: "0" });
    assert.equal(res.statusCode, 303);
    assertMatch((await ana.get("/users/ana/readings")).body, /Your history is off/);
    await ana.get(`/works/${a}`);
    assert.equal(await readingOf(db, anaId, a), undefined);
    await ana.post(`/works/${a}/mark_for_later`, {});
    assert.equal((await readingOf(db, anaId, a))?.marked_for_later, 1);
    page = await ana.get(`/works/${a}`);
    assertMatch(page.body, /Mark as Read/);
    assert.equal((await readingOf(db, anaId, a))?.view_count, 0, "still not recorded while off");
    await ana.post("/users/ana/readings/preference", { enabled: "1" });
    await ana.get(`/works/${b}`);
    assert.equal((await readingOf(db, anaId, b))?.view_count, 1);
    await app.close();
  });
});

test("history: works the owner may no longer see are left out of the listings and their counts", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const shown = await makeWork(db, pseudId, { title: "Still Here" });
    const hidden = await makeWork(db, pseudId, { title: "Gone Back To Draft" });
    const { client: ana } = await reader(app, db, "ana");
    for (const id of [shown, hidden]) {
      await ana.get(`/works/${id}`);
      await ana.post(`/works/${id}/mark_for_later`, {});
    }
    // The work is a draft again (as an admin's hiding would make it): its title must not show.
    await db.updateTable("works").set({ posted: 0 }).where("id", "=", hidden).execute();
    for (const path of ["/users/ana/readings", "/users/ana/readings?show=to-read"]) {
      const page = await ana.get(path);
      assert.deepEqual(listed(page.body), [shown]);
      assertMatch(page.body, /\(1 work\)/);
      assert.doesNotMatch(page.body, /Gone Back To Draft/);
    }
    await app.close();
  });
});

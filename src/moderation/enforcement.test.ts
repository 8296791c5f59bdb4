/**
 * Suspended and banned users read but do not contribute. The rule is enforced in one place (the
 * route table's `contributes` mark, checked in src/platform/http/server.tsx, and the JSON API's
 * endpoint mark, checked in src/api/plugin.ts). This file walks both tables: every state change
 * open to ordinary users is either a contribution or listed below with why a sanctioned user may
 * still do it, so a new route cannot arrive without that decision; then a suspended user is sent
 * to every contribution, on pages and through the API, and nothing changes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../../test/support/api.js";
import { assertMatch, loggedInUser, testConfig, workForm } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { createToken } from "../api/commands.js";
import { API_ENDPOINTS } from "../api/routes.js";
import { buildApp, ROUTES } from "../app.js";
import { postComment } from "../comments/commands.js";
import { downloadPath } from "../downloads/index.js";
import type { Db } from "../platform/db/index.js";
import { guardRoles } from "../platform/http/routes.js";
import { t as message } from "../platform/i18n/index.js";
import { createBookmark } from "../responses/commands.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { createPseud } from "../users/commands.js";
import { addChapter } from "../works/commands.js";
import { liftSanction, sanctionUser } from "./sanctions.js";

/** The page routes a suspended or banned user is refused: posting, commenting, kudos, bookmarking, editing, and their forms. */
const CONTRIBUTIONS = [
  "GET /works/new", "POST /works", "GET /works/:id/edit", "POST /works/:id", "POST /works/:id/post",
  "GET /works/:id/chapters/new", "POST /works/:id/chapters", "GET /works/:id/chapters/manage", "POST /works/:id/chapters/reorder",
  "GET /works/:id/chapters/:chapterId/edit", "POST /works/:id/chapters/:chapterId",
  // Deleting a chapter edits the work (deleting the whole work is leaving it: allowed below).
  "GET /works/:id/chapters/:chapterId/confirm_delete", "POST /works/:id/chapters/:chapterId/delete",
  "POST /works/:id/comments", "GET /comments/:id/reply", "GET /comments/:id/edit", "POST /comments/:id",
  "POST /works/:id/kudos",
  "GET /works/:id/bookmarks/new", "POST /works/:id/bookmarks", "GET /bookmarks/:id/edit", "POST /bookmarks/:id",
  "GET /series/:id/bookmarks/new", "POST /series/:id/bookmarks",
  "GET /series/:id/edit", "POST /series/:id",
  "GET /users/:login/pseuds/new", "POST /users/:login/pseuds", "GET /users/:login/pseuds/:pseud/edit", "POST /users/:login/pseuds/:pseud",
  "GET /users/:login/profile/edit", "POST /users/:login/profile",
  // Issue 15's other parts: becoming a co-creator puts their name on a work; news comments;
  // inviting people to the archive.
  "POST /users/:login/creatorships/:id/accept", "POST /admin_posts/:id/comments", "POST /users/:login/invitations",
];

/** State changes open to ordinary users that a sanctioned user keeps, and why. */
const ALLOWED_WHILE_SANCTIONED: Record<string, string> = {
  "POST /users/login": "Logging in: a sanctioned user may still read and see their account.",
  "POST /users/login/two_factor": "The second step of logging in.",
  "POST /users/logout": "Logging out.",
  "POST /signup": "A guest's; a logged-in user is not signing up.",
  "POST /claim/:token": "Taking an imported account with the link mailed to it: the owner setting their own password, like logging in.",
  "POST /setup": "The first admin's; there is nobody to sanction yet.",
  "POST /users/:login/password": "Their account's security.",
  "POST /users/:login/email": "Their account's address, where the admins' mail goes.",
  "POST /users/:login/two_factor/setup": "Their account's security.",
  "POST /users/:login/two_factor/enable": "Their account's security.",
  "POST /users/:login/two_factor/disable": "Their account's security.",
  "POST /users/:login/two_factor/recovery_codes": "Their account's security.",
  "POST /users/:login/api_tokens": "A token reads; the API refuses a sanctioned user's contributions itself.",
  "POST /users/:login/api_tokens/:id/revoke": "Revoking a token only takes away.",
  "POST /works/:id/delete": "Deleting their own work takes away, as deleting the account (which they may) would.",
  "POST /bookmarks/:id/delete": "Deleting their own bookmark takes away.",
  "POST /series/:id/delete": "Deleting their own series takes away.",
  "POST /users/:login/pseuds/:pseud/delete": "Deleting a pseud takes away (its works move to the default pseud).",
  "POST /comments/:id/delete": "Deleting a comment (their own, or one on their work) takes away.",
  "POST /comments/:id/approve": "Moderating comments on their own works publishes nothing of theirs.",
  "POST /comments/:id/freeze": "Moderating comments on their own works.",
  "POST /comments/:id/unfreeze": "Moderating comments on their own works.",
  "POST /users/:login/inbox": "Marking their inbox read or unread.",
  "POST /works/:id/mark_for_later": "Their private reading list.",
  "POST /works/:id/mark_as_read": "Their private reading list.",
  "POST /users/:login/readings/:workId/delete": "Their private history.",
  "POST /users/:login/readings/clear": "Their private history.",
  "POST /users/:login/readings/preference": "Their private history.",
  "POST /users/:login/blocked": "Protecting themselves from others.",
  "POST /users/:login/blocked/:targetId/delete": "Protecting themselves from others.",
  "POST /users/:login/muted": "What they are shown.",
  "POST /users/:login/muted/:targetId/delete": "What they are shown.",
  "POST /users/:login/subscriptions": "Following is reading.",
  "POST /users/:login/subscriptions/:id/delete": "Following is reading.",
  "POST /subscriptions/unsubscribe/:token": "Following is reading.",
  "POST /users/:login/notices/:id/dismiss": "Reading the admins' notices.",
  "POST /users/:login/creatorships/:id/decline": "Declining to be named on a work takes away.",
  "POST /works/:id/leave": "Leaving a work as its co-creator takes away.",
  "POST /abuse_reports": "Anyone may report abuse, a sanctioned user too (they may be the one harassed).",
  "POST /admin_post_comments/:id/delete": "Deleting their own news comment takes away.",
  "POST /banner/dismiss": "What they are shown.",
  "POST /users/:login/gifts/:workId/refuse": "Refusing a gift takes their name away.",
  "POST /users/:login/gifts/:workId/accept": "Taking back a gift they refused: their own name, nothing new written.",
  "POST /related_works/:id/approve": "Moderating links to their own works writes nothing of theirs.",
  "POST /related_works/:id/hide": "Moderating links to their own works takes away.",
  "POST /invite_requests": "A guest's; a logged-in user has an account already.",
  "POST /terms/accept": "Accepting the terms is what every user must do to go on reading.",
  "POST /orphans": "Orphaning their works takes their name away, as deleting the account (which they may) would.",
  "POST /users/:login/delete": "Leaving the archive is always allowed.",
  "POST /users/:login/takeout": "Taking a copy of their own things away: their works are theirs.",
};

/** Form pages (…/new, …/edit, …/reply) a sanctioned user may still open. */
const FORMS_ALLOWED: Record<string, string> = {
  "GET /users/:login/edit": "Their account page: password, email, two-factor; where they see their standing.",
  "GET /abuse_reports/new": "Anyone may report abuse, a sanctioned user too.",
  "GET /orphans/new": "Choosing works to orphan: leaving is allowed.",
};

/** JSON API endpoints that change state but are not contributions. */
const API_ALLOWED: Record<string, string> = {
  "DELETE /bookmarks/:id": "Deleting their own bookmark takes away.",
};

/** The API endpoints refused to a sanctioned user. */
const API_CONTRIBUTIONS = ["POST /works", "PATCH /works/:id", "POST /works/:id/chapters", "PATCH /works/:id/chapters/:chapterId", "POST /works/:id/kudos", "POST /works/:id/comments", "POST /works/:id/bookmarks", "PATCH /bookmarks/:id", "POST /series/:id/bookmarks"];

const keyOf = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

test("every state change open to users is a contribution or allowed to sanctioned users with a reason, on pages and in the API", () => {
  const marked = ROUTES.filter((r) => r.contributes).map(keyOf).sort();
  assert.deepEqual(marked, [...CONTRIBUTIONS].sort(), "the routes marked `contributes: true` are exactly the contributions listed here");
  const admin = (guard: (typeof ROUTES)[number]["guard"]) => guardRoles(guard).length > 0;
  const unclassified = ROUTES.filter((r) => r.method === "POST" && !r.contributes && !admin(r.guard) && !ALLOWED_WHILE_SANCTIONED[keyOf(r)]).map(keyOf);
  assert.deepEqual(unclassified, [], "a new state change: mark it `contributes: true` (posting, commenting, kudos, bookmarking, editing) or list it in ALLOWED_WHILE_SANCTIONED with the reason");
  const stale = Object.keys(ALLOWED_WHILE_SANCTIONED).filter((k) => !ROUTES.some((r) => keyOf(r) === k && !r.contributes));
  assert.deepEqual(stale, [], "listed routes that no longer exist (or became contributions)");
  const forms = ROUTES.filter((r) => r.method === "GET" && /\/(new|edit|reply)$/.test(r.url) && !admin(r.guard) && !r.contributes && !FORMS_ALLOWED[keyOf(r)]).map(keyOf);
  assert.deepEqual(forms, [], "a form page for a contribution is a contribution too (or list it in FORMS_ALLOWED)");

  const apiMarked = API_ENDPOINTS.filter((e) => e.contributes).map(keyOf).sort();
  assert.deepEqual(apiMarked, [...API_CONTRIBUTIONS].sort());
  const apiUnclassified = API_ENDPOINTS.filter((e) => e.method !== "GET" && !e.contributes && !API_ALLOWED[keyOf(e)]).map(keyOf);
  assert.deepEqual(apiUnclassified, [], "a new API state change: mark it `contributes: true` or list it in API_ALLOWED");
});

/** What contributions would change: compared before and after a sanctioned user tried them all. */
async function snapshot(db: Db) {
  return {
    works: await db.selectFrom("works").select(["id", "title", "posted", "summary", "updated_at", "kudos_count", "comments_count", "bookmarks_count"]).orderBy("id").execute(),
    chapters: await db.selectFrom("chapters").select(["id", "position", "content", "updated_at"]).orderBy("id").execute(),
    comments: await db.selectFrom("comments").select(["id", "content", "updated_at"]).orderBy("id").execute(),
    kudos: await db.selectFrom("kudos").select(["id"]).orderBy("id").execute(),
    bookmarks: await db.selectFrom("bookmarks").select(["id", "notes", "updated_at"]).orderBy("id").execute(),
    pseuds: await db.selectFrom("pseuds").select(["id", "name", "description"]).orderBy("id").execute(),
    series: await db.selectFrom("series").select(["id", "title", "updated_at"]).orderBy("id").execute(),
    profiles: await db.selectFrom("users").select(["id", "profile"]).orderBy("id").execute(),
  };
}

test("a suspended or banned user is refused every contribution, on pages and through the API, and keeps reading", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
    const other = await loggedInUser(app, db, "other_ola");
    const writer = await loggedInUser(app, db, "writer_wes");
    const ownWork = await makeWork(db, writer.pseudId, { title: "Own Work" });
    const chapterId = await addChapter(db, ownWork, { title: "Two", summary: "", notes: "", endnotes: "", content: "<p>Second chapter.</p>" });
    const theirWork = await makeWork(db, other.pseudId, { title: "Their Work" });
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [writer.pseudId], "Own Series");
      await addWorkToSeries(trx, id, ownWork, null);
      return id;
    });
    const comment = await postComment(db, { workId: theirWork, creatorUserIds: [other.userId], chapterId: null, parent: null, author: { userId: writer.userId }, input: { content: "<p>Lovely.</p>", guest: null, token: null }, held: false });
    const bookmark = await createBookmark(db, writer.userId, theirWork, { notes: "", tags: [], private: false, rec: false });
    assert.ok(bookmark.created);
    await createPseud(db, writer.userId, "Second Self", "");
    const token = (await createToken(db, writer.userId, "tool", "write")).token;

    assert.ok((await sanctionUser(db, policy.userId, writer.userId, { kind: "suspended", days: 30, reason: "Harassment.", hideWorks: false })).ok);
    const before = await snapshot(db);

    const concrete = (pattern: string) =>
      pattern
        .replace(/^\/works\/:id\/(kudos|comments|bookmarks)/, `/works/${theirWork}/$1`)
        .replace(":chapterId", String(chapterId))
        .replace(/^\/works\/:id/, `/works/${ownWork}`)
        .replace(/^\/comments\/:id/, `/comments/${comment.id}`)
        .replace(/^\/bookmarks\/:id/, `/bookmarks/${bookmark.created ? bookmark.id : 0}`)
        .replace(/^\/series\/:id/, `/series/${seriesId}`)
        .replace(":login", "writer_wes")
        .replace(":pseud", "Second%20Self");
    const body = {
      ...workForm(writer.pseudId, { "work[title]": "Changed" }),
      "comment[comment_content]": "Changed.",
      "bookmark[notes]": "Changed.",
      "pseud[name]": "Third Self",
      "user[profile]": "Changed.",
      "series[title]": "Changed",
      [`position[${chapterId}]`]: "1",
    };
    for (const key of CONTRIBUTIONS) {
      const [method, pattern] = key.split(" ") as ["GET" | "POST", string];
      const path = concrete(pattern);
      const res = method === "GET" ? await writer.client.get(path) : await writer.client.post(path, body);
      assert.equal(res.statusCode, 403, `${key} (${path})`);
      assertMatch(res.body, /Your account is suspended until \d{4}-\d\d-\d\d at \d\d:\d\d UTC\./, key);
      assert.ok(res.body.includes("Harassment."), `${key}: the reason is given`);
    }

    const api = new ApiClient(app, token);
    for (const key of API_CONTRIBUTIONS) {
      const [method, pattern] = key.split(" ") as ["POST" | "PATCH", string];
      const res = await api.request(method, concrete(pattern), { title: "Changed", content: "Changed.", notes: "Changed." });
      assert.equal(res.status, 403, `API ${key}`);
      assert.equal(res.body.code, "ACCOUNT_SUSPENDED", `API ${key}`);
      assert.match(res.body.detail, /Harassment\./);
    }
    assert.deepEqual(await snapshot(db), before, "nothing a sanctioned user tried changed anything");

    // What they keep: reading, their account, their downloads, their API reads, taking things away.
    assert.equal((await writer.client.get(`/works/${theirWork}`)).statusCode, 200);
    assert.equal((await writer.client.get("/users/writer_wes/edit")).statusCode, 200);
    const work = await db.selectFrom("works").select(["id", "title", "updated_at"]).where("id", "=", ownWork).executeTakeFirstOrThrow();
    assert.equal((await writer.client.get(downloadPath(work, "html"))).statusCode, 200);
    assert.equal((await api.get(`/works/${theirWork}`)).status, 200);
    assert.equal((await api.delete(`/bookmarks/${bookmark.created ? bookmark.id : 0}`)).status, 204);
    assert.equal((await writer.client.post(`/works/${ownWork}/delete`, {})).statusCode, 303);
    assert.equal((await writer.client.post("/users/logout", {})).statusCode, 303);
    assert.equal((await writer.client.logIn("writer_wes", "reader password 1")).statusCode, 303, "a sanctioned user logs in");

    // A ban says so; lifted, they contribute again.
    assert.ok((await sanctionUser(db, policy.userId, writer.userId, { kind: "banned", reason: "Repeated harassment.", hideWorks: false })).ok);
    const refused = await writer.client.post(`/works/${theirWork}/kudos`, {});
    assert.equal(refused.statusCode, 403);
    assert.ok(refused.body.includes(message("sanctions.you_are_banned")));
    assert.equal((await api.post(`/works/${theirWork}/kudos`)).body.code, "ACCOUNT_BANNED");
    await liftSanction(db, policy.userId, writer.userId, { reason: "", unhideWorks: false });
    assert.equal((await writer.client.post(`/works/${theirWork}/kudos`, {})).statusCode, 303);
    assert.equal((await api.post(`/works/${theirWork}/comments`, { content: "Back again." })).status, 201);
    await writer.client.get("/works/new");
    assert.equal((await writer.client.post("/works", workForm(writer.pseudId))).statusCode, 303);
    await app.close();
  });
});

test("guests and users in good standing are not touched by the rule", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const other = await loggedInUser(app, db, "other_ola");
    const workId = await makeWork(db, other.pseudId);
    const reader = await loggedInUser(app, db, "reader_rue");
    assert.equal((await reader.client.post(`/works/${workId}/kudos`, {})).statusCode, 303);
    assert.equal((await reader.client.get("/works/new")).statusCode, 200);
    await app.close();
  });
});

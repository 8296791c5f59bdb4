import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app.js";
import { createToken } from "../api/commands.js";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { bylineOf, PASSWORD, seedLeaving, seriesBylineOf } from "../../test/support/leaving.js";
import { deleteAccount } from "./commands.js";
import { requestTakeout } from "./takeout.js";

// Deleting an account: a confirmation page asking for the password and what becomes of the works;
// everything else of the user's goes in one transaction; orphaned works stay readable.

async function loggedIn(app: FastifyInstance, login: string): Promise<Client> {
  const client = new Client(app);
  assert.equal((await client.logIn(login, PASSWORD)).statusCode, 303, `${login} logs in`);
  return client;
}

const count = async (db: any, table: string, column: string, value: number) => Number((await db.selectFrom(table).select((eb: any) => eb.fn.countAll().as("n")).where(column, "=", value).executeTakeFirstOrThrow()).n);

/** What is left of the user anywhere, by table. */
async function traces(db: any, userId: number) {
  const out: Record<string, number> = {};
  for (const [table, column] of [
    ["users", "id"],
    ["pseuds", "user_id"],
    ["sessions", "user_id"],
    ["api_tokens", "user_id"],
    ["bookmarks", "user_id"],
    ["kudos", "user_id"],
    ["readings", "user_id"],
    ["subscriptions", "user_id"],
    ["comments", "user_id"],
    ["takeouts", "user_id"],
    ["user_roles", "user_id"],
    ["login_events", "user_id"],
  ] as const) {
    out[table] = await count(db, table, column, userId);
  }
  out["subscriptions to them"] = Number((await db.selectFrom("subscriptions").select((eb: any) => eb.fn.countAll().as("n")).where("kind", "=", "user").where("target_id", "=", userId).executeTakeFirstOrThrow()).n);
  return out;
}

const NOTHING = { users: 0, pseuds: 0, sessions: 0, api_tokens: 0, bookmarks: 0, kudos: 0, readings: 0, subscriptions: 0, comments: 0, takeouts: 0, user_roles: 0, login_events: 0, "subscriptions to them": 0 };

test("deleting an account and orphaning its works: they stay readable under the orphan account", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const seed = await seedLeaving(db);
    const { byMoth, byDefault, shared, draft, sharedDraft, othersWork } = seed.works;
    await createToken(db, seed.writer.id, "reader app", "read");
    await requestTakeout(db, seed.writer.id);
    const app = await buildApp(testConfig(url), db);
    const writer = await loggedIn(app, "lampwright");
    const othersBefore = await db.selectFrom("works").select(["kudos_count", "bookmarks_count"]).where("id", "=", othersWork).executeTakeFirstOrThrow();

    const page = await writer.get("/users/lampwright/delete");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /cannot be undone/);
    assert.match(page.body, /3 posted, 2 drafts; your series: 1/);
    assert.match(page.body, /name="delete\[password\]"/);
    assert.match(page.body, /name="delete\[works\]"/);

    // Bad input: the form again, with a message per field; nothing deleted.
    const empty = await writer.post("/users/lampwright/delete", {});
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Please choose what happens to your works/);
    assert.match(empty.body, /Please type your password/);
    const wrong = await writer.post("/users/lampwright/delete", { "delete[works]": "orphan_keep", "delete[password]": "not the password" });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /checked="" value="orphan_keep"|value="orphan_keep" checked/, "the choice is kept");
    assert.equal(await count(db, "users", "id", seed.writer.id), 1);
    // Someone else's account: refused.
    assert.equal((await writer.get("/users/tidewatcher/delete")).statusCode, 403);
    assert.equal((await writer.post("/users/tidewatcher/delete", { "delete[works]": "delete", "delete[password]": PASSWORD })).statusCode, 403);

    const done = await writer.post("/users/lampwright/delete", { "delete[works]": "orphan_keep", "delete[password]": PASSWORD });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/account_deleted?works=orphaned");
    const after = await writer.get(String(done.headers.location));
    assert.match(after.body, /Your works remain on the archive under the orphan account/);
    assert.doesNotMatch(after.body, /lampwright/, "logged out");

    assert.deepEqual(await traces(db, seed.writer.id), NOTHING, "nothing of the account is left");
    assert.deepEqual(await bylineOf(db, byMoth), ["Moth (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, byDefault), ["lampwright (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, shared), ["lampwright (orphan_account)", "tidewatcher (tidewatcher)"]);
    assert.deepEqual(await seriesBylineOf(db, seed.seriesId), ["Moth (orphan_account)"]);
    assert.equal(await count(db, "works", "id", draft), 0, "the writer's own draft is deleted");
    assert.deepEqual(await bylineOf(db, sharedDraft), ["tidewatcher (tidewatcher)"], "a shared draft stays with its co-creator");
    // Responses to the orphaned works stay; the writer's own responses go, with the counters.
    const moth = await db.selectFrom("works").select(["kudos_count", "bookmarks_count", "comments_count"]).where("id", "=", byMoth).executeTakeFirstOrThrow();
    assert.deepEqual(moth, { kudos_count: 2, bookmarks_count: 1, comments_count: 1 });
    const others = await db.selectFrom("works").select(["kudos_count", "bookmarks_count"]).where("id", "=", othersWork).executeTakeFirstOrThrow();
    assert.equal(others.kudos_count, othersBefore.kudos_count - 1, "their kudos went");
    assert.equal(others.bookmarks_count, othersBefore.bookmarks_count, "a private bookmark was never counted");
    assert.equal((await db.selectFrom("works").select("bookmarks_count").where("id", "=", byDefault).executeTakeFirstOrThrow()).bookmarks_count, 0, "their public bookmark's count went");
    const comment = await db.selectFrom("comments").select(["user_id", "content"]).where("id", "=", seed.writerComment).executeTakeFirstOrThrow();
    assert.equal(comment.user_id, null, "their comment stays, from a deleted account");
    assert.match(String(comment.content), /The shore, at last/);

    // A guest reads the orphaned works, listed under the orphan account.
    const guest = new Client(app);
    const work = await guest.get(`/works/${byMoth}`);
    assert.equal(work.statusCode, 200);
    assert.match(work.body, /Moth \(orphan_account\)/);
    assert.match((await guest.get("/users/orphan_account/works")).body, /Salt and Light/);
    assert.equal((await guest.get("/users/lampwright")).statusCode, 404);
    const thread = await guest.get(`/works/${othersWork}?show_comments=true`);
    assert.match(thread.body, /The shore, at last/);
    await app.close();
  });
});

test("deleting an account with its works: shared works are left to their co-creators, never deleted", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const seed = await seedLeaving(db);
    const { byMoth, byDefault, shared, draft, sharedDraft } = seed.works;
    const app = await buildApp(testConfig(url), db);
    const writer = await loggedIn(app, "lampwright");
    const done = await writer.post("/users/lampwright/delete", { "delete[works]": "delete", "delete[password]": PASSWORD });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/account_deleted?works=deleted");
    assert.deepEqual(await traces(db, seed.writer.id), NOTHING);
    for (const id of [byMoth, byDefault, draft]) assert.equal(await count(db, "works", "id", id), 0, `work ${id} deleted`);
    assert.equal(await count(db, "series", "id", seed.seriesId), 0, "their series deleted");
    assert.deepEqual(await bylineOf(db, shared), ["tidewatcher (tidewatcher)"], "the shared work stays, theirs alone");
    assert.deepEqual(await bylineOf(db, sharedDraft), ["tidewatcher (tidewatcher)"]);
    assert.equal((await db.selectFrom("users").select("id").where("login", "=", "orphan_account").execute()).length, 0, "nothing was orphaned");
    // Deleted works are gone from listings (the change feed said so) and from readers' bookmarks.
    const guest = new Client(app);
    assert.equal((await guest.get(`/works/${byMoth}`)).statusCode, 404);
    assert.doesNotMatch((await guest.get("/works")).body, /Salt and Light|Fog Bell/);
    assert.match((await guest.get("/works")).body, /Two Keepers/);
    assert.equal(await count(db, "bookmarks", "user_id", seed.reader.id), 0, "the reader's bookmark of a deleted work went with it");
    await app.close();
  });
});

test("orphaning without names on deletion; an account without works; the last superadmin stays; two deletions at once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const seed = await seedLeaving(db);
    const removed = await deleteAccount(db, seed.writer.id, "orphan_remove");
    assert.ok(removed.ok);
    assert.deepEqual(await bylineOf(db, seed.works.byMoth), ["orphan_account (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, seed.works.shared), ["orphan_account (orphan_account)", "tidewatcher (tidewatcher)"]);
    assert.deepEqual(await seriesBylineOf(db, seed.seriesId), ["orphan_account (orphan_account)"]);

    // A reader without works: no choice asked.
    const app = await buildApp(testConfig(url), db);
    const reader = await loggedIn(app, "harbourreader");
    const page = await reader.get("/users/harbourreader/delete");
    assert.doesNotMatch(page.body, /name="delete\[works\]"/);
    assert.match(page.body, /You have no works/);
    assert.equal((await reader.post("/users/harbourreader/delete", { "delete[password]": PASSWORD })).statusCode, 303);
    assert.equal(await count(db, "users", "id", seed.reader.id), 0);

    // The only superadmin cannot leave the archive without one.
    await db.insertInto("user_roles").values({ user_id: seed.coCreator.id, role: "admin" }).execute();
    const admin = await loggedIn(app, "tidewatcher");
    const refused = await admin.get("/users/tidewatcher/delete");
    assert.match(refused.body, /only superadmin/);
    assert.doesNotMatch(refused.body, /name="delete\[password\]"/);
    assert.equal((await admin.post("/users/tidewatcher/delete", { "delete[works]": "delete", "delete[password]": PASSWORD })).statusCode, 409);
    assert.deepEqual(await deleteAccount(db, seed.coCreator.id, "delete"), { ok: false, problem: "last_admin" });
    assert.equal(await count(db, "users", "id", seed.coCreator.id), 1);

    // Two superadmins leaving at once: one may go, the other is then the last.
    const second = await db.insertInto("users").values({ login: "keeper2", login_key: "keeper2", email: "k@example.org", password_hash: "x", created_at: new Date().toISOString() }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("user_roles").values({ user_id: second.id, role: "admin" }).execute();
    const both = await Promise.all([deleteAccount(db, seed.coCreator.id, "delete"), deleteAccount(db, second.id, "delete")]);
    assert.deepEqual(both.map((r) => (r.ok ? "deleted" : r.problem)).sort(), ["deleted", "last_admin"]);
    assert.equal((await db.selectFrom("user_roles").select("user_id").where("role", "=", "admin").execute()).length, 1, "one superadmin is left");

    // Two submits at once: one deletes, the other finds nothing left.
    const made = await db.insertInto("users").values({ login: "twice", login_key: "twice", email: "t@example.org", password_hash: "x", created_at: new Date().toISOString() }).returning("id").executeTakeFirstOrThrow();
    const results = await Promise.all([deleteAccount(db, made.id, "delete"), deleteAccount(db, made.id, "delete")]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    assert.deepEqual(results.find((r) => !r.ok), { ok: false, problem: "gone" });
    await app.close();
  });
});

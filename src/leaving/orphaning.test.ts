import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app.js";
import { Client, signupForm, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { bylineOf, PASSWORD, seedLeaving, seriesBylineOf } from "../../test/support/leaving.js";
import { orphanWorks } from "./commands.js";
import { ORPHAN_PASSWORD_MARK } from "./orphan-account.js";
import { passwordLogIn } from "../users/index.js";

// Orphaning (as AO3): one work, several, or all, to the orphan account, keeping the pseud's name
// or taking it off; the works stay posted with their responses and series; co-creators keep their
// place; the listing index and search hear of the new byline.

async function loggedIn(app: FastifyInstance, login: string): Promise<Client> {
  const client = new Client(app);
  const res = await client.logIn(login, PASSWORD);
  assert.equal(res.statusCode, 303, `${login} logs in`);
  return client;
}

test("orphaning one work keeps the pseud's name, another takes it off; co-creators keep their place", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const seed = await seedLeaving(db);
    const app = await buildApp(testConfig(url), db);
    const writer = await loggedIn(app, "lampwright");
    const guest = new Client(app);
    const { byMoth, byDefault, shared, draft, othersWork } = seed.works;
    const before = await db.selectFrom("works").select(["kudos_count", "bookmarks_count", "comments_count"]).where("id", "=", byMoth).executeTakeFirstOrThrow();
    const feedBefore = Number((await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("m")).executeTakeFirstOrThrow()).m ?? 0);

    // The confirmation page: what happens, that it cannot be undone, and the choice.
    const confirm = await writer.get(`/orphans/new?work_id=${byMoth}`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /cannot be undone/);
    assert.match(confirm.body, /Salt and Light/);
    assert.match(confirm.body, /name="orphan\[keep_pseud\]"/);

    // No choice made: the same page again, with the message beside the choice.
    const unchosen = await writer.post("/orphans", { "orphan[work_ids][]": String(byMoth) });
    assert.equal(unchosen.statusCode, 422);
    assert.match(unchosen.body, /Please choose whether your pseud/);
    assert.deepEqual(await bylineOf(db, byMoth), ["Moth (lampwright)"], "nothing orphaned yet");

    const kept = await writer.post("/orphans", { "orphan[work_ids][]": String(byMoth), "orphan[keep_pseud]": "1" });
    assert.equal(kept.statusCode, 303);
    assert.equal(kept.headers.location, "/users/lampwright");
    assert.deepEqual(await bylineOf(db, byMoth), ["Moth (orphan_account)"], "the pseud's name stays, held by the orphan account");

    const removed = await writer.post("/orphans", { "orphan[work_ids][]": [String(byDefault), String(shared)], "orphan[keep_pseud]": "0" });
    assert.equal(removed.statusCode, 303);
    assert.deepEqual(await bylineOf(db, byDefault), ["orphan_account (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, shared), ["orphan_account (orphan_account)", "tidewatcher (tidewatcher)"], "the co-creator keeps their place");

    // The works stay posted with their kudos, comments, bookmarks and series.
    const after = await db.selectFrom("works").select(["posted", "kudos_count", "bookmarks_count", "comments_count", "creators_sort"]).where("id", "=", byMoth).executeTakeFirstOrThrow();
    assert.equal(after.posted, 1);
    assert.deepEqual({ k: after.kudos_count, b: after.bookmarks_count, c: after.comments_count }, { k: before.kudos_count, b: before.bookmarks_count, c: before.comments_count });
    assert.equal(after.creators_sort.toLowerCase().includes("moth"), true);
    assert.equal((await db.selectFrom("comments").select("id").where("work_id", "=", byMoth).execute()).length, 1);
    assert.equal((await db.selectFrom("serial_works").select("work_id").where("series_id", "=", seed.seriesId).execute()).length, 2, "still in the series");
    assert.deepEqual(await seriesBylineOf(db, seed.seriesId), ["Moth (lampwright)"], "orphaning a work leaves the series the writer's");

    // The listing index and search heard of it (change-feed rows in the same transaction).
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", feedBefore).execute();
    for (const id of [byMoth, byDefault, shared]) assert.ok(feed.some((row) => row.work_id === id && row.kind === "work"), `a change-feed row for work ${id}`);
    const orphanListing = await guest.get("/users/orphan_account/works");
    assert.equal(orphanListing.statusCode, 200);
    for (const title of ["Salt and Light", "Fog Bell", "Two Keepers"]) assert.match(orphanListing.body, new RegExp(title), `${title} listed under the orphan account`);
    const writerListing = await guest.get("/users/lampwright/works");
    assert.doesNotMatch(writerListing.body, /Salt and Light|Fog Bell|Two Keepers/, "no longer listed under the writer");
    const page = await guest.get(`/works/${byMoth}`);
    assert.equal(page.statusCode, 200, "a guest still reads it");
    assert.match(page.body, /Moth \(orphan_account\)/);
    const found = await guest.get(`/works/search?work_search[query]=${encodeURIComponent("orphan_account")}`);
    assert.match(found.body, /Fog Bell/, "search finds it under its new creator");

    // No longer the writer's: not editable, not orphanable again.
    assert.notEqual((await writer.get(`/works/${byMoth}/edit`)).statusCode, 200);
    assert.equal((await writer.post("/orphans", { "orphan[work_ids][]": String(byMoth), "orphan[keep_pseud]": "1" })).statusCode, 404);

    // Refusals: someone else's work, a draft, ids that are not ids.
    assert.equal((await writer.get(`/orphans/new?work_id=${othersWork}`)).statusCode, 404);
    assert.equal((await writer.post("/orphans", { "orphan[work_ids][]": String(othersWork), "orphan[keep_pseud]": "0" })).statusCode, 404);
    const draftRefused = await writer.post("/orphans", { "orphan[work_ids][]": String(draft), "orphan[keep_pseud]": "0" });
    assert.equal(draftRefused.statusCode, 422);
    assert.match(draftRefused.body, /Drafts cannot be orphaned/);
    assert.equal((await writer.get("/orphans/new?work_id=abc")).statusCode, 404);
    assert.equal((await writer.post("/orphans", { "orphan[keep_pseud]": "0" })).statusCode, 422);
    assert.deepEqual(await bylineOf(db, othersWork), ["tidewatcher (tidewatcher)"]);
    assert.deepEqual(await bylineOf(db, draft), ["lampwright (lampwright)"]);

    // The orphan account: nobody logs in as it, nobody signs up as it.
    const orphanRow = await db.selectFrom("users").select(["password_hash", "email"]).where("login", "=", "orphan_account").executeTakeFirstOrThrow();
    assert.equal(orphanRow.password_hash, ORPHAN_PASSWORD_MARK);
    assert.equal((await new Client(app).logIn("orphan_account", ORPHAN_PASSWORD_MARK)).statusCode, 401);
    for (const password of ["", "password"]) assert.ok(!["ok", "second_factor"].includes((await passwordLogIn(db, "orphan_account", password, { address: "192.0.2.1", userAgent: "test" })).kind));
    await app.close();
  });
});

test("orphaning all works (and series), with and without the pseud's name; drafts stay", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const seed = await seedLeaving(db);
    const { byMoth, byDefault, shared, draft, sharedDraft } = seed.works;
    const app = await buildApp(testConfig(url), db);
    const writer = await loggedIn(app, "lampwright");

    const chooser = await writer.get("/orphans/new");
    assert.equal(chooser.statusCode, 200);
    assert.match(chooser.body, /Fog Bell/);
    assert.doesNotMatch(chooser.body, /Unfinished Tide/, "drafts are not offered");
    const confirmAll = await writer.get("/orphans/new?all=true");
    assert.equal(confirmAll.statusCode, 200);
    assert.match(confirmAll.body, /every posted work of yours \(3\) and every series of yours \(1\)/);

    const res = await writer.post("/orphans", { "orphan[all]": "1", "orphan[keep_pseud]": "1" });
    assert.equal(res.statusCode, 303);
    assert.deepEqual(await bylineOf(db, byMoth), ["Moth (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, byDefault), ["lampwright (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, shared), ["lampwright (orphan_account)", "tidewatcher (tidewatcher)"]);
    assert.deepEqual(await seriesBylineOf(db, seed.seriesId), ["Moth (orphan_account)"], "the series goes with them");
    assert.deepEqual(await bylineOf(db, draft), ["lampwright (lampwright)"], "a draft stays the writer's");
    assert.deepEqual(await bylineOf(db, sharedDraft), ["tidewatcher (tidewatcher)", "lampwright (lampwright)"]);
    // The orphan account's pseuds carry the names only.
    const pseuds = await db.selectFrom("pseuds").innerJoin("users", "users.id", "pseuds.user_id").select(["pseuds.name", "pseuds.description", "pseuds.is_default"]).where("users.login", "=", "orphan_account").execute();
    assert.deepEqual(pseuds.map((p) => [p.name, p.description, p.is_default]).sort(), [["Moth", "", 0], ["lampwright", "", 0], ["orphan_account", "", 1]]);
    assert.equal((await writer.get("/orphans/new?all=true")).statusCode, 200, "nothing left: says so");
    assert.equal((await writer.post("/orphans", { "orphan[all]": "1", "orphan[keep_pseud]": "1" })).statusCode, 422);

    // Another writer orphans everything without names: one orphan account, its default pseud.
    const other = await orphanWorks(db, seed.coCreator.id, { kind: "all" }, false);
    assert.ok(other.ok);
    assert.deepEqual(await bylineOf(db, shared), ["lampwright (orphan_account)", "orphan_account (orphan_account)"]);
    assert.deepEqual(await bylineOf(db, seed.works.othersWork), ["orphan_account (orphan_account)"]);
    assert.equal((await db.selectFrom("users").select("id").where("login", "=", "orphan_account").execute()).length, 1);
    await app.close();
  });
});

test("two orphanings at once make one orphan account and one byline (PostgreSQL races, SQLite too)", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const seed = await seedLeaving(db);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => orphanWorks(db, seed.writer.id, { kind: "works", workIds: [seed.works.byMoth, seed.works.shared] }, i % 2 === 0)),
    );
    assert.ok(results.some((r) => r.ok && r.value.works.length === 2), "one of them orphaned both works");
    assert.equal((await db.selectFrom("users").select("id").where("login", "=", "orphan_account").execute()).length, 1, "one orphan account");
    const byline = await bylineOf(db, seed.works.shared);
    assert.equal(byline.length, 2);
    assert.equal(byline[1], "tidewatcher (tidewatcher)");
    assert.match(byline[0]!, /\(orphan_account\)$/);
  });
});

test("the orphan account's name is kept: nobody signs up as it before it exists", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    await guest.get("/signup");
    const res = await guest.post("/signup", signupForm("Orphan_Account"));
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /already taken/);
    assert.equal((await db.selectFrom("users").select("id").execute()).length, 0);
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { queryCounter } from "../../test/support/query-count.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { deleteWork } from "../works/commands.js";
import { looksLikeBot } from "./hits.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

/** A page view from an address with a User-Agent, as a browser without cookies sends it. */
const view = (app: FastifyInstance, workId: number, ip: string, userAgent = FIREFOX) =>
  app.inject({ method: "GET", url: `/works/${workId}`, remoteAddress: ip, headers: { "user-agent": userAgent } });

const hitsOf = async (db: Db, workId: number) => (await db.selectFrom("works").select("hits_count").where("id", "=", workId).executeTakeFirstOrThrow()).hits_count;
const daily = (db: Db, workId: number) => db.selectFrom("work_hits_daily").select(["day", "hits"]).where("work_id", "=", workId).orderBy("day").execute();
const today = () => new Date().toISOString().slice(0, 10);

test("hits: one per address or user per work per day, held across a flush and across two processes", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const feedBefore = Number((await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0);

    for (let i = 0; i < 3; i++) assert.equal((await view(app, workId, "203.0.113.7")).statusCode, 200);
    await view(app, workId, "198.51.100.9");
    await view(app, workId, "2001:db8::1");
    await view(app, workId, "2001:db8::2"); // the same IPv6 /64: the same guest
    await createUser(db, { login: "ana", email: "ana@example.com", password: "reader password 1" });
    const ana = new Client(app);
    await ana.logIn("ana", "reader password 1");
    await ana.get(`/works/${workId}`);
    await ana.get(`/works/${workId}?view_full_work=true`);

    // Buffered in memory: nothing written while the pages were served.
    assert.equal(await hitsOf(db, workId), 0);
    assert.equal((await db.selectFrom("hit_visits").select("day").execute()).length, 0);
    assert.equal(await app.hits.flush(), 4);
    assert.equal(await hitsOf(db, workId), 4);
    assert.deepEqual(await daily(db, workId), [{ day: today(), hits: 4 }]);
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", feedBefore).execute();
    assert.deepEqual(feed, [{ work_id: workId, kind: "work" }], "one change-feed row per flushed work, so listings re-sort by hits");

    // After the flush, the same visitors count nothing more today.
    await view(app, workId, "203.0.113.7");
    await ana.get(`/works/${workId}`);
    assert.equal(await app.hits.flush(), 0);
    assert.equal(await hitsOf(db, workId), 4);

    // A second process over the same database (same secret) shares the dedup keys.
    const other = await buildApp(testConfig(url), db);
    await view(other, workId, "198.51.100.9");
    await view(other, workId, "192.0.2.55");
    assert.equal(await other.hits.flush(), 1);
    // Both processes flushing the same new visitor at once: counted once.
    await view(app, workId, "192.0.2.77");
    await view(other, workId, "192.0.2.77");
    const both = await Promise.allSettled([app.hits.flush(), other.hits.flush()]);
    assert.deepEqual(both.map((r) => r.status), ["fulfilled", "fulfilled"]);
    assert.equal(both.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0), 1);
    assert.equal(await hitsOf(db, workId), 6);

    // The next UTC day counts the same visitor again, on its own day of the chart.
    const tomorrow = new Date(Date.now() + 86_400_000);
    app.hits.note(workId, "address:203.0.113.7", tomorrow);
    assert.equal(await app.hits.flush(), 1);
    assert.deepEqual(await daily(db, workId), [{ day: today(), hits: 6 }, { day: tomorrow.toISOString().slice(0, 10), hits: 1 }]);
    assert.equal(await hitsOf(db, workId), 7);

    // Closing an app writes what it still holds.
    await view(other, workId, "192.0.2.99");
    await other.close();
    assert.equal(await hitsOf(db, workId), 8);
    // Shown in the work's stats and its blurb, as AO3 marks them up.
    assertMatch((await view(app, workId, "192.0.2.100")).body, /<dt class="hits">Hits:<\/dt><dd class="hits">8<\/dd>/);
    assertMatch((await app.inject({ method: "GET", url: "/works" })).body, /<dt class="hits">Hits:<\/dt><dd class="hits">8<\/dd><\/dl>/);
    await app.close();
  });
});

test("hits: the work's creators, robots and drafts are not counted", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const draftId = await makeWork(db, pseudId, { draft: true });

    const creator = new Client(app);
    await creator.logIn(login, password);
    assert.equal((await creator.get(`/works/${workId}`)).statusCode, 200);
    assert.equal((await creator.get(`/works/${draftId}`)).statusCode, 200);
    for (const ua of ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32", ""]) {
      assert.equal((await view(app, workId, "203.0.113.50", ua)).statusCode, 200);
    }
    assert.equal(app.hits.buffered, 0);
    assert.equal(await app.hits.flush(), 0);
    assert.equal(await hitsOf(db, workId), 0);
    // A reader's view of the same work does count.
    await view(app, workId, "203.0.113.50");
    assert.equal(await app.hits.flush(), 1);
    await app.close();
  });
});

test("hits: a work deleted before the flush is skipped; old dedup keys are pruned", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const kept = await makeWork(db, pseudId);
    const gone = await makeWork(db, pseudId);
    await db.insertInto("hit_visits").values({ day: "2001-01-01", work_id: kept, visitor: "old" }).execute();
    await view(app, kept, "203.0.113.1");
    await view(app, gone, "203.0.113.1");
    await deleteWork(db, gone);
    assert.equal(await app.hits.flush(), 1);
    assert.equal(await hitsOf(db, kept), 1);
    assert.deepEqual(await db.selectFrom("hit_visits").select("day").where("day", "=", "2001-01-01").execute(), []);
    await app.close();
  });
});

test("hits: which User-Agents are robots", () => {
  for (const ua of [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "facebookexternalhit/1.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
    "Wget/1.21",
    "Go-http-client/1.1",
    "",
    undefined,
  ]) {
    assert.equal(looksLikeBot(ua), true, String(ua));
  }
  for (const ua of [
    FIREFOX,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  ]) {
    assert.equal(looksLikeBot(ua), false, ua);
  }
});

test("hits and history add no query that grows: a view runs the same queries counted or not, none on the hit tables", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const counter = queryCounter(db);
    const app = await buildApp(testConfig(url), counter.db);
    const { pseudId } = await makeCreator(db, "maker");
    const workId = await makeWork(db, pseudId);
    const inject = (ip: string) => app.inject({ method: "GET", url: `/works/${workId}`, remoteAddress: ip, headers: { "user-agent": FIREFOX } });
    await inject("192.0.2.1"); // warm up anything cached per process
    const counted = await counter.count(() => inject("192.0.2.2"));
    const repeated = await counter.count(() => inject("192.0.2.2"));
    assert.equal(counted.result.statusCode, 200);
    assert.equal(app.hits.buffered, 2);
    assert.equal(counted.queries, repeated.queries);
    assert.ok(counted.sql.every((q) => !/hit_visits|work_hits_daily|hits_count/.test(q)), counted.sql.join("\n"));

    // A reader with a long history costs the same as one with none.
    const few = new Client(app);
    const many = new Client(app);
    for (const [client, login] of [[few, "few"], [many, "many"]] as const) {
      await createUser(db, { login, email: `${login}@example.com`, password: "reader password 1" });
      await client.logIn(login, "reader password 1");
    }
    const manyId = (await db.selectFrom("users").select("id").where("login", "=", "many").executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 30; i++) {
      const other = await makeWork(db, pseudId, { title: `Other ${i}` });
      await db.insertInto("readings").values({ user_id: manyId, work_id: other, view_count: 1, last_viewed_at: new Date().toISOString(), last_chapter_id: null, revised_at_read: null, marked_for_later: i % 2 }).execute();
    }
    await few.get(`/works/${workId}`);
    await many.get(`/works/${workId}`);
    const small = await counter.count(() => few.get(`/works/${workId}`));
    const large = await counter.count(() => many.get(`/works/${workId}`));
    assert.equal(large.queries, small.queries, large.sql.join("\n"));
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { guestAddressKey } from "./policy.js";

/** A guest's kudos from one address, the way a browser without cookies would send it. */
async function guestKudos(app: FastifyInstance, workId: number, ip: string) {
  const first = await app.inject({ method: "GET", url: `/works/${workId}`, remoteAddress: ip });
  // A registered-only work sends a guest to the log-in page: the token is on the page it lands on, as in a browser.
  const page = first.statusCode === 302 ? await app.inject({ method: "GET", url: String(first.headers.location), remoteAddress: ip }) : first;
  const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  return app.inject({
    method: "POST",
    url: `/works/${workId}/kudos`,
    remoteAddress: ip,
    payload: new URLSearchParams({ authenticity_token: token }).toString(),
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
  });
}

/** A logged-in reader's client. */
const reader = async (app: FastifyInstance, db: Db, login: string) => (await loggedInUser(app, db, login)).client;

const count = async (db: Db, workId: number) => (await db.selectFrom("works").select(["kudos_count"]).where("id", "=", workId).executeTakeFirstOrThrow()).kudos_count;

test("kudos: users once per work, guests once per address, listed on the work page, counted, in the change feed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Kudos Target" });
    const feedBefore = (await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;

    const ana = await reader(app, db, "ana");
    let page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, /<form method="post" action="\/works\/\d+\/kudos" id="new_kudo"><input type="hidden" name="authenticity_token"[^>]*><button type="submit">Kudos ♥<\/button>/);
    let res = await ana.post(`/works/${workId}/kudos`, {});
    assert.equal(res.statusCode, 303);
    page = await ana.get(String(res.headers.location).replace(/#.*/, ""));
    assertMatch(page.body, /Thank you for leaving kudos!/);
    // The double submit: nothing new, a friendly message rather than an error.
    res = await ana.post(`/works/${workId}/kudos`, {});
    assert.equal(res.statusCode, 303);
    page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, /You have already left kudos here\. :\)/);
    assert.equal(await count(db, workId), 1);

    const ben = await reader(app, db, "ben");
    await ben.post(`/works/${workId}/kudos`, {});
    assert.equal((await guestKudos(app, workId, "203.0.113.7")).statusCode, 303);
    assert.equal((await guestKudos(app, workId, "203.0.113.7")).statusCode, 303); // same address: no second kudos
    assert.equal((await guestKudos(app, workId, "198.51.100.9")).statusCode, 303);
    assert.equal((await guestKudos(app, workId, "2001:db8::1")).statusCode, 303);
    // Another address in the same IPv6 /64 is the same guest.
    assert.equal((await guestKudos(app, workId, "2001:db8:0:0:aaaa:bbbb:cccc:dddd")).statusCode, 303);

    const rows = await db.selectFrom("kudos").selectAll().where("work_id", "=", workId).execute();
    assert.equal(rows.length, 5);
    assert.equal(rows.filter((r) => r.guest_ip === "203.0.113.7").length, 1);
    assert.equal(await count(db, workId), 5);
    page = await new Client(app).get(`/works/${workId}`);
    assertMatch(page.body, /<p class="kudos"><a href="\/users\/ana">ana<\/a>, <a href="\/users\/ben">ben<\/a> and 3 guests left kudos on this work!<\/p>/);

    // Every kudos wrote a change-feed row for the work in its transaction; repeats wrote none.
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", Number(feedBefore)).execute();
    assert.deepEqual(feed, Array.from({ length: 5 }, () => ({ work_id: workId, kind: "work" })));

    // The creator sees no button, and a forged POST is refused with a message; nothing counted.
    const creator = new Client(app);
    await creator.logIn(login, password);
    page = await creator.get(`/works/${workId}`);
    assert.doesNotMatch(page.body, /Kudos ♥/);
    res = await creator.post(`/works/${workId}/kudos`, {});
    assert.equal(res.statusCode, 403);
    assertMatch(res.body, /You can&#39;t leave kudos on your own work\.|You can't leave kudos on your own work\./);
    assert.equal(await count(db, workId), 5);

    // Without the CSRF token nothing happens.
    const carl = await reader(app, db, "carl");
    res = await carl.post(`/works/${workId}/kudos`, {}, { csrf: false });
    assert.equal(res.statusCode, 403);
    assert.equal(await count(db, workId), 5);
    await app.close();
  });
});

test("kudos: two submits at the same moment make one kudos", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const ana = await reader(app, db, "ana");
    await ana.get(`/works/${workId}`);
    const results = await Promise.all([1, 2, 3].map(() => ana.post(`/works/${workId}/kudos`, {})));
    assert.deepEqual(results.map((r) => r.statusCode), [303, 303, 303]);
    const guests = await Promise.all([1, 2, 3].map(() => guestKudos(app, workId, "203.0.113.99")));
    assert.deepEqual(guests.map((r) => r.statusCode), [303, 303, 303]);
    assert.equal((await db.selectFrom("kudos").select("id").where("work_id", "=", workId).execute()).length, 2);
    assert.equal(await count(db, workId), 2);
    await app.close();
  });
});

test("guest address keys: IPv4 as is, IPv6 by its /64", () => {
  assert.equal(guestAddressKey("203.0.113.7"), "203.0.113.7");
  assert.equal(guestAddressKey("::ffff:203.0.113.7"), "203.0.113.7");
  assert.equal(guestAddressKey("2001:db8::1"), "2001:db8:0:0::/64");
  assert.equal(guestAddressKey("2001:0db8:0000:0000:ffff:1:2:3"), "2001:db8:0:0::/64");
  assert.equal(guestAddressKey("2001:db8:1:2:3::"), "2001:db8:1:2::/64");
  assert.equal(guestAddressKey("::1"), "0:0:0:0::/64");
  assert.equal(guestAddressKey("fe80::1%eth0"), "fe80:0:0:0::/64");
});

test("kudos: drafts and registered-only works refuse what their readers cannot see", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const draft = await makeWork(db, pseudId, { draft: true });
    const locked = await makeWork(db, pseudId, { restricted: true });
    const ana = await reader(app, db, "ana");
    assert.equal((await ana.post(`/works/${draft}/kudos`, {})).statusCode, 404);
    assert.equal((await guestKudos(app, locked, "203.0.113.8")).statusCode, 401);
    assert.equal((await ana.post(`/works/${locked}/kudos`, {})).statusCode, 303);
    assert.equal((await ana.post("/works/999999/kudos", {})).statusCode, 404);
    assert.equal(await db.selectFrom("kudos").select("id").where("work_id", "=", draft).executeTakeFirst(), undefined);
    await app.close();
  });
});

test("kudos: guests are rate limited per address", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const works = [];
    for (let i = 0; i < 11; i++) works.push(await makeWork(db, pseudId, { title: `W${i}` }));
    const codes = [];
    for (const id of works) codes.push((await guestKudos(app, id, "192.0.2.50")).statusCode);
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(303));
    assert.equal(codes[10], 429);
    // Another address is not affected, nor is a logged-in user at the limited address.
    assert.equal((await guestKudos(app, works[10]!, "192.0.2.51")).statusCode, 303);
    const made = await createUser(db, { login: "busy", email: "busy@example.com", password: "reader password 1" });
    assert.ok(made.ok);
    const user = new Client(app);
    await user.logIn("busy", "reader password 1");
    await user.get("/works"); // a page after logging in: the token is bound to the new session
    const userCodes = [];
    for (const id of works) {
      const res = await app.inject({
        method: "POST",
        url: `/works/${id}/kudos`,
        remoteAddress: "192.0.2.50",
        payload: new URLSearchParams({ authenticity_token: user.csrf }).toString(),
        headers: { cookie: [...user.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" },
      });
      userCodes.push(res.statusCode);
    }
    assert.deepEqual(userCodes, Array(11).fill(303));
    await app.close();
  });
});

test("kudos re-sort the kudos listing at once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithUser(db, url);
    const { pseudId } = await makeCreator(db, "maker");
    const first = await makeWork(db, pseudId, { title: "Older Work" });
    const second = await makeWork(db, pseudId, { title: "Newer Work" });
    const guest = new Client(app);
    const order = async () => {
      const body = (await guest.get("/works?work_search%5Bsort_column%5D=kudos_count")).body;
      return [...body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1]));
    };
    assert.deepEqual(await order(), [second, first]); // ties: newest first
    assert.equal((await guestKudos(app, first, "203.0.113.20")).statusCode, 303);
    assert.deepEqual(await order(), [first, second]);
    await app.close();
  });
});

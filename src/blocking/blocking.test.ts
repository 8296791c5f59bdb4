import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { nowIso } from "../platform/db/index.js";
import { RELATION_LIMIT } from "./queries.js";

const member = loggedInUser;

const comment = (client: Client, workId: number, text: string) =>
  client.post(`/works/${workId}/comments`, { "comment[comment_content]": text, "comment[token]": `t-${text}` });

test("blocking: a blocked user can't leave kudos on or comment on the blocker's works; lists are their owner's; self, admins, unknown names and the limit get messages", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Guarded" });
    const writer = new Client(app);
    await writer.logIn(login, password);
    const ben = await member(app, db, "ben");

    // From ben's profile: Block is a plain form; the writer's list then holds ben.
    let page = await writer.get("/users/ben");
    assertMatch(page.body, new RegExp(`<form method="post" action="/users/${login}/blocked">.*name="block\\[login\\]" value="ben".*<button type="submit">Block</button>`, "s"));
    let res = await writer.post(`/users/${login}/blocked`, { "block[login]": "ben", return_to: "/users/ben" });
    assert.equal(res.statusCode, 303);
    page = await writer.get("/users/ben");
    assertMatch(page.body, /You have blocked ben\./);
    assertMatch(page.body, /<button type="submit">Unblock<\/button>/);
    res = await writer.post(`/users/${login}/blocked`, { "block[login]": "ben" }); // the double click
    assert.equal(res.statusCode, 303);
    assert.equal((await db.selectFrom("blocks").selectAll().execute()).length, 1);

    // Ben: no kudos, no comment (a message, nothing written).
    res = await ben.client.post(`/works/${workId}/kudos`, {});
    assert.equal(res.statusCode, 403);
    assertMatch(res.body, /you have been blocked by one or more of this work(&#39;|')s creators/);
    page = await ben.client.get(`/works/${workId}`);
    assert.equal(/Kudos ♥/.test(page.body), false, "no Kudos button for a blocked reader");
    assertMatch(page.body, /you have been blocked by one or more of this work(&#39;|')s creators/);
    res = await comment(ben.client, workId, "Let me in");
    assert.notEqual(res.statusCode, 303);
    assert.equal((await db.selectFrom("kudos").selectAll().execute()).length, 0);
    assert.equal((await db.selectFrom("comments").selectAll().execute()).length, 0);
    // Others are not affected.
    const cat = await member(app, db, "cat");
    assert.equal((await cat.client.post(`/works/${workId}/kudos`, {})).statusCode, 303);

    // The list is the writer's alone: ben can neither read it nor undo his block.
    assert.equal((await ben.client.get(`/users/${login}/blocked`)).statusCode, 403);
    assert.equal((await ben.client.post(`/users/${login}/blocked/${ben.userId}/delete`, {})).statusCode, 403);
    assert.equal((await ben.client.post(`/users/ben/blocked/${ben.userId}/delete`, {})).statusCode, 404);
    page = await writer.get(`/users/${login}/blocked`);
    assertMatch(page.body, /<a href="\/users\/ben">ben<\/a>/);

    // Refusals keep what was typed and say why.
    res = await writer.post(`/users/${login}/blocked`, { "block[login]": "nobody-here" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /There is no user called nobody-here\./);
    assertMatch(res.body, /name="block\[login\]"[^>]*value="nobody-here"/);
    assertMatch((await writer.post(`/users/${login}/blocked`, { "block[login]": login })).body, /You can(&#39;|')t block yourself\./);
    await member(app, db, "boss", ["admin"]);
    assertMatch((await writer.post(`/users/${login}/blocked`, { "block[login]": "boss" })).body, /You can(&#39;|')t block an admin of this archive\./);

    // Unblocking lets ben leave kudos again.
    res = await writer.post(`/users/${login}/blocked/${ben.userId}/delete`, { return_to: "/users/ben" });
    assert.equal(res.statusCode, 303);
    assert.equal((await ben.client.post(`/works/${workId}/kudos`, {})).statusCode, 303);

    // At most 2,000 each (blocks and mutes counted apart).
    // 2,000 accounts written directly (through the sign-up command each would hash a password).
    const fillers: number[] = [];
    for (let i = 0; i < RELATION_LIMIT; i += 500) {
      const rows = Array.from({ length: 500 }, (_, k) => ({ login: `filler${i + k}`, login_key: `filler${i + k}`, email: `f${i + k}@example.com`, password_hash: "x", created_at: nowIso() }));
      fillers.push(...(await db.insertInto("users").values(rows).returning("id").execute()).map((r) => r.id));
    }
    const writerId = (await db.selectFrom("users").select("id").where("login", "=", login).executeTakeFirstOrThrow()).id;
    for (let i = 0; i < fillers.length; i += 500) {
      await db.insertInto("blocks").values(fillers.slice(i, i + 500).map((id) => ({ user_id: writerId, target_id: id, created_at: nowIso() }))).execute();
    }
    res = await writer.post(`/users/${login}/blocked`, { "block[login]": "cat" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /You have blocked the most users you can \(2,000\)\./);
    assert.equal((await writer.post(`/users/${login}/muted`, { "mute[login]": "cat" })).statusCode, 303, "mutes have their own 2,000");
    await app.close();
  });
});

test("muting: a muted user's works, bookmarks and comments are left out on the server, and every count agrees with what is shown", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login } = await appWithUser(db, url);
    const ana = await member(app, db, "ana");
    const ben = await member(app, db, "ben");
    const shared = await makeWork(db, pseudId, { title: "Shared Shore", freeforms: ["Lighthouses"] });
    await makeWork(db, pseudId, { title: "Second Shore", freeforms: ["Lighthouses"] });
    const bens = await makeWork(db, ben.pseudId, { title: "Muted Shore", freeforms: ["Lighthouses"] });
    // Ben bookmarks and comments on the shared work; so does cat.
    const cat = await member(app, db, "cat");
    for (const who of [ben, cat]) {
      await who.client.get(`/works/${shared}/bookmarks/new`);
      assert.equal((await who.client.post(`/works/${shared}/bookmarks`, { "bookmark[notes]": "", "bookmark[tag_string]": "" })).statusCode, 303);
      await who.client.get(`/works/${shared}`);
      assert.equal((await comment(who.client, shared, `Lovely, says ${who === ben ? "ben" : "cat"}`)).statusCode, 303);
    }
    await cat.client.post(`/works/${bens}/bookmarks`, { "bookmark[notes]": "", "bookmark[tag_string]": "" });

    const before = (await ana.client.get("/works")).body;
    assertMatch(before, /1 - 3 of 3 Works/);
    assertMatch(before, /General Audiences \(3\)/);
    assert.equal((await ana.client.post("/users/ana/muted", { "mute[login]": "ben" })).statusCode, 303);

    // Listings: ben's work is gone, and the total and the facet counts say so.
    let page = await ana.client.get("/works");
    assertMatch(page.body, /1 - 2 of 2 Works/);
    assert.doesNotMatch(page.body, /Muted Shore/);
    assertMatch(page.body, /General Audiences \(2\)/);
    // Search, too.
    page = await ana.client.get(`/works/search?work_search%5Bquery%5D=Shore`);
    assert.deepEqual([...page.body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1])).includes(bens), false);
    assertMatch(page.body, /2 Found|of 2 Works|2 Works/);
    // A work's bookmarks and comments: ben's are not shown nor counted.
    page = await ana.client.get(`/works/${shared}/bookmarks`);
    assertMatch(page.body, /1 Bookmark\b/);
    assert.doesNotMatch(page.body, /<a href="\/users\/ben"/);
    page = await ana.client.get(`/works/${shared}?show_comments=true`);
    assertMatch(page.body, /Comments \(1\)/);
    assert.doesNotMatch(page.body, /Lovely, says ben/);
    assertMatch(page.body, /Lovely, says cat/);
    // Cat's bookmarks leave out ben's work (and count it out).
    page = await ana.client.get("/users/cat/bookmarks");
    assertMatch(page.body, /1 Bookmark\b/);
    assert.doesNotMatch(page.body, /Muted Shore/);
    // Ben's own page, visited on purpose, still lists his work; other viewers see everything.
    assertMatch((await ana.client.get("/users/ben/works")).body, /Muted Shore/);
    assertMatch((await cat.client.get("/works")).body, /1 - 3 of 3 Works/);
    assertMatch((await cat.client.get(`/works/${shared}`)).body, /Comments \(2\)/);
    // Unmuting brings it all back.
    assert.equal((await ana.client.post(`/users/ana/muted/${ben.userId}/delete`, {})).statusCode, 303);
    assertMatch((await ana.client.get("/works")).body, /1 - 3 of 3 Works/);
    assert.ok(login);
    await app.close();
  });
});

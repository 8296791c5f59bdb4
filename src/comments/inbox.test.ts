import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { COMMENT_WINDOW_MS, GUEST_COMMENTS_PER_WINDOW, NEW_ACCOUNT_COMMENTS_PER_WINDOW } from "./routes.js";

const PASSWORD = "reader password 1";

async function age(db: Db, login: string, days: number) {
  await db.updateTable("users").set({ created_at: new Date(Date.now() - days * 86_400_000).toISOString() }).where("login", "=", login).execute();
}

async function reader(app: FastifyInstance, db: Db, login: string, days = 30) {
  const made = await createUser(db, { login, email: `${login}@example.com`, password: PASSWORD });
  if (!made.ok) throw new Error("no reader");
  await age(db, login, days);
  const client = new Client(app);
  await client.logIn(login, PASSWORD);
  return client;
}

function guestAt(app: FastifyInstance, ip: string): Client {
  return new Client({ inject: (options: object) => app.inject({ ...options, remoteAddress: ip }) } as unknown as FastifyInstance);
}

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function comment(client: Client, pageUrl: string, workId: number, fields: Record<string, string>) {
  const page = await client.get(pageUrl);
  return client.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), ...fields });
}

const commentIdOf = (res: { headers: Record<string, unknown> }) => Number(/^\/comments\/(\d+)/.exec(String(res.headers.location))?.[1]);

test("inbox: comments on one's works and replies to one's comments, for its owner only; marking touches only one's own entries", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    await age(db, login, 30);
    const workId = await makeWork(db, pseudId, { title: "Inbox Work" });
    await db.updateTable("works").set({ comment_permission: "all" }).execute();
    const creator = new Client(app);
    await creator.logIn(login, password);
    const ana = await reader(app, db, "ana");
    const ben = await reader(app, db, "ben");

    const anaId = commentIdOf(await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "Ana on the work" }));
    const benReply = commentIdOf(await comment(ben, `/comments/${anaId}/reply`, workId, { "comment[parent_id]": String(anaId), "comment[comment_content]": "Ben answers Ana" }));
    const guestId = commentIdOf(await comment(guestAt(app, "203.0.113.9"), `/works/${workId}`, workId, { "comment[name]": "Quill", "comment[email]": "quill@example.org", "comment[comment_content]": "A guest passes" }));
    // The creator's own comment is not in their inbox; it is a reply in Ana's.
    const creatorReply = commentIdOf(await comment(creator, `/comments/${anaId}/reply`, workId, { "comment[parent_id]": String(anaId), "comment[comment_content]": "Creator thanks Ana" }));

    let page = await creator.get(`/users/${login}/inbox`);
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /My Inbox \(3, 3 unread\)/);
    for (const id of [anaId, benReply, guestId]) assertMatch(page.body, new RegExp(`id="inbox_comment_${id}"`));
    assert.doesNotMatch(page.body, new RegExp(`id="inbox_comment_${creatorReply}"`));
    assertMatch(page.body, /<a href="\/users\/ana">ana<\/a> commented on <span>Inbox Work<\/span>/);
    assertMatch(page.body, /<span class="guest">Quill \(Guest\)<\/span> commented on/);
    assert.doesNotMatch(page.body, /quill@example\.org/);

    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /My Inbox \(2, 2 unread\)/);
    assertMatch(page.body, /<a href="\/users\/ben">ben<\/a> replied to your comment on <span>Inbox Work<\/span>/);
    assertMatch(page.body, new RegExp(`id="inbox_comment_${creatorReply}"`));
    assertMatch(page.body, /<label for="inbox_select_\d+">/);

    // Only the owner sees or changes an inbox.
    assert.equal((await ben.get("/users/ana/inbox")).statusCode, 403);
    assert.equal((await ben.post("/users/ana/inbox", { "inbox_comments[]": [String(benReply)], inbox_action: "delete" })).statusCode, 403);
    assert.equal((await guestAt(app, "203.0.113.10").get("/users/ana/inbox")).statusCode, 303, "guests are sent to log in");
    // Ben ticks Ana's entries in his own inbox form: nothing of hers changes.
    assert.equal((await ben.post("/users/ben/inbox", { "inbox_comments[]": [String(benReply), String(creatorReply)], inbox_action: "read" })).statusCode, 303);
    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /My Inbox \(2, 2 unread\)/);

    assert.equal((await ana.post("/users/ana/inbox", { "inbox_comments[]": [String(benReply)], inbox_action: "read" })).statusCode, 303);
    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /My Inbox \(2, 1 unread\)/);
    assertMatch(page.body, /Inbox updated\./);
    await ana.post("/users/ana/inbox", { "inbox_comments[]": [String(creatorReply)], inbox_action: "delete" });
    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /My Inbox \(1, 0 unread\)/);
    assert.ok(await db.selectFrom("comments").select("id").where("id", "=", creatorReply).executeTakeFirst(), "the comment itself stays");

    // A held comment reaches the creator (to approve) at once, the replied-to writer once approved.
    await db.updateTable("works").set({ moderated_comments: 1 }).where("id", "=", workId).execute();
    const held = commentIdOf(await comment(ben, `/comments/${anaId}/reply`, workId, { "comment[parent_id]": String(anaId), "comment[comment_content]": "Held reply" }));
    page = await creator.get(`/users/${login}/inbox`);
    assertMatch(page.body, new RegExp(`id="inbox_comment_${held}".*?Awaiting your approval\\.`, "s"));
    page = await ana.get("/users/ana/inbox");
    assert.doesNotMatch(page.body, /Held reply/);
    await creator.post(`/comments/${held}/approve`, {});
    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /Held reply/);

    // A work that becomes a draft leaves the inboxes of everyone but its creators.
    await db.updateTable("works").set({ posted: 0 }).where("id", "=", workId).execute();
    page = await ana.get("/users/ana/inbox");
    assertMatch(page.body, /My Inbox \(0, 0 unread\)/);
    page = await creator.get(`/users/${login}/inbox`);
    assertMatch(page.body, /My Inbox \(4, /);
    await app.close();
  });
});

test("rate limits: guests per address and new accounts per account; older accounts are not limited", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    await db.updateTable("works").set({ comment_permission: "all" }).execute();
    assert.equal(COMMENT_WINDOW_MS, 15 * 60_000);

    const guest = guestAt(app, "192.0.2.77");
    const codes: number[] = [];
    for (let i = 0; i <= GUEST_COMMENTS_PER_WINDOW; i++) codes.push((await comment(guest, `/works/${workId}`, workId, { "comment[name]": "G", "comment[email]": "g@example.org", "comment[comment_content]": `Guest ${i}` })).statusCode);
    assert.deepEqual(codes, [...Array(GUEST_COMMENTS_PER_WINDOW).fill(303), 429]);
    // Another address is not affected.
    assert.equal((await comment(guestAt(app, "192.0.2.78"), `/works/${workId}`, workId, { "comment[name]": "H", "comment[email]": "h@example.org", "comment[comment_content]": "Other guest" })).statusCode, 303);

    const fresh = await reader(app, db, "fresh", 1);
    const freshCodes: number[] = [];
    for (let i = 0; i <= NEW_ACCOUNT_COMMENTS_PER_WINDOW; i++) freshCodes.push((await comment(fresh, `/works/${workId}`, workId, { "comment[comment_content]": `Fresh ${i}` })).statusCode);
    assert.deepEqual(freshCodes, [...Array(NEW_ACCOUNT_COMMENTS_PER_WINDOW).fill(303), 429]);
    const limited = await fresh.post(`/works/${workId}/comments`, { "comment[comment_content]": "One more" });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers["retry-after"]) > 0);

    const settled = await reader(app, db, "settled", 8);
    const settledCodes: number[] = [];
    for (let i = 0; i < 8; i++) settledCodes.push((await comment(settled, `/works/${workId}`, workId, { "comment[comment_content]": `Settled ${i}` })).statusCode);
    assert.deepEqual(settledCodes, Array(8).fill(303));
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, GUEST_COMMENTS_PER_WINDOW + 1 + NEW_ACCOUNT_COMMENTS_PER_WINDOW + 8);
    await app.close();
  });
});

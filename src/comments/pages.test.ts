import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, assertMatch, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { addChapter } from "../works/commands.js";

const PASSWORD = "reader password 1";

/** Makes the user's account old enough not to be rate limited as a new one. */
async function age(db: Db, login: string, days = 30) {
  await db.updateTable("users").set({ created_at: new Date(Date.now() - days * 86_400_000).toISOString() }).where("login", "=", login).execute();
}

async function reader(app: FastifyInstance, db: Db, login: string, options: { newAccount?: boolean } = {}) {
  const made = await createUser(db, { login, email: `${login}@example.com`, password: PASSWORD });
  if (!made.ok) throw new Error("no reader");
  if (!options.newAccount) await age(db, login);
  const client = new Client(app);
  await client.logIn(login, PASSWORD);
  return client;
}

/** A browser without an account, at one address. */
function guestAt(app: FastifyInstance, ip: string): Client {
  return new Client({ inject: (options: object) => app.inject({ ...options, remoteAddress: ip }) } as unknown as FastifyInstance);
}

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** Loads a page with a comment form and submits it as a browser would: the form's token, the typed fields. */
async function comment(client: Client, pageUrl: string, workId: number, fields: Record<string, string>) {
  const page = await client.get(pageUrl);
  return client.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), ...fields });
}

const commentIdOf = (res: { headers: Record<string, unknown> }) => Number(/^\/comments\/(\d+)/.exec(String(res.headers.location))?.[1]);
const counter = async (db: Db, workId: number) => (await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count;
const rows = (db: Db) => db.selectFrom("comments").selectAll().orderBy("id").execute();

test("comments: posted from the work page (labelled form, no JavaScript), shown threaded, counted; a double submit makes one", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login } = await appWithUser(db, url);
    await age(db, login);
    const workId = await makeWork(db, pseudId, { title: "Harbour Lights" });
    const ana = await reader(app, db, "ana");

    // As on AO3, the work page holds the form; the threads come when asked for (the heading's link).
    let page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, new RegExp(`<h3 class="heading" id="comments-heading"><a href="/works/${workId}\\?show_comments=true#comments" id="show_comments_link">Comments \\(0\\)</a></h3>`));
    assertMatch(page.body, /<form method="post" action="\/works\/\d+\/comments"[^>]*><fieldset><legend>Comment on this work<\/legend><input type="hidden" name="authenticity_token"/);
    assertMatch(page.body, /<label for="field-comment-comment_content">Comment<\/label>/);
    assert.doesNotMatch(page.body, /name="comment\[email\]"/, "no name or email for a logged-in user");

    const token = tokenIn(page.body);
    const first = await ana.post(`/works/${workId}/comments`, { "comment[token]": token, "comment[comment_content]": "What a storm.\n\nLoved the lamp." });
    assert.equal(first.statusCode, 303);
    const id = commentIdOf(first);
    // The second click of the same form: nothing new, the first comment shown.
    const second = await ana.post(`/works/${workId}/comments`, { "comment[token]": token, "comment[comment_content]": "What a storm.\n\nLoved the lamp." });
    assert.equal(second.statusCode, 303);
    assert.equal(commentIdOf(second), id);
    assert.equal((await rows(db)).length, 1);
    assert.equal(await counter(db, workId), 1);
    page = await ana.get(`/comments/${id}`);
    assertMatch(page.body, /This comment was already posted; here it is\./);
    assertMatch(page.body, new RegExp(`<li class="comment group depth-0" id="comment_${id}"><h4 class="heading byline"><a href="/users/ana">ana</a>`));
    assertMatch(page.body, /<blockquote class="userstuff"><p>What a storm\.<\/p>\s*<p>Loved the lamp\.<\/p><\/blockquote>/);

    // A reply through the reply page (a link, then a form: no JavaScript needed).
    page = await ana.get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, new RegExp(`<a href="/comments/${id}/reply">Reply</a>`));
    const creator = new Client(app);
    await creator.logIn(login, "correct horse battery");
    const replyPage = await creator.get(`/comments/${id}/reply`);
    assertMatch(replyPage.body, new RegExp(`<input type="hidden" name="comment\\[parent_id\\]" value="${id}"/?>`));
    const replied = await creator.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(replyPage.body), "comment[parent_id]": String(id), "comment[comment_content]": "Thank you!" });
    assert.equal(replied.statusCode, 303);
    const replyId = commentIdOf(replied);
    page = await new Client(app).get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, /Comments \(2\)/);
    assertMatch(page.body, new RegExp(`id="comment_${id}">.*<ol class="thread"><li class="comment group depth-1" id="comment_${replyId}">`, "s"));
    assert.equal(await counter(db, workId), 2);
    // Every new comment wrote a change-feed row for the work (the listings sort by comments).
    const feed = await db.selectFrom("change_feed").select("kind").where("work_id", "=", workId).where("kind", "=", "work").execute();
    assert.ok(feed.length >= 2);
    await app.close();
  });
});

test("comments: empty, too long, and guest comments full of links get messages with everything typed kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    await db.updateTable("works").set({ comment_permission: "all" }).where("id", "=", workId).execute();
    const ana = await reader(app, db, "ana");

    let res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "   " });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Please write something in your comment\./);
    res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "<script>alert(1)</script>" });
    assert.equal(res.statusCode, 422, "markup that sanitizes to nothing is empty");

    const long = `Start ${"x".repeat(10_000)} end`;
    res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": long });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Comments can be at most 10,000 characters long \(this one has 10,010\)\./);
    assert.ok(res.body.includes(long), "the text is kept");
    assertMatch(res.body, /name="comment\[token\]" value="[A-Za-z0-9_-]{22}"/);

    const guest = guestAt(app, "203.0.113.40");
    const spam = "Great! https://a.example/1 and <a href=\"https://b.example\">b</a> and www.c.example";
    res = await comment(guest, `/works/${workId}`, workId, { "comment[name]": "Pat", "comment[email]": "pat@example.org", "comment[comment_content]": spam });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Comments from guests can hold at most 2 links \(this one has 3\)\. Please remove some, or log in to post it\./);
    assert.ok(res.body.includes("Great! https://a.example/1 and &lt;a href=&#34;https://b.example&#34;>b&lt;/a> and www.c.example"), "the text is kept");
    assertMatch(res.body, /name="comment\[name\]"[^>]*value="Pat"/);
    assertMatch(res.body, /name="comment\[email\]"[^>]*value="pat@example.org"/);

    res = await comment(guest, `/works/${workId}`, workId, { "comment[name]": "", "comment[email]": "not-an-email", "comment[comment_content]": "Hello" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Please give a name to sign your comment with\./);
    assertMatch(res.body, /Please enter a valid email address\./);
    assert.equal((await rows(db)).length, 0);
    // A logged-in user may post links.
    res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": spam });
    assert.equal(res.statusCode, 303);
    await app.close();
  });
});

test("comments: the work's setting decides who may comment; guests sign with a name, their email never shown", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const guest = guestAt(app, "198.51.100.3");
    const ana = await reader(app, db, "ana");
    const setting = (value: string) => db.updateTable("works").set({ comment_permission: value }).where("id", "=", workId).execute();

    await setting("registered");
    let page = await guest.get(`/works/${workId}`);
    assertMatch(page.body, /Sorry, this work doesn&#39;t allow non-Archive users to comment\.|Sorry, this work doesn't allow non-Archive users to comment\./);
    assert.doesNotMatch(page.body, /name="comment\[comment_content\]"/);
    let res = await guest.post(`/works/${workId}/comments`, { "comment[name]": "Pat", "comment[email]": "pat@example.org", "comment[comment_content]": "Hi" });
    assert.equal(res.statusCode, 403);
    assert.equal((await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "Registered hello" })).statusCode, 303);

    await setting("all");
    res = await comment(guest, `/works/${workId}`, workId, { "comment[name]": "Pat", "comment[email]": "secret-pat@example.org", "comment[comment_content]": "Guest hello" });
    assert.equal(res.statusCode, 303);
    page = await ana.get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, /<span class="guest">Pat \(Guest\)<\/span>/);
    assert.doesNotMatch(page.body, /secret-pat/);
    const stored = (await rows(db)).at(-1)!;
    assert.equal(stored.guest_email, "secret-pat@example.org");
    assert.equal(stored.guest_ip, "198.51.100.3");

    await setting("none");
    page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, /Sorry, this work doesn&#39;t allow comments\.|Sorry, this work doesn't allow comments\./);
    res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "Closed?" });
    assert.equal(res.statusCode, 403);
    assertMatch(res.body, /allow comments/);
    assert.equal((await rows(db)).length, 2);
    await app.close();
  });
});

test("comments: registered-only works and drafts hide their comments on every page", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login } = await appWithUser(db, url);
    await age(db, login);
    const locked = await makeWork(db, pseudId, { restricted: true });
    await db.updateTable("works").set({ comment_permission: "all" }).execute();
    const ana = await reader(app, db, "ana");
    const res = await comment(ana, `/works/${locked}`, locked, { "comment[comment_content]": "Members only" });
    assert.equal(res.statusCode, 303);
    const id = commentIdOf(res);
    const guest = guestAt(app, "192.0.2.7");
    for (const path of [`/works/${locked}`, `/works/${locked}/comments`, `/comments/${id}`, `/comments/${id}/reply`]) {
      const page = await guest.get(path);
      assert.equal(page.statusCode, 302, path);
      assert.match(String(page.headers.location), /^\/users\/login\?restricted=true&return_to=/, path);
      assert.doesNotMatch(page.body, /Members only/, path);
    }
    assert.equal((await guest.post(`/works/${locked}/comments`, { "comment[name]": "P", "comment[email]": "p@example.org", "comment[comment_content]": "x" })).statusCode, 401);
    // The work becomes a draft again: its comments are not found by anyone but its creator.
    await db.updateTable("works").set({ posted: 0 }).where("id", "=", locked).execute();
    assert.equal((await ana.get(`/comments/${id}`)).statusCode, 404);
    assert.equal((await ana.get(`/works/${locked}/comments`)).statusCode, 404);
    assert.equal((await ana.post(`/works/${locked}/comments`, { "comment[comment_content]": "x" })).statusCode, 404);
    await app.close();
  });
});

test("comments: edit (marked as edited) and delete by their writer only; the creator deletes any on the work; IDs changed in forms are refused", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    await age(db, login);
    const workId = await makeWork(db, pseudId, { title: "Mine" });
    const otherWork = await makeWork(db, pseudId, { title: "Other" });
    const ana = await reader(app, db, "ana");
    const ben = await reader(app, db, "ben");
    const creator = new Client(app);
    await creator.logIn(login, password);

    const anaId = commentIdOf(await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "Ana's words" }));
    const benId = commentIdOf(await comment(ben, `/works/${workId}`, workId, { "comment[comment_content]": "Ben's words" }));

    // Ben cannot edit or delete Ana's comment, whatever id he sends.
    assert.equal((await ben.get(`/comments/${anaId}/edit`)).statusCode, 403);
    assert.equal((await ben.post(`/comments/${anaId}`, { "comment[comment_content]": "Hijacked" })).statusCode, 403);
    assert.equal((await ben.get(`/comments/${anaId}/confirm_delete`)).statusCode, 403);
    assert.equal((await ben.post(`/comments/${anaId}/delete`, {})).statusCode, 403);
    assert.equal((await ben.post(`/comments/${anaId}/freeze`, {})).statusCode, 403);
    // The creator moderates but does not put words in other people's mouths.
    assert.equal((await creator.post(`/comments/${anaId}`, { "comment[comment_content]": "Creator rewrote" })).statusCode, 403);
    // A guest is sent to log in.
    assert.equal((await guestAt(app, "192.0.2.8").post(`/comments/${anaId}/delete`, {})).statusCode, 401);
    // Replies and chapters named by id must belong to the work posted to.
    const foreign = commentIdOf(await comment(ana, `/works/${otherWork}`, otherWork, { "comment[comment_content]": "Elsewhere" }));
    assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[parent_id]": String(foreign), "comment[comment_content]": "Cross-work reply" })).statusCode, 404);
    const otherChapter = (await db.selectFrom("chapters").select("id").where("work_id", "=", otherWork).executeTakeFirstOrThrow()).id;
    assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[chapter_id]": String(otherChapter), "comment[comment_content]": "Cross-work chapter" })).statusCode, 404);
    // Ids that are not ids, or too large for the table, name nothing (never a 500).
    for (const bad of ["abc", "99999999999", "1e3", "-1"]) {
      assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[parent_id]": bad, "comment[comment_content]": `Bad parent ${bad}` })).statusCode, 404, bad);
      assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[chapter_id]": bad, "comment[comment_content]": `Bad chapter ${bad}` })).statusCode, 404, bad);
    }
    assert.equal((await ben.get("/comments/99999999999")).statusCode, 404);
    assert.equal((await ben.get("/comments/2147483648/edit")).statusCode, 404);
    assert.deepEqual((await rows(db)).map((r) => r.content), ["<p>Ana's words</p>", "<p>Ben's words</p>", "<p>Elsewhere</p>"]);

    // Ana edits her own: kept as typed on failure, marked as edited on success.
    const form = await ana.get(`/comments/${anaId}/edit`);
    assertMatch(form.body, /<textarea[^>]*name="comment\[comment_content\]"[^>]*>\nAna&#39;s words<\/textarea>|<textarea[^>]*name="comment\[comment_content\]"[^>]*>\nAna's words<\/textarea>/);
    let res = await ana.post(`/comments/${anaId}`, { "comment[comment_content]": "" });
    assert.equal(res.statusCode, 422);
    res = await ana.post(`/comments/${anaId}`, { "comment[comment_content]": "Ana's better words" });
    assert.equal(res.statusCode, 303);
    let page = await ana.get(`/comments/${anaId}`);
    assertMatch(page.body, /Ana(&#39;|')s better words/);
    assertMatch(page.body, /<p class="edited">Last Edited <time/);

    // A reply keeps a deleted comment in the thread as "deleted comment".
    const replyId = commentIdOf(await comment(ben, `/comments/${anaId}/reply`, workId, { "comment[parent_id]": String(anaId), "comment[comment_content]": "Ben replies" }));
    assert.equal(await counter(db, workId), 3);
    assert.equal((await ana.post(`/comments/${anaId}/delete`, {})).statusCode, 303);
    assert.equal((await ana.post(`/comments/${anaId}/delete`, {})).statusCode, 404, "a second click deletes nothing more");
    page = await new Client(app).get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, /Comments \(2\)/);
    assertMatch(page.body, new RegExp(`id="comment_${anaId}"><h4 class="heading byline"><span>\\(deleted comment\\)</span>`));
    assert.doesNotMatch(page.body, /better words/);
    assertMatch(page.body, new RegExp(`id="comment_${replyId}">`));
    // The creator deletes Ben's comment on their work.
    assert.equal((await creator.get(`/comments/${benId}/confirm_delete`)).statusCode, 200);
    assert.equal((await creator.post(`/comments/${benId}/delete`, {})).statusCode, 303);
    assert.equal(await db.selectFrom("comments").select("id").where("id", "=", benId).executeTakeFirst(), undefined);
    assert.equal(await counter(db, workId), 1);
    await app.close();
  });
});

test("comments: a moderated work holds comments for the creator's approval; frozen threads take no replies", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    await age(db, login);
    const workId = await makeWork(db, pseudId);
    const creator = new Client(app);
    await creator.logIn(login, password);
    // The setting is on the work form.
    const edit = await creator.get(`/works/${workId}/edit`);
    assertMatch(edit.body, /name="work\[moderated_commenting_enabled\]" value="1"/);
    await db.updateTable("works").set({ moderated_comments: 1 }).where("id", "=", workId).execute();

    const ana = await reader(app, db, "ana");
    const ben = await reader(app, db, "ben");
    const res = await comment(ana, `/works/${workId}`, workId, { "comment[comment_content]": "Waiting words" });
    assert.equal(res.statusCode, 303);
    const held = commentIdOf(res);
    let page = await ana.get(`/comments/${held}`);
    assertMatch(page.body, /It will appear once the creator has approved it\./);
    assertMatch(page.body, /This comment is awaiting the creator(&#39;|')s approval\./);
    assert.equal((await ben.get(`/comments/${held}`)).statusCode, 404);
    page = await ben.get(`/works/${workId}?show_comments=true`);
    assert.doesNotMatch(page.body, /Waiting words/);
    assertMatch(page.body, /Comments \(0\)/);
    assert.equal(await counter(db, workId), 0);
    assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[parent_id]": String(held), "comment[comment_content]": "Reply to held" })).statusCode, 404);
    assert.equal((await ben.post(`/comments/${held}/approve`, {})).statusCode, 404);
    assert.equal((await ana.post(`/comments/${held}/approve`, {})).statusCode, 403, "writers do not approve their own");

    page = await creator.get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, /Waiting words/);
    assertMatch(page.body, new RegExp(`<form method="post" action="/comments/${held}/approve"`));
    assert.equal((await creator.post(`/comments/${held}/approve`, {})).statusCode, 303);
    assert.equal(await counter(db, workId), 1);
    page = await ben.get(`/works/${workId}?show_comments=true`);
    assertMatch(page.body, /Waiting words/);

    // On a moderated work, a small fix keeps the approval; a rewrite goes back for approval.
    assert.equal((await ana.post(`/comments/${held}`, { "comment[comment_content]": "Waiting word" })).statusCode, 303);
    assert.equal(await counter(db, workId), 1);
    assert.equal((await ana.post(`/comments/${held}`, { "comment[comment_content]": "Buy cheap watches at our shop today" })).statusCode, 303);
    assertMatch((await ana.get(`/comments/${held}`)).body, /It will appear again once the creator has approved the change\./);
    assert.equal((await ben.get(`/comments/${held}`)).statusCode, 404);
    assert.equal(await counter(db, workId), 0);
    assert.equal((await creator.post(`/comments/${held}/approve`, {})).statusCode, 303);
    assert.equal(await counter(db, workId), 1);

    // The creator's own comments are never held.
    const own = commentIdOf(await comment(creator, `/works/${workId}`, workId, { "comment[comment_content]": "Creator note" }));
    assert.equal((await db.selectFrom("comments").select("unreviewed").where("id", "=", own).executeTakeFirstOrThrow()).unreviewed, 0);

    // Freezing: no replies, no edits, until unfrozen; only moderators freeze.
    assert.equal((await creator.post(`/comments/${held}/freeze`, {})).statusCode, 303);
    page = await ben.get(`/comments/${held}`);
    assertMatch(page.body, /This thread is frozen/);
    assert.doesNotMatch(page.body, new RegExp(`/comments/${held}/reply`));
    assert.equal((await ben.get(`/comments/${held}/reply`)).statusCode, 403);
    assert.equal((await comment(ben, `/works/${workId}`, workId, { "comment[parent_id]": String(held), "comment[comment_content]": "Into the ice" })).statusCode, 403);
    assert.equal((await ana.post(`/comments/${held}`, { "comment[comment_content]": "Thawed?" })).statusCode, 403);
    assert.equal((await creator.post(`/comments/${held}/unfreeze`, {})).statusCode, 303);
    assert.equal((await comment(ben, `/comments/${held}/reply`, workId, { "comment[parent_id]": String(held), "comment[comment_content]": "After the thaw" })).statusCode, 303);
    await app.close();
  });
});

test("comments: a chapter page shows that chapter's comments and posts to it; admins moderate any work's comments", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    const second = await addChapter(db, workId, { title: "Second", summary: "", notes: "", endnotes: "", content: "<p>The second chapter's words.</p>" });
    const first = (await db.selectFrom("chapters").select("id").where("work_id", "=", workId).orderBy("position").executeTakeFirstOrThrow()).id;
    const ana = await reader(app, db, "ana");

    let page = await ana.get(`/works/${workId}/chapters/${second}`);
    assertMatch(page.body, /<legend>Comment on this chapter<\/legend>/);
    assertMatch(page.body, new RegExp(`<input type="hidden" name="comment\\[chapter_id\\]" value="${second}"/?>`));
    const onSecond = commentIdOf(await comment(ana, `/works/${workId}/chapters/${second}`, workId, { "comment[chapter_id]": String(second), "comment[comment_content]": "About chapter two" }));
    const stored = await db.selectFrom("comments").select("chapter_id").where("id", "=", onSecond).executeTakeFirstOrThrow();
    assert.equal(stored.chapter_id, second);
    // A reply stays on its parent's chapter, whatever chapter id the form carries.
    const reply = commentIdOf(await comment(ana, `/comments/${onSecond}/reply`, workId, { "comment[parent_id]": String(onSecond), "comment[chapter_id]": String(first), "comment[comment_content]": "Still chapter two" }));
    assert.equal((await db.selectFrom("comments").select("chapter_id").where("id", "=", reply).executeTakeFirstOrThrow()).chapter_id, second);

    page = await ana.get(`/works/${workId}/chapters/${second}?show_comments=true`);
    assertMatch(page.body, /Comments \(2\)/);
    assertMatch(page.body, /About chapter two/);
    page = await ana.get(`/works/${workId}/chapters/${first}?show_comments=true`);
    assertMatch(page.body, /Comments \(0\)/);
    assert.doesNotMatch(page.body, /About chapter two/);
    // The whole work's comments include every chapter's, labelled with their chapter.
    page = await ana.get(`/works/${workId}/comments`);
    assertMatch(page.body, /<span class="parent"> on Chapter 2<\/span>/);

    assert.ok((await createUser(db, { login: "boss", email: "boss@example.com", password: PASSWORD, roles: ["admin"] })).ok);
    const admin = new Client(app);
    await admin.logIn("boss", PASSWORD);
    assert.equal((await admin.post(`/comments/${onSecond}/freeze`, {})).statusCode, 303);
    assert.equal((await db.selectFrom("comments").select("frozen").where("id", "=", reply).executeTakeFirstOrThrow()).frozen, 1);
    assert.equal((await admin.post(`/comments/${reply}/delete`, {})).statusCode, 303);
    assert.equal(await counter(db, workId), 1);
    await app.close();
  });
});

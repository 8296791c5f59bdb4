import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { parseAtom } from "../../test/support/feeds.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { createPost } from "./commands.js";
import { NEWS_COMMENT_DAYS } from "./policy.js";

const BASE = "http://127.0.0.1:3000";
const DAY = 86_400_000;

/** A post form, to override field by field. */
function postForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "admin_post[title]": "Maintenance on Sunday",
    "admin_post[content]": "The archive will be read-only for an hour.\n\nThank you for your patience.",
    "admin_post[tag_list]": "Maintenance, Known Issues",
    "admin_post[comment_permission]": "users",
    ...overrides,
  };
}

/** The id in a 303 redirect to /admin_posts/ID. */
function postIdFrom(res: { statusCode: number; headers: Record<string, unknown> }): number {
  assert.equal(res.statusCode, 303, `expected a redirect, got ${res.statusCode}`);
  const m = /^\/admin_posts\/(\d+)$/.exec(String(res.headers.location));
  assert.ok(m, `redirected to ${String(res.headers.location)}`);
  return Number(m[1]);
}

/** Moves a post's date of posting back by `days` (the clock, as the comment rule reads it). */
async function age(db: Db, postId: number, days: number) {
  const when = new Date(Date.now() - days * DAY).toISOString();
  await db.updateTable("admin_posts").set({ created_at: when, updated_at: when }).where("id", "=", postId).execute();
}

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";

test("news posts: communications admins and the superadmin post, edit and delete; everyone else is refused", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const comms = await loggedInUser(app, db, "herald", ["communications"]);
      const boss = await loggedInUser(app, db, "boss", ["admin"]);
      const policy = await loggedInUser(app, db, "warden", ["policy_and_abuse"]);
      const plain = await loggedInUser(app, db, "reader");
      const guest = new Client(app);

      // The form, then a post through it: sanitized body, plain title, its own tags.
      assert.equal((await comms.client.get("/admin_posts/new")).statusCode, 200);
      const id = postIdFrom(await comms.client.post("/admin_posts", postForm({ "admin_post[content]": "Read-only for an hour.<script>alert(1)</script>", "admin_post[title]": "Maintenance <b>Sunday</b>" })));
      const row = await db.selectFrom("admin_posts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      assert.equal(row.title, "Maintenance <b>Sunday</b>", "the title is plain text, kept as typed");
      assert.equal(String(row.content), "<p>Read-only for an hour.</p>", "the body went through the sanitizer");
      assert.equal(row.created_by_user_id, comms.userId);
      const page = await guest.get(`/admin_posts/${id}`);
      assert.equal(page.statusCode, 200);
      assertMatch(page.body, /<h2 class="heading">Maintenance &lt;b>Sunday&lt;\/b><\/h2>/);
      assert.ok(!page.body.includes("alert(1)"));
      const tags = await db.selectFrom("admin_post_tags").select("name").orderBy("name").execute();
      assert.deepEqual(tags.map((r) => r.name), ["Known Issues", "Maintenance"]);
      assert.equal((await db.selectFrom("tags").select("id").where("name", "=", "Maintenance").execute()).length, 0, "news tags are not works tags");

      // Nobody but the news admins reaches the forms or changes anything.
      for (const { client } of [plain, policy]) {
        assert.equal((await client.get("/admin_posts/new")).statusCode, 403);
        assert.equal((await client.post("/admin_posts", postForm())).statusCode, 403);
        assert.equal((await client.get(`/admin_posts/${id}/edit`)).statusCode, 403);
        assert.equal((await client.post(`/admin_posts/${id}`, postForm({ "admin_post[title]": "Defaced" }))).statusCode, 403);
        assert.equal((await client.post(`/admin_posts/${id}/delete`, {})).statusCode, 403);
      }
      assert.equal((await guest.post("/admin_posts", postForm())).statusCode, 401);
      const loginFirst = await guest.get("/admin_posts/new");
      assert.equal(loginFirst.statusCode, 303);
      assert.match(String(loginFirst.headers.location), /^\/users\/login/);
      assert.equal((await db.selectFrom("admin_posts").select("id").execute()).length, 1);

      // Bad input: the form again with what was typed and a message per field; nothing saved.
      const bad = await comms.client.post("/admin_posts", postForm({ "admin_post[title]": "", "admin_post[content]": "<script>x</script>", "admin_post[tag_list]": "Keep me typed", "admin_post[comment_permission]": "sometimes" }));
      assert.equal(bad.statusCode, 422);
      assertMatch(bad.body, /Title is required/);
      assertMatch(bad.body, /Text is required/);
      assertMatch(bad.body, /Please choose who may comment/);
      assertMatch(bad.body, /value="Keep me typed"/);
      const tooLong = await comms.client.post("/admin_posts", postForm({ "admin_post[title]": "x".repeat(256) }));
      assert.equal(tooLong.statusCode, 422);
      assert.equal((await db.selectFrom("admin_posts").select("id").execute()).length, 1);

      // The edit form holds the post; the superadmin edits it; the tags are replaced.
      const edit = await boss.client.get(`/admin_posts/${id}/edit`);
      assert.equal(edit.statusCode, 200);
      assertMatch(edit.body, /value="Known Issues, Maintenance"/);
      const saved = await boss.client.post(`/admin_posts/${id}`, postForm({ "admin_post[title]": "Maintenance moved to Monday", "admin_post[tag_list]": "maintenance, Schedule" }));
      assert.equal(saved.statusCode, 303);
      const shown = await guest.get(`/admin_posts/${id}`);
      assertMatch(shown.body, /Maintenance moved to Monday/);
      assertMatch(shown.body, /class="tag"[^>]*>Maintenance</, "the tag keeps its first spelling");
      assertMatch(shown.body, />Schedule</);
      assert.ok(!/>Known Issues</.test(shown.body));
      assert.equal((await comms.client.post("/admin_posts/999999", postForm())).statusCode, 404);

      // Deleting: a confirmation page first, then the post and its comments are gone.
      await createComment(db, id, plain.userId);
      const confirm = await comms.client.get(`/admin_posts/${id}/confirm_delete`);
      assert.equal(confirm.statusCode, 200);
      assertMatch(confirm.body, /Are you sure you want to delete the news post &#34;Maintenance moved to Monday&#34;\?/);
      assertMatch(confirm.body, new RegExp(`action="/admin_posts/${id}/delete"`));
      const deleted = await comms.client.post(`/admin_posts/${id}/delete`, {});
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, "/admin_posts");
      assert.equal((await guest.get(`/admin_posts/${id}`)).statusCode, 404);
      assert.equal((await db.selectFrom("admin_post_comments").select("id").execute()).length, 0);
      assert.equal((await comms.client.post(`/admin_posts/${id}/delete`, {})).statusCode, 404, "deleting it again finds nothing");
    } finally {
      await app.close();
    }
  });
});

async function createComment(db: Db, postId: number, userId: number) {
  await db.insertInto("admin_post_comments").values({ post_id: postId, user_id: userId, content: "<p>A comment.</p>", created_at: new Date().toISOString() }).execute();
}

test("the news listing: newest first, paged, filtered by a news tag; the Atom feed says the same and is valid Atom", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const { userId } = await loggedInUser(app, db, "herald", ["communications"]);
      const ids: number[] = [];
      // Twelve posts, one a day, the last the newest; every third tagged "Releases".
      for (let i = 0; i < 12; i++) {
        const id = await createPost(db, userId, { title: `Update ${i} & <more>`, content: `<p>Body of update ${i}.</p>`, tags: i % 3 === 0 ? ["Releases", "All"] : ["All"], commentPermission: "all" });
        await age(db, id, 12 - i);
        ids.push(id);
      }
      const guest = new Client(app);
      const first = await guest.get("/admin_posts");
      assert.equal(first.statusCode, 200);
      const titles = [...first.body.matchAll(/<h3 class="heading"><a href="\/admin_posts\/(\d+)">/g)].map((m) => Number(m[1]));
      assert.deepEqual(titles, ids.slice(2).reverse(), "ten a page, newest first");
      assertMatch(first.body, /<link rel="alternate" type="application\/atom\+xml" href="\/admin_posts\.atom"/);
      assertMatch(first.body, /href="\/admin_posts\?page=2"/);
      const second = await guest.get("/admin_posts?page=2");
      assert.deepEqual([...second.body.matchAll(/<h3 class="heading"><a href="\/admin_posts\/(\d+)">/g)].map((m) => Number(m[1])), [ids[1], ids[0]]);

      const releases = await db.selectFrom("admin_post_tags").select("id").where("name", "=", "Releases").executeTakeFirstOrThrow();
      const tagged = await guest.get(`/admin_posts?tag=${releases.id}`);
      assert.equal(tagged.statusCode, 200);
      assertMatch(tagged.body, /News tagged Releases/);
      assert.deepEqual([...tagged.body.matchAll(/<h3 class="heading"><a href="\/admin_posts\/(\d+)">/g)].map((m) => Number(m[1])), [ids[9], ids[6], ids[3], ids[0]]);
      assertMatch(tagged.body, new RegExp(`<link rel="alternate" type="application/atom\\+xml" href="/admin_posts\\.atom\\?tag=${releases.id}"`));
      assertMatch(tagged.body, /<option value="\d+" selected>Releases \(4\)<\/option>/);
      assert.equal((await guest.get("/admin_posts?tag=999999")).statusCode, 404);
      assert.equal((await guest.get("/admin_posts?tag=nonsense")).statusCode, 404);

      // The feed: valid Atom, the same posts in the same order, escaped titles, whole bodies.
      const res = await guest.get("/admin_posts.atom");
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^application\/atom\+xml/);
      const feed = await parseAtom(res.body);
      assert.equal(feed.meta.title, "Fanfold: news");
      assert.equal(feed.items.length, 10);
      assert.equal(feed.items[0]!.title, "Update 11 & <more>");
      assert.equal(feed.items[0]!.guid, `${BASE}/admin_posts/${ids[11]}`);
      assert.equal(feed.items[0]!.link, `${BASE}/admin_posts/${ids[11]}`);
      assert.match(feed.items[0]!.description, /<p>Body of update 11\.<\/p>/);
      assert.ok(feed.items[0]!.date instanceof Date && !Number.isNaN(feed.items[0]!.date.getTime()));
      assert.deepEqual(feed.items[2]!.categories.sort(), ["All", "Releases"], "the news tags as categories");
      assert.deepEqual(feed.items[9]!.categories, ["All"]);
      assert.match(res.body, /<link rel="next" href="http:\/\/127\.0\.0\.1:3000\/admin_posts\.atom\?page=2"/);
      assert.match(res.body, /<link rel="alternate" href="http:\/\/127\.0\.0\.1:3000\/admin_posts" type="text\/html"\/>/);
      const taggedFeed = await parseAtom((await guest.get(`/admin_posts.atom?tag=${releases.id}`)).body);
      assert.equal(taggedFeed.meta.title, "Fanfold: news tagged 'Releases'");
      assert.deepEqual(taggedFeed.items.map((i) => i.guid), [ids[9], ids[6], ids[3], ids[0]].map((id) => `${BASE}/admin_posts/${id}`));
      assert.equal((await guest.get("/admin_posts.atom?tag=999999")).statusCode, 404);
      // An archive without news: still a valid feed.
      await db.deleteFrom("admin_posts").execute();
      const empty = await parseAtom((await guest.get("/admin_posts.atom")).body);
      assert.equal(empty.items.length, 0);
      assertMatch((await guest.get("/admin_posts")).body, /No news yet\./);
    } finally {
      await app.close();
    }
  });
});

test("comments on news: who may comment as the post says; open for 14 days, then closed with a note", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const comms = await loggedInUser(app, db, "herald", ["communications"]);
      const reader = await loggedInUser(app, db, "reader");
      const other = await loggedInUser(app, db, "other");
      const open = await createPost(db, comms.userId, { title: "Open to all", content: "<p>Tell us.</p>", tags: [], commentPermission: "all" });
      const members = await createPost(db, comms.userId, { title: "Members only", content: "<p>Tell us.</p>", tags: [], commentPermission: "users" });
      const silent = await createPost(db, comms.userId, { title: "No comments", content: "<p>Read only.</p>", tags: [], commentPermission: "none" });

      // A guest where guests may comment: name and email, the email never shown.
      const guest = new Client(app);
      let page = await guest.get(`/admin_posts/${open}`);
      assertMatch(page.body, /Comments on this post close on \d{4}-\d{2}-\d{2} \(14 days after it was posted\)/);
      const bad = await guest.post(`/admin_posts/${open}/comments`, { "comment[token]": tokenIn(page.body), "comment[name]": "", "comment[email]": "", "comment[comment_content]": "Typed words stay." });
      assert.equal(bad.statusCode, 422);
      assertMatch(bad.body, /Please give a name/);
      assertMatch(bad.body, /Typed words stay\./);
      const posted = await guest.post(`/admin_posts/${open}/comments`, { "comment[token]": tokenIn(page.body), "comment[name]": "Passer-by", "comment[email]": "p@example.org", "comment[comment_content]": "Good luck with it! <script>alert(1)</script>" });
      assert.equal(posted.statusCode, 303);
      assert.match(String(posted.headers.location), new RegExp(`^/admin_posts/${open}#news_comment_\\d+$`));
      page = await guest.get(`/admin_posts/${open}`);
      assertMatch(page.body, /Comment created!/);
      assertMatch(page.body, /Passer-by \(Guest\)/);
      assertMatch(page.body, /Good luck with it!/);
      assert.ok(!page.body.includes("p@example.org") && !page.body.includes("alert(1)"));
      // The same form sent twice makes one comment.
      const again = await guest.post(`/admin_posts/${open}/comments`, { "comment[token]": tokenIn(bad.body), "comment[name]": "Passer-by", "comment[email]": "p@example.org", "comment[comment_content]": "Good luck with it! <script>alert(1)</script>" });
      assert.equal(again.statusCode, 303);
      assert.equal((await db.selectFrom("admin_post_comments").select("id").where("post_id", "=", open).execute()).length, 1);

      // Logged-in users only: a guest is told to log in (no form) and refused; a user comments.
      page = await guest.get(`/admin_posts/${members}`);
      assertMatch(page.body, /only logged-in users can comment on this post/);
      assert.ok(!page.body.includes('name="comment[comment_content]"'));
      assert.equal((await guest.post(`/admin_posts/${members}/comments`, { "comment[name]": "X", "comment[email]": "x@example.org", "comment[comment_content]": "Let me in." })).statusCode, 403);
      page = await reader.client.get(`/admin_posts/${members}`);
      const byReader = await reader.client.post(`/admin_posts/${members}/comments`, { "comment[token]": tokenIn(page.body), "comment[comment_content]": "Thank you for the news." });
      assert.equal(byReader.statusCode, 303);
      assertMatch((await guest.get(`/admin_posts/${members}`)).body, /<a href="\/users\/reader">reader<\/a>/);

      // No comments at all.
      page = await reader.client.get(`/admin_posts/${silent}`);
      assertMatch(page.body, /this news post doesn&#39;t allow comments|this news post doesn't allow comments/);
      assert.equal((await reader.client.post(`/admin_posts/${silent}/comments`, { "comment[comment_content]": "Hello?" })).statusCode, 403);

      // The clock: 13 days on, still open; 14 days on, closed for everyone, with a clear note; the comments stay.
      await age(db, members, NEWS_COMMENT_DAYS - 1);
      page = await reader.client.get(`/admin_posts/${members}`);
      assert.ok(page.body.includes('name="comment[comment_content]"'), "open on day 13");
      await age(db, members, NEWS_COMMENT_DAYS);
      page = await reader.client.get(`/admin_posts/${members}`);
      assertMatch(page.body, /Comments are closed: comments on news posts close 14 days after posting\./);
      assert.ok(!page.body.includes('name="comment[comment_content]"'));
      assertMatch(page.body, /Thank you for the news\./);
      const late = await reader.client.post(`/admin_posts/${members}/comments`, { "comment[token]": "late-token-late-token", "comment[comment_content]": "Am I too late?" });
      assert.equal(late.statusCode, 403);
      assertMatch(late.body, /Comments are closed/);
      await age(db, open, 30);
      assertMatch((await guest.get(`/admin_posts/${open}`)).body, /Comments are closed/);
      assert.equal((await db.selectFrom("admin_post_comments").select("id").execute()).length, 2);

      // Deleting a comment: its writer (after a confirmation page) or a news admin; nobody else.
      const readerComment = await db.selectFrom("admin_post_comments").select("id").where("user_id", "=", reader.userId).executeTakeFirstOrThrow();
      const guestComment = await db.selectFrom("admin_post_comments").select("id").where("user_id", "is", null).executeTakeFirstOrThrow();
      assert.equal((await other.client.get(`/admin_post_comments/${readerComment.id}/confirm_delete`)).statusCode, 403);
      assert.equal((await other.client.post(`/admin_post_comments/${readerComment.id}/delete`, {})).statusCode, 403);
      assert.equal((await reader.client.post(`/admin_post_comments/${guestComment.id}/delete`, {})).statusCode, 403, "a guest's comment is the admins' to remove");
      const confirm = await reader.client.get(`/admin_post_comments/${readerComment.id}/confirm_delete`);
      assert.equal(confirm.statusCode, 200);
      assertMatch(confirm.body, /Are you sure you want to delete this comment\?/);
      assert.ok(!(await reader.client.get(`/admin_posts/${open}`)).body.includes(`/admin_post_comments/${guestComment.id}/confirm_delete`));
      assert.equal((await reader.client.post(`/admin_post_comments/${readerComment.id}/delete`, {})).statusCode, 303);
      assert.ok((await comms.client.get(`/admin_posts/${open}`)).body.includes(`/admin_post_comments/${guestComment.id}/confirm_delete`));
      assert.equal((await comms.client.post(`/admin_post_comments/${guestComment.id}/delete`, {})).statusCode, 303);
      assert.equal((await db.selectFrom("admin_post_comments").select("id").execute()).length, 0);
      assert.equal((await comms.client.post(`/admin_post_comments/${guestComment.id}/delete`, {})).statusCode, 404);

      // The listing counts each post's comments.
      await createComment(db, open, reader.userId);
      assertMatch((await guest.get("/admin_posts")).body, new RegExp(`href="/admin_posts/${open}#comments">Comments \\(1\\)`));
    } finally {
      await app.close();
    }
  });
});

test("the banner: shown on every page until dismissed (a cookie for guests, the account for users); a new text shows again", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const comms = await loggedInUser(app, db, "herald", ["communications"]);
      const reader = await loggedInUser(app, db, "reader");
      const plain = await loggedInUser(app, db, "plain");
      const guest = new Client(app);
      const hasBanner = async (client: Client, path = "/works") => (await client.get(path)).body.includes('id="admin-banner"');

      assert.equal(await hasBanner(guest), false, "no banner until one is set");
      assert.equal((await plain.client.get("/admin/banner")).statusCode, 403);
      assert.equal((await plain.client.post("/admin/banner", { "admin_banner[content]": "Defaced", "admin_banner[active]": "1" })).statusCode, 403);

      // Switched on with no text: refused with a message, the choice kept.
      const empty = await comms.client.post("/admin/banner", { "admin_banner[content]": "  ", "admin_banner[active]": "1" });
      assert.equal(empty.statusCode, 422);
      assertMatch(empty.body, /Please write the banner&#39;s text, or switch the banner off\.|Please write the banner's text, or switch the banner off\./);

      const saved = await comms.client.post("/admin/banner", { "admin_banner[content]": "Voting for the <a href=\"https://example.org/board\">board</a> is open. <script>alert(1)</script>", "admin_banner[active]": "1" });
      assert.equal(saved.statusCode, 303);
      for (const path of ["/works", "/admin_posts", "/users/login", "/no/such/page"]) {
        const body = (await guest.get(path)).body;
        assert.ok(body.includes('id="admin-banner"'), `the banner on ${path}`);
        assert.ok(body.includes('<a href="https://example.org/board" rel="nofollow">board</a>') && !body.includes("alert(1)"), "sanitized HTML");
      }
      assert.equal(await hasBanner(reader.client), true);
      assert.equal(await hasBanner(plain.client), true);

      // A guest dismisses it (a form with the CSRF check); back to the page, no banner since.
      const page = await guest.get("/works");
      const bannerId = /name="banner_id" value="(\d+)"/.exec(page.body)![1]!;
      assertMatch(page.body, /name="return_to" value="\/works"/);
      const forged = await guest.post("/banner/dismiss", { banner_id: bannerId, return_to: "/works", authenticity_token: "forged" }, { csrf: false });
      assert.equal(forged.statusCode, 403);
      const dismissed = await guest.post("/banner/dismiss", { banner_id: bannerId, return_to: "/works" });
      assert.equal(dismissed.statusCode, 303);
      assert.equal(dismissed.headers.location, "/works");
      assert.equal(await hasBanner(guest), false);
      assert.equal(await hasBanner(new Client(app)), true, "another browser still sees it");
      // A return address off the archive goes home instead.
      assert.equal((await guest.post("/banner/dismiss", { banner_id: bannerId, return_to: "https://evil.example/" })).headers.location, "/");

      // A user dismisses it: kept on the account, so their other browsers do not show it either.
      await reader.client.get("/works");
      assert.equal((await reader.client.post("/banner/dismiss", { banner_id: bannerId, return_to: "/works" })).statusCode, 303);
      assert.equal(await hasBanner(reader.client), false);
      const elsewhere = new Client(app);
      await elsewhere.logIn("reader", "reader password 1");
      assert.equal(await hasBanner(elsewhere), false, "dismissed on the account");
      assert.equal(await hasBanner(plain.client), true, "other users still see it");
      const row = await db.selectFrom("admin_banner_dismissals").selectAll().where("user_id", "=", reader.userId).executeTakeFirstOrThrow();
      assert.equal(row.banner_id, Number(bannerId));

      // A minor correction keeps it dismissed; a new text shows again to everyone.
      const form = await comms.client.get("/admin/banner");
      assertMatch(form.body, /The banner is shown now\./);
      await comms.client.post("/admin/banner", { "admin_banner[content]": "Voting for the board is open until Friday.", "admin_banner[active]": "1", "admin_banner[minor]": "1" });
      assert.equal(await hasBanner(guest), false);
      assert.equal(await hasBanner(reader.client), false);
      assertMatch((await plain.client.get("/works")).body, /open until Friday/);
      await comms.client.post("/admin/banner", { "admin_banner[content]": "The board election results are in.", "admin_banner[active]": "1" });
      assertMatch((await guest.get("/works")).body, /The board election results are in\./);
      assertMatch((await reader.client.get("/works")).body, /The board election results are in\./);
      assertMatch((await elsewhere.get("/works")).body, /The board election results are in\./);
      // A stale Dismiss (the old banner's id) dismisses nothing.
      await guest.post("/banner/dismiss", { banner_id: bannerId, return_to: "/works" });
      assert.equal(await hasBanner(guest), true);

      // Off: gone for everyone, the text kept for next time.
      await comms.client.post("/admin/banner", { "admin_banner[content]": "The board election results are in." });
      assert.equal(await hasBanner(guest), false);
      assert.equal(await hasBanner(plain.client), false);
      assertMatch((await comms.client.get("/admin/banner")).body, /The banner is off\./);
      assertMatch((await comms.client.get("/admin/banner")).body, /The board election results are in\./);
      // A form with nothing in it is no banner at all, and no error.
      assert.ok((await guest.post("/banner/dismiss", {})).statusCode === 303);
    } finally {
      await app.close();
    }
  });
});

test("news writes under concurrency (PostgreSQL too): one tag row for a new tag named by two posts at once; one comment for a form sent twice at once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const comms = await loggedInUser(app, db, "herald", ["communications"]);
      await comms.client.get("/admin_posts/new");
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => comms.client.post("/admin_posts", postForm({ "admin_post[title]": `Post ${i}`, "admin_post[tag_list]": "Brand New Tag, Another" }))),
      );
      assert.deepEqual(results.map((r) => r.statusCode), Array(6).fill(303));
      assert.equal((await db.selectFrom("admin_post_tags").select("id").where("name_key", "=", "brand new tag").execute()).length, 1);
      assert.equal((await db.selectFrom("admin_post_taggings").select("post_id").execute()).length, 12);

      const id = postIdFrom(results[0]!);
      await db.updateTable("admin_posts").set({ comment_permission: "all" }).where("id", "=", id).execute();
      const guest = new Client(app);
      const page = await guest.get(`/admin_posts/${id}`);
      const token = tokenIn(page.body);
      const sent = await Promise.all(
        Array.from({ length: 4 }, () => guest.post(`/admin_posts/${id}/comments`, { "comment[token]": token, "comment[name]": "Quick", "comment[email]": "q@example.org", "comment[comment_content]": "Clicked twice." })),
      );
      assert.deepEqual(sent.map((r) => r.statusCode), Array(4).fill(303));
      assert.equal((await db.selectFrom("admin_post_comments").select("id").execute()).length, 1);
    } finally {
      await app.close();
    }
  });
});

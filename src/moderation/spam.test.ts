import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import type { FastifyInstance } from "fastify";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { assertMatch, Client, loggedInUser, redirectedId, testConfig, workForm } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { createToken } from "../api/commands.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { t as message } from "../platform/i18n/index.js";
import { accountStanding } from "../model/sanctions.js";
import { blockListMatches, countLinks, judgeSpam, SPAM_DEFAULTS, setSpamRules, spamRules } from "../model/spam.js";
import { subscribe } from "../subscriptions/commands.js";
import { heldItemCount } from "./index.js";
import { approveHeldWork, markCommentSpam, markWorkSpam } from "./spam.js";

const LINKS = "<p>Buy <a href=\"https://shop.example/a\">here</a>, https://shop.example/b and www.shop.example/c.</p>";

test("the spam rule: links counted once each, words and domains matched whole, new accounts and guests only for links", () => {
  assert.equal(countLinks(LINKS), 3);
  assert.equal(countLinks('<a href="https://x.example/">https://x.example/</a>'), 1, "a link whose text is its address counts once");
  assert.equal(countLinks("No links here, www or http."), 0);
  assert.deepEqual(blockListMatches(["Cheap PILLS today!"], ["pills"]), ["pills"]);
  assert.deepEqual(blockListMatches(["Pillsbury dough"], ["pills"]), [], "a whole word only");
  assert.deepEqual(blockListMatches(['<a href="https://www.spam.example/buy">a shop</a>'], ["spam.example"]), ["spam.example"], "a link's domain");
  assert.deepEqual(blockListMatches(["notspam.example.org"], ["spam.example"]), []);
  const rules = { newAccountDays: 7, maxLinks: 2, blockList: ["casino"] };
  const now = Date.parse("2026-06-10T00:00:00Z");
  const young = "2026-06-08T00:00:00Z";
  const old = "2026-01-01T00:00:00Z";
  assert.equal(judgeSpam(rules, { accountCreatedAt: young, texts: [LINKS] }, now).held, true, "three links from a two-day-old account");
  assert.equal(judgeSpam(rules, { accountCreatedAt: old, texts: [LINKS] }, now).held, false, "an established account links freely");
  assert.equal(judgeSpam(rules, { accountCreatedAt: null, texts: [LINKS] }, now).held, true, "a guest counts as new");
  assert.equal(judgeSpam(rules, { accountCreatedAt: young, texts: ["<p>one https://a.example two https://b.example</p>"] }, now).held, false, "two links are allowed");
  assert.equal(judgeSpam(rules, { accountCreatedAt: old, texts: ["Visit the Casino."] }, now).held, true, "the list holds whoever wrote it");
  assert.equal(judgeSpam(rules, { accountCreatedAt: young, trusted: true, texts: [LINKS, "casino"] }, now).held, false, "admins are never held");
  assert.equal(judgeSpam({ ...rules, newAccountDays: 0 }, { accountCreatedAt: young, texts: [LINKS] }, now).held, false, "0 days: the links rule is off");
  assert.equal(judgeSpam(SPAM_DEFAULTS, { accountCreatedAt: null, texts: [LINKS, "casino"] }, now).held, false, "off until an admin turns it on");
});

async function setUp(db: Db, url: string) {
  const app = await buildApp(testConfig(url), db);
  const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
  const spammer = await loggedInUser(app, db, "fresh_fay");
  const author = await loggedInUser(app, db, "author_ash");
  await db.updateTable("users").set({ created_at: new Date(Date.now() - 400 * 86_400_000).toISOString() }).where("id", "in", [policy.userId, author.userId]).execute();
  await setSpamRules(db, { newAccountDays: 7, maxLinks: 2, blockList: ["casino", "pills.example"] });
  return { app, policy, spammer, author };
}

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";
async function comment(client: Client, workId: number, text: string) {
  const page = await client.get(`/works/${workId}`);
  return client.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), "comment[comment_content]": text });
}
const says = (body: string, text: string) => body.includes(escapeHtml(text));

test("spam settings: policy admins set the rule's days, links and list; bad values come back with what was typed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
    const page = await policy.client.get("/admin/spam/settings");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /name="new_account_days"[^>]*value="0"/);
    const bad = await policy.client.post("/admin/spam/settings", { new_account_days: "-3", max_links: "lots", block_list: "Casino\nPills.example" });
    assert.equal(bad.statusCode, 422);
    assertMatch(bad.body, /value="-3"/);
    assertMatch(bad.body, />\nCasino\nPills\.example<\/textarea>/);
    assert.ok(says(bad.body, message("spam.settings.days_invalid", { max: 3650 })));
    assert.deepEqual(await spamRules(db), SPAM_DEFAULTS, "nothing saved");
    const saved = await policy.client.post("/admin/spam/settings", { new_account_days: "7", max_links: "2", block_list: "Casino\n\n  Pills.example \ncasino" });
    assert.equal(saved.statusCode, 303);
    assert.deepEqual(await spamRules(db), { newAccountDays: 7, maxLinks: 2, blockList: ["casino", "pills.example"] });
    const support = await loggedInUser(app, db, "support_sam", ["support"]);
    assert.equal((await support.client.get("/admin/spam/settings")).statusCode, 403);
    assert.equal((await support.client.get("/admin/spam")).statusCode, 403);
    assert.equal((await support.client.post("/admin/spam/settings", { new_account_days: "0", max_links: "0", block_list: "" })).statusCode, 403);
    await app.close();
  });
});

test("a new account's work with too many links is held, seen by its creator alone, and an admin's approval posts it with posting's side effects", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, spammer, author } = await setUp(db, url);
    await subscribe(db, author.userId, "user", spammer.userId);
    await spammer.client.get("/works/new");
    const workId = redirectedId(await spammer.client.post("/works", workForm(spammer.pseudId, { "work[title]": "Great Deals", "chapter[content]": LINKS })));
    const stored = await db.selectFrom("works").select(["posted", "spam_hold"]).where("id", "=", workId).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { posted: 0, spam_hold: 1 });
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", "subscription_mail").execute()).length, 0, "no subscriber hears of it");
    assert.equal(await heldItemCount(db), 1);

    const own = await spammer.client.get(`/works/${workId}`);
    assert.equal(own.statusCode, 200);
    assert.ok(says(own.body, message("spam.work_held_notice")), "the writer is told");
    assert.doesNotMatch(own.body, /class="post-draft"/, "no button to post it past the review");
    assert.equal((await spammer.client.post(`/works/${workId}/post`, {})).statusCode, 303);
    assert.equal((await db.selectFrom("works").select("posted").where("id", "=", workId).executeTakeFirstOrThrow()).posted, 0, "posting it again changes nothing");
    // Invisible to everyone else, everywhere, counts included.
    const guest = new Client(app);
    assert.equal((await author.client.get(`/works/${workId}`)).statusCode, 404);
    assert.equal((await guest.get(`/works/${workId}`)).statusCode, 404);
    assert.doesNotMatch((await guest.get("/works")).body, /Great Deals/);
    assert.doesNotMatch((await author.client.get("/users/fresh_fay/works")).body, /Great Deals/);
    assert.doesNotMatch((await guest.get("/works/search?work_search[query]=Deals")).body, /Great Deals/);
    assert.doesNotMatch((await guest.get("/works/feed.atom")).body, /Great Deals/);
    const listed = await new ApiClient(app).get("/users/fresh_fay/works");
    assert.equal(listed.body.total ?? listed.body.works?.length ?? 0, 0);
    assert.equal((await new ApiClient(app).get(`/works/${workId}`)).status, 404);

    // The queue shows it with why; approving posts it.
    const queue = await policy.client.get("/admin/spam");
    assert.equal(queue.statusCode, 200);
    assertMatch(queue.body, /Great Deals/);
    assert.ok(says(queue.body, message("spam.queue.new_account_links", { links: "3" })));
    const approved = await policy.client.post(`/admin/spam/works/${workId}/approve`, {});
    assert.equal(approved.statusCode, 303);
    assert.deepEqual(await db.selectFrom("works").select(["posted", "spam_hold"]).where("id", "=", workId).executeTakeFirstOrThrow(), { posted: 1, spam_hold: 0 });
    assert.equal((await db.selectFrom("chapters").select("posted").where("work_id", "=", workId).executeTakeFirstOrThrow()).posted, 1);
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", "subscription_mail").execute()).length, 1, "subscribers hear of it now");
    assert.equal((await guest.get(`/works/${workId}`)).statusCode, 200);
    assertMatch((await guest.get("/works")).body, /Great Deals/);
    const entry = await db.selectFrom("audit_log").selectAll().where("action", "=", "approve_held").executeTakeFirstOrThrow();
    assert.deepEqual([entry.actor_user_id, entry.work_id, entry.target_user_id], [policy.userId, workId, spammer.userId]);
    assert.equal(await heldItemCount(db), 0);
    assert.equal((await policy.client.post(`/admin/spam/works/${workId}/approve`, {})).statusCode, 404, "not held any more");
    await app.close();
  });
});

test("held at posting only: a draft is not checked until it is posted; the list holds an old account's work; the API says held_for_review", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, spammer, author } = await setUp(db, url);
    await spammer.client.get("/works/new");
    const draftId = redirectedId(await spammer.client.post("/works", workForm(spammer.pseudId, { "chapter[content]": LINKS, commit: "Save As Draft" })));
    assert.equal((await db.selectFrom("works").select("spam_hold").where("id", "=", draftId).executeTakeFirstOrThrow()).spam_hold, 0, "a draft is the writer's own business");
    assert.equal((await spammer.client.post(`/works/${draftId}/post`, {})).statusCode, 303);
    assert.deepEqual(await db.selectFrom("works").select(["posted", "spam_hold"]).where("id", "=", draftId).executeTakeFirstOrThrow(), { posted: 0, spam_hold: 1 }, "posting the draft holds it");

    await author.client.get("/works/new");
    const listed = redirectedId(await author.client.post("/works", workForm(author.pseudId, { "work[summary]": "Set in a casino." })));
    assert.equal((await db.selectFrom("works").select("spam_hold").where("id", "=", listed).executeTakeFirstOrThrow()).spam_hold, 1, "the list holds whoever wrote it");
    const fine = redirectedId(await author.client.post("/works", workForm(author.pseudId, { "chapter[content]": LINKS })));
    assert.equal((await db.selectFrom("works").select("posted").where("id", "=", fine).executeTakeFirstOrThrow()).posted, 1, "an established account's links are fine");

    const api = new ApiClient(app, (await createToken(db, spammer.userId, "tool", "write")).token);
    const posted = await api.post("/works", apiWork({ chapter: { content: "Visit https://a.example https://b.example https://c.example" } }));
    assert.equal(posted.status, 201);
    assert.equal(posted.body.held_for_review, true);
    assert.equal(posted.body.draft, true);
    const draft = await api.post("/works", apiWork({ draft: true, summary: "pills.example" }));
    assert.equal(draft.body.held_for_review, false);
    const patched = await api.patch(`/works/${draft.body.id}`, { draft: false });
    assert.equal(patched.body.held_for_review, true, "posting a draft through the API holds it too");
    assert.equal(await heldItemCount(db), 4);
    await app.close();
  });
});

test("marking a held work as spam bans its writer, hides all their works and clears their other held items; each step is audited", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, spammer, author } = await setUp(db, url);
    const earlier = await makeWork(db, spammer.pseudId, { title: "Harmless Earlier Work" });
    await spammer.client.get("/works/new");
    const held = redirectedId(await spammer.client.post("/works", workForm(spammer.pseudId, { "work[title]": "Casino Nights" })));
    const otherWork = await makeWork(db, author.pseudId, { title: "Commented On" });
    await comment(spammer.client, otherWork, "Try the casino!");
    assert.equal(await heldItemCount(db), 2);

    const confirm = await policy.client.get(`/admin/spam/works/${held}/confirm_spam`);
    assert.equal(confirm.statusCode, 200);
    assertMatch(confirm.body, /fresh_fay/);
    const noReason = await policy.client.post(`/admin/spam/works/${held}/spam`, { reason: " " });
    assert.equal(noReason.statusCode, 422);
    assert.equal((await accountStanding(db, spammer.userId)).sanction, null, "nothing done without a reason");
    const marked = await policy.client.post(`/admin/spam/works/${held}/spam`, { reason: "Casino spam." });
    assert.equal(marked.statusCode, 303);
    assert.equal((await accountStanding(db, spammer.userId)).sanction?.kind, "banned");
    const works = await db.selectFrom("works").select(["id", "hidden_by_admin", "spam_hold"]).where("id", "in", [earlier, held]).orderBy("id").execute();
    assert.deepEqual(works, [
      { id: earlier, hidden_by_admin: 1, spam_hold: 0 },
      { id: held, hidden_by_admin: 1, spam_hold: 2 },
    ]);
    assert.equal((await db.selectFrom("comments").select("id").where("user_id", "=", spammer.userId).execute()).length, 0, "their held comment is gone");
    assert.equal(await heldItemCount(db), 0);
    const actions = (await db.selectFrom("audit_log").select("action").where("target_user_id", "=", spammer.userId).orderBy("id").execute()).map((r) => r.action);
    assert.deepEqual(actions, ["hide_work", "hide_work", "ban_user", "mark_spam", "mark_spam"]);
    // Judged spam: the writer's page says so, and it can never be posted.
    assert.ok(says((await spammer.client.get(`/works/${held}`)).body, message("spam.work_judged_notice")));
    await app.close();
  });
});

test("a held comment is seen by its writer alone, counted nowhere, and approval publishes it to the count and the inboxes", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, spammer, author } = await setUp(db, url);
    const workId = await makeWork(db, author.pseudId, { title: "Quiet Harbour" });
    const res = await comment(spammer.client, workId, `Great read! ${LINKS}`);
    assert.equal(res.statusCode, 303);
    const row = await db.selectFrom("comments").select(["id", "spam_hold", "unreviewed"]).executeTakeFirstOrThrow();
    assert.deepEqual([row.spam_hold, row.unreviewed], [1, 1]);
    const own = await spammer.client.get(String(res.headers.location));
    assert.ok(says(own.body, message("spam.comment_held_flash")), "the writer is told");
    assert.ok(says(own.body, message("spam.comment_held_notice")));
    assert.equal((await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count, 0);
    assert.equal((await db.selectFrom("comment_inbox").select("comment_id").execute()).length, 0, "in nobody's inbox");
    // The work's creator, moderator of its comments, does not see it; nor does a guest.
    assert.doesNotMatch((await author.client.get(`/works/${workId}/comments`)).body, /Great read!/);
    assert.equal((await author.client.get(`/comments/${row.id}`)).statusCode, 404);
    assert.doesNotMatch((await new Client(app).get(`/works/${workId}/comments`)).body, /Great read!/);
    assert.equal((await new ApiClient(app).get(`/works/${workId}/comments`)).body.comments_count, 0);

    // Through the API too.
    const api = new ApiClient(app, (await createToken(db, spammer.userId, "tool", "write")).token);
    const viaApi = await api.post(`/works/${workId}/comments`, { content: "Visit the casino." });
    assert.equal(viaApi.status, 201);
    assert.equal(viaApi.body.held, true);
    assert.equal(await heldItemCount(db), 2);

    const queue = await policy.client.get("/admin/spam");
    assertMatch(queue.body, /Great read!/);
    assert.equal((await policy.client.post(`/admin/spam/comments/${row.id}/approve`, {})).statusCode, 303);
    const after = await db.selectFrom("comments").select(["spam_hold", "unreviewed"]).where("id", "=", row.id).executeTakeFirstOrThrow();
    assert.deepEqual([after.spam_hold, after.unreviewed], [0, 0]);
    assert.equal((await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count, 1);
    assert.deepEqual((await db.selectFrom("comment_inbox").select(["user_id", "comment_id"]).execute()).map((r) => [r.user_id, r.comment_id]), [[author.userId, row.id]]);
    assertMatch((await new Client(app).get(`/works/${workId}/comments`)).body, /Great read!/);
    const entry = await db.selectFrom("audit_log").selectAll().where("action", "=", "approve_held").executeTakeFirstOrThrow();
    assert.equal(JSON.parse(entry.detail).comment_id, row.id);

    // Marking the other one spam deletes it and bans the writer (their works hidden).
    const spamId = (await db.selectFrom("comments").select("id").where("spam_hold", "=", 1).executeTakeFirstOrThrow()).id;
    assert.equal((await policy.client.get(`/admin/spam/comments/${spamId}/confirm_spam`)).statusCode, 200);
    assert.equal((await policy.client.post(`/admin/spam/comments/${spamId}/spam`, { reason: "Casino spam." })).statusCode, 303);
    assert.equal((await db.selectFrom("comments").select("id").where("id", "=", spamId).execute()).length, 0);
    assert.equal((await accountStanding(db, spammer.userId)).sanction?.kind, "banned");
    assert.equal((await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count, 1, "the count is untouched");
    await app.close();
  });
});

test("on a work whose creator approves comments, an approved held comment goes on to wait for the creator", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, spammer, author } = await setUp(db, url);
    const workId = await makeWork(db, author.pseudId);
    await db.updateTable("works").set({ moderated_comments: 1 }).where("id", "=", workId).execute();
    await comment(spammer.client, workId, `Hello ${LINKS}`);
    const row = await db.selectFrom("comments").select("id").executeTakeFirstOrThrow();
    assert.equal((await db.selectFrom("comment_inbox").select("comment_id").execute()).length, 0);
    await policy.client.post(`/admin/spam/comments/${row.id}/approve`, {});
    assert.deepEqual(await db.selectFrom("comments").select(["spam_hold", "unreviewed"]).where("id", "=", row.id).executeTakeFirstOrThrow(), { spam_hold: 0, unreviewed: 1 });
    assert.equal((await db.selectFrom("comment_inbox").select("user_id").executeTakeFirstOrThrow()).user_id, author.userId, "the creator is asked now");
    assert.equal((await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count, 0, "counted once the creator approves");
    await app.close();
  });
});

test("a guest's held comment (guests' links are capped by the comment form itself; the list holds this one): told on the comments page; marked spam, it is deleted and nobody is banned", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, author } = await setUp(db, url);
    const workId = await makeWork(db, author.pseudId);
    await db.updateTable("works").set({ comment_permission: "all" }).where("id", "=", workId).execute();
    const guest = new Client(app);
    const page = await guest.get(`/works/${workId}`);
    const res = await guest.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), "comment[name]": "Passer-by", "comment[email]": "p@example.org", "comment[comment_content]": "Deals at the casino!" });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/works/${workId}/comments`);
    assert.ok(says((await guest.get(String(res.headers.location))).body, message("spam.comment_held_flash")));
    const row = await db.selectFrom("comments").select(["id", "spam_hold"]).executeTakeFirstOrThrow();
    assert.equal(row.spam_hold, 1);
    const outcome = await policy.client.post(`/admin/spam/comments/${row.id}/spam`, { reason: "Guest spam." });
    assert.equal(outcome.statusCode, 303);
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, 0);
    assert.equal((await db.selectFrom("user_sanctions").select("user_id").execute()).length, 0);
    assert.deepEqual((await db.selectFrom("audit_log").select("action").execute()).map((r) => r.action), ["mark_spam"]);
    await app.close();
  });
});

test("marking spam is refused for the admin's own writing and the last superadmin, and changes nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, author } = await setUp(db, url);
    const workId = await makeWork(db, author.pseudId);
    const root = await loggedInUser(app, db, "root_rae", ["admin"]);
    // Admins are never held; an item held before its writer became an admin can still be in the queue.
    for (const userId of [policy.userId, root.userId]) {
      await db.insertInto("comments").values({ work_id: workId, chapter_id: null, parent_id: null, user_id: userId, guest_name: null, guest_email: null, guest_ip: null, content: "<p>casino</p>", unreviewed: 1, spam_hold: 1, form_token: null, edited_at: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute();
    }
    const [own, rootComment] = await db.selectFrom("comments").select("id").orderBy("id").execute();
    assert.deepEqual(await markCommentSpam(db, policy.userId, own!.id, "Spam."), { ok: false, refusal: "self" });
    const refused = await policy.client.post(`/admin/spam/comments/${rootComment!.id}/spam`, { reason: "Spam." });
    assert.equal(refused.statusCode, 422);
    assert.ok(says(refused.body, message("spam.refused_last_superadmin")));
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, 2, "nothing deleted");
    assert.equal((await db.selectFrom("audit_log").select("id").execute()).length, 0);
    await app.close();
  });
});

test("the queue's pages: guards, and ids that name nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app: FastifyInstance = await buildApp(testConfig(url), db);
    const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
    const queue = await policy.client.get("/admin/spam");
    assert.equal(queue.statusCode, 200);
    assert.ok(says(queue.body, message("spam.queue.no_works")));
    for (const path of ["/admin/spam/works/999999/confirm_spam", "/admin/spam/comments/999999/confirm_spam"]) assert.equal((await policy.client.get(path)).statusCode, 404, path);
    for (const path of ["/admin/spam/works/999999/approve", "/admin/spam/works/999999/spam", "/admin/spam/comments/999999/approve", "/admin/spam/comments/999999/spam"]) {
      assert.equal((await policy.client.post(path, { reason: "x" })).statusCode, 404, path);
    }
    const plain = await loggedInUser(app, db, "plain_pia");
    assert.equal((await plain.client.get("/admin/spam")).statusCode, 403);
    assert.equal((await plain.client.post("/admin/spam/works/1/approve", {})).statusCode, 403);
    await app.close();
  });
});

test("two admins deciding one held work at the same moment: one decision stands, the other finds it decided", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, spammer } = await setUp(db, url);
    const other = await loggedInUser(app, db, "policy_quinn", ["policy_and_abuse"]);
    const workId = await makeWork(db, spammer.pseudId, { title: "Casino Nights" });
    const [approved, marked] = await Promise.all([approveHeldWork(db, policy.userId, workId), markWorkSpam(db, other.userId, workId, "Spam.")]);
    assert.equal(Number(approved) + Number(marked.ok), 1, "exactly one decision");
    const work = await db.selectFrom("works").select(["posted", "spam_hold"]).where("id", "=", workId).executeTakeFirstOrThrow();
    assert.deepEqual(work, approved ? { posted: 1, spam_hold: 0 } : { posted: 0, spam_hold: 2 });
    assert.equal((await db.selectFrom("audit_log").select("id").where("action", "in", ["approve_held", "mark_spam"]).execute()).length, 1);
    await app.close();
  });
});

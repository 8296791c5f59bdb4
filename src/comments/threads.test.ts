import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { addChapter, deleteChapter, deleteWork } from "../works/commands.js";
import { approveComment, type CommentAuthor, deleteComment, editComment, postComment, setThreadFrozen } from "./commands.js";
import { countThreads, loadThreads, type ThreadComment } from "./queries.js";

/** Posts a comment through the command the form uses; returns its id. */
async function say(db: Db, workId: number, userId: number | null, text: string, parent: number | null = null, options: { held?: boolean; token?: string; chapterId?: number } = {}) {
  const author: CommentAuthor = userId !== null ? { userId } : { guest: { name: "Wanderer", email: "wanderer@example.org" }, ip: "203.0.113.5" };
  const result = await postComment(db, {
    workId,
    creatorUserIds: [],
    chapterId: options.chapterId ?? null,
    parent: parent ? { id: parent, user_id: null } : null,
    author,
    input: { content: `<p>${text}</p>`, guest: "guest" in author ? author.guest : null, token: options.token ?? null },
    held: options.held ?? false,
  });
  return result.id;
}

/** Each comment's text with its depth, in reading order. */
function outline(threads: ThreadComment[]): string[] {
  const out: string[] = [];
  const walk = (list: ThreadComment[]) => {
    for (const c of list) {
      out.push(`${"  ".repeat(c.depth)}${c.deleted ? "(deleted)" : c.content.replace(/<\/?p>/g, "")}${c.moreReplies ? " [more]" : ""}`);
      walk(c.replies);
    }
  };
  walk(threads);
  return out;
}

const GUEST_VIEW = { viewerId: null, moderator: false };
const counter = async (db: Db, workId: number) => (await db.selectFrom("works").select("comments_count").where("id", "=", workId).executeTakeFirstOrThrow()).comments_count;

test("threads: one recursive query in a stable order (replies after their parent, oldest first), names joined in", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const ana = await makeCreator(db, "ana");
    const workId = await makeWork(db, pseudId);
    // Written out of reading order on purpose: replies to A arrive after thread B began.
    const a = await say(db, workId, ana.userId, "A");
    const b = await say(db, workId, null, "B");
    const a1 = await say(db, workId, userId, "A1", a);
    await say(db, workId, ana.userId, "B1", b);
    await say(db, workId, null, "A2", a);
    await say(db, workId, ana.userId, "A1a", a1);
    const threads = await loadThreads(db, { workId, page: 1 }, GUEST_VIEW);
    assert.deepEqual(outline(threads), ["A", "  A1", "    A1a", "  A2", "B", "  B1"]);
    assert.equal(threads[0]!.login, "ana");
    assert.equal(threads[1]!.login, null);
    assert.equal(threads[1]!.guest_name, "Wanderer");
    assert.equal("guest_email" in threads[1]!, false, "the email is never loaded for pages");
    assert.deepEqual(await countThreads(db, { workId }, GUEST_VIEW), { threads: 2, comments: 6 });
    assert.equal(await counter(db, workId), 6);
  });
});

test("threads: shown five deep, deeper replies behind 'continue this thread' on the thread page", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const workId = await makeWork(db, pseudId);
    const chain = [await say(db, workId, userId, "d0")];
    for (let d = 1; d <= 7; d++) chain.push(await say(db, workId, userId, `d${d}`, chain[d - 1]!));
    const page = await loadThreads(db, { workId, page: 1 }, GUEST_VIEW);
    assert.deepEqual(outline(page), ["d0", "  d1", "    d2", "      d3", "        d4 [more]"]);
    const beyond = await loadThreads(db, { commentId: chain[4]! }, GUEST_VIEW);
    assert.deepEqual(outline(beyond), ["d4", "  d5", "    d6", "      d7"]);
  });
});

test("threads: held comments only for their writer and moderators, muted writers left out, counts follow", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const ana = await makeCreator(db, "ana");
    const ben = await makeCreator(db, "ben");
    const workId = await makeWork(db, pseudId);
    const open = await say(db, workId, ben.userId, "open");
    await say(db, workId, userId, "reply by creator", open);
    const held = await say(db, workId, ana.userId, "held", null, { held: true });
    assert.equal(await counter(db, workId), 2, "a held comment is not counted");
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, GUEST_VIEW)), ["open", "  reply by creator"]);
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, { viewerId: ana.userId, moderator: false })), ["open", "  reply by creator", "held"]);
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, { viewerId: userId, moderator: true })), ["open", "  reply by creator", "held"]);
    assert.deepEqual(await countThreads(db, { workId }, GUEST_VIEW), { threads: 1, comments: 2 });
    // Muting is a parameter: a muted writer's comments (and what hangs under them) are left out.
    const muted = { viewerId: ana.userId, moderator: false, excludeUserIds: [ben.userId] };
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, muted)), ["held"]);
    assert.deepEqual(await countThreads(db, { workId }, muted), { threads: 1, comments: 0 });

    assert.equal(await approveComment(db, held), true);
    assert.equal(await approveComment(db, held), false, "approving twice counts once");
    assert.equal(await counter(db, workId), 3);
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, GUEST_VIEW)), ["open", "  reply by creator", "held"]);
  });
});

test("threads: deleting keeps a comment with replies as 'deleted comment', removes one without; the counter follows", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const workId = await makeWork(db, pseudId);
    const feedBefore = Number((await db.selectFrom("change_feed").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0);
    const root = await say(db, workId, userId, "root");
    const leaf = await say(db, workId, userId, "leaf", root);
    const lone = await say(db, workId, userId, "lone");
    assert.equal(await counter(db, workId), 3);
    assert.equal(await deleteComment(db, root), true);
    assert.equal(await deleteComment(db, root), false, "a second delete finds nothing");
    assert.equal(await deleteComment(db, lone), true);
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, GUEST_VIEW)), ["(deleted)", "  leaf"]);
    const kept = await db.selectFrom("comments").select(["content", "deleted"]).where("id", "=", root).executeTakeFirstOrThrow();
    assert.deepEqual(kept, { content: "", deleted: 1 });
    assert.equal(await db.selectFrom("comments").select("id").where("id", "=", lone).executeTakeFirst(), undefined);
    assert.equal(await counter(db, workId), 1);
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", feedBefore).execute();
    assert.equal(feed.length, 5, "a change-feed row with every move of the counter");
    assert.ok(feed.every((row) => row.work_id === workId && row.kind === "work"));
    // The reply's writer may still edit it; a deleted comment cannot be edited.
    assert.equal(await editComment(db, userId, leaf, "<p>leaf, edited</p>"), true);
    assert.equal(await editComment(db, userId, root, "<p>back from the dead</p>"), false);
  });
});

test("threads: freezing covers the comment and every reply under it, and stops edits", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const workId = await makeWork(db, pseudId);
    const root = await say(db, workId, userId, "root");
    const mid = await say(db, workId, userId, "mid", root);
    const low = await say(db, workId, userId, "low", mid);
    const other = await say(db, workId, userId, "other");
    assert.equal(await setThreadFrozen(db, mid, true), 2);
    const frozen = await db.selectFrom("comments").select(["id", "frozen"]).orderBy("id").execute();
    assert.deepEqual(frozen, [
      { id: root, frozen: 0 },
      { id: mid, frozen: 1 },
      { id: low, frozen: 1 },
      { id: other, frozen: 0 },
    ]);
    assert.equal(await editComment(db, userId, low, "<p>changed</p>"), false);
    assert.equal(await setThreadFrozen(db, mid, false), 2);
    assert.equal(await editComment(db, userId, low, "<p>changed</p>"), true);
  });
});

test("threads: a form's token, or the same text from the same writer in the same place, makes one comment", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const workId = await makeWork(db, pseudId);
    const token = "AAAAAAAAAAAAAAAAAAAAAA";
    const ids = await Promise.all([1, 2, 3].map(() => say(db, workId, userId, "once", null, { token })));
    assert.equal(new Set(ids).size, 1);
    // No token (another client): the same text in the same place is still the same comment.
    assert.equal(await say(db, workId, userId, "again"), await say(db, workId, userId, "again"));
    // The same text as a reply is a different comment.
    assert.notEqual(await say(db, workId, userId, "again", ids[0]!), ids[0]);
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, 3);
    assert.equal(await counter(db, workId), 3);
  });
});

test("threads: a deleted chapter's comments stay as the work's; a deleted work takes its comments and inbox entries with it", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "maker");
    const ana = await makeCreator(db, "ana");
    const workId = await makeWork(db, pseudId);
    const second = await addChapter(db, workId, { title: "", summary: "", notes: "", endnotes: "", content: "<p>Two.</p>" });
    const root = await say(db, workId, ana.userId, "on two", null, { chapterId: second });
    await postComment(db, { workId, creatorUserIds: [userId], chapterId: second, parent: { id: root, user_id: ana.userId }, author: { userId }, input: { content: "<p>reply</p>", guest: null, token: null }, held: false });
    assert.equal((await db.selectFrom("comment_inbox").select("user_id").execute()).length, 1, "the reply reached ana's inbox");
    await deleteChapter(db, workId, second);
    assert.deepEqual(outline(await loadThreads(db, { workId, page: 1 }, GUEST_VIEW)), ["on two", "  reply"]);
    assert.deepEqual((await db.selectFrom("comments").select("chapter_id").execute()).map((r) => r.chapter_id), [null, null]);
    await deleteWork(db, workId);
    assert.equal((await db.selectFrom("comments").select("id").execute()).length, 0);
    assert.equal((await db.selectFrom("comment_inbox").select("user_id").execute()).length, 0);
  });
});

import { sql } from "kysely";
import { shiftWorkCounter } from "../platform/changes.js";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { checkForSpam } from "../model/spam.js";
import { isCounted } from "./policy.js";
import type { CommentInput } from "./schema.js";

// Every write of comments, each in one transaction with its side effects: the work's counter
// (works.comments_count: approved, not deleted comments, see policy.isCounted) with a change-feed
// row whenever it moves, and the inbox rows of the people a comment is addressed to.

/** Who writes a comment: a user, or a guest with the name and email they gave and their address. */
export type CommentAuthor = { userId: number } | { guest: { name: string; email: string }; ip: string };

export interface NewComment {
  workId: number;
  /** The work's creators: they get it in their inboxes (and their own comments are never held). */
  creatorUserIds: number[];
  chapterId: number | null;
  parent: { id: number; user_id: number | null } | null;
  author: CommentAuthor;
  input: CommentInput;
  /** Held for the creator's approval (policy.isHeldForReview). */
  held: boolean;
  /**
   * A comment brought over from another archive (src/transfer): it keeps its own date and lands
   * in nobody's inbox (its readers saw it there years ago).
   */
  imported?: { createdAt: string };
}

async function shiftCount(trx: DbOrTrx, workId: number, delta: number) {
  if (delta === 0) return;
  await shiftWorkCounter(trx, workId, "comments_count", delta);
}

async function addToInboxes(trx: DbOrTrx, commentId: number, userIds: (number | null)[], authorId: number | null) {
  const recipients = [...new Set(userIds.filter((id): id is number => id !== null && id !== authorId))];
  if (recipients.length === 0) return;
  await trx
    .insertInto("comment_inbox")
    .values(recipients.map((user_id) => ({ user_id, comment_id: commentId, read: 0, created_at: nowIso() })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Posts a comment or a reply. A second submit of the same form (its token), or the same text
 * from the same writer in the same place, creates nothing and answers the first comment's id.
 * A comment the spam rule holds (src/model/spam.ts) is kept unreviewed and seen by its writer
 * alone, in nobody's inbox and no count, until an admin approves it (`spamHeld`).
 */
export async function postComment(db: Db, c: NewComment): Promise<{ created: boolean; id: number; spamHeld: boolean }> {
  return db.transaction().execute(async (trx) => {
    const userId = "userId" in c.author ? c.author.userId : null;
    const guest = "guest" in c.author ? c.author : null;
    const existing = await trx
      .selectFrom("comments")
      .select("id")
      .where((eb) => {
        const same = eb.and([
          eb("work_id", "=", c.workId),
          c.parent ? eb("parent_id", "=", c.parent.id) : eb("parent_id", "is", null),
          c.chapterId !== null ? eb("chapter_id", "=", c.chapterId) : eb("chapter_id", "is", null),
          eb("deleted", "=", 0),
          // Compared as text: the stored column reads back branded as trusted markup, while the
          // new input (the sanitizer's output) is typed as a plain string.
          eb(sql.ref<string>("content"), "=", c.input.content),
          userId !== null ? eb("user_id", "=", userId) : eb.and([eb("guest_name", "=", guest!.guest.name), eb("guest_email", "=", guest!.guest.email)]),
        ]);
        return c.input.token ? eb.or([eb("form_token", "=", c.input.token), same]) : same;
      })
      .orderBy("id")
      .executeTakeFirst();
    if (existing) return { created: false, id: existing.id, spamHeld: false };
    const spamHeld = (await checkForSpam(trx, userId !== null ? [userId] : [], [c.input.content])).held;
    const held = c.held || spamHeld;
    const now = c.imported?.createdAt ?? nowIso();
    const row = await trx
      .insertInto("comments")
      .values({
        work_id: c.workId,
        chapter_id: c.chapterId,
        parent_id: c.parent?.id ?? null,
        user_id: userId,
        guest_name: guest?.guest.name ?? null,
        guest_email: guest?.guest.email ?? null,
        guest_ip: guest?.ip ?? null,
        content: c.input.content,
        unreviewed: held ? 1 : 0,
        spam_hold: spamHeld ? 1 : 0,
        form_token: c.input.token,
        created_at: now,
        updated_at: now,
      })
      // Two submits of one form at the same moment: the unique token lets one row in.
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) {
      const first = await trx.selectFrom("comments").select("id").where("form_token", "=", c.input.token).executeTakeFirstOrThrow();
      return { created: false, id: first.id, spamHeld: false };
    }
    if (spamHeld) return { created: true, id: row.id, spamHeld };
    if (!c.held) await shiftCount(trx, c.workId, 1);
    if (c.imported) return { created: true, id: row.id, spamHeld };
    // Creators hear of every comment (held ones are theirs to approve); the replied-to writer once it is approved.
    await addToInboxes(trx, row.id, [...c.creatorUserIds, c.held ? null : (c.parent?.user_id ?? null)], userId);
    return { created: true, id: row.id, spamHeld };
  });
}

/**
 * Changes a comment's text; only its writer's, and not a deleted or frozen one (checked again in
 * the WHERE). With `hold`, the comment goes back for approval (and out of the count until then).
 */
export async function editComment(db: Db, userId: number, commentId: number, content: string, options: { hold?: boolean } = {}): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom("comments").select(["work_id", "unreviewed", "deleted"]).where("id", "=", commentId).where("user_id", "=", userId).where("deleted", "=", 0).where("frozen", "=", 0).executeTakeFirst();
    if (!old) return false;
    // An edit meets the spam rule as a new comment does: else a harmless comment could become an advertisement.
    const spamHeld = (await checkForSpam(trx, [userId], [content])).held;
    const hold = options.hold || spamHeld;
    const now = nowIso();
    await trx
      .updateTable("comments")
      .set({ content, edited_at: now, updated_at: now, ...(hold ? { unreviewed: 1 } : {}), ...(spamHeld ? { spam_hold: 1 } : {}) })
      .where("id", "=", commentId)
      .execute();
    if (hold && !old.unreviewed) await shiftCount(trx, old.work_id, -1);
    return true;
  });
}

/**
 * Deletes a comment: one without replies is removed; one with replies becomes "deleted comment"
 * (its text gone, its place in the thread kept). False when it was already gone.
 */
export async function deleteComment(db: Db, commentId: number): Promise<boolean> {
  return db.transaction().execute((trx) => deleteCommentIn(trx, commentId));
}

/** deleteComment in the caller's transaction (an admin's judgement that a comment is spam). */
export async function deleteCommentIn(trx: DbOrTrx, commentId: number): Promise<boolean> {
  const old = await trx.selectFrom("comments").select(["work_id", "unreviewed", "deleted"]).where("id", "=", commentId).executeTakeFirst();
  if (!old || old.deleted) return false;
  const reply = await trx.selectFrom("comments").select("id").where("parent_id", "=", commentId).limit(1).executeTakeFirst();
  if (reply) {
    await trx.updateTable("comments").set({ deleted: 1, content: "", updated_at: nowIso() }).where("id", "=", commentId).execute();
    await trx.deleteFrom("comment_inbox").where("comment_id", "=", commentId).execute();
  } else {
    await trx.deleteFrom("comments").where("id", "=", commentId).execute();
  }
  await shiftCount(trx, old.work_id, isCounted(old) ? -1 : 0);
  return true;
}

/**
 * An admin's approval of a comment the spam rule held, in the admin's transaction: it is published
 * as it would have been when posted: counted and in the creators' and replied-to writer's inboxes;
 * on a work whose creator approves comments, it goes on to wait for them (in their inbox) instead.
 * False when it is not held (approved or deleted already).
 */
export async function releaseSpamHeldComment(trx: DbOrTrx, commentId: number): Promise<boolean> {
  const comment = await trx
    .selectFrom("comments as c")
    .innerJoin("works as w", "w.id", "c.work_id")
    .leftJoin("comments as p", "p.id", "c.parent_id")
    .select(["c.work_id", "c.user_id", "c.spam_hold", "c.deleted", "w.moderated_comments", "p.user_id as parent_user_id"])
    .where("c.id", "=", commentId)
    .executeTakeFirst();
  if (!comment || comment.spam_hold !== 1 || comment.deleted) return false;
  const creators = await trx.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.user_id").where("work_creators.work_id", "=", comment.work_id).execute();
  const creatorIds = creators.map((c) => c.user_id);
  const byCreator = comment.user_id !== null && creatorIds.includes(comment.user_id);
  const waitsForCreator = comment.moderated_comments === 1 && !byCreator;
  await trx.updateTable("comments").set({ spam_hold: 0, unreviewed: waitsForCreator ? 1 : 0, updated_at: nowIso() }).where("id", "=", commentId).execute();
  if (!waitsForCreator) await shiftCount(trx, comment.work_id, 1);
  await addToInboxes(trx, commentId, [...creatorIds, waitsForCreator ? null : comment.parent_user_id], comment.user_id);
  return true;
}

/** Approves a held comment: counted from now on, and in the replied-to writer's inbox. False when it was not held. */
export async function approveComment(db: Db, commentId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable("comments").set({ unreviewed: 0, updated_at: nowIso() }).where("id", "=", commentId).where("unreviewed", "=", 1).where("spam_hold", "=", 0).where("deleted", "=", 0).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    const comment = await trx
      .selectFrom("comments as c")
      .leftJoin("comments as p", "p.id", "c.parent_id")
      .select(["c.work_id", "c.user_id", "p.user_id as parent_user_id"])
      .where("c.id", "=", commentId)
      .executeTakeFirstOrThrow();
    await shiftCount(trx, comment.work_id, 1);
    await addToInboxes(trx, commentId, [comment.parent_user_id], comment.user_id);
    return true;
  });
}

/** Freezes (or unfreezes) a comment and every reply under it: a frozen thread takes no replies and no edits. */
export async function setThreadFrozen(db: Db, commentId: number, frozen: boolean): Promise<number> {
  const result = await sql`
    update comments set frozen = ${frozen ? 1 : 0}
    where id in (
      with recursive below(id) as (
        select cast(${commentId} as integer)
        union all
        select c.id from comments c join below on c.parent_id = below.id
      )
      select id from below
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Marks some of a user's inbox entries read or unread; other people's entries are never touched. */
export async function markInbox(db: Db, userId: number, commentIds: number[], read: boolean): Promise<void> {
  if (commentIds.length === 0) return;
  await db.updateTable("comment_inbox").set({ read: read ? 1 : 0 }).where("user_id", "=", userId).where("comment_id", "in", commentIds).execute();
}

/** Removes entries from a user's inbox (the comments stay where they are). */
export async function removeFromInbox(db: Db, userId: number, commentIds: number[]): Promise<void> {
  if (commentIds.length === 0) return;
  await db.deleteFrom("comment_inbox").where("user_id", "=", userId).where("comment_id", "in", commentIds).execute();
}

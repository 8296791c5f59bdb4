import { type Db, type DbOrTrx, dialectOf } from "../platform/db/index.js";
import { firstCreator } from "./queries.js";
import { EMPTY_HTML, type TrustedHtml } from "../platform/html/trusted-html.js";
import { deleteCommentIn, releaseSpamHeldComment } from "../comments/index.js";
import { judgeHeldWorkSpam, releaseHeldWork } from "../works/index.js";
import { judgeSpam, spamRules, type SpamVerdict } from "../model/spam.js";
import { recordAudit } from "./audit.js";
import { applySanction, type SanctionRefusal } from "./sanctions.js";

// The spam queue: works and comments the spam rule held (src/model/spam.ts decides; src/works and
// src/comments hold), and the admins' two answers. Approving publishes the item through the
// capability that holds it, with everything posting does. Marking spam bans the writer's account,
// hides all its works, and clears its other held items (its works stay unposted for good, its
// comments are deleted); a guest's comment is deleted. Each is one transaction with its audit entries.

/** How many items wait in the queue (the admin home shows it). */
export async function heldItemCount(db: DbOrTrx): Promise<number> {
  const [works, comments] = await Promise.all([
    db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).where("spam_hold", "=", 1).where("posted", "=", 0).executeTakeFirst(),
    db.selectFrom("comments").select((eb) => eb.fn.countAll<number>().as("n")).where("spam_hold", "=", 1).where("deleted", "=", 0).executeTakeFirst(),
  ]);
  return Number(works?.n ?? 0) + Number(comments?.n ?? 0);
}

export const QUEUE_LIMIT = 100;

export interface HeldWork {
  id: number;
  title: string;
  summary: TrustedHtml;
  /** The first chapter's text, as sanitized HTML. */
  text: TrustedHtml;
  createdAt: string;
  creators: { userId: number; login: string; pseud: string }[];
  /** Why the rules hold it, as they stand now. */
  verdict: SpamVerdict;
}

export interface HeldComment {
  id: number;
  workId: number;
  workTitle: string;
  content: TrustedHtml;
  createdAt: string;
  userId: number | null;
  login: string | null;
  guestName: string | null;
  verdict: SpamVerdict;
}

/** The works held for review (all, or these), oldest first, with why the rules hold them. */
export async function heldWorks(db: DbOrTrx, only?: number[]): Promise<HeldWork[]> {
  let query = db.selectFrom("works").select(["id", "title", "summary", "notes", "endnotes", "created_at"]).where("spam_hold", "=", 1).where("posted", "=", 0);
  if (only) query = query.where("id", "in", only.length ? only : [0]);
  const rows = await query.orderBy("id").limit(QUEUE_LIMIT).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const rules = await spamRules(db);
  const [chapters, creators] = await Promise.all([
    db.selectFrom("chapters").select(["work_id", "position", "title", "summary", "notes", "endnotes", "content"]).where("work_id", "in", ids).orderBy("work_id").orderBy("position").execute(),
    db
      .selectFrom("work_creators")
      .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
      .innerJoin("users", "users.id", "pseuds.user_id")
      .select(["work_creators.work_id", "users.id as userId", "users.login", "pseuds.name as pseud", "users.created_at"])
      .where("work_creators.work_id", "in", ids)
      .orderBy("work_creators.position")
      .execute(),
  ]);
  return rows.map((work) => {
    const own = chapters.filter((c) => c.work_id === work.id);
    const by = creators.filter((c) => c.work_id === work.id);
    const texts = [work.title, work.summary, work.notes, work.endnotes, ...own.flatMap((c) => [c.title, c.summary, c.notes, c.endnotes, c.content])];
    const youngest = by.map((c) => c.created_at).sort().at(-1) ?? null;
    return {
      id: work.id,
      title: work.title,
      summary: work.summary,
      text: own[0]?.content ?? EMPTY_HTML,
      createdAt: work.created_at,
      creators: by.map((c) => ({ userId: c.userId, login: c.login, pseud: c.pseud })),
      verdict: judgeSpam(rules, { accountCreatedAt: youngest, texts }),
    };
  });
}

/** The comments held for review (all, or these), oldest first, with why the rules hold them. */
export async function heldComments(db: DbOrTrx, only?: number[]): Promise<HeldComment[]> {
  let query = db
    .selectFrom("comments as c")
    .innerJoin("works as w", "w.id", "c.work_id")
    .leftJoin("users as u", "u.id", "c.user_id")
    .select(["c.id", "c.work_id", "w.title", "c.content", "c.created_at", "c.user_id", "u.login", "c.guest_name", "u.created_at as accountCreatedAt"])
    .where("c.spam_hold", "=", 1)
    .where("c.deleted", "=", 0);
  if (only) query = query.where("c.id", "in", only.length ? only : [0]);
  const rows = await query.orderBy("c.id").limit(QUEUE_LIMIT).execute();
  if (rows.length === 0) return [];
  const rules = await spamRules(db);
  return rows.map((r) => ({
    id: r.id,
    workId: r.work_id,
    workTitle: r.title,
    content: r.content,
    createdAt: r.created_at,
    userId: r.user_id,
    login: r.login ?? null,
    guestName: r.guest_name,
    verdict: judgeSpam(rules, { accountCreatedAt: r.accountCreatedAt ?? null, texts: [r.content] }),
  }));
}

/** One held work as the queue shows it; undefined when it is not held. */
export async function heldWork(db: DbOrTrx, workId: number): Promise<HeldWork | undefined> {
  return (await heldWorks(db, [workId]))[0];
}

/** One held comment as the queue shows it; undefined when it is not held. */
export async function heldComment(db: DbOrTrx, commentId: number): Promise<HeldComment | undefined> {
  return (await heldComments(db, [commentId]))[0];
}

/**
 * Takes the row of a work or comment being decided (PostgreSQL; SQLite runs one writer at a time),
 * so two admins deciding the same item at once are taken one after the other: the second finds it
 * decided.
 */
async function lockItem(trx: DbOrTrx, table: "works" | "comments", id: number): Promise<void> {
  let query = trx.selectFrom(table).select("id").where("id", "=", id);
  if (dialectOf(trx) === "postgres") query = query.forUpdate();
  await query.execute();
}

/** Approves a held work: posted as posting would have, and recorded. False when it is not held (any more). */
export async function approveHeldWork(db: Db, actorUserId: number, workId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockItem(trx, "works", workId);
    if (!(await releaseHeldWork(trx, workId))) return false;
    const creator = await firstCreator(trx, workId);
    await recordAudit(trx, { actorUserId, action: "approve_held", workId, targetUserId: creator });
    return true;
  });
}

/** Approves a held comment: published as posting would have, and recorded. False when it is not held (any more). */
export async function approveHeldComment(db: Db, actorUserId: number, commentId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockItem(trx, "comments", commentId);
    const comment = await trx.selectFrom("comments").select(["work_id", "user_id"]).where("id", "=", commentId).executeTakeFirst();
    if (!comment || !(await releaseSpamHeldComment(trx, commentId))) return false;
    await recordAudit(trx, { actorUserId, action: "approve_held", workId: comment.work_id, targetUserId: comment.user_id, detail: { comment_id: commentId } });
    return true;
  });
}


export type SpamOutcome = { ok: true } | { ok: false; refusal: SanctionRefusal | "not_held" };

/**
 * A spammer's account: banned with all its works hidden, its other held works judged spam and its
 * other held comments deleted, in the caller's transaction.
 */
async function banSpammer(trx: DbOrTrx, actorUserId: number, userId: number, reason: string): Promise<{ ok: true } | { ok: false; refusal: SanctionRefusal }> {
  const banned = await applySanction(trx, actorUserId, userId, { kind: "banned", reason, hideWorks: true });
  if (!banned.ok) return banned;
  const works = await trx
    .selectFrom("works")
    .select("id")
    .where("spam_hold", "=", 1)
    .where("id", "in", (eb) => eb.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId))
    .execute();
  for (const work of works) if (await judgeHeldWorkSpam(trx, work.id)) await recordAudit(trx, { actorUserId, action: "mark_spam", workId: work.id, targetUserId: userId, reason });
  const comments = await trx.selectFrom("comments").select(["id", "work_id"]).where("user_id", "=", userId).where("spam_hold", "=", 1).where("deleted", "=", 0).execute();
  for (const comment of comments) {
    if (await deleteCommentIn(trx, comment.id)) await recordAudit(trx, { actorUserId, action: "mark_spam", workId: comment.work_id, targetUserId: userId, reason, detail: { comment_id: comment.id } });
  }
  return { ok: true };
}

/**
 * Marks a held work as spam: its writers are banned, all their works hidden and their other held
 * items cleared. Refused (nothing changed) when a writer is the admin or the last superadmin.
 */
export async function markWorkSpam(db: Db, actorUserId: number, workId: number, reason: string): Promise<SpamOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      await lockItem(trx, "works", workId);
      const held = await trx.selectFrom("works").select("id").where("id", "=", workId).where("spam_hold", "=", 1).where("posted", "=", 0).executeTakeFirst();
      if (!held) return { ok: false, refusal: "not_held" } as const;
      const creators = await trx.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.user_id").distinct().where("work_creators.work_id", "=", workId).execute();
      for (const { user_id } of creators) {
        const banned = await banSpammer(trx, actorUserId, user_id, reason);
        // Undo whatever was done for an earlier writer: nothing of a refused judgement stays.
        if (!banned.ok) throw new Refused(banned.refusal);
      }
      // banSpammer judged this work with the writer's other held ones; a work without writers is judged here.
      if (await judgeHeldWorkSpam(trx, workId)) await recordAudit(trx, { actorUserId, action: "mark_spam", workId, reason });
      return { ok: true } as const;
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

/**
 * Marks a held comment as spam: it is deleted; a user who wrote it is banned with all their works
 * hidden and their other held items cleared. Refused when the writer is the admin or the last superadmin.
 */
export async function markCommentSpam(db: Db, actorUserId: number, commentId: number, reason: string): Promise<SpamOutcome> {
  return db.transaction().execute(async (trx) => {
    await lockItem(trx, "comments", commentId);
    const comment = await trx.selectFrom("comments").select(["id", "work_id", "user_id"]).where("id", "=", commentId).where("spam_hold", "=", 1).where("deleted", "=", 0).executeTakeFirst();
    if (!comment) return { ok: false, refusal: "not_held" } as const;
    if (comment.user_id !== null) {
      const banned = await banSpammer(trx, actorUserId, comment.user_id, reason);
      if (!banned.ok) return banned;
    } else if (await deleteCommentIn(trx, comment.id)) {
      await recordAudit(trx, { actorUserId, action: "mark_spam", workId: comment.work_id, reason, detail: { comment_id: comment.id, guest: true } });
    }
    return { ok: true } as const;
  });
}

class Refused extends Error {
  constructor(readonly refusal: SanctionRefusal) {
    super(refusal);
  }
}

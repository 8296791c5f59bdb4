import type { Db, DbOrTrx } from "../platform/db/index.js";
import { dialectOf, nowIso } from "../platform/db/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { sanctionInForce } from "../model/sanctions.js";
import { recordAudit } from "./audit.js";
import { hideWorksOfUser, setWorkHidden } from "./hiding.js";

// Warnings, suspensions and bans: an admin's commands on an account, each in one transaction with
// its audit entry and the mail that tells the user. Who may not be sanctioned is decided here,
// inside the transaction, so two admins acting at once cannot both pass the check:
// - nobody sanctions themself;
// - the last superadmin in good standing is never suspended or banned (the archive would have
//   nobody left to lift it).
// The sanction itself is one row per user (user_sanctions): a second sanction replaces the first,
// so two suspend requests at the same moment leave one sanction, whose list of hidden works holds
// what either hid. The rule of when it is in force is src/model/sanctions.ts.

/** The job that mails a user what an admin decided about their account. */
export const MODERATION_NOTICE_MAIL = "moderation_notice_mail";

export interface ModerationNoticeEvent {
  userId: number;
  kind: "warning" | "suspended" | "banned" | "lifted";
  reason: string;
  /** When a suspension ends (ISO time). */
  until: string | null;
}

export type SanctionKind = "suspended" | "banned";

export interface SanctionRequest {
  kind: SanctionKind;
  /** Days of a suspension (1 to MAX_SUSPENSION_DAYS). */
  days?: number;
  reason: string;
  /** Hide every work of the user while it lasts (each with its own audit entry). */
  hideWorks: boolean;
}

export const MAX_SUSPENSION_DAYS = 3650;

/** Why a sanction was refused: the admin themself, or the last superadmin. */
export type SanctionRefusal = "self" | "last_superadmin";

export type SanctionOutcome = { ok: true; until: string | null; hidden: number[] } | { ok: false; refusal: SanctionRefusal };

/** Locks a row against other writers until the transaction ends (PostgreSQL; SQLite runs one writer at a time anyway). */
async function lockUser(trx: DbOrTrx, userId: number): Promise<boolean> {
  let query = trx.selectFrom("users").select("id").where("id", "=", userId);
  if (dialectOf(trx) === "postgres") query = query.forUpdate();
  return (await query.executeTakeFirst()) !== undefined;
}

/**
 * Whether sanctioning this user would leave the archive with no superadmin in good standing. The
 * superadmins' role rows are locked first, so two admins sanctioning the last two superadmins at
 * once are taken one after the other.
 */
async function isLastSuperadmin(trx: DbOrTrx, userId: number): Promise<boolean> {
  let admins = trx.selectFrom("user_roles").select("user_id").where("role", "=", "admin");
  if (dialectOf(trx) === "postgres") admins = admins.forUpdate();
  const ids = (await admins.execute()).map((r) => r.user_id);
  if (!ids.includes(userId)) return false;
  const others = ids.filter((id) => id !== userId);
  if (others.length === 0) return true;
  const sanctions = await trx.selectFrom("user_sanctions").select(["user_id", "kind", "reason", "ends_at"]).where("user_id", "in", others).execute();
  const sanctioned = new Set(sanctions.filter((row) => sanctionInForce(row) !== null).map((row) => row.user_id));
  return others.every((id) => sanctioned.has(id));
}

/** Whether an admin may sanction a user (checked again in the command's transaction). */
export async function sanctionRefusal(trx: DbOrTrx, actorUserId: number, targetUserId: number): Promise<SanctionRefusal | null> {
  if (actorUserId === targetUserId) return "self";
  if (await isLastSuperadmin(trx, targetUserId)) return "last_superadmin";
  return null;
}

function parseIds(json: string): number[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}

/**
 * Suspends (for some days) or bans a user, in the caller's transaction: the sanction row, the
 * works hidden when asked, the audit entries and the mail. Refused for the admin themself and the
 * last superadmin. (Marking spam bans through here too.)
 */
export async function applySanction(trx: DbOrTrx, actorUserId: number, targetUserId: number, request: SanctionRequest): Promise<SanctionOutcome> {
  if (!(await lockUser(trx, targetUserId))) throw new Error(`no user ${targetUserId}`);
  const refusal = await sanctionRefusal(trx, actorUserId, targetUserId);
  if (refusal) return { ok: false, refusal };
  const now = nowIso();
  const until = request.kind === "suspended" ? new Date(Date.parse(now) + (request.days ?? 1) * 86_400_000).toISOString() : null;
  const previous = await trx.selectFrom("user_sanctions").select("hidden_work_ids").where("user_id", "=", targetUserId).executeTakeFirst();
  const hidden = request.hideWorks ? await hideWorksOfUser(trx, actorUserId, targetUserId, request.reason) : [];
  // A sanction replacing another keeps the other's hidden works: lifting it shows them all again.
  const hiddenIds = [...new Set([...(previous ? parseIds(previous.hidden_work_ids) : []), ...hidden])];
  const row = {
    kind: request.kind,
    reason: request.reason,
    ends_at: until,
    hide_works: request.hideWorks ? 1 : 0,
    hidden_work_ids: JSON.stringify(hiddenIds),
    actor_user_id: actorUserId,
    created_at: now,
  };
  await trx
    .insertInto("user_sanctions")
    .values({ user_id: targetUserId, ...row })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
    .execute();
  await recordAudit(trx, {
    actorUserId,
    action: request.kind === "banned" ? "ban_user" : "suspend_user",
    targetUserId,
    reason: request.reason,
    detail: { ...(request.kind === "suspended" ? { days: request.days, until } : {}), hide_works: request.hideWorks, works_hidden: hidden.length },
  });
  await enqueueJob(trx, MODERATION_NOTICE_MAIL, { userId: targetUserId, kind: request.kind, reason: request.reason, until } satisfies ModerationNoticeEvent, 1);
  return { ok: true, until, hidden };
}

/** Suspends or bans a user, in one transaction (see applySanction). */
export function sanctionUser(db: Db, actorUserId: number, targetUserId: number, request: SanctionRequest): Promise<SanctionOutcome> {
  return db.transaction().execute((trx) => applySanction(trx, actorUserId, targetUserId, request));
}

export type LiftOutcome = { ok: true; unhidden: number } | { ok: false; refusal: "nothing_to_lift" };

/**
 * Lifts a user's sanction (in force, or a suspension that has ended but whose hidden works are
 * still hidden): the row goes, and with `unhideWorks` the works it hid are shown again (those
 * still there). Recorded and mailed.
 */
export async function liftSanction(db: Db, actorUserId: number, targetUserId: number, options: { reason: string; unhideWorks: boolean }): Promise<LiftOutcome> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockUser(trx, targetUserId))) throw new Error(`no user ${targetUserId}`);
    const row = await trx.selectFrom("user_sanctions").selectAll().where("user_id", "=", targetUserId).executeTakeFirst();
    if (!row) return { ok: false, refusal: "nothing_to_lift" } as const;
    let unhidden = 0;
    if (options.unhideWorks) {
      for (const workId of parseIds(row.hidden_work_ids)) if (await setWorkHidden(trx, actorUserId, workId, false, options.reason)) unhidden++;
    }
    await trx.deleteFrom("user_sanctions").where("user_id", "=", targetUserId).execute();
    const wasInForce = sanctionInForce(row) !== null;
    await recordAudit(trx, { actorUserId, action: "lift_suspension", targetUserId, reason: options.reason, detail: { was: row.kind, in_force: wasInForce, works_shown: unhidden } });
    if (wasInForce) await enqueueJob(trx, MODERATION_NOTICE_MAIL, { userId: targetUserId, kind: "lifted", reason: options.reason, until: null } satisfies ModerationNoticeEvent, 1);
    return { ok: true, unhidden } as const;
  });
}

/** Warns a user: a notice they see until they dismiss it, a mail, and the audit entry. */
export async function warnUser(db: Db, actorUserId: number, targetUserId: number, reason: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    await trx.insertInto("user_warnings").values({ user_id: targetUserId, reason, actor_user_id: actorUserId, created_at: now, dismissed_at: null }).execute();
    await recordAudit(trx, { actorUserId, action: "warn_user", targetUserId, reason });
    await enqueueJob(trx, MODERATION_NOTICE_MAIL, { userId: targetUserId, kind: "warning", reason, until: null } satisfies ModerationNoticeEvent, 1);
  });
}

/** The user dismisses one of their warnings (never another user's); false when there was none to dismiss. */
export async function dismissWarning(db: DbOrTrx, userId: number, warningId: number): Promise<boolean> {
  const result = await db.updateTable("user_warnings").set({ dismissed_at: nowIso() }).where("id", "=", warningId).where("user_id", "=", userId).where("dismissed_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

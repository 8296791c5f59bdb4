import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";

/**
 * The admin actions the audit log records. Each moderation command writes its entry in its own
 * transaction, so no action happens without its record.
 */
export type AuditAction =
  | "hide_work"
  | "unhide_work"
  | "delete_work"
  | "edit_work_tags"
  | "warn_user"
  | "suspend_user"
  | "ban_user"
  | "lift_suspension"
  | "mark_spam"
  | "approve_held"
  | "resolve_report"
  | (string & {});

export interface AuditEntry {
  actorUserId: number | null;
  action: AuditAction;
  targetUserId?: number | null;
  workId?: number | null;
  reason?: string;
  /** Particulars a later reader needs (days of a suspension, the tags before an edit): stored as JSON. */
  detail?: Record<string, unknown>;
}

/** Records one admin action, in the caller's transaction. */
export async function recordAudit(trx: DbOrTrx, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      actor_user_id: entry.actorUserId,
      action: entry.action,
      target_user_id: entry.targetUserId ?? null,
      work_id: entry.workId ?? null,
      reason: entry.reason ?? "",
      detail: entry.detail ? JSON.stringify(entry.detail) : "",
      created_at: nowIso(),
    })
    .execute();
}

export interface AuditRecord {
  id: number;
  actorLogin: string | null;
  action: string;
  targetUserId: number | null;
  workId: number | null;
  reason: string;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** The audit log about one user (actions on them, or on their works when recorded with them as target), newest first. */
export async function auditLogOfUser(db: DbOrTrx, userId: number, limit = 200): Promise<AuditRecord[]> {
  return readAudit(db, { targetUserId: userId }, limit);
}

/** The audit log about one work, newest first. */
export async function auditLogOfWork(db: DbOrTrx, workId: number, limit = 200): Promise<AuditRecord[]> {
  return readAudit(db, { workId }, limit);
}

async function readAudit(db: DbOrTrx, about: { targetUserId?: number; workId?: number }, limit: number): Promise<AuditRecord[]> {
  let query = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_user_id")
    .select(["audit_log.id", "users.login as actorLogin", "audit_log.action", "audit_log.target_user_id", "audit_log.work_id", "audit_log.reason", "audit_log.detail", "audit_log.created_at"]);
  if (about.targetUserId !== undefined) query = query.where("audit_log.target_user_id", "=", about.targetUserId);
  if (about.workId !== undefined) query = query.where("audit_log.work_id", "=", about.workId);
  const rows = await query.orderBy("audit_log.id", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    actorLogin: r.actorLogin ?? null,
    action: r.action,
    targetUserId: r.target_user_id,
    workId: r.work_id,
    reason: r.reason,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
    createdAt: r.created_at,
  }));
}

import { createHash } from "node:crypto";
import { sql } from "kysely";
import { recordAudit } from "../moderation/index.js";
import { type Db, type DbOrTrx, dialectOf, nowIso } from "../platform/db/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { EMAIL_CAP, type ReportInput, SUBJECT_CAPS } from "./schema.js";
import type { TakenSnapshot } from "./snapshot.js";

/** The job that mails the reporter a copy of their report. */
export const REPORT_COPY_MAIL = "abuse_report_copy";

export type CreateOutcome =
  | { ok: true; id: number }
  /** Over a cap: nothing was stored. `cap` says which, with its numbers for the message. */
  | { ok: false; cap: "subject" | "email"; max: number; days: number };

class CapReached extends Error {
  constructor(readonly cap: "subject" | "email", readonly max: number, readonly days: number) {
    super(`abuse report cap reached (${cap})`);
  }
}

/**
 * A transaction-long lock on a name, on PostgreSQL (an advisory lock: no table, released at commit
 * or rollback). SQLite needs none: a write transaction there holds the one write lock of the file
 * from its first write to its end, and the report is inserted before anything is counted.
 */
async function lockName(trx: DbOrTrx, name: string): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  await sql`select pg_advisory_xact_lock(${lockId(name)}::bigint)`.execute(trx);
}

/** A stable 64-bit number for a lock name (signed, as PostgreSQL's bigint). */
function lockId(name: string): string {
  return createHash("sha256").update(`fanfold abuse report ${name}`).digest().readBigInt64BE(0).toString();
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function countSince(trx: DbOrTrx, column: "subject_key" | "email_key", value: string, since: string): Promise<number> {
  const row = await trx
    .selectFrom("abuse_reports")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(column, "=", value)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Files a report with its snapshot and queues the copy to the reporter, in one transaction, unless
 * the reported subject or the reporter's address is over its cap. Race-free: on PostgreSQL the
 * subject's and the address's locks are taken (in a fixed order, so two reports never wait on each
 * other crosswise) before the report is written and counted, so concurrent reports of one page
 * queue up and the one past the cap sees all before it; on SQLite the write lock does the same. A
 * report over a cap rolls back, leaving nothing.
 */
export async function createReport(
  db: Db,
  input: ReportInput,
  taken: TakenSnapshot,
  reporter: { userId: number | null; ip: string },
): Promise<CreateOutcome> {
  const subjectCap = SUBJECT_CAPS[taken.capKind];
  const emailKey = input.email.toLowerCase();
  try {
    const id = await db.transaction().execute(async (trx) => {
      const names = [`subject ${taken.subjectKey}`, `email ${emailKey}`].sort((a, b) => (BigInt(lockId(a)) < BigInt(lockId(b)) ? -1 : 1));
      for (const name of names) await lockName(trx, name);
      const row = await trx
        .insertInto("abuse_reports")
        .values({
          url: input.url,
          subject_key: taken.subjectKey,
          summary: input.summary,
          details: input.details,
          email: input.email,
          email_key: emailKey,
          reporter_user_id: reporter.userId,
          reporter_ip: reporter.ip,
          work_id: taken.workId,
          chapter_id: taken.chapterId,
          reported_user_id: taken.reportedUserId,
          snapshot: JSON.stringify(taken.snapshot),
          snapshot_summary: taken.summaryHtml,
          snapshot_text: taken.textHtml,
          created_at: nowIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      // Counted with the new report in: over the cap means one too many.
      if ((await countSince(trx, "subject_key", taken.subjectKey, daysAgo(subjectCap.days))) > subjectCap.max) throw new CapReached("subject", subjectCap.max, subjectCap.days);
      if ((await countSince(trx, "email_key", emailKey, daysAgo(EMAIL_CAP.days))) > EMAIL_CAP.max) throw new CapReached("email", EMAIL_CAP.max, EMAIL_CAP.days);
      await enqueueJob(trx, REPORT_COPY_MAIL, { reportId: row.id }, 1);
      return row.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (error instanceof CapReached) return { ok: false, cap: error.cap, max: error.max, days: error.days };
    throw error;
  }
}

/**
 * Marks a report resolved by an admin, with their note, and records it in the audit log (with the
 * work and user it is about, so it shows on their admin pages). False when there is no such report.
 */
export async function resolveReport(db: Db, actorUserId: number, reportId: number, note: string): Promise<"resolved" | "already" | "missing"> {
  return db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom("abuse_reports").select(["id", "resolved", "work_id", "reported_user_id"]).where("id", "=", reportId).executeTakeFirst();
    if (!report) return "missing";
    const updated = await trx
      .updateTable("abuse_reports")
      .set({ resolved: 1, resolved_at: nowIso(), resolved_by_user_id: actorUserId, resolution_note: note })
      .where("id", "=", reportId)
      .where("resolved", "=", 0)
      .executeTakeFirst();
    // Resolved meanwhile by another admin: theirs stands, nothing is recorded twice.
    if (Number(updated.numUpdatedRows) === 0) return "already";
    await recordAudit(trx, { actorUserId, action: "resolve_report", workId: report.work_id, targetUserId: report.reported_user_id, reason: note, detail: { reportId } });
    return "resolved";
  });
}

/** Opens a resolved report again (audit entry "reopen_report"). */
export async function reopenReport(db: Db, actorUserId: number, reportId: number): Promise<"reopened" | "already" | "missing"> {
  return db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom("abuse_reports").select(["id", "work_id", "reported_user_id"]).where("id", "=", reportId).executeTakeFirst();
    if (!report) return "missing";
    const updated = await trx
      .updateTable("abuse_reports")
      .set({ resolved: 0, resolved_at: null, resolved_by_user_id: null, resolution_note: "" })
      .where("id", "=", reportId)
      .where("resolved", "=", 1)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return "already";
    await recordAudit(trx, { actorUserId, action: "reopen_report", workId: report.work_id, targetUserId: report.reported_user_id, detail: { reportId } });
    return "reopened";
  });
}

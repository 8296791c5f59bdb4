import type { DbOrTrx } from "../platform/db/index.js";
import type { AbuseReportRow } from "../platform/db/tables.js";

/** Reports per page of the admins' queue. */
export const REPORTS_PER_PAGE = 25;

export type QueueFilter = "all" | "open" | "closed";

export interface QueueEntry {
  id: number;
  url: string;
  summary: string;
  email: string;
  reporterLogin: string | null;
  resolved: boolean;
  createdAt: string;
}

/** How many reports wait for an admin (the admin home's "needs attention"). */
export async function openReportCount(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom("abuse_reports").select((eb) => eb.fn.countAll<number>().as("n")).where("resolved", "=", 0).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of the queue: open reports before resolved ones, each group newest first. */
export async function listReports(db: DbOrTrx, filter: QueueFilter, page: number): Promise<{ total: number; entries: QueueEntry[] }> {
  let count = db.selectFrom("abuse_reports").select((eb) => eb.fn.countAll<number>().as("n"));
  let rows = db
    .selectFrom("abuse_reports")
    .leftJoin("users", "users.id", "abuse_reports.reporter_user_id")
    .select(["abuse_reports.id", "abuse_reports.url", "abuse_reports.summary", "abuse_reports.email", "abuse_reports.resolved", "abuse_reports.created_at", "users.login"]);
  if (filter !== "all") {
    const resolved = filter === "closed" ? 1 : 0;
    count = count.where("resolved", "=", resolved);
    rows = rows.where("abuse_reports.resolved", "=", resolved);
  }
  const [total, found] = await Promise.all([
    count.executeTakeFirstOrThrow(),
    rows
      .orderBy("abuse_reports.resolved")
      .orderBy("abuse_reports.created_at", "desc")
      .orderBy("abuse_reports.id", "desc")
      .limit(REPORTS_PER_PAGE)
      .offset((page - 1) * REPORTS_PER_PAGE)
      .execute(),
  ]);
  return {
    total: Number(total.n),
    entries: found.map((r) => ({ id: r.id, url: r.url, summary: r.summary, email: r.email, reporterLogin: r.login ?? null, resolved: r.resolved === 1, createdAt: r.created_at })),
  };
}

export interface ReportDetail extends AbuseReportRow {
  reporterLogin: string | null;
  resolverLogin: string | null;
}

/** One report with the logins of its reporter and resolver (as they are now). */
export async function findReport(db: DbOrTrx, id: number): Promise<ReportDetail | undefined> {
  const row = await db
    .selectFrom("abuse_reports")
    .leftJoin("users as reporter", "reporter.id", "abuse_reports.reporter_user_id")
    .leftJoin("users as resolver", "resolver.id", "abuse_reports.resolved_by_user_id")
    .selectAll("abuse_reports")
    .select(["reporter.login as reporterLogin", "resolver.login as resolverLogin"])
    .where("abuse_reports.id", "=", id)
    .executeTakeFirst();
  return row ? { ...row, reporterLogin: row.reporterLogin ?? null, resolverLogin: row.resolverLogin ?? null } : undefined;
}

import type { FastifyReply, FastifyRequest } from "fastify";
import { findUserById, loginsOf } from "../model/users.js";
import { findWork } from "../model/works.js";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, pageParam, queryParam } from "../platform/http/routes.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { createReport, reopenReport, resolveReport } from "./commands.js";
import { findReport, listReports, type QueueFilter, REPORTS_PER_PAGE } from "./queries.js";
import { LIMITS, readReportForm, type ReportForm, validateReport } from "./schema.js";
import { readSnapshot, takeSnapshot } from "./snapshot.js";
import { type PersonNow, QueuePage, ReportFormPage, ReportPage, ReportSentPage } from "./views/pages.js";
import { adminReportPath, REPORT_SENT_PATH } from "./views/paths.js";

/** The longest resolution note an admin may leave. */
export const NOTE_MAX = 2000;

async function accountEmail(req: FastifyRequest): Promise<string | null> {
  const user = req.viewer.user;
  return user ? ((await findUserById(req.db, user.id))?.email ?? null) : null;
}

function formPage(req: FastifyRequest, reply: FastifyReply, values: ReportForm, errors: FieldErrors, status: number, refusal?: string) {
  return reply.page(t("reports.form.title"), <ReportFormPage values={values} errors={errors} refusal={refusal} loggedIn={req.viewer.user !== null} csrf={reply.csrf()} />, {
    status,
    mainClass: "abuse-reports-new",
  });
}

/** `/abuse_reports/new?url=…`: the form, with the page to report filled in (and a user's email). */
export async function showNewReport(req: FastifyRequest, reply: FastifyReply) {
  const url = queryParam(req, "url").trim().slice(0, LIMITS.url);
  return formPage(req, reply, { url, summary: "", details: "", email: (await accountEmail(req)) ?? "" }, {}, 200);
}

/** POST /abuse_reports: files the report (and its snapshot), or says why not with the form kept. */
export async function sendReport(req: FastifyRequest, reply: FastifyReply) {
  const form = readReportForm(req.body);
  const parsed = validateReport(form, req.config.publicUrl, await accountEmail(req));
  if (!parsed.ok) return formPage(req, reply, form, parsed.errors, 422);
  const taken = await takeSnapshot(req.db, parsed.value.path);
  const outcome = await createReport(req.db, parsed.value, taken, { userId: req.viewer.user?.id ?? null, ip: req.ip });
  if (!outcome.ok) {
    const refusal = outcome.cap === "subject" ? t("reports.cap.subject", { max: outcome.max, days: outcome.days }) : t("reports.cap.email", { max: outcome.max });
    return formPage(req, reply, form, {}, 429, refusal);
  }
  setFlash(req, reply, [t("reports.sent.notice", { email: parsed.value.email })]);
  return reply.redirect(REPORT_SENT_PATH, 303);
}

/** `/abuse_reports/sent`: the confirmation after sending. */
export async function showSent(req: FastifyRequest, reply: FastifyReply) {
  return reply.page(t("reports.sent.title"), <ReportSentPage notices={takeFlash(req, reply)} />, { mainClass: "abuse-reports-sent" });
}

function filterOf(req: FastifyRequest): QueueFilter {
  const status = queryParam(req, "status");
  return status === "open" || status === "closed" ? status : "all";
}

/** `/admin/abuse_reports`: the queue. */
export async function showQueue(req: FastifyRequest, reply: FastifyReply) {
  const filter = filterOf(req);
  const page = pageParam(req);
  const { total, entries } = await listReports(req.db, filter, page);
  const pages = Math.max(1, Math.ceil(total / REPORTS_PER_PAGE));
  return reply.page(t("reports.queue.title"), <QueuePage filter={filter} entries={entries} total={total} page={page} pages={pages} />, { mainClass: "admin-abuse-reports" });
}

async function reportPage(req: FastifyRequest, reply: FastifyReply, reportId: number, note = "", noteErrors?: string[], status = 200) {
  const report = await findReport(req.db, reportId);
  if (!report) return reply.error("NOT_FOUND");
  const snapshot = readSnapshot(report.snapshot);
  const found = report.work_id !== null ? await findWork(req.db, report.work_id) : undefined;
  const work = report.work_id === null ? undefined : found ? { id: found.id, title: found.title, hidden: found.hidden_by_admin === 1 } : null;
  // Whom the actions name: the people the snapshot recorded, and the reported user if not among them.
  const named = [...snapshot.people];
  if (report.reported_user_id !== null && !named.some((p) => p.userId === report.reported_user_id)) named.push({ userId: report.reported_user_id, login: "" });
  const logins = await loginsOf(req.db, named.map((p) => p.userId));
  const people: PersonNow[] = named.map((p) => ({ userId: p.userId, then: p.login || `#${p.userId}`, pseud: p.pseud, login: logins.get(p.userId) ?? null }));
  return reply.page(
    t("reports.report_title", { id: report.id }),
    <ReportPage report={report} snapshot={snapshot} work={work} people={people} notices={takeFlash(req, reply)} noteValue={note} noteErrors={noteErrors} csrf={reply.csrf()} />,
    { status, mainClass: "admin-abuse-report" },
  );
}

/** `/admin/abuse_reports/:id`: one report, its snapshot and the actions. */
export async function showReport(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id) return reply.error("NOT_FOUND");
  return reportPage(req, reply, id);
}

/** POST /admin/abuse_reports/:id/resolve: closes the report with the admin's note. */
export async function resolve(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const report = id ? await findReport(req.db, id) : undefined;
  if (!report) return reply.error("NOT_FOUND");
  const typed = field(req.body, "note");
  const note = stripToPlainText(typed);
  if (note.length > NOTE_MAX) return reportPage(req, reply, report.id, typed, [t("form.too_long", { field: t("reports.note"), max: NOTE_MAX, length: note.length })], 422);
  const outcome = await resolveReport(req.db, req.viewer.user!.id, report.id, note);
  setFlash(req, reply, [t(outcome === "resolved" ? "reports.resolved_notice" : "reports.already_resolved")]);
  return reply.redirect(adminReportPath(report.id), 303);
}

/** POST /admin/abuse_reports/:id/reopen: opens a resolved report again. */
export async function reopen(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const report = id ? await findReport(req.db, id) : undefined;
  if (!report) return reply.error("NOT_FOUND");
  const outcome = await reopenReport(req.db, req.viewer.user!.id, report.id);
  setFlash(req, reply, [t(outcome === "reopened" ? "reports.reopened_notice" : "reports.already_open")]);
  return reply.redirect(adminReportPath(report.id), 303);
}

import { escapeHtml } from "@kitajs/html";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { REPORT_COPY_MAIL } from "./commands.js";

/**
 * The job's one step: mails the reporter a copy of what they sent (what they typed, never the
 * snapshot: that is for the admins). Queued in the transaction that filed the report; the outbox
 * file is named by the report, so a step redone after a crash writes the same message again.
 */
export function reportCopyMailStep(mailer: Mailer): JobStep {
  return async (db, job) => {
    const { reportId } = JSON.parse(job.payload) as { reportId: number };
    const report = await db.selectFrom("abuse_reports").select(["id", "url", "summary", "details", "email", "created_at"]).where("id", "=", reportId).executeTakeFirst();
    if (!report) return false;
    const site = t("site.name");
    const blocks: { label?: string; text: string; href?: string }[] = [
      { text: t("reports.mail.intro", { site }) },
      { label: t("reports.field.url"), text: report.url, href: report.url },
      { label: t("reports.field.summary"), text: report.summary },
      { label: t("reports.field.details"), text: report.details },
      { text: t("reports.mail.what_next") },
    ];
    const text = `${blocks.map((b) => (b.label ? `${t("ui.label_colon", { label: b.label })}\n${b.text}` : b.text)).join("\n\n")}\n`;
    const html = `<!DOCTYPE html><html><body>${blocks
      .map((b) => {
        const body = b.href ? `<a href="${escapeHtml(b.href)}">${escapeHtml(b.text)}</a>` : escapeHtml(b.text).replace(/\n/g, "<br>");
        return b.label ? `<p><strong>${escapeHtml(t("ui.label_colon", { label: b.label }))}</strong><br>${body}</p>` : `<p>${body}</p>`;
      })
      .join("")}</body></html>`;
    await mailer.send({ key: `abuse-report-${report.id}`, to: report.email, subject: t("reports.mail.subject", { site, summary: report.summary }), text, html });
    return false;
  };
}

/** The reports capability's job kinds and their steps, given where mail goes. */
export function reportJobSteps(mailer: Mailer): Record<string, JobStep> {
  return { [REPORT_COPY_MAIL]: reportCopyMailStep(mailer) };
}

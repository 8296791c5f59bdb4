import { escapeHtml } from "@kitajs/html";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { workPath } from "../model/paths.js";
import { findWork } from "../model/works.js";
import { WORK_HIDDEN_MAIL, type WorkHiddenEvent } from "./hiding.js";
import { moderationNoticeMailStep } from "./notice-mail.js";
import { MODERATION_NOTICE_MAIL } from "./sanctions.js";

/**
 * The job's one step: tells each creator of a hidden work that it was hidden and why. Queued in
 * the transaction that hid it; each message is named by the job and the recipient, so a step
 * redone after a crash writes the same outbox files again rather than second messages.
 */
export function workHiddenMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const event = JSON.parse(job.payload) as WorkHiddenEvent;
    const work = await findWork(db, event.workId);
    // Deleted since, or shown again before the mail went: nothing to tell.
    if (!work || !work.hidden_by_admin) return false;
    const userIds = work.creatorUserIds;
    if (userIds.length === 0) return false;
    const users = await db.selectFrom("users").select(["id", "login", "email"]).where("id", "in", userIds).orderBy("id").execute();
    const link = `${publicUrl}${workPath(work.id)}`;
    for (const user of users) {
      const lines: { text: string; href?: string }[] = [
        { text: t("moderation.mail.hidden", { login: user.login, title: work.title, site: t("site.name") }) },
        { text: t("moderation.mail.reason", { reason: event.reason }) },
        { text: t("moderation.mail.who_sees_it") },
        { text: link, href: link },
      ];
      const text = `${lines.map((line) => line.text).join("\n\n")}\n`;
      // The title and the reason are escaped like everything else.
      const html = `<!DOCTYPE html><html><body>${lines.map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`)).join("")}</body></html>`;
      await mailer.send({ key: `work-hidden-${job.id}-${user.id}`, to: user.email, subject: t("moderation.mail.subject", { site: t("site.name"), title: work.title }), text, html });
    }
    return false;
  };
}

/** The moderation capability's job kinds and their steps, given where mail goes. */
export function moderationJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [WORK_HIDDEN_MAIL]: workHiddenMailStep(mailer, publicUrl), [MODERATION_NOTICE_MAIL]: moderationNoticeMailStep(mailer, publicUrl) };
}

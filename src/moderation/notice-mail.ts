import { escapeHtml } from "@kitajs/html";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { noticesPath, utcTime } from "../platform/http/sanction-page.js";
import { findUserById } from "../model/users.js";
import { MODERATION_NOTICE_MAIL, type ModerationNoticeEvent } from "./sanctions.js";

/**
 * The job's one step: tells a user what an admin decided about their account (a warning, a
 * suspension, a ban, or its end), with the admin's reason and a link to their notices page.
 * Queued in the decision's transaction; the outbox file is named by the job, so a step redone
 * after a crash writes the same message again rather than a second one.
 */
export function moderationNoticeMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const event = JSON.parse(job.payload) as ModerationNoticeEvent;
    const user = await findUserById(db, event.userId);
    if (!user) return false;
    const site = t("site.name");
    const link = `${publicUrl}${noticesPath(user.login)}`;
    const what =
      event.kind === "warning"
        ? t("sanctions.mail.warning", { login: user.login, site })
        : event.kind === "suspended"
          ? t("sanctions.mail.suspended", { login: user.login, site, until: utcTime(event.until ?? "") })
          : event.kind === "banned"
            ? t("sanctions.mail.banned", { login: user.login, site })
            : t("sanctions.mail.lifted", { login: user.login, site });
    const lines: { text: string; href?: string }[] = [
      { text: what },
      ...(event.reason ? [{ text: t("sanctions.mail.reason", { reason: event.reason }) }] : []),
      ...(event.kind === "suspended" || event.kind === "banned" ? [{ text: t("sanctions.cannot_contribute") }, { text: t("sanctions.still_can") }] : []),
      { text: link, href: link },
    ];
    const text = `${lines.map((line) => line.text).join("\n\n")}\n`;
    // The reason is an admin's plain text: escaped like everything else.
    const html = `<!DOCTYPE html><html><body>${lines.map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`)).join("")}</body></html>`;
    const subject = event.kind === "warning" ? t("sanctions.mail.subject_warning", { site }) : t("sanctions.mail.subject_account", { site });
    await mailer.send({ key: `moderation-notice-${job.id}`, to: user.email, subject, text, html });
    return false;
  };
}

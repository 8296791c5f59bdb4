import { escapeHtml } from "@kitajs/html";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { findUserById } from "../model/users.js";
import { ACCOUNT_LOCKED_MAIL, type AccountLockedEvent, LOCK_MS, MAX_FAILURES } from "./throttle.js";

/** A stored ISO time as the mail shows it: "2026-12-07 14:05 UTC". */
function utcMinute(iso: string): string {
  return t("users.login_log.at", { date: iso.slice(0, 10), time: iso.slice(11, 16) });
}

/**
 * The job's one step: tells the account's owner it was locked. Queued in the transaction that
 * locked it; the outbox file is named by the job, so a step redone after a crash writes the
 * same message again rather than a second one.
 */
export function accountLockedMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const event = JSON.parse(job.payload) as AccountLockedEvent;
    const user = await findUserById(db, event.userId);
    if (!user) return false;
    const settings = `${publicUrl}/users/${encodeURIComponent(user.login)}/edit`;
    const lines: { text: string; href?: string }[] = [
      { text: t("users.lock_mail.what", { login: user.login, site: t("site.name"), count: MAX_FAILURES, minutes: LOCK_MS / 60_000, address: event.address }) },
      { text: t("users.lock_mail.until", { until: utcMinute(event.lockedUntil) }) },
      { text: t("users.lock_mail.if_not_you") },
      { text: settings, href: settings },
    ];
    const text = `${lines.map((line) => line.text).join("\n\n")}\n`;
    // The login and the address are escaped like everything else.
    const html = `<!DOCTYPE html><html><body>${lines.map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`)).join("")}</body></html>`;
    await mailer.send({ key: `account-locked-${job.id}`, to: user.email, subject: t("users.lock_mail.subject", { site: t("site.name") }), text, html });
    return false;
  };
}

/** The users capability's job kinds and their steps, given where mail goes. */
export function accountJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [ACCOUNT_LOCKED_MAIL]: accountLockedMailStep(mailer, publicUrl) };
}

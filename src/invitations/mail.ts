import { escapeHtml } from "@kitajs/html";
import { findUserById } from "../model/users.js";
import { t } from "../platform/i18n/index.js";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { INVITATION_MAIL, type InvitationMailPayload, invitationState } from "./codes.js";
import { INVITATION_GRANT } from "./commands.js";
import { INVITE_QUEUE_BATCH, invitationGrantStep, inviteQueueBatchStep } from "./queue.js";

/** The sign-up link of an invitation code. */
export function signupLink(publicUrl: string, code: string): string {
  return `${publicUrl}/signup?invitation_token=${encodeURIComponent(code)}`;
}

/**
 * The mail job's one step: the invitation, with its sign-up link, to the address it was sent to.
 * The outbox file is named by the invitation, so a step redone (a crash after sending, or two
 * workers) writes the same message again, never a second one. Nothing is sent for an invitation
 * used or expired since.
 */
export function invitationMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const { invitationId } = JSON.parse(job.payload) as InvitationMailPayload;
    const invitation = await db.selectFrom("invitations").selectAll().where("id", "=", invitationId).executeTakeFirst();
    if (!invitation?.invitee_email || invitationState(invitation) !== "sent") return false;
    const sender = invitation.owner_user_id ? await findUserById(db, invitation.owner_user_id) : undefined;
    const site = t("site.name");
    const link = signupLink(publicUrl, invitation.code);
    const lines: { text: string; href?: string; code?: string }[] = [
      { text: invitation.from_queue ? t("invitations.mail.from_queue", { site }) : sender ? t("invitations.mail.from_user", { login: sender.login, site }) : t("invitations.mail.from_archive", { site }) },
      { text: t("invitations.mail.follow_link") },
      { text: link, href: link },
      { text: t("invitations.mail.code"), code: invitation.code },
      { text: invitation.expires_at ? t("invitations.mail.expires", { date: invitation.expires_at.slice(0, 10) }) : t("invitations.mail.once") },
      { text: t("invitations.mail.ignore") },
    ];
    const text = `${lines.map((line) => (line.code ? `${line.text} ${line.code}` : line.text)).join("\n\n")}\n`;
    // Everything is escaped: the sender's login is user text.
    const paragraph = (line: (typeof lines)[number]) =>
      line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : line.code ? `<p>${escapeHtml(line.text)} <code>${escapeHtml(line.code)}</code></p>` : `<p>${escapeHtml(line.text)}</p>`;
    const html = `<!DOCTYPE html><html><body>${lines.map(paragraph).join("")}</body></html>`;
    await mailer.send({ key: `invitation-${invitation.id}`, to: invitation.invitee_email, subject: t("invitations.mail.subject", { site }), text, html });
    return false;
  };
}

/** The invitations capability's job kinds and their steps, given where mail goes. */
export function invitationJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return {
    [INVITATION_MAIL]: invitationMailStep(mailer, publicUrl),
    [INVITE_QUEUE_BATCH]: inviteQueueBatchStep,
    [INVITATION_GRANT]: invitationGrantStep,
  };
}

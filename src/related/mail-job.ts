import { escapeHtml } from "@kitajs/html";
import { nowIso } from "../platform/db/index.js";
import type { JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { findWork } from "../model/works.js";
import { workPath } from "../model/paths.js";
import { PARENT_NOTICE, type ParentNotice } from "./commands.js";
import { relatedWorksPath } from "./views/paths.js";

/**
 * The job's one step: tells each creator of the parent work that a posted work names it as its
 * inspiration (or translates it), with the page where they approve or hide the link. Nothing is
 * sent when the link is gone, already answered, already announced, or the child is not posted. The
 * outbox file is named by link and user, so a step redone after a crash rewrites the same message.
 */
export function parentNoticeStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const { linkId } = JSON.parse(job.payload) as ParentNotice;
    const link = await db.selectFrom("related_works").selectAll().where("id", "=", linkId).executeTakeFirst();
    if (!link || link.parent_id === null || link.status !== "pending" || link.notified_at !== null) return false;
    const [child, parent] = await Promise.all([findWork(db, link.child_id), findWork(db, link.parent_id)]);
    if (!child || !parent || !child.posted) return false;
    const byline = child.creators.map((c) => c.pseudName).join(", ");
    const users = await db.selectFrom("users").select(["id", "login", "email"]).where("id", "in", parent.creatorUserIds.length ? parent.creatorUserIds : [0]).execute();
    for (const user of users) {
      const page = `${publicUrl}${relatedWorksPath(user.login)}`;
      const lines: { text: string; href?: string }[] = [
        { text: t(link.translation ? "related.mail.translation" : "related.mail.inspired", { creators: byline, title: child.title, parent: parent.title }) },
        { text: `${publicUrl}${workPath(child.id)}`, href: `${publicUrl}${workPath(child.id)}` },
        { text: t("related.mail.decide") },
        { text: page, href: page },
      ];
      const text = `${lines.map((l) => l.text).join("\n\n")}\n`;
      // Titles and names are user text: everything in the HTML part is escaped.
      const html = `<!DOCTYPE html><html><body>${lines.map((l) => (l.href ? `<p><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></p>` : `<p>${escapeHtml(l.text)}</p>`)).join("")}</body></html>`;
      await mailer.send({ key: `related-${link.id}-${user.id}`, to: user.email, subject: t("related.mail.subject", { site: t("site.name"), title: parent.title }), text, html });
    }
    await db.updateTable("related_works").set({ notified_at: nowIso() }).where("id", "=", link.id).execute();
    return false;
  };
}

/** The related-works job kinds and their steps, given where mail goes. */
export function relatedJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [PARENT_NOTICE]: parentNoticeStep(mailer, publicUrl) };
}

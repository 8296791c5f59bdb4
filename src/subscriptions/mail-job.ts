import { escapeHtml } from "@kitajs/html";
import { htmlToText } from "../formats/work-text-paragraphs.js";
import type { Db } from "../platform/db/index.js";
import type { JobRow } from "../platform/db/tables.js";
import { advanceJob, type JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { membershipsOfWork } from "../model/series.js";
import { findWork, type Work } from "../model/works.js";
import { chapterPath, workPath } from "../model/paths.js";
import { SUBSCRIPTION_MAIL, type SubscriptionEvent } from "./commands.js";
import type { SubscriptionKind } from "./queries.js";
import { unsubscribePath } from "./views/paths.js";

// The mail job: one per posted work or chapter, walking its subscribers in user-id order, a
// batch at a time. Each batch's mail is sent, then the cursor moves in one transaction; a crash
// between the two sends that batch again. In the default outbox that rewrites the same files
// (each message is named by job and recipient), so nobody gets a message twice; through SMTP a
// crash at that moment can send a batch twice.

let batchSize = 50;
/** For tests: smaller batches, to see a job resume between them. */
export function setSubscriptionMailBatchSize(n: number): void {
  batchSize = n;
}

interface Target {
  kind: SubscriptionKind;
  ids: number[];
}

/**
 * Which subscriptions an event reaches: its creators' followers, its series' followers (new
 * works and chapters in the series, as on AO3), and for a chapter the work's own followers.
 */
function targetsOf(event: SubscriptionEvent, work: Work, seriesIds: number[]): Target[] {
  const targets: Target[] = [
    { kind: "user", ids: work.creatorUserIds },
    { kind: "series", ids: seriesIds },
  ];
  if (event.event === "chapter") targets.push({ kind: "work", ids: [work.id] });
  return targets.filter((target) => target.ids.length > 0);
}

// When a user follows the work and its creator, the mail names the most specific reason.
const REASON_ORDER: SubscriptionKind[] = ["work", "series", "user"];

interface Recipient {
  userId: number;
  email: string;
  reason: { kind: SubscriptionKind; targetId: number; token: string };
}

async function nextRecipients(db: Db, job: JobRow, targets: Target[], work: Work): Promise<Recipient[]> {
  if (targets.length === 0) return [];
  const matching = (eb: any) => eb.or(targets.map((target) => eb.and([eb("subscriptions.kind", "=", target.kind), eb("subscriptions.target_id", "in", target.ids)])));
  let idsQuery = db.selectFrom("subscriptions").select("user_id").distinct().where(matching).where("user_id", ">", job.cursor);
  // Creators are not told about their own posts.
  if (work.creatorUserIds.length) idsQuery = idsQuery.where("user_id", "not in", work.creatorUserIds);
  const userIds = (await idsQuery.orderBy("user_id").limit(batchSize).execute()).map((row) => row.user_id);
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom("subscriptions")
    .innerJoin("users", "users.id", "subscriptions.user_id")
    .select(["subscriptions.user_id as userId", "users.email as email", "subscriptions.kind as kind", "subscriptions.token as token", "subscriptions.target_id as targetId"])
    .where(matching)
    .where("subscriptions.user_id", "in", userIds)
    .execute();
  const byUser = new Map<number, Recipient>();
  for (const row of rows) {
    const current = byUser.get(row.userId);
    if (!current || REASON_ORDER.indexOf(row.kind) < REASON_ORDER.indexOf(current.reason.kind)) {
      byUser.set(row.userId, { userId: row.userId, email: row.email, reason: { kind: row.kind, targetId: row.targetId, token: row.token } });
    }
  }
  return userIds.flatMap((id) => byUser.get(id) ?? []);
}

interface Letter {
  subject: string;
  lines: { text: string; href?: string }[];
}

async function letterFor(db: Db, event: SubscriptionEvent, work: Work, publicUrl: string): Promise<Letter | null> {
  const byline = work.creators.length ? [...new Set(work.creators.map((c) => c.pseudName))].join(", ") : t("subscriptions.mail.anonymous");
  const summary = work.summary ? htmlToText(work.summary).trim() : "";
  if (event.event === "chapter") {
    const chapter = await db.selectFrom("chapters").select(["id", "position", "title", "word_count", "posted"]).where("id", "=", event.chapterId).where("work_id", "=", work.id).executeTakeFirst();
    if (!chapter || !chapter.posted) return null;
    const chapterName = chapter.title ? t("subscriptions.mail.chapter_titled", { n: chapter.position, title: chapter.title }) : t("subscriptions.mail.chapter", { n: chapter.position });
    return {
      subject: t("subscriptions.mail.subject_chapter", { site: t("site.name"), creators: byline, chapter: chapterName, title: work.title }),
      lines: [
        { text: t("subscriptions.mail.posted_chapter", { creators: byline, chapter: chapterName, title: work.title, words: chapter.word_count }) },
        { text: `${publicUrl}${chapterPath(work.id, chapter.id)}`, href: `${publicUrl}${chapterPath(work.id, chapter.id)}` },
        ...(summary ? [{ text: t("subscriptions.mail.summary", { summary }) }] : []),
      ],
    };
  }
  return {
    subject: t("subscriptions.mail.subject_work", { site: t("site.name"), creators: byline, title: work.title }),
    lines: [
      { text: t("subscriptions.mail.posted_work", { creators: byline, title: work.title, words: work.word_count }) },
      { text: `${publicUrl}${workPath(work.id)}`, href: `${publicUrl}${workPath(work.id)}` },
      ...(summary ? [{ text: t("subscriptions.mail.summary", { summary }) }] : []),
    ],
  };
}

function render(letter: Letter, reasonText: string, unsubscribeUrl: string): { text: string; html: string } {
  const footer = [{ text: reasonText }, { text: t("subscriptions.mail.unsubscribe") }, { text: unsubscribeUrl, href: unsubscribeUrl }];
  const all = [...letter.lines, ...footer];
  const text = `${all.map((line) => line.text).join("\n\n")}\n`;
  // Everything in the HTML part is escaped: titles and names are user text.
  const html = `<!DOCTYPE html><html><body>${all
    .map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`))
    .join("")}</body></html>`;
  return { text, html };
}

/** The job's step: one batch of subscribers mailed, then the cursor moved past them. */
export function subscriptionMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const event = JSON.parse(job.payload) as SubscriptionEvent;
    const work = await findWork(db, event.workId);
    // Deleted, back to draft, or hidden by an admin (only its creators and admins may see it,
    // and creators are not told of their own posts): nothing to tell anyone.
    if (!work || !work.posted || work.hidden_by_admin) return false;
    const letter = await letterFor(db, event, work, publicUrl);
    if (!letter) return false;
    const series = await membershipsOfWork(db, work.id);
    const recipients = await nextRecipients(db, job, targetsOf(event, work, series.map((s) => s.seriesId)), work);
    if (recipients.length === 0) return false;
    for (const recipient of recipients) {
      const unsubscribeUrl = `${publicUrl}${unsubscribePath(recipient.reason.token)}`;
      const { kind, targetId } = recipient.reason;
      const reasonText =
        kind === "work"
          ? t("subscriptions.mail.reason_work", { title: work.title })
          : kind === "user"
            ? t("subscriptions.mail.reason_user", { login: work.creators.find((c) => c.userId === targetId)?.login ?? "" })
            : t("subscriptions.mail.reason_series", { series: series.find((s) => s.seriesId === targetId)?.title ?? "" });
      await mailer.send({ key: `subscription-${job.id}-${recipient.userId}`, to: recipient.email, subject: letter.subject, unsubscribeUrl, ...render(letter, reasonText, unsubscribeUrl) });
    }
    await db.transaction().execute((trx) => advanceJob(trx, job.id, recipients[recipients.length - 1]!.userId, recipients.length));
    return true;
  };
}

/** The subscription job kinds and their steps, given where mail goes. */
export function subscriptionJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [SUBSCRIPTION_MAIL]: subscriptionMailStep(mailer, publicUrl) };
}

import { escapeHtml } from "@kitajs/html";
import { type Db, type DbOrTrx, dialectOf, nowIso } from "../platform/db/index.js";
import { enqueueJob, type JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { blocksBetween } from "../blocking/index.js";
import { lookUpPseud, splitNames } from "../model/pseud-names.js";
import { refreshBylines } from "./bylines.js";
import { type Creator, creatorName, creatorsOfWorks } from "../model/works.js";
import { userPath } from "../model/paths.js";

/*
 * Co-creators (AO3's "Add co-creators?"). A writer names other users' pseuds on the work form;
 * each becomes an invitation (creator_invitations), not a creator: the byline, the listings,
 * search and the right to edit all read work_creators, which the invited pseud joins only when
 * its user accepts. Declining deletes the invitation. Any creator may later leave the work,
 * except the last one.
 */

/** How many pseuds one save may invite. */
export const MAX_INVITES = 20;

/** The job that mails an invited user. */
export const CREATOR_INVITATION_MAIL = "works.creator_invitation";

/** Where an invited user answers. */
export const creatorshipsPath = (login: string) => `${userPath(login)}/creatorships`;

export interface InviteContext {
  writerUserId: number;
  /** Users and pseuds already credited on the work (none for a new work). */
  creators: Creator[];
  /** Pseuds already invited and not yet answered. */
  pendingPseudIds: number[];
}

export type InviteCheck = { ok: true; value: number[] } | { ok: false; errors: string[] };

/**
 * Reads "Add co-creators": comma-separated pseud names ("Pseud (login)" where several users share a
 * name). Refused, each with its own message: no such pseud, a name several users share, one of the
 * writer's own pseuds (those are ticked above), and anyone who has blocked, or been blocked by, the
 * writer or another creator of the work. Pseuds already credited or invited are passed over.
 */
export async function checkCoCreators(db: DbOrTrx, typed: string, context: InviteContext): Promise<InviteCheck> {
  const names = splitNames(typed);
  if (names.length > MAX_INVITES) return { ok: false, errors: [t("cocreators.too_many", { max: MAX_INVITES, count: names.length })] };
  const errors: string[] = [];
  const credited = new Set(context.creators.map((c) => c.pseudId));
  const found: { name: string; pseudId: number; userId: number }[] = [];
  for (const name of names) {
    const lookup = await lookUpPseud(db, name);
    if (lookup.kind === "none") errors.push(t("cocreators.unknown", { name }));
    else if (lookup.kind === "ambiguous") errors.push(t("cocreators.ambiguous", { name }));
    else if (lookup.pseud.userId === context.writerUserId) errors.push(t("cocreators.self", { name }));
    else if (!credited.has(lookup.pseud.id) && !context.pendingPseudIds.includes(lookup.pseud.id) && !found.some((f) => f.pseudId === lookup.pseud.id)) {
      found.push({ name, pseudId: lookup.pseud.id, userId: lookup.pseud.userId });
    }
  }
  const others = [...new Set(context.creators.map((c) => c.userId))].filter((id) => id !== context.writerUserId);
  const blocks = await blocksBetween(
    db,
    found.map((f) => f.userId),
    [context.writerUserId, ...others],
  );
  for (const f of found) {
    const involving = blocks.filter((b) => b.blocker === f.userId || b.blocked === f.userId);
    if (involving.some((b) => b.blocker === context.writerUserId)) errors.push(t("cocreators.you_blocked", { name: f.name }));
    else if (involving.some((b) => b.blocked === context.writerUserId)) errors.push(t("cocreators.blocked_you", { name: f.name }));
    else if (involving.length) errors.push(t("cocreators.blocked_other", { name: f.name }));
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: found.map((f) => f.pseudId) };
}

/** Invites these pseuds (one invitation each, however often asked) and queues a mail for each new one. */
export async function inviteCoCreators(trx: DbOrTrx, workId: number, pseudIds: number[], invitedBy: number): Promise<void> {
  if (pseudIds.length === 0) return;
  const now = nowIso();
  const rows = await trx
    .insertInto("creator_invitations")
    .values(pseudIds.map((pseud_id) => ({ work_id: workId, pseud_id, invited_by_user_id: invitedBy, created_at: now })))
    .onConflict((oc) => oc.columns(["work_id", "pseud_id"]).doNothing())
    .returning("id")
    .execute();
  for (const row of rows) await enqueueJob(trx, CREATOR_INVITATION_MAIL, { invitationId: row.id }, 1);
}

/** Withdraws invitations to a work (by a creator, from the edit form). */
export async function cancelInvitations(trx: DbOrTrx, workId: number, invitationIds: number[]): Promise<void> {
  if (invitationIds.length === 0) return;
  await trx.deleteFrom("creator_invitations").where("work_id", "=", workId).where("id", "in", invitationIds).execute();
}

/** A work's unanswered invitations, named as bylines name pseuds. */
export async function pendingInvitationsOf(db: DbOrTrx, workId: number): Promise<{ id: number; pseudId: number; label: string }[]> {
  const rows = await db
    .selectFrom("creator_invitations")
    .innerJoin("pseuds", "pseuds.id", "creator_invitations.pseud_id")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["creator_invitations.id as id", "pseuds.id as pseudId", "pseuds.name as pseudName", "users.login as login"])
    .where("creator_invitations.work_id", "=", workId)
    .orderBy("creator_invitations.id")
    .execute();
  return rows.map((r) => ({ id: r.id, pseudId: r.pseudId, label: creatorName(r) }));
}

export interface Invitation {
  id: number;
  workId: number;
  title: string;
  posted: number;
  pseudName: string;
  inviter: string | null;
  createdAt: string;
  creators: Creator[];
}

/** The invitations waiting for a user's answer, newest first (at most 200). */
export async function invitationsFor(db: DbOrTrx, userId: number): Promise<Invitation[]> {
  const rows = await db
    .selectFrom("creator_invitations")
    .innerJoin("pseuds", "pseuds.id", "creator_invitations.pseud_id")
    .innerJoin("works", "works.id", "creator_invitations.work_id")
    .leftJoin("users as inviters", "inviters.id", "creator_invitations.invited_by_user_id")
    .select([
      "creator_invitations.id as id",
      "works.id as workId",
      "works.title as title",
      "works.posted as posted",
      "pseuds.name as pseudName",
      "inviters.login as inviter",
      "creator_invitations.created_at as createdAt",
    ])
    .where("pseuds.user_id", "=", userId)
    .orderBy("creator_invitations.id", "desc")
    .limit(200)
    .execute();
  const creators = await creatorsOfWorks(
    db,
    rows.map((r) => r.workId),
  );
  return rows.map((r) => ({ ...r, creators: creators.get(r.workId) ?? [] }));
}

/** How many invitations wait for a user. */
export async function invitationCount(db: DbOrTrx, userId: number): Promise<number> {
  const row = await db
    .selectFrom("creator_invitations")
    .innerJoin("pseuds", "pseuds.id", "creator_invitations.pseud_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("pseuds.user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Holds the work's row until the transaction ends (PostgreSQL; SQLite runs one writer at a time),
 * so that changes to its creators made at the same instant run one after the other: two leaving
 * at once cannot leave it with none.
 */
async function lockWork(trx: DbOrTrx, workId: number): Promise<boolean> {
  const query = trx.selectFrom("works").select("id").where("id", "=", workId);
  const row = dialectOf(trx) === "postgres" ? await query.forUpdate().executeTakeFirst() : await query.executeTakeFirst();
  return row !== undefined;
}

/**
 * The invited user accepts: the pseud joins the byline at its end. "accepted", or "gone" when the
 * invitation is not theirs or no longer exists, e.g. the second of two clicks: the invitation row
 * is deleted first and only the request that deleted it adds the creator, so two accepts at the
 * same instant make one creatorship.
 */
export async function acceptInvitation(db: Db, userId: number, invitationId: number): Promise<{ result: "accepted"; workId: number; title: string } | { result: "gone" }> {
  return db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom("creator_invitations")
      .innerJoin("pseuds", "pseuds.id", "creator_invitations.pseud_id")
      .innerJoin("works", "works.id", "creator_invitations.work_id")
      .select(["creator_invitations.id as id", "creator_invitations.work_id as workId", "creator_invitations.pseud_id as pseudId", "works.title as title"])
      .where("creator_invitations.id", "=", invitationId)
      .where("pseuds.user_id", "=", userId)
      .executeTakeFirst();
    if (!invitation || !(await lockWork(trx, invitation.workId))) return { result: "gone" as const };
    const taken = await trx.deleteFrom("creator_invitations").where("id", "=", invitation.id).executeTakeFirst();
    if (Number(taken.numDeletedRows) !== 1) return { result: "gone" as const };
    const last = await trx.selectFrom("work_creators").select((eb) => eb.fn.max("position").as("max")).where("work_id", "=", invitation.workId).executeTakeFirst();
    await trx
      .insertInto("work_creators")
      .values({ work_id: invitation.workId, pseud_id: invitation.pseudId, position: Number(last?.max ?? -1) + 1 })
      .onConflict((oc) => oc.columns(["work_id", "pseud_id"]).doNothing())
      .execute();
    await refreshBylines(trx, [invitation.workId]);
    return { result: "accepted" as const, workId: invitation.workId, title: invitation.title };
  });
}

/** The invited user declines: the invitation goes; false when it was not theirs or is already answered. */
export async function declineInvitation(db: Db, userId: number, invitationId: number): Promise<boolean> {
  const result = await db
    .deleteFrom("creator_invitations")
    .where("id", "=", invitationId)
    .where("pseud_id", "in", db.selectFrom("pseuds").select("id").where("user_id", "=", userId))
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * A creator leaves a work: every pseud of theirs leaves its byline. "left"; "last" when nobody else
 * is credited (the work would have no creator: delete it instead); "not-creator".
 */
export async function leaveWork(db: Db, userId: number, workId: number): Promise<"left" | "last" | "not-creator"> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockWork(trx, workId))) return "not-creator";
    const creators = (await creatorsOfWorks(trx, [workId])).get(workId) ?? [];
    const mine = creators.filter((c) => c.userId === userId).map((c) => c.pseudId);
    if (mine.length === 0) return "not-creator";
    if (mine.length === creators.length) return "last";
    await trx.deleteFrom("work_creators").where("work_id", "=", workId).where("pseud_id", "in", mine).execute();
    await refreshBylines(trx, [workId]);
    return "left";
  });
}

/**
 * The pseuds credited after a creator saves the edit form: the editor's own pseuds are the ones
 * they ticked; every other creator's stay, in their places (only they can leave). Pseuds the editor
 * newly ticked come last.
 */
export function creatorsAfterEdit(creators: Creator[], editorUserId: number, chosenOwn: number[]): number[] {
  const chosen = new Set(chosenOwn);
  const kept = creators.filter((c) => c.userId !== editorUserId || chosen.has(c.pseudId)).map((c) => c.pseudId);
  return [...kept, ...chosenOwn.filter((id) => !kept.includes(id))];
}

/**
 * The job's one step: tells an invited user about the invitation, with the page where they answer.
 * Nothing is sent when it was answered or withdrawn meanwhile. The outbox file is named by the
 * invitation, so a step redone after a crash rewrites the same message.
 */
export function creatorInvitationStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const { invitationId } = JSON.parse(job.payload) as { invitationId: number };
    const row = await db
      .selectFrom("creator_invitations")
      .innerJoin("pseuds", "pseuds.id", "creator_invitations.pseud_id")
      .innerJoin("users", "users.id", "pseuds.user_id")
      .innerJoin("works", "works.id", "creator_invitations.work_id")
      .leftJoin("users as inviters", "inviters.id", "creator_invitations.invited_by_user_id")
      .select(["users.login as login", "users.email as email", "pseuds.name as pseudName", "works.title as title", "inviters.login as inviter"])
      .where("creator_invitations.id", "=", invitationId)
      .executeTakeFirst();
    if (!row) return false;
    const page = `${publicUrl}${creatorshipsPath(row.login)}`;
    const lines: { text: string; href?: string }[] = [
      { text: t("cocreators.mail.invited", { inviter: row.inviter ?? t("cocreators.someone"), pseud: row.pseudName, title: row.title }) },
      { text: t("cocreators.mail.until_accepted") },
      { text: page, href: page },
    ];
    const text = `${lines.map((l) => l.text).join("\n\n")}\n`;
    // Titles and names are user text: everything in the HTML part is escaped.
    const html = `<!DOCTYPE html><html><body>${lines.map((l) => (l.href ? `<p><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></p>` : `<p>${escapeHtml(l.text)}</p>`)).join("")}</body></html>`;
    await mailer.send({ key: `creator-invitation-${invitationId}`, to: row.email, subject: t("cocreators.mail.subject", { site: t("site.name"), title: row.title }), text, html });
    return false;
  };
}

/** The works capability's job kinds and their steps, given where mail goes. */
export function worksJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [CREATOR_INVITATION_MAIL]: creatorInvitationStep(mailer, publicUrl) };
}

import type { Db } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { t } from "../platform/i18n/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { isEmailAddress } from "../platform/text/email.js";
import { emailHasAccount, findUserByLogin } from "../model/users.js";
import { INVITATION_MAIL, type InvitationMailPayload, insertInvitation, insertUnsentInvitations } from "./codes.js";
import { expiryFrom, queueSettings } from "./settings.js";

export type CommandResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** How many invitations one admin request may make or grant per user, and to how many users by name. */
export const MAX_PER_REQUEST = 100;
export const MAX_LOGINS = 100;

/** The job that grants invitations to every user, a batch of users at a time (src/invitations/queue.ts). */
export const INVITATION_GRANT = "invitation_grant";
export interface InvitationGrantPayload {
  count: number;
  grantedBy: number;
}

/** A whole number typed in a form, within a range; null when it is not one. */
export function countIn(raw: string, min: number, max: number): number | null {
  const text = raw.trim();
  if (!/^\d{1,7}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** Why an address cannot be sent an invitation (or join the queue): its form is wrong, or it has an account. */
async function addressErrors(db: Db, field: string, email: string): Promise<FieldErrors> {
  if (!isEmailAddress(email)) return { [field]: [t("invitations.email_format")] };
  if (await emailHasAccount(db, email)) return { [field]: [t("invitations.email_has_account")] };
  return {};
}

/** An admin makes `count` codes held by the archive (not sent to anyone): to hand out by hand. */
export async function createCodes(db: Db, adminId: number, countText: string): Promise<CommandResult<{ count: number }>> {
  const count = countIn(countText, 1, MAX_PER_REQUEST);
  if (count === null) return { ok: false, errors: { "invitation[count]": [t("invitations.count_range", { max: MAX_PER_REQUEST })] } };
  await db.transaction().execute((trx) => insertUnsentInvitations(trx, Array.from({ length: count }, () => ({ createdBy: adminId, owner: null }))));
  return { ok: true, value: { count } };
}

/** An admin sends a new invitation to an address: it is bound to it and mailed by a job. */
export async function adminSendInvitation(db: Db, adminId: number, email: string): Promise<CommandResult<null>> {
  const errors = await addressErrors(db, "invitation[invitee_email]", email);
  if (Object.keys(errors).length) return { ok: false, errors };
  const settings = await queueSettings(db);
  const now = new Date();
  await db.transaction().execute((trx) => insertInvitation(trx, { createdBy: adminId, inviteeEmail: email, sentAt: now.toISOString(), expiresAt: expiryFrom(settings, now) }));
  return { ok: true, value: null };
}

/**
 * A user sends one of the invitations an admin granted them to an address: the oldest unsent one
 * becomes bound to it and is mailed. Taken by a conditional UPDATE, so two sends at once never
 * spend one invitation twice.
 */
export async function userSendInvitation(db: Db, userId: number, email: string): Promise<CommandResult<null>> {
  const errors = await addressErrors(db, "invitation[invitee_email]", email);
  if (Object.keys(errors).length) return { ok: false, errors };
  const settings = await queueSettings(db);
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = new Date();
    const sent = await db.transaction().execute(async (trx) => {
      const unsent = await trx
        .selectFrom("invitations")
        .select("id")
        .where("owner_user_id", "=", userId)
        .where("invitee_email", "is", null)
        .where("used_at", "is", null)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now.toISOString())]))
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!unsent) return "none" as const;
      const taken = await trx
        .updateTable("invitations")
        .set({ invitee_email: email, sent_at: now.toISOString(), expires_at: expiryFrom(settings, now) })
        .where("id", "=", unsent.id)
        .where("invitee_email", "is", null)
        .where("used_at", "is", null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return "raced" as const;
      await enqueueJob(trx, INVITATION_MAIL, { invitationId: unsent.id } satisfies InvitationMailPayload, 1);
      return "sent" as const;
    });
    if (sent === "sent") return { ok: true, value: null };
    if (sent === "none") break;
  }
  return { ok: false, errors: { "invitation[invitee_email]": [t("invitations.none_left")] } };
}

/** Logins typed one per line or separated by commas, without repeats. */
export function parseLogins(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/**
 * An admin grants `count` invitations to each named user (they send them from their invitations
 * page), or to every user: that is a job (INVITATION_GRANT), a batch of users at a time.
 */
export async function grantInvitations(db: Db, adminId: number, input: { logins: string; everyone: boolean; count: string }): Promise<CommandResult<{ users: number | "everyone"; count: number }>> {
  const errors: FieldErrors = {};
  const count = countIn(input.count, 1, MAX_PER_REQUEST);
  if (count === null) errors["grant[count]"] = [t("invitations.count_range", { max: MAX_PER_REQUEST })];
  const logins = parseLogins(input.logins);
  if (!input.everyone) {
    if (logins.length === 0) errors["grant[logins]"] = [t("invitations.grant_who")];
    else if (logins.length > MAX_LOGINS) errors["grant[logins]"] = [t("invitations.grant_too_many", { max: MAX_LOGINS })];
  }
  const users: number[] = [];
  if (!input.everyone && !errors["grant[logins]"]) {
    const unknown: string[] = [];
    for (const login of logins) {
      const user = await findUserByLogin(db, login);
      if (user) users.push(user.id);
      else unknown.push(login);
    }
    if (unknown.length) errors["grant[logins]"] = [t("invitations.grant_unknown", { logins: unknown.join(", ") })];
  }
  if (Object.keys(errors).length || count === null) return { ok: false, errors };
  if (input.everyone) {
    await db.transaction().execute((trx) => enqueueJob(trx, INVITATION_GRANT, { count, grantedBy: adminId } satisfies InvitationGrantPayload, 0));
    return { ok: true, value: { users: "everyone", count } };
  }
  const rows = [...new Set(users)].flatMap((owner) => Array.from({ length: count }, () => ({ createdBy: adminId, owner })));
  await db.transaction().execute((trx) => insertUnsentInvitations(trx, rows));
  return { ok: true, value: { users: new Set(users).size, count } };
}

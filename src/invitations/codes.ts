import { randomBytes } from "node:crypto";
import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { InvitationsTable } from "../platform/db/tables.js";
import { enqueueJob } from "../platform/jobs.js";
import type { Selectable } from "kysely";
import { t } from "../platform/i18n/index.js";

export type Invitation = Selectable<InvitationsTable>;

/** The job that mails one invitation to the address it was sent to (src/invitations/mail.ts). */
export const INVITATION_MAIL = "invitation_mail";
export interface InvitationMailPayload {
  invitationId: number;
}

/**
 * An address as one mailbox: lower case, without a "+tag", and for Gmail without dots (which
 * Gmail ignores), as AO3 simplifies the addresses of its queue. Two spellings of one mailbox wait
 * once, and an invitation sent to one spelling works for the other.
 */
export function emailKey(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  local = local.split("+")[0]!;
  if (domain === "googlemail.com") domain = "gmail.com";
  if (domain === "gmail.com") local = local.replace(/\./g, "");
  return `${local}@${domain}`;
}

/** A fresh code: 120 random bits, URL-safe. */
function newCode(): string {
  return randomBytes(15).toString("base64url");
}

export interface NewInvitation {
  createdBy: number | null;
  owner?: number | null;
  inviteeEmail?: string | null;
  sentAt?: string | null;
  expiresAt?: string | null;
  fromQueue?: boolean;
}

/** Inserts one invitation in the caller's transaction; mails it (a job) when it is sent to an address. */
export async function insertInvitation(trx: DbOrTrx, input: NewInvitation): Promise<{ id: number; code: string }> {
  const code = newCode();
  const row = await trx
    .insertInto("invitations")
    .values({
      code,
      created_by_user_id: input.createdBy,
      created_at: nowIso(),
      used_by_user_id: null,
      used_at: null,
      owner_user_id: input.owner ?? null,
      invitee_email: input.inviteeEmail ?? null,
      sent_at: input.sentAt ?? null,
      expires_at: input.expiresAt ?? null,
      from_queue: input.fromQueue ? 1 : 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (input.inviteeEmail) await enqueueJob(trx, INVITATION_MAIL, { invitationId: row.id } satisfies InvitationMailPayload, 1);
  return { id: row.id, code };
}

/**
 * Inserts unsent invitations, many rows per statement: codes an admin makes for the archive
 * (owner null) or grants to users (owner: the user who may send it).
 */
export async function insertUnsentInvitations(trx: DbOrTrx, rows: { createdBy: number | null; owner: number | null }[]): Promise<void> {
  const now = nowIso();
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((row) => ({
      code: newCode(),
      created_by_user_id: row.createdBy,
      created_at: now,
      used_by_user_id: null,
      used_at: null,
      owner_user_id: row.owner,
    }));
    await trx.insertInto("invitations").values(values).execute();
  }
}

export function findInvitationByCode(db: DbOrTrx, code: string): Promise<Invitation | undefined> {
  return db.selectFrom("invitations").selectAll().where("code", "=", code).executeTakeFirst();
}

/** Where an invitation stands, for pages and checks. */
export type InvitationState = "unsent" | "sent" | "used" | "expired";

export function invitationState(invitation: Pick<Invitation, "used_at" | "expires_at" | "invitee_email" | "sent_at">, now = nowIso()): InvitationState {
  if (invitation.used_at) return "used";
  if (invitation.expires_at && invitation.expires_at <= now) return "expired";
  return invitation.sent_at || invitation.invitee_email ? "sent" : "unsent";
}

/** What is wrong with using a code to sign up with an address, as a message on a field; null when nothing is. */
export async function invitationProblem(db: DbOrTrx, code: string, email: string): Promise<{ field: "invitation_code" | "user[email]"; message: string } | null> {
  const invitation = await findInvitationByCode(db, code);
  if (!invitation) return { field: "invitation_code", message: t("invitations.code_unknown") };
  const state = invitationState(invitation);
  if (state === "used") return { field: "invitation_code", message: t("invitations.code_used") };
  if (state === "expired") return { field: "invitation_code", message: t("invitations.code_expired", { date: invitation.expires_at!.slice(0, 10) }) };
  if (invitation.invitee_email && emailKey(invitation.invitee_email) !== emailKey(email)) return { field: "user[email]", message: t("invitations.code_for_another_email") };
  return null;
}

/**
 * Spends an invitation on a new account, in the sign-up's transaction: one conditional UPDATE, so
 * of two sign-ups racing with one code exactly one changes the row (on PostgreSQL the second
 * waits for the first to commit, then finds it used). False when the code is unknown, spent,
 * expired or for another address: the caller rolls the account back.
 */
export async function redeemInvitation(trx: DbOrTrx, code: string, userId: number, email: string): Promise<boolean> {
  const invitation = await findInvitationByCode(trx, code);
  if (!invitation || (invitation.invitee_email && emailKey(invitation.invitee_email) !== emailKey(email))) return false;
  const now = nowIso();
  const result = await trx
    .updateTable("invitations")
    .set({ used_by_user_id: userId, used_at: now })
    .where("id", "=", invitation.id)
    .where("used_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The invitation behind a sign-up link, to fill in its address; undefined when the code is unknown. */
export async function invitationForSignup(db: DbOrTrx, code: string): Promise<{ inviteeEmail: string | null } | undefined> {
  if (!code) return undefined;
  const invitation = await findInvitationByCode(db, code);
  return invitation ? { inviteeEmail: invitation.invitee_email } : undefined;
}

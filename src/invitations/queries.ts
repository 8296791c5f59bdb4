import { sql } from "kysely";
import { nameKey } from "../model/users.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";

/** An invitation as the pages list it: who made it, who holds it, where it went, who used it. */
export interface InvitationListed {
  id: number;
  code: string;
  createdAt: string;
  createdBy: string | null;
  owner: string | null;
  inviteeEmail: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  usedAt: string | null;
  usedBy: string | null;
  fromQueue: boolean;
}

function listedInvitations(db: DbOrTrx) {
  return db
    .selectFrom("invitations")
    .leftJoin("users as creator", "creator.id", "invitations.created_by_user_id")
    .leftJoin("users as owner", "owner.id", "invitations.owner_user_id")
    .leftJoin("users as used_by", "used_by.id", "invitations.used_by_user_id")
    .select([
      "invitations.id as id",
      "invitations.code as code",
      "invitations.created_at as createdAt",
      "creator.login as createdBy",
      "owner.login as owner",
      "invitations.invitee_email as inviteeEmail",
      "invitations.sent_at as sentAt",
      "invitations.expires_at as expiresAt",
      "invitations.used_at as usedAt",
      "used_by.login as usedBy",
      "invitations.from_queue as fromQueue",
    ]);
}

function shaped(row: Omit<InvitationListed, "fromQueue"> & { fromQueue: number }): InvitationListed {
  return { ...row, fromQueue: row.fromQueue === 1 };
}

/** A user's own invitations: unsent first, then the rest newest first. */
export async function invitationsOfUser(db: DbOrTrx, userId: number): Promise<InvitationListed[]> {
  const rows = await listedInvitations(db).where("invitations.owner_user_id", "=", userId).orderBy("invitations.id", "desc").limit(500).execute();
  return rows.map(shaped);
}

/** How many invitations a user may still send. */
export async function unsentCount(db: DbOrTrx, userId: number): Promise<number> {
  const now = nowIso();
  const row = await db
    .selectFrom("invitations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("owner_user_id", "=", userId)
    .where("invitee_email", "is", null)
    .where("used_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const SEARCH_STATES = ["any", "unsent", "sent", "used", "expired"] as const;
export type SearchState = (typeof SEARCH_STATES)[number];
export const PER_PAGE = 50;

/** Escapes LIKE's wildcards in typed text (with "\" as the escape character). */
function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Admin search: invitations whose code, address, maker, holder or user matches the words typed
 * (any case), in one state or any, newest first, a page at a time, with the total.
 */
export async function searchInvitations(db: DbOrTrx, query: string, state: SearchState, page: number): Promise<{ total: number; rows: InvitationListed[] }> {
  const now = nowIso();
  const text = query.trim();
  const key = nameKey(text);
  let base = listedInvitations(db);
  if (text) {
    const like = `%${likeText(text.toLowerCase())}%`;
    base = base.where((eb) =>
      eb.or([
        eb("invitations.code", "=", text),
        sql<boolean>`lower(invitations.invitee_email) like ${like} escape '\\'`,
        eb("creator.login_key", "=", key),
        eb("owner.login_key", "=", key),
        eb("used_by.login_key", "=", key),
      ]),
    );
  }
  if (state === "used") base = base.where("invitations.used_at", "is not", null);
  if (state === "expired") base = base.where("invitations.used_at", "is", null).where("invitations.expires_at", "<=", now);
  if (state === "sent" || state === "unsent") {
    base = base.where("invitations.used_at", "is", null).where((eb) => eb.or([eb("invitations.expires_at", "is", null), eb("invitations.expires_at", ">", now)]));
    base = state === "sent" ? base.where("invitations.invitee_email", "is not", null) : base.where("invitations.invitee_email", "is", null);
  }
  const counted = await base.clearSelect().select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base.orderBy("invitations.id", "desc").limit(PER_PAGE).offset((page - 1) * PER_PAGE).execute();
  return { total: Number(counted.n), rows: rows.map(shaped) };
}

/** The oldest waiting requests, for the admin page. */
export function waitingRequests(db: DbOrTrx, limit: number) {
  return db.selectFrom("invite_requests").select(["id", "email", "created_at"]).where("invited_at", "is", null).orderBy("id").limit(limit).execute();
}

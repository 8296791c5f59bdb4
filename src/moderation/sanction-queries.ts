import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { PseudRow, UserRow } from "../platform/db/tables.js";
import type { Sanction } from "../platform/http/viewer.js";
import { sanctionInForce } from "../model/sanctions.js";
import { pseudsOf, rolesOf } from "../model/users.js";
import { workIdsOfUser } from "../model/works.js";

// What the admins' users pages read: finding an account, and one account's particulars, standing
// and warnings (its audit log comes from audit.ts).

export interface FoundUser {
  id: number;
  login: string;
  email: string;
  created_at: string;
}

export const USER_SEARCH_LIMIT = 50;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * Accounts whose login or email holds the text (any case), exact matches first, at most
 * USER_SEARCH_LIMIT. An empty query finds nobody.
 */
export async function findUsers(db: DbOrTrx, query: string): Promise<FoundUser[]> {
  const text = query.trim().normalize("NFKC").toLowerCase();
  if (!text) return [];
  const pattern = likePattern(text);
  const rows = await db
    .selectFrom("users")
    .select(["id", "login", "email", "created_at", "login_key"])
    .where(sql<boolean>`(login_key like ${pattern} escape '\\' or lower(email) like ${pattern} escape '\\')`)
    .orderBy("login_key")
    .limit(500)
    .execute();
  const exact = (r: (typeof rows)[number]) => r.login_key === text || r.email.toLowerCase() === text;
  return [...rows.filter(exact), ...rows.filter((r) => !exact(r))].slice(0, USER_SEARCH_LIMIT).map(({ login_key: _key, ...user }) => user);
}

/** The stored sanction of a user, in force or not, as the admin page shows it. */
export interface StoredSanction {
  kind: string;
  reason: string;
  endsAt: string | null;
  hideWorks: boolean;
  hiddenWorks: number;
  actorLogin: string | null;
  createdAt: string;
  /** Null once a suspension's time has passed. */
  inForce: Sanction | null;
}

export interface WarningRecord {
  id: number;
  reason: string;
  actorLogin: string | null;
  createdAt: string;
  dismissedAt: string | null;
}

export interface WorkCounts {
  total: number;
  posted: number;
  drafts: number;
  hidden: number;
  held: number;
}

export interface UserAccount {
  user: UserRow;
  roles: string[];
  pseuds: PseudRow[];
  works: WorkCounts;
  sanction: StoredSanction | null;
  warnings: WarningRecord[];
}

export async function storedSanction(db: DbOrTrx, userId: number): Promise<StoredSanction | null> {
  const row = await db
    .selectFrom("user_sanctions")
    .leftJoin("users as actor", "actor.id", "user_sanctions.actor_user_id")
    .select(["user_sanctions.kind", "user_sanctions.reason", "user_sanctions.ends_at", "user_sanctions.hide_works", "user_sanctions.hidden_work_ids", "user_sanctions.created_at", "actor.login as actorLogin"])
    .where("user_sanctions.user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return null;
  let hiddenWorks = 0;
  try {
    hiddenWorks = (JSON.parse(row.hidden_work_ids) as unknown[]).length;
  } catch {
    hiddenWorks = 0;
  }
  return {
    kind: row.kind,
    reason: row.reason,
    endsAt: row.ends_at,
    hideWorks: row.hide_works === 1,
    hiddenWorks,
    actorLogin: row.actorLogin ?? null,
    createdAt: row.created_at,
    inForce: sanctionInForce(row),
  };
}

/** A user's warnings, newest first. */
export async function warningsOf(db: DbOrTrx, userId: number): Promise<WarningRecord[]> {
  const rows = await db
    .selectFrom("user_warnings")
    .leftJoin("users as actor", "actor.id", "user_warnings.actor_user_id")
    .select(["user_warnings.id", "user_warnings.reason", "user_warnings.created_at", "user_warnings.dismissed_at", "actor.login as actorLogin"])
    .where("user_warnings.user_id", "=", userId)
    .orderBy("user_warnings.id", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, reason: r.reason, actorLogin: r.actorLogin ?? null, createdAt: r.created_at, dismissedAt: r.dismissed_at }));
}

/** How many works a user has (through any pseud), in each state an admin cares about. */
export async function workCountsOf(db: DbOrTrx, userId: number): Promise<WorkCounts> {
  const row = await db
    .selectFrom("works")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(eb.case().when("posted", "=", 1).then(1).else(0).end()).as("posted"),
      eb.fn.sum<number>(eb.case().when(eb.and([eb("posted", "=", 0), eb("spam_hold", "=", 0)])).then(1).else(0).end()).as("drafts"),
      eb.fn.sum<number>(eb.case().when("hidden_by_admin", "=", 1).then(1).else(0).end()).as("hidden"),
      eb.fn.sum<number>(eb.case().when("spam_hold", "=", 1).then(1).else(0).end()).as("held"),
    ])
    .where("id", "in", workIdsOfUser(db, userId))
    .executeTakeFirst();
  return { total: Number(row?.total ?? 0), posted: Number(row?.posted ?? 0), drafts: Number(row?.drafts ?? 0), hidden: Number(row?.hidden ?? 0), held: Number(row?.held ?? 0) };
}

/** Everything the admin page of one account shows but its audit log. */
export async function userAccount(db: DbOrTrx, user: UserRow): Promise<UserAccount> {
  const [roles, pseuds, works, sanction, warnings] = await Promise.all([rolesOf(db, user.id), pseudsOf(db, user.id), workCountsOf(db, user.id), storedSanction(db, user.id), warningsOf(db, user.id)]);
  return { user, roles, pseuds, works, sanction, warnings };
}

import type { DbOrTrx } from "../platform/db/index.js";
import type { PseudRow, UserRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableWorkIds } from "./visibility.js";

/** A user found by login name, any case. */
export function findUserByLogin(db: DbOrTrx, login: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("login_key", "=", nameKey(login)).executeTakeFirst();
}

export function findUserById(db: DbOrTrx, id: number): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The roles a user holds (see ROLES in platform/http/viewer.ts). */
export async function rolesOf(db: DbOrTrx, userId: number): Promise<string[]> {
  const rows = await db.selectFrom("user_roles").select("role").where("user_id", "=", userId).orderBy("role").execute();
  return rows.map((r) => r.role);
}

/** A user's pseuds, the default first. */
export function pseudsOf(db: DbOrTrx, userId: number): Promise<PseudRow[]> {
  return db
    .selectFrom("pseuds")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("is_default", "desc")
    .orderBy("name_key")
    .execute();
}

/** How many works this viewer may see listed under each of a user's pseuds (pseuds without any are absent). */
export async function pseudWorkCounts(db: DbOrTrx, viewer: Viewer, userId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .select(["pseuds.id as id", (eb) => eb.fn.count<number>("work_creators.work_id").distinct().as("n")])
    .where("pseuds.user_id", "=", userId)
    .where("work_creators.work_id", "in", listableWorkIds(db, viewer))
    .groupBy("pseuds.id")
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** One of a user's pseuds by name, any case. */
export function findPseud(db: DbOrTrx, userId: number, name: string): Promise<PseudRow | undefined> {
  return db.selectFrom("pseuds").selectAll().where("user_id", "=", userId).where("name_key", "=", nameKey(name)).executeTakeFirst();
}

/** Whether any admin exists (the first one is made through the setup URL). */
export async function hasAdmin(db: DbOrTrx): Promise<boolean> {
  const row = await db.selectFrom("user_roles").select("user_id").where("role", "=", "admin").limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface PseudRef {
  id: number;
  name: string;
  login: string;
  userId: number;
}

/** Pseuds with their user's login, for bylines: `/users/LOGIN/pseuds/NAME`. */
export async function pseudRefs(db: DbOrTrx, pseudIds: number[]): Promise<Map<number, PseudRef>> {
  if (pseudIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("pseuds")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["pseuds.id as id", "pseuds.name as name", "users.login as login", "users.id as userId"])
    .where("pseuds.id", "in", pseudIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Login names of many users in one query (history lines name who did what). */
export async function loginsOf(db: DbOrTrx, userIds: number[]): Promise<Map<number, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("users").select(["id", "login"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.login]));
}

/** The key under which a name is unique: case and Unicode form do not make a different name. */
export function nameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/** Whether an account uses this email address (any case): the invite queue does not wait for someone already in. */
export async function emailHasAccount(db: DbOrTrx, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The ids of users after `afterId`, in order, a batch at a time (jobs that walk every account). */
export async function userIdsAfter(db: DbOrTrx, afterId: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom("users").select("id").where("id", ">", afterId).orderBy("id").limit(limit).execute();
  return rows.map((row) => row.id);
}

/**
 * The archive's orphan account (src/leaving): orphaned works are credited to it. Nobody can sign up
 * under this name or log in as it.
 */
export const ORPHAN_ACCOUNT_LOGIN = "orphan_account";

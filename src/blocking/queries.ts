import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";

/** The two relations one person keeps with others; their tables have the same columns. */
export type Relation = "block" | "mute";
export const RELATION_TABLE = { block: "blocks", mute: "mutes" } as const;

/** How many users one person may block, and separately mute (AO3's limit). */
export const RELATION_LIMIT = 2000;

/** Whether any of these users (a work's creators) has blocked the viewer. One query. */
export async function blockedByAny(db: DbOrTrx, userIds: readonly number[], viewer: Viewer): Promise<boolean> {
  if (!viewer.user || userIds.length === 0) return false;
  const row = await db.selectFrom("blocks").select("user_id").where("target_id", "=", viewer.user.id).where("user_id", "in", [...userIds]).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * The blocks between two groups of users, either way: `{ blocker, blocked }` pairs. For the rules
 * that keep a blocked user from reaching the blocker through a work (co-creator invitations,
 * gifts, related works). One query.
 */
export async function blocksBetween(db: DbOrTrx, groupA: readonly number[], groupB: readonly number[]): Promise<{ blocker: number; blocked: number }[]> {
  if (groupA.length === 0 || groupB.length === 0) return [];
  const rows = await db
    .selectFrom("blocks")
    .select(["user_id", "target_id"])
    .where((eb) =>
      eb.or([
        eb.and([eb("user_id", "in", [...groupA]), eb("target_id", "in", [...groupB])]),
        eb.and([eb("user_id", "in", [...groupB]), eb("target_id", "in", [...groupA])]),
      ]),
    )
    .execute();
  return rows.map((r) => ({ blocker: r.user_id, blocked: r.target_id }));
}

/** The users this viewer has muted (none for guests): what every listing leaves out. One query. */
export async function mutedUserIds(db: DbOrTrx, viewer: Viewer): Promise<number[]> {
  if (!viewer.user) return [];
  const rows = await db.selectFrom("mutes").select("target_id").where("user_id", "=", viewer.user.id).orderBy("target_id").execute();
  return rows.map((r) => r.target_id);
}

export interface RelatedUser {
  id: number;
  login: string;
  since: string;
}

/** The users someone has blocked (or muted), by name. */
export function relatedUsers(db: DbOrTrx, relation: Relation, userId: number): Promise<RelatedUser[]> {
  return db
    .selectFrom(`${RELATION_TABLE[relation]} as r`)
    .innerJoin("users", "users.id", "r.target_id")
    .select(["users.id as id", "users.login as login", "r.created_at as since"])
    .where("r.user_id", "=", userId)
    .orderBy("users.login")
    .execute();
}

/** Whether the viewer has blocked and has muted another user (for the profile's buttons). One query. */
export async function relationsWith(db: DbOrTrx, userId: number, targetId: number): Promise<{ block: boolean; mute: boolean }> {
  const rows = await db
    .selectFrom("blocks")
    .select((eb) => eb.val("block").as("relation"))
    .where("user_id", "=", userId)
    .where("target_id", "=", targetId)
    .unionAll(db.selectFrom("mutes").select((eb) => eb.val("mute").as("relation")).where("user_id", "=", userId).where("target_id", "=", targetId))
    .execute();
  return { block: rows.some((r) => r.relation === "block"), mute: rows.some((r) => r.relation === "mute") };
}

/** The ids of the works these users created, as a subquery (`works.id not in (...)` leaves them out). */
export function worksOfUsers(db: DbOrTrx, userIds: readonly number[]) {
  return db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "in", [...userIds]);
}

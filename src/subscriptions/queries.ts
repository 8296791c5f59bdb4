import type { DbOrTrx } from "../platform/db/index.js";
import { seriesTitles } from "../model/series.js";
import type { SubscriptionRow } from "../platform/db/tables.js";

export type SubscriptionKind = SubscriptionRow["kind"];

/** The viewer's subscription to one thing, if any (for the Subscribe / Unsubscribe button). */
export function subscriptionOf(db: DbOrTrx, userId: number, kind: SubscriptionKind, targetId: number): Promise<SubscriptionRow | undefined> {
  return db.selectFrom("subscriptions").selectAll().where("user_id", "=", userId).where("kind", "=", kind).where("target_id", "=", targetId).executeTakeFirst();
}

export function findSubscription(db: DbOrTrx, id: number): Promise<SubscriptionRow | undefined> {
  return db.selectFrom("subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

export function subscriptionByToken(db: DbOrTrx, token: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom("subscriptions").selectAll().where("token", "=", token).executeTakeFirst();
}

/** A subscription with the name of what it follows, for listings and emails. */
export interface NamedSubscription extends SubscriptionRow {
  /** The work's or series' title, or the user's login; null when the target is gone. */
  name: string | null;
}

/** Names of works, users and series in three queries at most, whatever the number of rows. */
export async function nameSubscriptions(db: DbOrTrx, rows: SubscriptionRow[]): Promise<NamedSubscription[]> {
  const ids = (kind: SubscriptionKind) => [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.target_id))];
  const workIds = ids("work");
  const userIds = ids("user");
  const [works, users, series] = await Promise.all([
    workIds.length ? db.selectFrom("works").select(["id", "title as name"]).where("id", "in", workIds).execute() : [],
    userIds.length ? db.selectFrom("users").select(["id", "login as name"]).where("id", "in", userIds).execute() : [],
    seriesTitles(db, ids("series")),
  ]);
  const names = { work: new Map(works.map((w) => [w.id, w.name])), user: new Map(users.map((u) => [u.id, u.name])), series };
  return rows.map((row) => ({ ...row, name: names[row.kind].get(row.target_id) ?? null }));
}

/** A user's subscriptions, newest first, optionally of one kind. */
export async function subscriptionsOfUser(db: DbOrTrx, userId: number, kind?: SubscriptionKind): Promise<NamedSubscription[]> {
  let query = db.selectFrom("subscriptions").selectAll().where("user_id", "=", userId);
  if (kind) query = query.where("kind", "=", kind);
  return nameSubscriptions(db, await query.orderBy("id", "desc").execute());
}

/** How many users follow each of these works (for creators' stats), in one query. */
export async function subscriberCounts(db: DbOrTrx, workIds: number[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>(workIds.map((id) => [id, 0]));
  if (workIds.length === 0) return counts;
  const rows = await db
    .selectFrom("subscriptions")
    .select(["target_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("kind", "=", "work")
    .where("target_id", "in", workIds)
    .groupBy("target_id")
    .execute();
  for (const row of rows) counts.set(row.target_id, Number(row.n));
  return counts;
}

import { type Db, nowIso } from "../platform/db/index.js";
import { RELATION_LIMIT, RELATION_TABLE, type Relation } from "./queries.js";

/**
 * Blocks or mutes a user: "done", "already" (a double click writes nothing), or "limit" when
 * the person already has RELATION_LIMIT. The count and the insert share a transaction; two
 * requests at the same instant could pass 2,000 by one, which nothing depends on.
 */
export async function relate(db: Db, relation: Relation, userId: number, targetId: number): Promise<"done" | "already" | "limit"> {
  const table = RELATION_TABLE[relation];
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom(table).select("target_id").where("user_id", "=", userId).where("target_id", "=", targetId).executeTakeFirst();
    if (existing) return "already";
    const count = await trx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow();
    if (Number(count.n) >= RELATION_LIMIT) return "limit";
    const result = await trx.insertInto(table).values({ user_id: userId, target_id: targetId, created_at: nowIso() }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? "done" : "already";
  });
}

/** Unblocks or unmutes; false when there was nothing to undo. */
export async function unrelate(db: Db, relation: Relation, userId: number, targetId: number): Promise<boolean> {
  const result = await db.deleteFrom(RELATION_TABLE[relation]).where("user_id", "=", userId).where("target_id", "=", targetId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

import type { DbOrTrx } from "../platform/db/index.js";

/*
 * Reads of legacy_ids: what an imported archive's own numbers became here. The importers write
 * the rows; old addresses (legacy-urls.ts) and `fanfold claims send --source` read them.
 */

/** What an old number of this kind from this source became, or null. */
export async function legacyTarget(db: DbOrTrx, source: string, kind: string, legacyId: string): Promise<number | null> {
  const row = await db.selectFrom("legacy_ids").select("target_id").where("source", "=", source).where("kind", "=", kind).where("legacy_id", "=", legacyId).executeTakeFirst();
  return row?.target_id ?? null;
}

/** Every id here that an old number of this kind from this source became (e.g. the accounts an eFiction import made). */
export async function legacyTargetsOf(db: DbOrTrx, source: string, kind: string): Promise<number[]> {
  const rows = await db.selectFrom("legacy_ids").select("target_id").where("source", "=", source).where("kind", "=", kind).orderBy("target_id").execute();
  return rows.map((r) => r.target_id);
}

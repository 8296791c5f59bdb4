import type { DbOrTrx } from "./db/index.js";
import { nowIso } from "./db/index.js";

/**
 * The change feed: one row whenever a work's listing data changes ("filters": its filter set;
 * "work": its fields, chapters or visibility; "deleted"). Written in the transaction of the
 * change itself, so a process that follows the feed by id never misses one.
 */
export type ChangeKind = "filters" | "work" | "deleted";

export async function appendChange(trx: DbOrTrx, workId: number, kind: ChangeKind): Promise<void> {
  await trx.insertInto("change_feed").values({ work_id: workId, kind, created_at: nowIso() }).execute();
}

/** The same for many works at once, in multi-row inserts. */
export async function appendChanges(trx: DbOrTrx, workIds: number[], kind: ChangeKind): Promise<void> {
  const createdAt = nowIso();
  for (let i = 0; i < workIds.length; i += 2000) {
    await trx
      .insertInto("change_feed")
      .values(workIds.slice(i, i + 2000).map((work_id) => ({ work_id, kind, created_at: createdAt })))
      .execute();
  }
}

import type { DbOrTrx } from "./db/index.js";
import type { WorksTable } from "./db/tables.js";
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

/**
 * A counter on the work row (kudos, hits, comments, bookmarks, and any added later): every numeric
 * `…_count` column, so a new counter needs no change here.
 */
export type ListedCounter = Extract<keyof WorksTable, `${string}_count`>;

/**
 * Adds `delta` to one listed counter of a work and writes the change-feed row, in the caller's
 * transaction: the one way such a counter changes, so no capability can move a count that
 * listings sort by without every process's listing index hearing of it. One atomic increment,
 * so concurrent requests from several processes all count.
 */
export async function shiftWorkCounter(trx: DbOrTrx, workId: number, counter: ListedCounter, delta: number): Promise<void> {
  await shiftWorkCounters(trx, counter, new Map([[workId, delta]]));
}

/** The same for many works at once (a flush of buffered hits): one increment each, then the feed rows together. */
export async function shiftWorkCounters(trx: DbOrTrx, counter: ListedCounter, deltas: Map<number, number>): Promise<void> {
  const changed = [...deltas].filter(([, delta]) => delta !== 0);
  for (const [workId, delta] of changed) {
    await trx
      .updateTable("works")
      .set((eb) => ({ [counter]: eb(counter, "+", delta) }))
      .where("id", "=", workId)
      .execute();
  }
  await appendChanges(
    trx,
    changed.map(([workId]) => workId),
    "work",
  );
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

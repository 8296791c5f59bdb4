import type { DbOrTrx } from "../platform/db/index.js";
import { appendChanges } from "../platform/changes.js";
import { creatorsSortKey } from "../model/sort-keys.js";
import { creatorsOfWorks } from "../model/works.js";
import { refreshWorkSearchFields } from "../search/index.js";

/** How many works one statement names (SQLite's and PostgreSQL's parameter limits are far above). */
const SLICE = 500;

/**
 * After bylines changed outside the work form (a pseud renamed or deleted, a co-creator joined or
 * left, works orphaned), in the caller's transaction: each work's creator sort key, its search
 * fields and a change-feed row, so every process's listing index hears of the new byline. The one
 * place that knows what a byline change touches.
 */
export async function refreshBylines(trx: DbOrTrx, workIds: number[]): Promise<void> {
  const ids = [...new Set(workIds)];
  if (ids.length === 0) return;
  for (let start = 0; start < ids.length; start += SLICE) {
    const slice = ids.slice(start, start + SLICE);
    const creators = await creatorsOfWorks(trx, slice);
    for (const workId of slice) {
      const names = (creators.get(workId) ?? []).map((c) => c.pseudName);
      await trx.updateTable("works").set({ creators_sort: creatorsSortKey(names) }).where("id", "=", workId).execute();
    }
    await refreshWorkSearchFields(trx, slice);
  }
  await appendChanges(trx, ids, "work");
}

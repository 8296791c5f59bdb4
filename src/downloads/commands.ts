import type { DbOrTrx } from "../platform/db/index.js";

/**
 * Counts one download of a work. One atomic increment, so concurrent downloads from several
 * processes all count; it leaves `updated_at` alone (a download is not a change to the work).
 */
export async function countDownload(db: DbOrTrx, workId: number): Promise<void> {
  await db
    .updateTable("works")
    .set((eb) => ({ downloads_count: eb("downloads_count", "+", 1) }))
    .where("id", "=", workId)
    .execute();
}

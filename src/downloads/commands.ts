import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";

/**
 * Counts one download of a work. One atomic increment, so concurrent downloads from several
 * processes all count; it leaves `updated_at` alone (a download is not a change to the work).
 */
export async function countDownload(db: DbOrTrx, workId: number): Promise<void> {
  await sql`update works set downloads_count = downloads_count + 1 where id = ${workId}`.execute(db);
}

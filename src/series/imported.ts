import type { DbOrTrx } from "../platform/db/index.js";
import { sanitizeUserHtml } from "../platform/html/sanitize.js";

/**
 * A series brought over from another archive (src/transfer) keeps its summary and whether it
 * is complete; joining works to it is the posting command's (saveImportedWork).
 */
export async function describeImportedSeries(trx: DbOrTrx, seriesId: number, fields: { summary: string; complete: boolean }): Promise<void> {
  await trx
    .updateTable("series")
    .set({ summary: fields.summary.trim() ? sanitizeUserHtml(fields.summary, "summary") : "", complete: fields.complete ? 1 : 0 })
    .where("id", "=", seriesId)
    .execute();
}

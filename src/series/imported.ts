import type { DbOrTrx } from "../platform/db/index.js";
import { sanitizeUserHtml } from "../platform/html/sanitize.js";
import { addWorkToSeries } from "./commands.js";

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

/**
 * A work of an imported series whose series is already here (made by its first work): put at its
 * part, with its creator credited on the series too. eFiction's open series hold stories by several
 * authors; here that is one series with several creators, not one series per author.
 */
export async function joinImportedSeries(trx: DbOrTrx, seriesId: number, workId: number, part: number | null, creatorPseudId: number): Promise<void> {
  const credited = await trx.selectFrom("series_creators").select(["pseud_id", "position"]).where("series_id", "=", seriesId).execute();
  if (!credited.some((c) => c.pseud_id === creatorPseudId)) {
    const position = credited.reduce((max, c) => Math.max(max, c.position), -1) + 1;
    await trx.insertInto("series_creators").values({ series_id: seriesId, pseud_id: creatorPseudId, position }).execute();
  }
  await addWorkToSeries(trx, seriesId, workId, part);
}

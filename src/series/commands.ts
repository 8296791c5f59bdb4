import { dropSubscriptionsTo } from "../subscriptions/index.js";
import { deleteBookmarksOfSeries } from "../responses/index.js";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { refreshWorkSearchFields } from "../search/index.js";
import type { SeriesChoice, SeriesInput } from "./schema.js";

// Every write of series. Positions in a series run 1..n: each command that changes membership
// first touches the series row (on PostgreSQL that locks it, so two writers to one series take
// turns), then rewrites the positions in full. The search index holds each work's series titles,
// so every change of title or membership re-indexes the works concerned in the same transaction.

async function touch(trx: DbOrTrx, seriesId: number): Promise<void> {
  await trx.updateTable("series").set({ updated_at: nowIso() }).where("id", "=", seriesId).execute();
}

/** Writes positions 1..n in this order. */
async function writeOrder(trx: DbOrTrx, seriesId: number, workIds: number[]): Promise<void> {
  for (const [i, workId] of workIds.entries()) {
    await trx.updateTable("serial_works").set({ position: i + 1 }).where("series_id", "=", seriesId).where("work_id", "=", workId).execute();
  }
}

async function currentOrder(trx: DbOrTrx, seriesId: number): Promise<number[]> {
  const rows = await trx.selectFrom("serial_works").select("work_id").where("series_id", "=", seriesId).orderBy("position").orderBy("work_id").execute();
  return rows.map((r) => r.work_id);
}

/** Creates a series credited to these pseuds (the first work's own pseuds of its creator). */
export async function createSeries(trx: DbOrTrx, pseudIds: number[], title: string): Promise<number> {
  const now = nowIso();
  const row = await trx.insertInto("series").values({ title, summary: "", notes: "", complete: 0, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
  await trx
    .insertInto("series_creators")
    .values(pseudIds.map((pseud_id, position) => ({ series_id: row.id, pseud_id, position })))
    .execute();
  return row.id;
}

/**
 * Puts a work into a series at a position (1 is first; past the end, or none, is last). A work
 * already in the series moves there (or stays where it is when no position is given). The
 * caller has checked that the viewer owns both.
 */
export async function addWorkToSeries(trx: DbOrTrx, seriesId: number, workId: number, position: number | null): Promise<void> {
  await touch(trx, seriesId);
  const order = await currentOrder(trx, seriesId);
  const already = order.includes(workId);
  if (already && position === null) return;
  const rest = order.filter((id) => id !== workId);
  const at = position === null ? rest.length : Math.min(Math.max(position - 1, 0), rest.length);
  rest.splice(at, 0, workId);
  if (!already) await trx.insertInto("serial_works").values({ series_id: seriesId, work_id: workId, position: at + 1 }).execute();
  await writeOrder(trx, seriesId, rest);
  await refreshWorkSearchFields(trx, [workId]);
}

/**
 * The work form's "Add to series": into one of the user's series, or a new one credited to
 * `creatorPseudIds`. Returns the series' id.
 */
export async function joinSeries(trx: DbOrTrx, workId: number, choice: SeriesChoice, creatorPseudIds: number[]): Promise<number> {
  const seriesId = choice.kind === "new" ? await createSeries(trx, creatorPseudIds, choice.title) : choice.seriesId;
  await addWorkToSeries(trx, seriesId, workId, choice.kind === "existing" ? choice.position : null);
  return seriesId;
}

/** Puts a work into a series (or a new one) on its own, when nothing else about the work changes (the API's edit with only `series`). */
export async function putWorkInSeries(db: Db, workId: number, choice: SeriesChoice, creatorPseudIds: number[]): Promise<number> {
  return db.transaction().execute((trx) => joinSeries(trx, workId, choice, creatorPseudIds));
}

/** Takes a work out of a series and closes the gap. */
export async function removeWorkFromSeries(trx: DbOrTrx, seriesId: number, workId: number): Promise<void> {
  await touch(trx, seriesId);
  await trx.deleteFrom("serial_works").where("series_id", "=", seriesId).where("work_id", "=", workId).execute();
  await writeOrder(trx, seriesId, await currentOrder(trx, seriesId));
  await refreshWorkSearchFields(trx, [workId]);
}

/** Takes a work out of every series it is in (the work is being deleted; nothing to re-index). */
export async function removeWorkFromAllSeries(trx: DbOrTrx, workId: number): Promise<void> {
  const memberships = await trx.selectFrom("serial_works").select("series_id").where("work_id", "=", workId).execute();
  for (const { series_id } of memberships) {
    await touch(trx, series_id);
    await trx.deleteFrom("serial_works").where("series_id", "=", series_id).where("work_id", "=", workId).execute();
    await writeOrder(trx, series_id, await currentOrder(trx, series_id));
  }
}

/** Saves a series' fields, its works' order and the works taken out of it. */
export async function updateSeries(db: Db, seriesId: number, input: SeriesInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("series").select("title").where("id", "=", seriesId).executeTakeFirstOrThrow();
    await trx
      .updateTable("series")
      .set({ title: input.title, summary: input.summary, notes: input.notes, complete: input.complete ? 1 : 0, updated_at: nowIso() })
      .where("id", "=", seriesId)
      .execute();
    if (input.removed.length) await trx.deleteFrom("serial_works").where("series_id", "=", seriesId).where("work_id", "in", input.removed).execute();
    // Works the edit page did not list (a co-creator's draft) keep their relative place, after the listed ones.
    const listed = new Set(input.order);
    const unlisted = (await currentOrder(trx, seriesId)).filter((id) => !listed.has(id));
    await writeOrder(trx, seriesId, [...input.order, ...unlisted]);
    const reindex = before.title === input.title ? input.removed : [...(await currentOrder(trx, seriesId)), ...input.removed];
    await refreshWorkSearchFields(trx, reindex);
  });
}

/** Deletes a series; its works stay, out of it. */
export async function deleteSeries(db: Db, seriesId: number): Promise<void> {
  await db.transaction().execute((trx) => deleteSeriesIn(trx, seriesId));
}

/** The same in the caller's transaction (an account deleted with its works, src/leaving). */
export async function deleteSeriesIn(trx: DbOrTrx, seriesId: number): Promise<void> {
  const works = await currentOrder(trx, seriesId);
  // Explicit rather than trusting ON DELETE CASCADE (SQLite enforces it only with foreign_keys on).
  await trx.deleteFrom("serial_works").where("series_id", "=", seriesId).execute();
  await trx.deleteFrom("series_creators").where("series_id", "=", seriesId).execute();
  await deleteBookmarksOfSeries(trx, seriesId);
  await dropSubscriptionsTo(trx, "series", seriesId);
  await trx.deleteFrom("series").where("id", "=", seriesId).execute();
  await refreshWorkSearchFields(trx, works);
}

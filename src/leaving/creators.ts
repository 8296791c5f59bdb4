import { type DbOrTrx, dialectOf } from "../platform/db/index.js";
import { refreshBylines } from "../works/index.js";

/**
 * Rewriting who a work or series is credited to, when a writer leaves: each of the leaving user's
 * pseuds is replaced (by an orphan account's pseud) or taken off, and everyone else keeps their
 * place in the byline. Works then get their creator sort key, search fields and a change-feed row,
 * so every process's listing index and the search index hear of the new byline.
 */

/** What becomes of a pseud: another pseud's id, or null to take it off. */
export type PseudReplacement = (pseudId: number) => Promise<number | null>;

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Locks the rows (PostgreSQL) before their bylines are read, so that two requests leaving at once
 * (a double submit) take turns and the second sees the first one's bylines. SQLite runs one
 * writer at a time already.
 */
async function lockRows(trx: DbOrTrx, table: "works" | "series", ids: number[]): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  for (const slice of chunks(ids)) await trx.selectFrom(table).select("id").where("id", "in", slice).orderBy("id").forUpdate().execute();
}

/** The byline after the replacement: order kept, a pseud that would appear twice kept once. */
async function rewritten(rows: { pseud_id: number }[], leaving: Set<number>, replace: PseudReplacement): Promise<number[] | null> {
  if (!rows.some((row) => leaving.has(row.pseud_id))) return null;
  const next: number[] = [];
  for (const { pseud_id } of rows) {
    const id = leaving.has(pseud_id) ? await replace(pseud_id) : pseud_id;
    if (id !== null && !next.includes(id)) next.push(id);
  }
  return next;
}

/**
 * Replaces the pseuds in `leaving` on these works. Returns the works whose byline changed (a work
 * that no longer carries any of them, orphaned by a request a moment ago, is left alone). A work
 * is never left with nobody: callers take a pseud off only where someone else remains.
 */
export async function replaceWorkCreators(trx: DbOrTrx, workIds: number[], leaving: Set<number>, replace: PseudReplacement): Promise<number[]> {
  const changed: number[] = [];
  await lockRows(trx, "works", workIds);
  for (const slice of chunks(workIds)) {
    const rows = await trx.selectFrom("work_creators").select(["work_id", "pseud_id"]).where("work_id", "in", slice).orderBy("work_id").orderBy("position").execute();
    for (const workId of slice) {
      const next = await rewritten(rows.filter((r) => r.work_id === workId), leaving, replace);
      if (!next || next.length === 0) continue;
      await trx.deleteFrom("work_creators").where("work_id", "=", workId).execute();
      await trx.insertInto("work_creators").values(next.map((pseud_id, position) => ({ work_id: workId, pseud_id, position }))).execute();
      changed.push(workId);
    }
  }
  await refreshBylines(trx, changed);
  return changed;
}

/** The same for series (their bylines are shown on series pages and blurbs; nothing is indexed). */
export async function replaceSeriesCreators(trx: DbOrTrx, seriesIds: number[], leaving: Set<number>, replace: PseudReplacement): Promise<number[]> {
  const changed: number[] = [];
  await lockRows(trx, "series", seriesIds);
  for (const slice of chunks(seriesIds)) {
    const rows = await trx.selectFrom("series_creators").select(["series_id", "pseud_id"]).where("series_id", "in", slice).orderBy("series_id").orderBy("position").execute();
    for (const seriesId of slice) {
      const next = await rewritten(rows.filter((r) => r.series_id === seriesId), leaving, replace);
      if (!next || next.length === 0) continue;
      await trx.deleteFrom("series_creators").where("series_id", "=", seriesId).execute();
      await trx.insertInto("series_creators").values(next.map((pseud_id, position) => ({ series_id: seriesId, pseud_id, position }))).execute();
      changed.push(seriesId);
    }
  }
  return changed;
}


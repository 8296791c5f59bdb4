import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableBy } from "../model/visibility.js";

// History and Marked for Later (AO3's readings): every read and write of the `readings` table.
// A visit is one upsert; marking is one upsert; listings are one page query and one count, whatever
// the page size. Works the owner may no longer see listed (a draft again, deleted) are left out of
// both, counts included, by the works capability's one predicate.

/** What a work page needs to record a visit. */
export interface VisitedWork {
  id: number;
  revised_at: string;
}

/** Whether this user keeps a history (on unless they turned it off). */
export async function historyEnabled(db: DbOrTrx, userId: number): Promise<boolean> {
  const row = await db.selectFrom("reading_preferences").select("history_enabled").where("user_id", "=", userId).executeTakeFirst();
  return row ? row.history_enabled === 1 : true;
}

/** Turns history on or off; off keeps what is there (clearing it is a separate choice). */
export async function setHistoryEnabled(db: Db, userId: number, enabled: boolean): Promise<void> {
  await db
    .insertInto("reading_preferences")
    .values({ user_id: userId, history_enabled: enabled ? 1 : 0 })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ history_enabled: enabled ? 1 : 0 }))
    .execute();
}

/**
 * Records that the user opened a work (at a chapter): one upsert, counting the visit and keeping
 * the version they saw. Returns whether the work is Marked for Later, for the page's button.
 */
export async function recordVisit(db: DbOrTrx, userId: number, work: VisitedWork, chapterId: number | null): Promise<{ markedForLater: boolean }> {
  const now = nowIso();
  const row = await db
    .insertInto("readings")
    .values({ user_id: userId, work_id: work.id, view_count: 1, last_viewed_at: now, last_chapter_id: chapterId, revised_at_read: work.revised_at, marked_for_later: 0 })
    .onConflict((oc) =>
      oc.columns(["user_id", "work_id"]).doUpdateSet((eb) => ({
        view_count: eb("readings.view_count", "+", 1),
        last_viewed_at: eb.ref("excluded.last_viewed_at"),
        last_chapter_id: eb.ref("excluded.last_chapter_id"),
        revised_at_read: eb.ref("excluded.revised_at_read"),
      })),
    )
    .returning("marked_for_later")
    .executeTakeFirstOrThrow();
  return { markedForLater: row.marked_for_later === 1 };
}

/** Whether the user has this work Marked for Later (for a page that records no visit). */
export async function isMarkedForLater(db: DbOrTrx, userId: number, workId: number): Promise<boolean> {
  return (await markedForLaterAmong(db, userId, [workId])).has(workId);
}

/**
 * Which of these works the user has Marked for Later: one query whatever the number of ids, for
 * listings that show the mark on each blurb.
 */
export async function markedForLaterAmong(db: DbOrTrx, userId: number, workIds: number[]): Promise<Set<number>> {
  if (workIds.length === 0) return new Set();
  const rows = await db.selectFrom("readings").select("work_id").where("user_id", "=", userId).where("marked_for_later", "=", 1).where("work_id", "in", workIds).execute();
  return new Set(rows.map((r) => r.work_id));
}

/**
 * Marks a work for later, or (false) as read. Marking a work never opened makes its history row
 * (no visits yet), so it shows in both listings, as on AO3; marking it read only clears the flag.
 */
export async function setMarkedForLater(db: DbOrTrx, userId: number, work: VisitedWork, marked: boolean): Promise<void> {
  if (!marked) {
    await db.updateTable("readings").set({ marked_for_later: 0 }).where("user_id", "=", userId).where("work_id", "=", work.id).execute();
    return;
  }
  await db
    .insertInto("readings")
    .values({ user_id: userId, work_id: work.id, view_count: 0, last_viewed_at: nowIso(), last_chapter_id: null, revised_at_read: work.revised_at, marked_for_later: 1 })
    .onConflict((oc) => oc.columns(["user_id", "work_id"]).doUpdateSet({ marked_for_later: 1 }))
    .execute();
}

/** Deletes one work from the user's history (and so from Marked for Later); false when it was not there. */
export async function deleteReading(db: DbOrTrx, userId: number, workId: number): Promise<boolean> {
  const result = await db.deleteFrom("readings").where("user_id", "=", userId).where("work_id", "=", workId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Clears the user's whole history, Marked for Later included; returns how many rows went. */
export async function clearHistory(db: DbOrTrx, userId: number): Promise<number> {
  const result = await db.deleteFrom("readings").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface Reading {
  work_id: number;
  view_count: number;
  last_viewed_at: string;
  marked_for_later: number;
  /** The work changed (a chapter was posted) after the user last opened it. */
  updated_since: boolean;
}

export const READINGS_PER_PAGE = 20;

/**
 * A page of the owner's history (or only what is Marked for Later), most recently visited first,
 * of works `viewer` (the owner) may see listed; with the total under the same rules.
 */
export async function listReadings(db: DbOrTrx, viewer: Viewer & { user: { id: number } }, options: { markedOnly: boolean; page: number }): Promise<{ total: number; readings: Reading[] }> {
  let base = db
    .selectFrom("readings")
    .innerJoin("works", "works.id", "readings.work_id")
    .where("readings.user_id", "=", viewer.user.id)
    // The works capability's predicate on the joined row: no subquery over every work.
    .where(listableBy(viewer));
  if (options.markedOnly) base = base.where("readings.marked_for_later", "=", 1);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    base
      .select(["readings.work_id", "readings.view_count", "readings.last_viewed_at", "readings.marked_for_later", "readings.revised_at_read", "works.revised_at"])
      .orderBy("readings.last_viewed_at", "desc")
      .orderBy("readings.work_id", "desc")
      .limit(READINGS_PER_PAGE)
      .offset((options.page - 1) * READINGS_PER_PAGE)
      .execute(),
  ]);
  return {
    total: Number(count?.n ?? 0),
    readings: rows.map((r) => ({
      work_id: r.work_id,
      view_count: r.view_count,
      last_viewed_at: r.last_viewed_at,
      marked_for_later: r.marked_for_later,
      updated_since: r.revised_at_read !== null && r.revised_at > r.revised_at_read,
    })),
  };
}

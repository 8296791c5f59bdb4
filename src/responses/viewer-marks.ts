import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import type { ViewerMarks } from "../model/views/blurb.js";
import { markedForLaterAmong } from "./history.js";

/**
 * What this viewer has done with each work of a listing page (kudos left, bookmarked, marked for
 * later): three queries for the whole page, whatever its size, and none for guests. (Muted users'
 * works never reach a page: listings leave them out before paging.)
 */
export async function viewerMarksOf(db: DbOrTrx, viewer: Viewer, workIds: number[]): Promise<Map<number, ViewerMarks>> {
  const marks = new Map<number, ViewerMarks>();
  const user = viewer.user;
  if (!user || workIds.length === 0) return marks;
  const [kudos, bookmarks, later] = await Promise.all([
    db.selectFrom("kudos").select("work_id").where("user_id", "=", user.id).where("work_id", "in", workIds).execute(),
    db.selectFrom("bookmarks").select("work_id").where("user_id", "=", user.id).where("work_id", "in", workIds).execute(),
    markedForLaterAmong(db, user.id, workIds),
  ]);
  const kudosGiven = new Set(kudos.map((r) => r.work_id));
  const bookmarked = new Set(bookmarks.map((r) => r.work_id));
  for (const id of workIds) {
    const mark = { kudos: kudosGiven.has(id), bookmarked: bookmarked.has(id), markedForLater: later.has(id) };
    if (mark.kudos || mark.bookmarked || mark.markedForLater) marks.set(id, mark);
  }
  return marks;
}

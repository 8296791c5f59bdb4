import type { ExpressionBuilder } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Database } from "../platform/db/tables.js";
import { hasRole, type Viewer } from "../platform/http/viewer.js";

/** What visibility rules need to know about a work. */
export interface WorkAccess {
  posted: number;
  restricted: number;
  creatorUserIds: number[];
}

/** Whether the viewer is one of the work's creators. */
export function isCreator(viewer: Viewer, work: WorkAccess): boolean {
  return viewer.user !== null && work.creatorUserIds.includes(viewer.user.id);
}

/**
 * Whether the viewer may read the work: "yes"; "login" for a registered-only work and a guest;
 * "no" for a draft of someone else (shown as not found, so drafts never leak).
 */
export function workVisibility(viewer: Viewer, work: WorkAccess): "yes" | "login" | "no" {
  if (isCreator(viewer, work)) return "yes";
  if (!work.posted) return "no";
  if (work.restricted && !viewer.user) return "login";
  return "yes";
}

/** Only a work's creators edit it. */
export function canEditWork(viewer: Viewer, work: WorkAccess): boolean {
  return isCreator(viewer, work);
}

/** Admins may exceed the user-tag limit on works, as on AO3. */
export function isTagLimitExempt(viewer: Viewer): boolean {
  return hasRole(viewer, "admin");
}

/**
 * The one SQL predicate every listing, count, feed and download uses for "works this viewer may
 * see listed": posted, and not registered-only unless the viewer is logged in.
 */
export function listableBy(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, "works">) =>
    viewer.user ? eb("works.posted", "=", 1) : eb.and([eb("works.posted", "=", 1), eb("works.restricted", "=", 0)]);
}

/**
 * The ids of the works this viewer may see listed, as a subquery (`work_id in (...)`), for other
 * capabilities' counts (tag pages, wrangling bins): the same predicate, so counts never leak.
 */
export function listableWorkIds(db: DbOrTrx, viewer: Viewer) {
  return db.selectFrom("works").select("works.id").where(listableBy(viewer));
}

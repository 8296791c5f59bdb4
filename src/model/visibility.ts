import type { ExpressionBuilder } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Database } from "../platform/db/tables.js";
import { hasRole, isAnyAdmin, type Viewer } from "../platform/http/viewer.js";

/** What visibility rules need to know about a work. */
export interface WorkAccess {
  posted: number;
  restricted: number;
  /** 1 while an admin has hidden it (src/moderation): then only its creators and admins see it. */
  hidden_by_admin: number;
  creatorUserIds: number[];
}

/** Whether the viewer is one of the work's creators. */
export function isCreator(viewer: Viewer, work: WorkAccess): boolean {
  return viewer.user !== null && work.creatorUserIds.includes(viewer.user.id);
}

/**
 * Whether the viewer sees works an admin has hidden: admins of every role do (they act on them);
 * a hidden work's own creators see it too (workVisibility, listableBy), nobody else.
 */
export function seesHiddenWorks(viewer: Viewer): boolean {
  return isAnyAdmin(viewer);
}

/**
 * Whether the viewer may read the work: "yes"; "login" for a registered-only work and a guest;
 * "no" for a draft of someone else, or a work an admin hid when the viewer is neither one of its
 * creators nor an admin (shown as not found, so drafts and hidden works never leak).
 */
export function workVisibility(viewer: Viewer, work: WorkAccess): "yes" | "login" | "no" {
  if (isCreator(viewer, work)) return "yes";
  if (!work.posted) return "no";
  if (work.hidden_by_admin && !seesHiddenWorks(viewer)) return "no";
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
 * see listed": posted; not registered-only unless the viewer is logged in; not hidden by an admin
 * unless the viewer is an admin or one of the work's creators. The listing index applies the same
 * rule through `listingAudience`.
 */
export function listableBy(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, "works">) => {
    const user = viewer.user;
    if (!user) return eb.and([eb("works.posted", "=", 1), eb("works.restricted", "=", 0), eb("works.hidden_by_admin", "=", 0)]);
    if (seesHiddenWorks(viewer)) return eb("works.posted", "=", 1);
    // One uncorrelated subquery (the viewer's own works), read once, and only for hidden works.
    const own = eb.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", user.id);
    return eb.and([eb("works.posted", "=", 1), eb.or([eb("works.hidden_by_admin", "=", 0), eb("works.id", "in", own)])]);
  };
}

/**
 * Who a listing of the browse index (src/listing) is for, in its terms: the same rule as
 * listableBy. Guests never see registered-only works; hidden works are listed for admins, and
 * each for its own creators.
 */
export function listingAudience(viewer: Viewer): { loggedIn: boolean; viewerUserId?: number; seesHidden?: boolean } {
  if (!viewer.user) return { loggedIn: false };
  return { loggedIn: true, viewerUserId: viewer.user.id, seesHidden: seesHiddenWorks(viewer) };
}

/**
 * The ids of the works this viewer may see listed, as a subquery (`work_id in (...)`), for other
 * capabilities' counts (tag pages, wrangling bins): the same predicate, so counts never leak.
 */
export function listableWorkIds(db: DbOrTrx, viewer: Viewer) {
  return db.selectFrom("works").select("works.id").where(listableBy(viewer));
}

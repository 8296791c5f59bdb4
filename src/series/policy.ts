import type { Viewer } from "../platform/http/viewer.js";

/** What series rules need to know about a series. */
export interface SeriesAccess {
  ownerUserIds: number[];
}

/**
 * Only a series' owners (the users of its credited pseuds) edit it, add works to it or delete it.
 * Anyone may see a series; what they see of its works is the works' own visibility.
 */
export function canEditSeries(viewer: Viewer, series: SeriesAccess): boolean {
  return viewer.user !== null && series.ownerUserIds.includes(viewer.user.id);
}

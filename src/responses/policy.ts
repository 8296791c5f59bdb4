import type { Viewer } from "../platform/http/viewer.js";
import { isCreator, type WorkAccess } from "../works/policy.js";

/** Who is leaving kudos: a logged-in user, or a guest known only by address. */
export type KudosGiver = { userId: number } | { guestIp: string };

/**
 * Whether the viewer may leave kudos on a work they can read: "ok"; "own" for one of its
 * creators (no kudos on one's own work); "draft" for an unposted work; "blocked" when a creator
 * has blocked the viewer.
 *
 * Blocking is issue 5's later part (item 9): `blocked` is the hook for it. Today every caller
 * passes the answer of `creatorsBlock` in queries.ts, which is always false until blocks exist.
 */
export function kudosRefusal(viewer: Viewer, work: WorkAccess, blocked: boolean): "ok" | "own" | "draft" | "blocked" {
  if (isCreator(viewer, work)) return "own";
  if (!work.posted) return "draft";
  if (blocked) return "blocked";
  return "ok";
}

/** Whether the Kudos button is offered on the work page. */
export function mayOfferKudos(viewer: Viewer, work: WorkAccess): boolean {
  return kudosRefusal(viewer, work, false) === "ok";
}

/** What a bookmark policy needs to know. */
export interface BookmarkAccess {
  user_id: number;
  private: number;
}

/** Only a bookmark's owner edits or deletes it (admins moderate elsewhere, later). */
export function canEditBookmark(viewer: Viewer, bookmark: BookmarkAccess): boolean {
  return viewer.user !== null && viewer.user.id === bookmark.user_id;
}

/**
 * Whether the viewer may see a bookmark of a work they may see listed: its owner always, others
 * only when it is not private. (The work's own visibility is the works capability's predicate,
 * applied in SQL by every listing in queries.ts.)
 */
export function canSeeBookmark(viewer: Viewer, bookmark: BookmarkAccess): boolean {
  return !bookmark.private || canEditBookmark(viewer, bookmark);
}

/** Bookmarks are for logged-in users; works only, since series do not exist yet. */
export function mayBookmark(viewer: Viewer, work: WorkAccess): boolean {
  return viewer.user !== null && work.posted === 1;
}

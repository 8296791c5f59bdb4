import { hasRole, type Viewer } from "../platform/http/viewer.js";
import { isCreator, type WorkAccess } from "../model/visibility.js";

/** Who is leaving kudos: a logged-in user, or a guest known only by address. */
export type KudosGiver = { userId: number } | { guestIp: string };

/**
 * Whether the viewer may leave kudos on a work they can read: "ok"; "own" for one of its
 * creators (no kudos on one's own work); "draft" for an unposted work; "blocked" when a creator
 * has blocked the viewer (callers pass the answer of `blockedByAny` from src/blocking).
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

/** Bookmarks of works are for logged-in users, of posted works (a series needs only the log-in). */
export function mayBookmark(viewer: Viewer, work: WorkAccess): boolean {
  return viewer.user !== null && work.posted === 1;
}

/**
 * The address a guest's kudos is recorded (and rate limited) under. IPv4 as is (an IPv4-mapped
 * IPv6 address as its IPv4 form); IPv6 by its /64 network, since one household or phone is given
 * a whole /64 and picks new addresses in it at will (privacy extensions).
 */
export function guestAddressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(":")) return ip;
  const bare = ip.replace(/%.*$/, "").toLowerCase(); // drop a zone id ("fe80::1%eth0")
  const [head = "", tail] = bare.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  const prefix = groups.slice(0, 4).map((g) => (g.replace(/^0+(?=.)/, "") || "0"));
  while (prefix.length < 4) prefix.push("0");
  return `${prefix.join(":")}::/64`;
}

/** Only its owner sees or changes a user's history and Marked for Later. */
export function canSeeHistory(viewer: Viewer, userId: number): boolean {
  return viewer.user !== null && viewer.user.id === userId;
}

/** Logged-in users mark posted works for later (their own too, as on AO3). */
export function mayMarkForLater(viewer: Viewer, work: WorkAccess): boolean {
  return viewer.user !== null && work.posted === 1;
}

/** A visit goes into history for a logged-in reader of a posted work, never for its creators (as on AO3). */
export function recordsHistory(viewer: Viewer, work: WorkAccess): boolean {
  return mayMarkForLater(viewer, work) && !isCreator(viewer, work);
}

/** A user's stats: the user themself, and admins. */
export function canSeeStats(viewer: Viewer, userId: number): boolean {
  return (viewer.user !== null && viewer.user.id === userId) || hasRole(viewer, "admin");
}

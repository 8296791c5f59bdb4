import { hasRole, type Viewer } from "../platform/http/viewer.js";
import { isCreator, type WorkAccess } from "../model/visibility.js";

// Every "may this viewer ..." rule about comments, by name, so blocking and muting have one place
// to go. Callers have already decided the viewer may read the work (works/policy.ts).

/** What comment rules need to know about a work. */
export interface CommentWork extends WorkAccess {
  comment_permission: string;
  moderated_comments: number;
}

/** What comment rules need to know about a comment. */
export interface CommentAccess {
  user_id: number | null;
  unreviewed: number;
  deleted: number;
  frozen: number;
  /** 1 while held for an admin's review as possible spam: seen by its writer alone. */
  spam_hold?: number;
}

/**
 * Whether the viewer may comment on a work they can read: "ok"; "draft" for an unposted work;
 * "closed" when the work takes no comments; "login" for a guest where only registered users may
 * comment; "blocked" when a creator has blocked the viewer (callers pass the answer of
 * `blockedByAny` from src/blocking).
 */
export function commentRefusal(viewer: Viewer, work: CommentWork, blocked = false): "ok" | "draft" | "closed" | "login" | "blocked" {
  if (!work.posted) return "draft";
  if (work.comment_permission === "none") return "closed";
  if (!viewer.user && (work.comment_permission !== "all" || work.restricted)) return "login";
  if (blocked && !isCreator(viewer, work)) return "blocked";
  return "ok";
}

export function canComment(viewer: Viewer, work: CommentWork, blocked = false): boolean {
  return commentRefusal(viewer, work, blocked) === "ok";
}

/** The work's creators, and admins, moderate its comments: approve, freeze, delete, see held ones. */
export function canModerateComments(viewer: Viewer, work: WorkAccess): boolean {
  return isCreator(viewer, work) || hasRole(viewer, "admin");
}

/** Whether the viewer wrote the comment (guests cannot be recognised again, so never for them). */
export function isCommentAuthor(viewer: Viewer, comment: Pick<CommentAccess, "user_id">): boolean {
  return viewer.user !== null && comment.user_id !== null && comment.user_id === viewer.user.id;
}

/** A held comment is seen only by its author and the work's moderators; the rest by anyone who may read the work. */
export function canSeeComment(viewer: Viewer, work: WorkAccess, comment: CommentAccess): boolean {
  if (comment.spam_hold) return isCommentAuthor(viewer, comment);
  return !comment.unreviewed || isCommentAuthor(viewer, comment) || canModerateComments(viewer, work);
}

/** Replies go under live, approved, unfrozen comments, by those who may comment on the work. */
export function canReply(viewer: Viewer, work: CommentWork, comment: CommentAccess, blocked = false): boolean {
  return canComment(viewer, work, blocked) && !comment.deleted && !comment.unreviewed && !comment.frozen;
}

/** Only its author edits a comment, and not once it is deleted or frozen. */
export function canEditComment(viewer: Viewer, comment: CommentAccess): boolean {
  return isCommentAuthor(viewer, comment) && !comment.deleted && !comment.frozen;
}

/** Its author, the work's creators and admins delete a comment. */
export function canDeleteComment(viewer: Viewer, work: WorkAccess, comment: CommentAccess): boolean {
  return !comment.deleted && (isCommentAuthor(viewer, comment) || canModerateComments(viewer, work));
}

/** Freezing (and unfreezing) a thread is moderation. */
export function canFreezeComment(viewer: Viewer, work: WorkAccess, comment: CommentAccess): boolean {
  return canModerateComments(viewer, work) && !comment.unreviewed;
}

export function canApproveComment(viewer: Viewer, work: WorkAccess, comment: CommentAccess): boolean {
  return canModerateComments(viewer, work) && comment.unreviewed === 1 && !comment.spam_hold && !comment.deleted;
}

/** A comment is held when the work is moderated, unless a creator wrote it. */
export function isHeldForReview(viewer: Viewer, work: CommentWork): boolean {
  return work.moderated_comments === 1 && !isCreator(viewer, work);
}

/** Characters an edit may change on a moderated work before the comment goes back for approval (typo fixes pass). */
export const EDIT_REVIEW_THRESHOLD = 10;

/**
 * Whether an edit sends a comment on a moderated work back for approval: otherwise an approved
 * comment could be rewritten into anything. Creators' comments are never held. The change is
 * measured on the text without markup, as the span between the common beginning and end.
 */
export function editNeedsReview(viewer: Viewer, work: CommentWork, before: string, after: string): boolean {
  if (!isHeldForReview(viewer, work)) return false;
  const a = before.replace(/<[^>]*>/g, "");
  const b = after.replace(/<[^>]*>/g, "");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return Math.max(a.length - start - end, b.length - start - end) > EDIT_REVIEW_THRESHOLD;
}

/** Which comments count in works.comments_count (and the page's "Comments (N)"): approved, not deleted. */
export function isCounted(comment: Pick<CommentAccess, "unreviewed" | "deleted">): boolean {
  return !comment.unreviewed && !comment.deleted;
}

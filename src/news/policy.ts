import { hasRole, type Viewer } from "../platform/http/viewer.js";

// Every "may this viewer ..." rule of the news, by name.

/**
 * Comments on a news post close this many days after it was posted, as on AO3 (which switches
 * them off with a daily job; here the rule is read from the post's date wherever it is asked, so
 * nothing has to run for them to close). Comments already left stay.
 */
export const NEWS_COMMENT_DAYS = 14;

/** Who may comment on a post while its comments are open: anyone (guests too), logged-in users, or nobody. */
export const NEWS_COMMENT_PERMISSIONS = ["all", "users", "none"] as const;
export type NewsCommentPermission = (typeof NEWS_COMMENT_PERMISSIONS)[number];

/** What the rules need to know about a post. */
export interface PostAccess {
  comment_permission: string;
  created_at: string;
}

/** Communications admins (and the superadmin) post, edit and delete news, set the banner and moderate news comments. */
export function canManageNews(viewer: Viewer): boolean {
  return hasRole(viewer, "communications");
}

/** When a post stops taking comments (an ISO date-time). */
export function commentsCloseAt(post: Pick<PostAccess, "created_at">): string {
  return new Date(Date.parse(post.created_at) + NEWS_COMMENT_DAYS * 86_400_000).toISOString();
}

/**
 * Whether the viewer may comment on a post now: "ok"; "none" when the post takes no comments;
 * "closed" once NEWS_COMMENT_DAYS have passed since it was posted; "login" for a guest where only
 * logged-in users may comment.
 */
export function newsCommentRefusal(viewer: Viewer, post: PostAccess, now: Date = new Date()): "ok" | "none" | "closed" | "login" {
  if (post.comment_permission === "none") return "none";
  if (now.toISOString() >= commentsCloseAt(post)) return "closed";
  if (!viewer.user && post.comment_permission !== "all") return "login";
  return "ok";
}

/** Its writer and the news admins delete a comment (a guest's only the admins: a guest cannot be recognised again). */
export function canDeleteNewsComment(viewer: Viewer, comment: { user_id: number | null }): boolean {
  if (canManageNews(viewer)) return true;
  return viewer.user !== null && comment.user_id !== null && comment.user_id === viewer.user.id;
}

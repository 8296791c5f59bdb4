/**
 * The public module of src/comments: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { deleteCommentIn, postComment, releaseSpamHeldComment } from "./commands.js";
export { commentsFor, filterFor } from "./handlers.js";
export { canReply, canSeeComment, commentRefusal, isHeldForReview } from "./policy.js";
export { THREADS_PER_PAGE, accountCreatedAt, countThreads, findComment, loadThreads, postedChapterOf } from "./queries.js";
export type { ShownComment, ThreadComment } from "./queries.js";
export { COMMENT_WINDOW_MS, NEW_ACCOUNT_COMMENTS_PER_WINDOW, NEW_ACCOUNT_DAYS, NEW_COMMENTERS_LIMIT, commentsRoutes } from "./routes.js";
export { type CommentFormValues, parseComment, readCommentForm } from "./schema.js";
// The comment form, for other places that take comments the same way (news posts).
export { CommentForm, type CommentFormProps, CommentRefusedPage } from "./views/comments.js";

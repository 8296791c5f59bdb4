/**
 * The public module of src/responses: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { giveKudos } from "./commands.js";
export type { KudosOutcome } from "./commands.js";
export { createBookmark, createSeriesBookmark, deleteBookmark, deleteBookmarksOfSeries, forgetResponsesOfUser, updateBookmark } from "./commands.js";
export { formValuesOf, workFeedbackFor } from "./handlers.js";
export { READINGS_PER_PAGE, listReadings } from "./history.js";
export { attachHitCounter } from "./hits.js";
export { canEditBookmark, canSeeBookmark, guestAddressKey, mayBookmark } from "./policy.js";
export { BOOKMARKS_PER_PAGE, bookmarkOf, bookmarkOfSeries, findBookmark, listBookmarks, publicBookmarksCount } from "./queries.js";
export type { Bookmark } from "./queries.js";
export { responsesRoutes } from "./routes.js";
export { MAX_NOTES, MAX_TAGS, parseBookmark } from "./schema.js";
export { viewerMarksOf } from "./viewer-marks.js";

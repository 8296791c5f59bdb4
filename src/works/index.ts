/**
 * The public module of src/works: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { addChapter, createWork, postDraft, updateChapter, updateWork } from "./commands.js";
export { defaultWorkValues, valuesFromWork } from "./handlers.js";
export { worksRoutes } from "./routes.js";
export { COMMENT_PERMISSIONS, LIMITS, TAG_FIELD_NAMES, parseChapter, parseWork } from "./schema.js";
export type { ChapterFormValues, ChapterInput, WorkFormValues } from "./schema.js";
export { AdultNoticePage, NavigatePage } from "./views/pages.js";

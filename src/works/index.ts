/**
 * The public module of src/works: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { addChapter, createWork, deleteWorkIn, judgeHeldWorkSpam, postDraft, releaseHeldWork, setWorkTags, updateChapter, updateWork } from "./commands.js";
export type { PostOptions, SeriesJoin } from "./commands.js";
export { type AssociationValues, checkAssociations, CO_CREATORS_FIELD } from "./associations.js";
export { acceptInvitation, creatorsAfterEdit, MAX_INVITES, worksJobSteps } from "./cocreators.js";
export { creatorshipNoticeFor } from "./creatorship-handlers.js";
export { defaultWorkValues, valuesFromWork } from "./handlers.js";
export { worksRoutes } from "./routes.js";
export { COMMENT_PERMISSIONS, LIMITS, TAG_FIELD_NAMES, parseChapter, parseWork, parseWorkTags, readWorkTagsForm } from "./schema.js";
export type { ChapterFormValues, ChapterInput, WorkFormValues, WorkInput, WorkTagFormValues, WorkTagInput } from "./schema.js";
export { AdultNoticePage, NavigatePage } from "./views/pages.js";
export { WorkTagFields } from "./views/work-form.js";
export { refreshBylines } from "./bylines.js";

/**
 * The public module of src/tags: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { canonizeNewTags, findOrCreateTag } from "./commands.js";
export { type FandomCount, type FandomIndex, fandomIndex, fandomWorksPath, type Medium, mediumFandomsPath, mediumNamed, mostUsedFirst } from "./fandom-index.js";
export { sendNotFoundWithSearch } from "./fandom-handlers.js";
export { isCrossover, refreshFilterSets } from "./filters.js";
export { countTagWorks, tagRelations, tagVisibleTo, visibleTagCondition } from "./queries.js";
export { TAG_JOB_STEPS, runRefilterNow } from "./refilter.js";
export { tagsRoutes } from "./routes.js";
export { wrangle } from "./wrangling.js";
export type { WranglingOp } from "./wrangling.js";
export { CREATABLE_TYPES, cleanTagName, newTagErrors } from "./schema.js";

/**
 * The public module of src/related: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so). Related works never import src/works:
 * the works capability calls these when a work is saved or posted.
 */
export { resolveParents, type ParentContext } from "./check.js";
export { announceParents, dropRelatedOf, setParents } from "./commands.js";
export { linkLabel, linkOf, relatedPartsFor } from "./handlers.js";
export { relatedJobSteps } from "./mail-job.js";
export { parentsOf, type ParentRef } from "./queries.js";
export { RELATED_FIELDS, RELATED_LIMITS, readParentForm, readRemovedParents, type ParentFormValues, type ParentLink } from "./schema.js";
export { relatedRoutes } from "./routes.js";
export { relatedWorksPath } from "./views/paths.js";

/**
 * The public module of src/blocking: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { relationButtonsFor } from "./handlers.js";
export { blockedByAny, blocksBetween, mutedUserIds, worksOfUsers } from "./queries.js";
export { blockingRoutes } from "./routes.js";

/**
 * The public module of src/api: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { noteTokenUse } from "./commands.js";
export { apiPlugin } from "./plugin.js";
export { viewerForToken } from "./queries.js";
export { API_ENDPOINTS, apiPageRoutes } from "./routes.js";
export { looksLikeToken } from "./tokens.js";
export { API_PREFIX } from "./views/paths.js";

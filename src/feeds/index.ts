/**
 * The public module of src/feeds: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { feedLinkFor } from "./links.js";
export { feedsRoutes } from "./routes.js";

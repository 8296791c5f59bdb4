/**
 * The public module of src/browse: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { browseRoutes } from "./routes.js";
export { readSidebar } from "./sidebar-params.js";

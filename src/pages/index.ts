/**
 * The public module of src/pages: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { pagesRoutes } from "./routes.js";

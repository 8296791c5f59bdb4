/**
 * The public module of src/admin: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { adminRoutes } from "./routes.js";

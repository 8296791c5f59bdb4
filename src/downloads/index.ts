/**
 * The public module of src/downloads: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { downloadFileName, downloadPath } from "./file-name.js";
export { download } from "./handlers.js";
export { downloadsRoutes } from "./routes.js";
export { DownloadMenu } from "./views/menu.js";
// The builders, for a capability that bundles works into files of its own (the takeout zip, src/leaving).
export { writeEpub } from "./epub.js";
export { writeHtml } from "./html.js";
export { type BookSource, loadBookSource } from "./queries.js";
export type { Archive } from "./views/book.js";

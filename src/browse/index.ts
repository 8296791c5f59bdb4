/**
 * The public module of src/browse: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { BrowseIndex } from "./index-loader.js";
export { FACET_TYPES, SORT_COLUMNS, defaultListingQuery } from "./listing-query.js";
export type { ListingQuery, ListingResult, ListingScope } from "./listing-query.js";
export { attachBrowseIndex } from "./plugin.js";
export { browseRoutes } from "./routes.js";
export { readSidebar } from "./sidebar-params.js";
export { sqlListing } from "./sql-listing.js";
export { WorkIndex, bitmapOf } from "./work-index.js";
export type { Bitmap } from "./work-index.js";

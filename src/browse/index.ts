/**
 * The public module of src/browse: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so). listingPage is the one listing use case the
 * four front-ends call: the listing pages here, the JSON API, Atom and OPDS feeds.
 */
export { browseRoutes } from "./routes.js";
export { type ListingOutcome, listingPage, type ListingRequest, tagListingScope } from "./listing-page.js";
export { type ListingParams, readListingParams, type Sidebar } from "./sidebar-params.js";

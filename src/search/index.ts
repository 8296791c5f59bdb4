/**
 * The public module of src/search: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { formToQuery, readSearchForm } from "./form.js";
export { chaptersFound } from "./found-chapters.js";
export { matchingThroughIndex } from "./indexed-listing.js";
export { searchWorks } from "./listing.js";
export { parseSearchQuery, SEARCH_LIMITS } from "./query-language.js";
export { compileHints } from "./query.js";
export { reindexAll } from "./reindex.js";
export { searchRoutes } from "./routes.js";
export { indexChapterText, indexTagName, indexWorkFields, refreshWorkSearchFields, unindexChapters, unindexWork } from "./search-index.js";
// The SQL each search compiles to, for the SQL oracle (src/oracles/search-sql.ts): the baseline of
// `fanfold bench search` and the tests' second opinion. The archive's searches use searchWorks.
export { RATING_NAMES } from "./indexed-listing.js";
export type { ParsedQuery } from "./query-language.js";
export { type CompileHints, relevance, textCondition, textSource } from "./query.js";

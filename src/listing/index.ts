/**
 * The listing engine's public module: what browse, search, the API, feeds and the cli use of it.
 * The engine answers "which listed works match these filters, how many, in what order, with which
 * facet counts" from memory (work-index.ts), loaded and kept current from the database by
 * index-loader.ts. It sits below every capability that lists works and imports none of them.
 */
export { BrowseIndex } from "./index-loader.js";
export { attachBrowseIndex } from "./plugin.js";
export { type Bitmap, bitmapOf, WorkIndex, type WorkIndexOptions } from "./work-index.js";
export {
  defaultListingQuery,
  FACET_SIZE,
  FACET_TYPES,
  type FacetCount,
  type ListingQuery,
  type ListingResult,
  type ListingScope,
  SORT_COLUMNS,
  type SortColumn,
  type SortedWorkColumn,
} from "./listing-query.js";
export {
  COLUMN_NAMES,
  type ColumnRange,
  type ColumnValues,
  columnSpec,
  defaultDirection,
  indexValue,
  isTextColumn,
  type NumberColumn,
  type SearchRangeName,
  type SearchSortName,
  type SidebarRangeColumn,
  storedBound,
  type TextColumn,
  WORK_COLUMNS,
  type WorkColumn,
  type WorkColumnSpec,
} from "./columns.js";

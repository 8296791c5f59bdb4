import type { TagType } from "../model/vocabulary.js";

/**
 * One works listing as a question, the same for the in-memory index (work-index.ts) and the
 * SQL path (sql-listing.ts), so both can be asked and compared. Built from AO3's request
 * parameters by sidebar-params.ts.
 */
export interface ListingQuery {
  /** Guests never see registered-only works, not even as a count. */
  loggedIn: boolean;
  scope: ListingScope;
  /** Canonical (filter) tag ids every listed work must carry, directly or through a metatag. */
  includeTagIds: number[];
  /** Canonical tag ids no listed work may carry. */
  excludeTagIds: number[];
  /** Users none of whose works are listed (the viewer's muted users). */
  excludeUserIds?: number[];
  /** Work ids from elsewhere (search within results, an unwrangled tag) the works must be among. */
  withinWorkIds?: number[][];
  crossover: "include" | "exclude" | "only";
  completion: "all" | "complete" | "in_progress";
  /** Inclusive word-count bounds. */
  wordsFrom?: number;
  wordsTo?: number;
  /** Inclusive "Date Updated" bounds, YYYY-MM-DD (whole days, UTC). */
  updatedFrom?: string;
  updatedTo?: string;
  language?: string;
  sort: SortColumn;
  direction: "asc" | "desc";
  /** 1-based. */
  page: number;
  perPage: number;
}

export type ListingScope =
  | { kind: "all" }
  | { kind: "user"; userId: number }
  | { kind: "pseud"; pseudId: number }
  /** A canonical tag's filter set: its synonyms' and subtags' works too. */
  | { kind: "filter"; tagId: number };

/** AO3's sort names (`work_search[sort_column]`) and the work column behind each. */
export const SORT_COLUMNS = {
  authors_to_sort_on: { label: "Creator", column: "creators_sort", defaultDirection: "asc" },
  title_to_sort_on: { label: "Title", column: "title_sort", defaultDirection: "asc" },
  created_at: { label: "Date Posted", column: "created_at", defaultDirection: "desc" },
  revised_at: { label: "Date Updated", column: "revised_at", defaultDirection: "desc" },
  word_count: { label: "Word Count", column: "word_count", defaultDirection: "desc" },
  hits: { label: "Hits", column: "hits_count", defaultDirection: "desc" },
  kudos_count: { label: "Kudos", column: "kudos_count", defaultDirection: "desc" },
  comments_count: { label: "Comments", column: "comments_count", defaultDirection: "desc" },
  bookmarks_count: { label: "Bookmarks", column: "bookmarks_count", defaultDirection: "desc" },
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;
export type SortedWorkColumn = (typeof SORT_COLUMNS)[SortColumn]["column"];

/** The tag types with facets, in the sidebar's order, and AO3's parameter name for each. */
export const FACET_TYPES: { type: TagType; param: string }[] = [
  { type: "Rating", param: "rating_ids" },
  { type: "ArchiveWarning", param: "archive_warning_ids" },
  { type: "Category", param: "category_ids" },
  { type: "Fandom", param: "fandom_ids" },
  { type: "Character", param: "character_ids" },
  { type: "Relationship", param: "relationship_ids" },
  { type: "Freeform", param: "freeform_ids" },
];
export const FACET_SIZE = 10;

export interface FacetCount {
  tagId: number;
  count: number;
}

/** What both engines answer: the exact total, one page of work ids in order, the facets. */
export interface ListingResult {
  total: number;
  workIds: number[];
  /** Top FACET_SIZE tags per type among all matching works (direct filters), count desc then id asc. */
  facets: Partial<Record<TagType, FacetCount[]>>;
}

export function defaultListingQuery(loggedIn: boolean, scope: ListingScope = { kind: "all" }): ListingQuery {
  return {
    loggedIn,
    scope,
    includeTagIds: [],
    excludeTagIds: [],
    crossover: "include",
    completion: "all",
    sort: "revised_at",
    direction: "desc",
    page: 1,
    perPage: 20,
  };
}

import type { TagType } from "../model/vocabulary.js";
import { type ColumnRange, defaultDirection, type NumberColumn, type SortParam, WORK_COLUMNS, type WorkColumn } from "./columns.js";
import type { MessageKey } from "../platform/i18n/index.js";

/**
 * One works listing as a question, the same for the in-memory index (work-index.ts) and the
 * SQL oracle (src/oracles/sql-listing.ts), so both can be asked and compared. Built from AO3's
 * request parameters by the browse capability's sidebar, and from a search's filters by search.
 */
export interface ListingQuery {
  /** Guests never see registered-only works, not even as a count. */
  loggedIn: boolean;
  /**
   * Works an admin hid are listed only for admins (`seesHidden`) and each for its own creators
   * (`viewerUserId`): for anyone else they are not there, counts included. Both absent: a guest's
   * view. src/model/visibility.ts `listingAudience` fills them from a viewer, as listableBy does.
   */
  seesHidden?: boolean;
  viewerUserId?: number;
  scope: ListingScope;
  /** Canonical (filter) tag ids every listed work must carry, directly or through a metatag. */
  includeTagIds: number[];
  /** Canonical tag ids no listed work may carry. */
  excludeTagIds: number[];
  /** Users none of whose works are listed (the viewer's muted users). */
  excludeUserIds?: number[];
  /** Work ids from elsewhere (search within results, an unwrangled tag) the works must be among. */
  withinWorkIds?: number[][];
  /** Work ids no listed work may be (the works of an unwrangled tag excluded by name). */
  excludeWorkIds?: number[];
  crossover: "include" | "exclude" | "only";
  completion: "all" | "complete" | "in_progress";
  /** Inclusive bounds on number columns (word count, dates in ms, counters): columns.ts. */
  ranges?: Partial<Record<NumberColumn, ColumnRange>>;
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

/** AO3's sort names (`work_search[sort_column]`), from the column table, and the work column behind each. */
export const SORT_COLUMNS = Object.fromEntries(
  WORK_COLUMNS.map((c) => [c.sort.param, { label: c.sort.label, column: c.column, defaultDirection: defaultDirection(c.column) }]),
) as Record<SortParam, { label: MessageKey; column: WorkColumn; defaultDirection: "asc" | "desc" }>;
export type SortColumn = SortParam;
export type SortedWorkColumn = WorkColumn;

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

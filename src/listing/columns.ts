import type { WorksTable } from "../platform/db/tables.js";
import type { MessageKey } from "../platform/i18n/index.js";

/**
 * The work columns listings sort and filter by, in one table. Everything that names such a
 * column is derived from it: what the index loader selects, the index's arrays and sort orders,
 * the sidebar's sort choices and range fields, the search language's sort names and count ranges,
 * the API's sort parameter and the fields of its work JSON, and the SQL oracle's ORDER BY and
 * WHERE. A new sortable, filterable counter is a migration (the column, kept on the works row)
 * plus one entry here.
 *
 * Kinds: "count" a non-negative integer; "instant" an ISO 8601 timestamp (UTC, as toISOString
 * writes it); "day" a YYYY-MM-DD date; "text" a sort key compared byte by byte (UTF-8), as
 * SQLite's BINARY and PostgreSQL's "C" collations do. In memory, counts are integers, instants
 * and days milliseconds since the epoch (a day at 00:00 UTC), texts stay text.
 */
export type ColumnKind = "count" | "instant" | "day" | "text";

export interface WorkColumnSpec {
  /** The works table's column, also its name in the API's work JSON (text sort keys are not shown). */
  column: keyof WorksTable & string;
  kind: ColumnKind;
  /** AO3's sort name (`work_search[sort_column]`) and the sidebar's label for it (a catalogue key). */
  sort: { param: string; label: MessageKey };
  /**
   * The search language's name for it (`sort:NAME`, and with `range`, `NAME>10`, `NAME:1-5`: the
   * name's singular, plural and `_count` forms are all read), the label its summary uses, and the
   * other names `sort:` accepts.
   */
  search: { name: string; label: MessageKey; aliases: readonly string[]; range?: boolean };
  /**
   * A from/to pair in the filter sidebar (and the API's listing): AO3's parameter names, the
   * field's name in notices and the plural for "the ... were the wrong way round". These
   * columns are filtered through range buckets; others by reading each matching work's value.
   */
  sidebarRange?: { from: string; to: string; name: MessageKey; plural: MessageKey };
}

/** In AO3's order of the sidebar's sort choices. */
export const WORK_COLUMNS = [
  {
    column: "creators_sort",
    kind: "text",
    sort: { param: "authors_to_sort_on", label: "listing.sort.authors_to_sort_on" },
    search: { name: "creator", label: "listing.search.creator", aliases: ["creators", "author", "authors"] },
  },
  {
    column: "title_sort",
    kind: "text",
    sort: { param: "title_to_sort_on", label: "listing.sort.title_to_sort_on" },
    search: { name: "title", label: "listing.search.title", aliases: [] },
  },
  {
    // "Date Posted" is the work's published date, as on AO3: the day it was first posted, or the
    // day its creator backdated it to.
    column: "published_on",
    kind: "day",
    sort: { param: "created_at", label: "listing.sort.created_at" },
    search: { name: "posted", label: "listing.search.posted", aliases: ["date posted", "created", "created at", "date created"] },
  },
  {
    column: "revised_at",
    kind: "instant",
    sort: { param: "revised_at", label: "listing.sort.revised_at" },
    search: { name: "updated", label: "listing.search.updated", aliases: ["date updated", "revised", "revised at", "updated at"] },
    sidebarRange: { from: "date_from", to: "date_to", name: "listing.range.date", plural: "listing.range.date_plural" },
  },
  {
    column: "word_count",
    kind: "count",
    sort: { param: "word_count", label: "listing.sort.word_count" },
    search: { name: "words", label: "listing.search.words", aliases: ["word", "word count", "words count", "wordcount"], range: true },
    sidebarRange: { from: "words_from", to: "words_to", name: "listing.range.words", plural: "listing.range.words_plural" },
  },
  {
    column: "hits_count",
    kind: "count",
    sort: { param: "hits", label: "listing.sort.hits" },
    search: { name: "hits", label: "listing.search.hits", aliases: ["hit", "hits count"], range: true },
  },
  {
    column: "kudos_count",
    kind: "count",
    sort: { param: "kudos_count", label: "listing.sort.kudos_count" },
    search: { name: "kudos", label: "listing.search.kudos", aliases: ["kudo", "kudos count"], range: true },
  },
  {
    column: "comments_count",
    kind: "count",
    sort: { param: "comments_count", label: "listing.sort.comments_count" },
    search: { name: "comments", label: "listing.search.comments", aliases: ["comment", "comments count"], range: true },
  },
  {
    column: "bookmarks_count",
    kind: "count",
    sort: { param: "bookmarks_count", label: "listing.sort.bookmarks_count" },
    search: { name: "bookmarks", label: "listing.search.bookmarks", aliases: ["bookmark", "bookmarks count"], range: true },
  },
] as const satisfies readonly WorkColumnSpec[];

type Spec = (typeof WORK_COLUMNS)[number];
export type WorkColumn = Spec["column"];
export type TextColumn = Extract<Spec, { kind: "text" }>["column"];
export type NumberColumn = Exclude<WorkColumn, TextColumn>;
/** Columns with a sidebar range (kept in range buckets). */
export type SidebarRangeColumn = Extract<Spec, { sidebarRange: object }>["column"];
/** AO3's sort names (`work_search[sort_column]`). */
export type SortParam = Spec["sort"]["param"];
/** The search language's sort names, and its count ranges over these columns. */
export type SearchSortName = Spec["search"]["name"];
export type SearchRangeName = Extract<Spec, { search: { range: true } }>["search"]["name"];

/** A work's values for every column, as the index keeps them. */
export type ColumnValues = { [C in NumberColumn]: number } & { [C in TextColumn]: string };
/** Inclusive bounds on a number column, in the index's units (milliseconds for dates). */
export interface ColumnRange {
  min?: number;
  max?: number;
}

export const COLUMN_NAMES: WorkColumn[] = WORK_COLUMNS.map((c) => c.column);
const BY_COLUMN = new Map<WorkColumn, WorkColumnSpec>(WORK_COLUMNS.map((c) => [c.column, c]));

export function columnSpec(column: WorkColumn): WorkColumnSpec {
  return BY_COLUMN.get(column)!;
}

export function isTextColumn(column: WorkColumn): column is TextColumn {
  return columnSpec(column).kind === "text";
}

/** Text sorts run A to Z first; counts and dates largest (newest) first. */
export function defaultDirection(column: WorkColumn): "asc" | "desc" {
  return isTextColumn(column) ? "asc" : "desc";
}

/** A stored value (a row's column) in the index's units. */
export function indexValue(column: WorkColumn, stored: string | number): number | string {
  const kind = columnSpec(column).kind;
  if (kind === "text") return String(stored);
  if (kind === "count") return Number(stored);
  return Date.parse(kind === "day" ? `${stored}T00:00:00.000Z` : String(stored));
}

/** Every column of a works row in the index's units. */
export function columnValues(row: Record<WorkColumn, string | number>): ColumnValues {
  const values = {} as Record<WorkColumn, number | string>;
  for (const column of COLUMN_NAMES) values[column] = indexValue(column, row[column]);
  return values as ColumnValues;
}

/**
 * A bound in the index's units as the column stores it, for SQL: counts as numbers, instants
 * as ISO strings, days as the first (for a lower bound) or last (upper) whole day inside it.
 */
export function storedBound(column: NumberColumn, bound: number, side: "min" | "max"): number | string {
  const kind = columnSpec(column).kind;
  if (kind === "count") return bound;
  if (kind === "instant") return new Date(bound).toISOString();
  const day = 86_400_000;
  const whole = side === "min" ? Math.ceil(bound / day) * day : Math.floor(bound / day) * day;
  return new Date(whole).toISOString().slice(0, 10);
}

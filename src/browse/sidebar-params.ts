import { mutedUserIds } from "../blocking/index.js";
import type { FastifyRequest } from "fastify";
import { pageParam, parseId, queryParam } from "../platform/http/routes.js";
import { compileHints, matchingThroughIndex, parseSearchQuery } from "../search/index.js";
import { findTagByName } from "../model/tags.js";
import { findLanguage } from "../model/languages.js";
import { listingAudience } from "../model/visibility.js";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { type WorkIndex, columnSpec, defaultListingQuery, FACET_TYPES, type ListingQuery, type ListingScope, type SidebarRangeColumn, SORT_COLUMNS, type SortColumn, WORK_COLUMNS } from "../listing/index.js";
import { t } from "../platform/i18n/index.js";

/** The sidebar's from/to pairs (word count, date updated): the column table's entries that have one. */
export const SIDEBAR_RANGES = WORK_COLUMNS.filter((c) => "sidebarRange" in c).map((c) => ({ column: c.column as SidebarRangeColumn, ...c.sidebarRange, legend: c.sort.label }));

/** At most this many tags may be included or excluded in one listing; more are ignored, and the page says so. */
export const MAX_FILTER_TAGS = 50;
const MAX_TAG_NAMES = 20;
/** Works an unwrangled tag name may narrow a listing to (search within results has no limit). */
const MAX_WITHIN = 200_000;
const DAY_MS = 86_400_000;

/**
 * The filter sidebar's state from AO3's parameters (`work_search[...]`, `include_work_search[TYPE_ids][]`,
 * `exclude_work_search[TYPE_ids][]`), with what was typed kept as typed for the form, and a
 * sentence for everything that had to be ignored or corrected. Nothing here fails a request.
 */
export interface Sidebar {
  query: ListingQuery;
  /** Work id sets the listing must stay within (search within results, unwrangled tags by name). */
  within: number[][];
  notices: string[];
  /** As typed. */
  typed: {
    otherTagNames: string;
    excludedTagNames: string;
    /** From and to, as typed, per range column. */
    ranges: Partial<Record<SidebarRangeColumn, { from: string; to: string }>>;
    query: string;
    crossover: string;
    complete: string;
    language: string;
    sortColumn: string;
  };
  searchError?: string;
}

/**
 * A listing's parameters as sent, with AO3's names, each bounded: the same for the listing pages,
 * the JSON API, Atom and OPDS. Nothing is looked up yet (resolveSidebar does that).
 */
export interface ListingParams {
  typed: Sidebar["typed"];
  direction: string;
  /** Tag ids from the checkboxes, as sent. */
  tagIds: { include: string[]; exclude: string[] };
  page: number;
}

export function readListingParams(req: FastifyRequest): ListingParams {
  const param = (name: string) => queryParam(req, `work_search[${name}]`).trim();
  const typed = {
    otherTagNames: param("other_tag_names").slice(0, 2000),
    excludedTagNames: param("excluded_tag_names").slice(0, 2000),
    ranges: Object.fromEntries(SIDEBAR_RANGES.map((r) => [r.column, { from: param(r.from).slice(0, 20), to: param(r.to).slice(0, 20) }])),
    query: param("query").slice(0, 2000),
    crossover: param("crossover"),
    complete: param("complete"),
    language: param("language_id"),
    sortColumn: param("sort_column"),
  };
  const ids = (list: "include" | "exclude") => FACET_TYPES.flatMap(({ param: name }) => queryValues(req, `${list}_work_search[${name}][]`));
  return { typed, direction: param("sort_direction").toLowerCase(), tagIds: { include: ids("include"), exclude: ids("exclude") }, page: pageParam(req) };
}

/**
 * The sidebar's state for a viewer: the listing question (tags by id or name checked against the
 * index and the tags table, the viewer's muted users left out, search within results found),
 * with a sentence for everything that had to be ignored or corrected. Nothing here fails.
 */
export async function resolveSidebar(db: DbOrTrx, index: WorkIndex, viewer: Viewer, scope: ListingScope, params: ListingParams): Promise<Sidebar> {
  const q: ListingQuery = { ...defaultListingQuery(viewer.user !== null, scope), ...listingAudience(viewer) };
  // Muted users' works are left out of listings of everyone's works (so totals and facets leave
  // them out too); a muted user's own page, visited on purpose, still lists their works.
  if (scope.kind === "all" || scope.kind === "filter") {
    const muted = await mutedUserIds(db, viewer);
    if (muted.length) q.excludeUserIds = muted;
  }
  const notices: string[] = [];
  const within: number[][] = [];
  const { typed } = params;

  if (typed.sortColumn) {
    if (Object.hasOwn(SORT_COLUMNS, typed.sortColumn)) q.sort = typed.sortColumn as SortColumn;
    else notices.push(t("browse.unknown_sort_sortcolumn_ignored_sorted", { sortColumn: typed.sortColumn }));
  }
  const direction = params.direction;
  q.direction = direction === "asc" || direction === "desc" ? direction : SORT_COLUMNS[q.sort].defaultDirection;

  // Tags by id from the checkboxes: canonical tags, whether or not any listed work carries them yet.
  const asked: { value: string; id: number; target: number[] }[] = [];
  for (const [list, target] of [
    ["include", q.includeTagIds],
    ["exclude", q.excludeTagIds],
  ] as const) {
    // parseId: a table id or null (an id past the column's range would make PostgreSQL fail the query).
    for (const value of params.tagIds[list]) asked.push({ value, id: parseId(value) ?? Number.NaN, target });
  }
  const wellFormed = asked.filter((a) => Number.isSafeInteger(a.id) && a.id > 0);
  const notIndexed = [...new Set(wellFormed.filter((a) => !index.hasTag(a.id)).map((a) => a.id))];
  const canonical = new Set(
    notIndexed.length
      ? (await db.selectFrom("tags").select("id").where("id", "in", notIndexed.slice(0, 500)).where("canonical", "=", 1).execute()).map((t) => t.id)
      : [],
  );
  for (const { value, id, target } of asked) {
    if (!Number.isSafeInteger(id) || id <= 0 || !(index.hasTag(id) || canonical.has(id))) notices.push(t("browse.unknown_tag_id_value_ignored", { value: value.slice(0, 40) }));
    else if (!target.includes(id)) target.push(id);
  }
  // Tags by name, as typed: canonical tags and synonyms filter; unwrangled tags match their own works.
  for (const [names, target, verb] of [
    [typed.otherTagNames, q.includeTagIds, "include"],
    [typed.excludedTagNames, q.excludeTagIds, "exclude"],
  ] as const) {
    const list = names.split(",").map((n) => n.trim()).filter(Boolean);
    if (list.length > MAX_TAG_NAMES) notices.push(t(verb === "include" ? "browse.too_many_names_include" : "browse.too_many_names_exclude", { max: MAX_TAG_NAMES }));
    for (const name of list.slice(0, MAX_TAG_NAMES)) {
      const tag = await findTagByName(db, name);
      const filterId = tag ? (tag.merger_id ?? (tag.canonical ? tag.id : null)) : null;
      if (filterId !== null) {
        if (!target.includes(filterId)) target.push(filterId);
      } else if (tag) {
        // An unwrangled tag filters nothing: its own works are kept (include) or left out (exclude).
        const rows = await db.selectFrom("work_tags").select("work_id").where("tag_id", "=", tag.id).orderBy("work_id", "desc").limit(MAX_WITHIN + 1).execute();
        if (rows.length > MAX_WITHIN) notices.push(t("browse.name_is_on_more_than", { name, max: MAX_WITHIN.toLocaleString("en") }));
        const own = rows.slice(0, MAX_WITHIN).map((r) => r.work_id);
        if (verb === "include") within.push(own);
        else (q.excludeWorkIds ??= []).push(...own);
      } else {
        notices.push(t("browse.no_tag_is_called_name", { name }));
      }
    }
  }
  for (const target of [q.includeTagIds, q.excludeTagIds]) {
    if (target.length > MAX_FILTER_TAGS) {
      notices.push(t(target === q.includeTagIds ? "browse.too_many_tags_include" : "browse.too_many_tags_exclude", { max: MAX_FILTER_TAGS }));
      target.length = MAX_FILTER_TAGS;
    }
  }

  if (typed.crossover === "F") q.crossover = "exclude";
  else if (typed.crossover === "T") q.crossover = "only";
  if (typed.complete === "T") q.completion = "complete";
  else if (typed.complete === "F") q.completion = "in_progress";

  for (const range of SIDEBAR_RANGES) {
    const asTyped = typed.ranges[range.column]!;
    // Counts are whole numbers; dates are whole days (UTC), from the first to the last millisecond.
    const read = columnSpec(range.column).kind === "count" ? wholeNumber : isoDayBound;
    let min = read(asTyped.from, t("listing.range_from", { name: t(range.name) }), notices, "min");
    let max = read(asTyped.to, t("listing.range_to", { name: t(range.name) }), notices, "max");
    if (min !== undefined && max !== undefined && min > max) {
      notices.push(t("listing.range_swapped", { plural: t(range.plural) }));
      // Whole days stay whole: the later day's first millisecond to the earlier day's last.
      [min, max] = read === isoDayBound ? [max - (DAY_MS - 1), min + (DAY_MS - 1)] : [max, min];
    }
    if (min !== undefined || max !== undefined) (q.ranges ??= {})[range.column] = { min, max };
  }
  if (typed.language) {
    if (findLanguage(typed.language)) q.language = typed.language;
    else notices.push(t("browse.unknown_language_value_ignored", { value: typed.language.slice(0, 40) }));
  }

  let searchError: string | undefined;
  if (typed.query) {
    const parsed = parseSearchQuery(typed.query);
    if (!parsed.ok) {
      searchError = t("api.search_syntax", { message: parsed.message });
    } else {
      // Search within results: the works the query finds (words and filters, as the search page
      // finds them), then filtered here.
      const found = await matchingThroughIndex(db, index, viewer, parsed.query, await compileHints(db, parsed.query.text));
      within.push(found.toArray());
    }
  }
  q.page = params.page;
  return { query: q, within, notices, typed, searchError };
}

/** Every value of a repeated parameter, at most a few hundred. */
export function queryValues(req: FastifyRequest, name: string): string[] {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === "string").slice(0, 200);
}

/** A word count as AO3 takes it: commas, periods and underscores between digits are dropped. */
function wholeNumber(text: string, label: string, notices: string[]): number | undefined {
  if (!text) return undefined;
  const digits = text.replace(/[,._\s]/g, "");
  if (!/^\d{1,9}$/.test(digits)) {
    notices.push(t("browse.label_text_is_not_a", { label, text }));
    return undefined;
  }
  return Number(digits);
}

/** A day's first (min) or last (max) millisecond, from YYYY-MM-DD (the date control's format; AO3's yy-mm-dd too). */
function isoDayBound(text: string, label: string, notices: string[], side: "min" | "max"): number | undefined {
  const day = isoDay(text, label, notices);
  return day === undefined ? undefined : Date.parse(`${day}T${side === "min" ? "00:00:00.000" : "23:59:59.999"}Z`);
}

function isoDay(text: string, label: string, notices: string[]): string | undefined {
  if (!text) return undefined;
  const m = /^(\d{2}|\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const year = m ? (m[1]!.length === 2 ? 2000 + Number(m[1]) : Number(m[1])) : NaN;
  const day = m ? `${String(year).padStart(4, "0")}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : "";
  if (!m || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    notices.push(t("browse.label_text_is_not_a_2", { label, text }));
    return undefined;
  }
  return day;
}

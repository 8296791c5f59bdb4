import type { FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { stripControlChars } from "../platform/html/sanitize.js";
import { queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";

/**
 * The bookmark search form (`/bookmarks/search`), with AO3's parameter names: the bookmarker,
 * their notes, their own tags, Rec, and the tags of the bookmarked work.
 */
export const BOOKMARK_SEARCH_FIELDS = ["bookmarker", "bookmark_notes", "other_bookmark_tag_names", "rec", "other_tag_names"] as const;
export type BookmarkSearchField = (typeof BOOKMARK_SEARCH_FIELDS)[number];
export type BookmarkSearchForm = Record<BookmarkSearchField, string>;

export const bookmarkSearchParam = (field: BookmarkSearchField) => `bookmark_search[${field}]`;

/** What a search asks for; an empty string or list asks nothing of that field. */
export interface BookmarkSearch {
  bookmarker: string;
  /** Words and quoted phrases that must all occur in the notes. */
  notes: string[];
  bookmarkTags: string[];
  rec: boolean;
  workTags: string[];
}

/** Longer than any name, tag list or phrase a reader types: the rest is cut, never refused with a 500. */
const MAX_FIELD = 2000;

/** The form as typed (trimmed, bounded; control characters, which PostgreSQL refuses in text, dropped), to show again beside the results. */
export function readBookmarkSearchForm(req: FastifyRequest): BookmarkSearchForm {
  return Object.fromEntries(BOOKMARK_SEARCH_FIELDS.map((field) => [field, stripControlChars(queryParam(req, bookmarkSearchParam(field))).trim().slice(0, MAX_FIELD)])) as BookmarkSearchForm;
}

/** Whether anything was asked (an empty form shows the form alone). */
export function isBookmarkSearchEmpty(form: BookmarkSearchForm): boolean {
  return BOOKMARK_SEARCH_FIELDS.every((field) => form[field] === "" || (field === "rec" && form.rec !== "1"));
}

const names = (value: string) =>
  value
    .split(/[,，、]/)
    .map((name) => name.replace(/\s+/g, " ").trim())
    .filter(Boolean);

/**
 * Words and "quoted phrases", as AO3's search boxes take them. A quotation mark left open is a
 * syntax error, reported in AO3's words beside the field.
 */
export function notesTerms(value: string): { ok: true; terms: string[] } | { ok: false; message: string } {
  const terms: string[] = [];
  const pattern = /"([^"]*)"|([^\s"]+)|(")/g;
  for (const match of value.matchAll(pattern)) {
    if (match[3] !== undefined) return { ok: false, message: t("api.search_syntax", { message: t("responses.search.unclosed_quote") }) };
    const term = (match[1] ?? match[2] ?? "").replace(/\s+/g, " ").trim();
    if (term) terms.push(term);
  }
  return { ok: true, terms };
}

/** The form as a search, or the errors to show beside its fields. */
export function parseBookmarkSearch(form: BookmarkSearchForm): { ok: true; value: BookmarkSearch } | { ok: false; errors: FieldErrors } {
  const notes = notesTerms(form.bookmark_notes);
  if (!notes.ok) return { ok: false, errors: { [bookmarkSearchParam("bookmark_notes")]: [notes.message] } };
  return {
    ok: true,
    value: {
      bookmarker: form.bookmarker.replace(/\s+/g, " "),
      notes: notes.terms,
      bookmarkTags: names(form.other_bookmark_tag_names),
      rec: form.rec === "1",
      workTags: names(form.other_tag_names),
    },
  };
}

/** The query string of a search, to page through its results. */
export function bookmarkSearchQuery(form: BookmarkSearchForm): string {
  return new URLSearchParams(BOOKMARK_SEARCH_FIELDS.filter((field) => form[field]).map((field) => [bookmarkSearchParam(field), form[field]])).toString();
}

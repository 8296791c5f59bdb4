import type { FastifyRequest } from "fastify";
import { queryParam } from "../platform/http/routes.js";

/** The advanced search form's fields, with AO3's parameter names (`work_search[...]`). */
export const FORM_FIELDS = [
  "query",
  "title",
  "creators",
  "revised_at",
  "complete",
  "crossover",
  "single_chapter",
  "word_count",
  "language_id",
  "fandom_names",
  "rating_ids",
  "character_names",
  "relationship_names",
  "freeform_names",
  "sort_column",
  "sort_direction",
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type SearchForm = Record<FormField, string>;

/** Reads the search form from the query string, each value trimmed and bounded. */
export function readSearchForm(req: FastifyRequest): SearchForm {
  return Object.fromEntries(FORM_FIELDS.map((name) => [name, queryParam(req, `work_search[${name}]`).trim().slice(0, 2000)])) as SearchForm;
}

const quote = (value: string) => `"${value.replace(/"/g, " ")}"`;
const list = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * The whole form as one query in the query language, so the fields and the box share one parser
 * (as AO3 does: a title field becomes `title:` terms).
 */
export function formToQuery(form: SearchForm): string {
  const parts: string[] = [];
  if (form.query) parts.push(form.query.includes(" OR ") || form.query.includes("||") ? `(${form.query})` : form.query);
  for (const word of form.title.split(/\s+/).filter(Boolean)) parts.push(word.startsWith("-") ? `-title:${word.slice(1)}` : `title:${word}`);
  for (const word of form.creators.split(/\s+/).filter(Boolean)) parts.push(word.startsWith("-") ? `-creators:${word.slice(1)}` : `creators:${word}`);
  // Each name is a phrase in the names of that type's tags: through a canonical tag's filter
  // set, its synonyms' and subtags' works too, as `tags:` finds them.
  for (const [field, prefix] of [["fandom_names", "fandoms"], ["character_names", "characters"], ["relationship_names", "relationships"], ["freeform_names", "freeforms"]] as const) {
    for (const name of list(form[field])) parts.push(`${prefix}:${quote(name)}`);
  }
  const ranged = (label: string, value: string) => {
    if (!value) return;
    parts.push(/^[<>=]/.test(value) ? `${label}${value.replace(/\s+/g, "")}` : `${label}:${value.replace(/\s+/g, "")}`);
  };
  ranged("words", form.word_count);
  if (form.revised_at) parts.push(`updated${/^[<>]/.test(form.revised_at) ? "" : ":"}${form.revised_at}`);
  if (form.complete === "T" || form.complete === "F") parts.push(`complete:${form.complete === "T"}`);
  if (form.crossover === "T" || form.crossover === "F") parts.push(`crossover:${form.crossover === "T"}`);
  if (form.single_chapter === "1") parts.push("single_chapter:true");
  if (form.language_id) parts.push(`language:${form.language_id.replace(/\s+/g, "")}`);
  if (/^[a-z]+$/.test(form.rating_ids)) parts.push(`rating:${form.rating_ids}`);
  if (form.sort_column) parts.push(`sort:${form.sort_direction === "asc" ? ">" : form.sort_direction === "desc" ? "<" : ""}${form.sort_column}`);
  return parts.join(" ");
}

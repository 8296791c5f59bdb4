import type { FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { t } from "../platform/i18n/index.js";
import type { TagRow } from "../platform/db/tables.js";
import type { TagRelations } from "./queries.js";
import { MAX_TAG_LENGTH, splitTagField, TAG_TYPES, tagKey, tagNameProblem, tagTypeLabel, USER_TAG_TYPES } from "../model/vocabulary.js";
import type { WranglingOp } from "./wrangling.js";

/**
 * The wrangling forms: what was typed, read back as values (so a refused form shows it again),
 * and turned into the list of wrangling operations that makes the tag look like the form.
 */

/** The edit-tag form's field names, one place for the view, the parser and the tests. */
export const TAG_FIELDS = {
  canonical: "tag[canonical]",
  synonymOf: "tag[syn_string]",
  unwrangleable: "tag[unwrangleable]",
  addParents: "tag[parent_string]",
  removeParents: "tag[remove_parent_ids][]",
  addMetatags: "tag[meta_tag_string]",
  removeMetatags: "tag[remove_meta_ids][]",
} as const;

export interface TagFormValues {
  canonical: boolean;
  synonymOf: string;
  unwrangleable: boolean;
  addParents: string;
  removeParents: string[];
  addMetatags: string;
  removeMetatags: string[];
}

/** The form as the tag stands now: nothing to add or remove. */
export function tagFormValues(tag: TagRow, relations: TagRelations): TagFormValues {
  return {
    canonical: tag.canonical === 1,
    synonymOf: relations.merger?.name ?? "",
    unwrangleable: tag.unwrangleable === 1,
    addParents: "",
    removeParents: [],
    addMetatags: "",
    removeMetatags: [],
  };
}

/** What was submitted, as typed. */
export function readTagForm(body: unknown): TagFormValues {
  return {
    canonical: field(body, TAG_FIELDS.canonical) === "1",
    synonymOf: field(body, TAG_FIELDS.synonymOf),
    unwrangleable: field(body, TAG_FIELDS.unwrangleable) === "1",
    addParents: field(body, TAG_FIELDS.addParents),
    removeParents: fieldList(body, TAG_FIELDS.removeParents),
    addMetatags: field(body, TAG_FIELDS.addMetatags),
    removeMetatags: fieldList(body, TAG_FIELDS.removeMetatags),
  };
}

/** Operations to apply, each with the form field its refusal belongs to. */
export interface PlannedOps {
  ops: WranglingOp[];
  fields: string[];
}

function oneName(value: string): string {
  return value.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * The operations that turn the tag as it stands into the tag as the form says, in an order the
 * rules accept: links removed before canonical status is taken away, a synonym released before
 * the tag is made canonical, new links added last.
 */
export function planTagEdit(tag: TagRow, relations: TagRelations, values: TagFormValues): PlannedOps {
  const plan: PlannedOps = { ops: [], fields: [] };
  const add = (op: WranglingOp, name: string) => {
    plan.ops.push(op);
    plan.fields.push(name);
  };
  const parentIds = new Set(relations.parents.map((p) => String(p.id)));
  for (const id of new Set(values.removeParents)) if (parentIds.has(id)) add({ action: "parent", tag: tag.id, parent: Number(id), remove: true }, TAG_FIELDS.removeParents);
  const metaIds = new Set(relations.metatags.map((m) => String(m.id)));
  for (const id of new Set(values.removeMetatags)) if (metaIds.has(id)) add({ action: "meta", tag: tag.id, meta: Number(id), remove: true }, TAG_FIELDS.removeMetatags);

  const synonymOf = oneName(values.synonymOf);
  const currentMerger = relations.merger?.name ?? "";
  const mergerChanges = tagKey(synonymOf) !== tagKey(currentMerger);
  if (tag.merger_id !== null && (!synonymOf || (mergerChanges && values.canonical))) add({ action: "synonym", tag: tag.id, of: null }, TAG_FIELDS.synonymOf);
  if (tag.unwrangleable === 1 && !values.unwrangleable) add({ action: "unwrangleable", tag: tag.id, value: false }, TAG_FIELDS.unwrangleable);
  if ((tag.canonical === 1) !== values.canonical) add({ action: "canonical", tag: tag.id, value: values.canonical }, TAG_FIELDS.canonical);
  if (synonymOf && mergerChanges) add({ action: "synonym", tag: tag.id, of: synonymOf }, TAG_FIELDS.synonymOf);
  if (tag.unwrangleable === 0 && values.unwrangleable) add({ action: "unwrangleable", tag: tag.id, value: true }, TAG_FIELDS.unwrangleable);

  for (const name of splitTagField(values.addParents)) add({ action: "parent", tag: tag.id, parent: name }, TAG_FIELDS.addParents);
  for (const name of splitTagField(values.addMetatags)) add({ action: "meta", tag: tag.id, meta: name }, TAG_FIELDS.addMetatags);
  return plan;
}

/** The mass-wrangling form on a fandom's bin. */
export const MASS_FIELDS = {
  selected: "selected_tags[]",
  synonymOf: "mass[syn_string]",
  fandoms: "mass[fandom_string]",
  canonical: "mass[canonical]",
} as const;

export interface MassFormValues {
  /** Tag ids ticked, as submitted. */
  selected: string[];
  synonymOf: string;
  fandoms: string;
  canonical: boolean;
}

export function readMassForm(body: unknown): MassFormValues {
  return {
    selected: fieldList(body, MASS_FIELDS.selected),
    synonymOf: field(body, MASS_FIELDS.synonymOf),
    fandoms: field(body, MASS_FIELDS.fandoms),
    canonical: field(body, MASS_FIELDS.canonical) === "1",
  };
}

/** Operations for every ticked tag, or the form's problems. */
export function planMassWrangle(values: MassFormValues): { ok: true; plan: PlannedOps } | { ok: false; errors: FieldErrors } {
  const ids = [...new Set(values.selected.filter((id) => /^\d{1,15}$/.test(id)).map(Number))];
  const synonymOf = oneName(values.synonymOf);
  const fandoms = splitTagField(values.fandoms);
  const errors: FieldErrors = {};
  if (ids.length === 0) errors[MASS_FIELDS.selected] = [t("tags.mass.none_selected")];
  if (synonymOf && values.canonical) errors[MASS_FIELDS.synonymOf] = [t("tags.mass.synonym_and_canonical")];
  else if (!synonymOf && !values.canonical && fandoms.length === 0) errors[MASS_FIELDS.synonymOf] = [t("tags.mass.no_action")];
  if (Object.keys(errors).length) return { ok: false, errors };
  const plan: PlannedOps = { ops: [], fields: [] };
  for (const id of ids) {
    if (synonymOf) {
      plan.ops.push({ action: "synonym", tag: id, of: synonymOf });
      plan.fields.push(MASS_FIELDS.synonymOf);
    }
    if (values.canonical) {
      plan.ops.push({ action: "canonical", tag: id, value: true });
      plan.fields.push(MASS_FIELDS.canonical);
    }
    for (const fandom of fandoms) {
      plan.ops.push({ action: "parent", tag: id, parent: fandom });
      plan.fields.push(MASS_FIELDS.fandoms);
    }
  }
  return { ok: true, plan };
}

/* ---------------------------------------------------------------------------------------------
 * Creating a tag (`/tags/new`, `fanfold tags create`) and searching tags (`/tags/search`).
 * ------------------------------------------------------------------------------------------- */

/** The new-tag form's field names (AO3's). */
export const NEW_TAG_FIELDS = { name: "tag[name]", type: "tag[type]", canonical: "tag[canonical]" } as const;

/** The types a wrangler creates (the fixed ones come with the archive). */
export const CREATABLE_TYPES = USER_TAG_TYPES;

export interface NewTagValues {
  /** As typed. */
  name: string;
  type: string;
  canonical: boolean;
}

export function readNewTagForm(body: unknown): NewTagValues {
  return { name: field(body, NEW_TAG_FIELDS.name), type: field(body, NEW_TAG_FIELDS.type), canonical: field(body, NEW_TAG_FIELDS.canonical) === "1" };
}

/** A tag name as the archive stores it: Unicode NFC, runs of spaces as one, trimmed. */
export function cleanTagName(name: string): string {
  return oneName(name);
}

/**
 * What is wrong with a new tag, by field: an empty name, a name over AO3's 150 characters or
 * with one of its restricted characters, an unknown type, or a name already taken by a tag of
 * any type (case and Unicode form folded, as tagKey does). `existing` is the tag the name
 * already names, if any. The same checks for the page and the command line.
 */
export function newTagErrors(values: NewTagValues, existing: { name: string; type: string } | undefined): FieldErrors {
  const errors: FieldErrors = {};
  const name = cleanTagName(values.name);
  const problem = name ? tagNameProblem(name) : null;
  if (!name) errors[NEW_TAG_FIELDS.name] = [t("tags.a_tag_needs_a_name")];
  else if (problem) errors[NEW_TAG_FIELDS.name] = [problem.kind === "length" ? t("tags.tag_names_are_at_most", { detail: problem.detail }) : t("tags.tag_names_can_t_contain", { detail: problem.detail })];
  else if (existing) errors[NEW_TAG_FIELDS.name] = [t("tags.new.taken", { name: existing.name, type: tagTypeLabel(existing.type) })];
  if (!(CREATABLE_TYPES as readonly string[]).includes(values.type)) errors[NEW_TAG_FIELDS.type] = [t("tags.new.choose_type")];
  return errors;
}

/** The tag search form's field names (AO3's `tag_search[...]`). */
export const TAG_SEARCH_FIELDS = { name: "tag_search[name]", type: "tag_search[type]", canonical: "tag_search[canonical]", sort: "tag_search[sort_column]" } as const;

export type TagSearchSort = "name" | "uses";
export interface TagSearchValues {
  /** As typed (bounded). */
  name: string;
  /** A tag type, or "" for any. */
  type: string;
  /** "T" canonical only, "F" not canonical, "" either. */
  canonical: "" | "T" | "F";
  sort: TagSearchSort;
}

/** The types tag search offers. */
export const SEARCHABLE_TYPES = [...TAG_TYPES, "Media"] as const;

/**
 * The tag search form from a query string. Anything a form could not have sent (an unknown type,
 * sort or canonical value) reads as the default: any type, either status, by name.
 */
export function readTagSearch(query: (name: string) => string): TagSearchValues {
  const type = query(TAG_SEARCH_FIELDS.type);
  const canonical = query(TAG_SEARCH_FIELDS.canonical);
  return {
    name: query(TAG_SEARCH_FIELDS.name).slice(0, MAX_TAG_LENGTH * 2),
    type: (SEARCHABLE_TYPES as readonly string[]).includes(type) ? type : "",
    canonical: canonical === "T" || canonical === "F" ? canonical : "",
    sort: query(TAG_SEARCH_FIELDS.sort) === "uses" ? "uses" : "name",
  };
}

import type { FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { t } from "../platform/i18n/index.js";
import type { TagRow } from "../platform/db/tables.js";
import type { TagRelations } from "./queries.js";
import { splitTagField, tagKey } from "../model/vocabulary.js";
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

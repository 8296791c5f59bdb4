import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { TagRow } from "../platform/db/tables.js";
import { indexTagName } from "../search/index.js";
import { metaClosure } from "./filters.js";
import { findTagByName } from "../model/tags.js";
import { enqueueRefilter, type RefilterPayload } from "./refilter.js";
import { TAG_TYPES, type TagType, tagKey, tagNameProblem, tagTypeLabel } from "../model/vocabulary.js";
import { t } from "../platform/i18n/index.js";

/**
 * Wrangling: the changes tag wranglers make to the tag graph. Each operation checks its rule,
 * applies, writes a history line and says which works need re-filtering; `wrangle` runs a list
 * of them in one transaction (all or nothing) and queues one durable re-filter job.
 */

/** A tag named by id (forms) or by name (CLI, CSV). */
export type TagRef = number | string;

export type WranglingOp =
  /** Creates a tag (wranglers add canonical tags before any work uses them). */
  | { action: "create"; name: string; type: TagType; canonical: boolean }
  | { action: "canonical"; tag: TagRef; value: boolean }
  | { action: "synonym"; tag: TagRef; of: TagRef | null }
  | { action: "parent"; tag: TagRef; parent: TagRef; remove?: boolean }
  | { action: "meta"; tag: TagRef; meta: TagRef; remove?: boolean }
  | { action: "unwrangleable"; tag: TagRef; value: boolean };

/** A refused operation; the message says why, for wranglers. */
export class WranglingError extends Error {}

// Tags whose canonical status is fixed: the archive's own vocabulary.
const FIXED_TYPES = new Set(["Rating", "ArchiveWarning", "Category", "Media"]);
const FIXED_NAMES = new Set(["No Fandom"]);

/** Which types a tag of each type may have as parents. */
export const PARENT_TYPES: Partial<Record<string, TagType[] | ["Media"]>> = {
  Fandom: ["Media"],
  Character: ["Fandom"],
  Relationship: ["Fandom", "Character"],
  Freeform: ["Fandom"],
};

function isFixed(tag: TagRow): boolean {
  return FIXED_TYPES.has(tag.type) || FIXED_NAMES.has(tag.name);
}

function label(tag: TagRow): string {
  return `"${tag.name}"`;
}

function typeName(type: string): string {
  return tagTypeLabel(type);
}

async function resolve(trx: DbOrTrx, ref: TagRef): Promise<TagRow> {
  const tag =
    typeof ref === "number"
      ? await trx.selectFrom("tags").selectAll().where("id", "=", ref).executeTakeFirst()
      : await findTagByName(trx, ref);
  if (!tag) throw new WranglingError(typeof ref === "number" ? t("tags.w.no_tag_with_id", { id: ref }) : t("tags.w.no_tag_named", { name: ref }));
  return tag;
}

async function log(trx: DbOrTrx, tagId: number, userId: number | null, action: string, detail: string): Promise<void> {
  await trx.insertInto("wrangling_log").values({ tag_id: tagId, user_id: userId, action, detail, created_at: nowIso() }).execute();
}

interface Applied {
  /** One line for the wrangler, for the CLI and the page. */
  change: string;
  refilter: RefilterPayload;
}

const NOTHING: RefilterPayload = { taggedWith: [], filteredBy: [] };

/** Checks and applies one operation inside a transaction; throws WranglingError when refused. */
export async function applyWrangling(trx: DbOrTrx, userId: number | null, op: WranglingOp): Promise<Applied> {
  if (op.action === "create") return createTag(trx, userId, op.name, op.type, op.canonical);
  const tag = await resolve(trx, op.tag);
  switch (op.action) {
    case "canonical": {
      if (Boolean(tag.canonical) === op.value) return { change: t(op.value ? "tags.w.already_canonical" : "tags.w.already_not_canonical", { tag: label(tag) }), refilter: NOTHING };
      if (isFixed(tag)) throw new WranglingError(t("tags.value_is_one_of_the", { value: label(tag) }));
      if (op.value && tag.merger_id !== null) throw new WranglingError(t("tags.value_is_a_synonym_remove", { value: label(tag) }));
      if (!op.value) {
        const synonyms = await trx.selectFrom("tags").select("name").where("merger_id", "=", tag.id).limit(1).execute();
        if (synonyms.length) throw new WranglingError(t("tags.value_has_synonyms_such_as", { value: label(tag), name: synonyms[0]!.name }));
        const links = await trx.selectFrom("tag_meta").select("sub_id").where((eb) => eb.or([eb("sub_id", "=", tag.id), eb("meta_id", "=", tag.id)])).limit(1).execute();
        if (links.length) throw new WranglingError(t("tags.value_has_metatags_or_subtags", { value: label(tag) }));
        const children = await trx.selectFrom("tag_parents").select("child_id").where("parent_id", "=", tag.id).limit(1).execute();
        if (children.length) throw new WranglingError(t("tags.value_is_a_parent_of", { value: label(tag) }));
      }
      await trx.updateTable("tags").set({ canonical: op.value ? 1 : 0, unwrangleable: 0 }).where("id", "=", tag.id).execute();
      await log(trx, tag.id, userId, "canonical", op.value ? "made canonical" : "made not canonical");
      return { change: t(op.value ? "tags.w.now_canonical" : "tags.w.no_longer_canonical", { tag: label(tag) }), refilter: { taggedWith: [tag.id], filteredBy: [] } };
    }
    case "synonym": {
      if (op.of === null) {
        if (tag.merger_id === null) return { change: t("tags.value_was_not_a_synonym", { value: label(tag) }), refilter: NOTHING };
        await trx.updateTable("tags").set({ merger_id: null }).where("id", "=", tag.id).execute();
        await log(trx, tag.id, userId, "synonym", "removed from its canonical tag");
        return { change: t("tags.value_is_no_longer_a", { value: label(tag) }), refilter: { taggedWith: [tag.id], filteredBy: [] } };
      }
      const target = await resolve(trx, op.of);
      if (target.id === tag.id) throw new WranglingError(t("tags.value_can_t_be_a", { value: label(tag) }));
      if (target.merger_id !== null) throw new WranglingError(t("tags.value_is_itself_a_synonym", { value: label(target) }));
      if (!target.canonical) throw new WranglingError(t("tags.value_is_not_canonical_only", { value: label(target) }));
      if (tag.canonical) throw new WranglingError(t("tags.value_is_canonical_make_it", { value: label(tag) }));
      if (target.type !== tag.type) throw new WranglingError(t("tags.value_is_a_value2_tag", { value: label(tag), value2: typeName(tag.type), value3: label(target), value4: typeName(target.type) }));
      if (tag.merger_id === target.id) return { change: t("tags.value_was_already_a_synonym", { value: label(tag), value2: label(target) }), refilter: NOTHING };
      await trx.updateTable("tags").set({ merger_id: target.id, unwrangleable: 0 }).where("id", "=", tag.id).execute();
      await log(trx, tag.id, userId, "synonym", `made a synonym of "${target.name}"`);
      return { change: t("tags.value_is_now_a_synonym", { value: label(tag), value2: label(target) }), refilter: { taggedWith: [tag.id], filteredBy: [] } };
    }
    case "parent": {
      const parent = await resolve(trx, op.parent);
      if (op.remove) {
        const removed = await trx.deleteFrom("tag_parents").where("child_id", "=", tag.id).where("parent_id", "=", parent.id).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) return { change: t("tags.value_was_not_a_parent", { value: label(parent), value2: label(tag) }), refilter: NOTHING };
        await log(trx, tag.id, userId, "parent", `removed parent "${parent.name}"`);
        return { change: t("tags.value_is_no_longer_a_2", { value: label(parent), value2: label(tag) }), refilter: NOTHING };
      }
      const allowed = PARENT_TYPES[tag.type] ?? [];
      if (!allowed.includes(parent.type as never)) {
        const kinds = allowed.length ? allowed.map(typeName).reduce((either, or) => t("api.type_or", { either, or })) : t("tags.w.no_types");
        throw new WranglingError(t("tags.a_value_tag_can_t", { value: typeName(tag.type), value2: typeName(parent.type), value3: label(parent), kinds }));
      }
      if (!parent.canonical) throw new WranglingError(t("tags.value_is_not_canonical_parents", { value: label(parent) }));
      const existing = await trx.selectFrom("tag_parents").select("child_id").where("child_id", "=", tag.id).where("parent_id", "=", parent.id).executeTakeFirst();
      if (existing) return { change: t("tags.value_was_already_a_parent", { value: label(parent), value2: label(tag) }), refilter: NOTHING };
      await trx
        .insertInto("tag_parents")
        .values({ child_id: tag.id, parent_id: parent.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await log(trx, tag.id, userId, "parent", `added parent "${parent.name}"`);
      return { change: t("tags.value_is_now_a_parent", { value: label(parent), value2: label(tag) }), refilter: NOTHING };
    }
    case "meta": {
      const meta = await resolve(trx, op.meta);
      if (op.remove) {
        const removed = await trx.deleteFrom("tag_meta").where("sub_id", "=", tag.id).where("meta_id", "=", meta.id).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) return { change: t("tags.value_was_not_a_metatag", { value: label(meta), value2: label(tag) }), refilter: NOTHING };
        await log(trx, tag.id, userId, "meta", `removed metatag "${meta.name}"`);
        return { change: t("tags.value_is_no_longer_a_3", { value: label(meta), value2: label(tag) }), refilter: { taggedWith: [], filteredBy: [tag.id] } };
      }
      if (meta.id === tag.id) throw new WranglingError(t("tags.value_can_t_be_its", { value: label(tag) }));
      if (!tag.canonical || !meta.canonical) throw new WranglingError(t("tags.metatags_link_canonical_tags_only", { value: label(tag.canonical ? meta : tag) }));
      if (meta.type !== tag.type) throw new WranglingError(t("tags.value_is_a_value2_tag_2", { value: label(tag), value2: typeName(tag.type), value3: label(meta), value4: typeName(meta.type) }));
      const above = (await metaClosure(trx, [meta.id])).get(meta.id)!;
      if (above.has(tag.id)) throw new WranglingError(t("tags.value_is_already_above_value2", { value: label(tag), value2: label(meta), value3: label(meta) }));
      const existing = await trx.selectFrom("tag_meta").select("sub_id").where("sub_id", "=", tag.id).where("meta_id", "=", meta.id).executeTakeFirst();
      if (existing) return { change: t("tags.value_was_already_a_metatag", { value: label(meta), value2: label(tag) }), refilter: NOTHING };
      await trx
        .insertInto("tag_meta")
        .values({ sub_id: tag.id, meta_id: meta.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await log(trx, tag.id, userId, "meta", `added metatag "${meta.name}"`);
      return { change: t("tags.value_is_now_a_metatag", { value: label(meta), value2: label(tag) }), refilter: { taggedWith: [], filteredBy: [tag.id] } };
    }
    case "unwrangleable": {
      if (op.value && (tag.canonical || tag.merger_id !== null)) throw new WranglingError(t(tag.canonical ? "tags.w.canonical_so_wrangled" : "tags.w.synonym_so_wrangled", { tag: label(tag) }));
      if (Boolean(tag.unwrangleable) === op.value) return { change: t(op.value ? "tags.w.already_unwrangleable" : "tags.w.already_not_unwrangleable", { tag: label(tag) }), refilter: NOTHING };
      await trx.updateTable("tags").set({ unwrangleable: op.value ? 1 : 0 }).where("id", "=", tag.id).execute();
      await log(trx, tag.id, userId, "unwrangleable", op.value ? "marked unwrangleable" : "marked wrangleable");
      return { change: t(op.value ? "tags.w.now_unwrangleable" : "tags.w.no_longer_unwrangleable", { tag: label(tag) }), refilter: NOTHING };
    }
  }
}

async function createTag(trx: DbOrTrx, userId: number | null, rawName: string, type: TagType, canonical: boolean): Promise<Applied> {
  const name = rawName.normalize("NFC").replace(/\s+/g, " ").trim();
  const problem = name ? tagNameProblem(name) : { kind: "length" as const, detail: "" };
  if (!name) throw new WranglingError(t("tags.a_tag_needs_a_name"));
  if (problem) throw new WranglingError(problem.kind === "length" ? t("tags.tag_names_are_at_most", { detail: problem.detail }) : t("tags.tag_names_can_t_contain", { detail: problem.detail }));
  if (!TAG_TYPES.includes(type) || FIXED_TYPES.has(type)) throw new WranglingError(t("tags.new_tags_can_be_fandom", { value: typeName(type) }));
  const existing = await findTagByName(trx, name);
  if (existing) {
    if (existing.type !== type) throw new WranglingError(t("tags.value_already_exists_as_a", { value: label(existing), value2: typeName(existing.type) }));
    if (canonical && !existing.canonical) return applyWrangling(trx, userId, { action: "canonical", tag: existing.id, value: true });
    return { change: t("tags.value_already_exists", { value: label(existing) }), refilter: NOTHING };
  }
  const row = await trx
    .insertInto("tags")
    .values({ name, name_key: tagKey(name), type, canonical: canonical ? 1 : 0, created_at: nowIso() })
    .returning("id")
    .executeTakeFirstOrThrow();
  await indexTagName(trx, row.id, name);
  await log(trx, row.id, userId, "create", canonical ? "created as canonical" : "created");
  return { change: t(canonical ? "tags.w.created_canonical" : "tags.w.created", { name }), refilter: NOTHING };
}

export type WrangleResult =
  | { ok: true; changes: string[]; jobId: number | null; works: number }
  | { ok: false; index: number; message: string };

/**
 * Applies operations in one transaction, all or nothing, and queues one re-filter job for every
 * work they can affect. On refusal nothing is applied and the result says which one and why.
 */
export async function wrangle(db: Db, userId: number | null, ops: WranglingOp[]): Promise<WrangleResult> {
  let failedAt = -1;
  try {
    return await db.transaction().execute(async (trx) => {
      const changes: string[] = [];
      const taggedWith = new Set<number>();
      const filteredBy = new Set<number>();
      for (const [index, op] of ops.entries()) {
        failedAt = index;
        const applied = await applyWrangling(trx, userId, op);
        changes.push(applied.change);
        for (const id of applied.refilter.taggedWith) taggedWith.add(id);
        for (const id of applied.refilter.filteredBy) filteredBy.add(id);
      }
      const jobId = await enqueueRefilter(trx, { taggedWith: [...taggedWith], filteredBy: [...filteredBy] });
      const works = jobId === null ? 0 : (await trx.selectFrom("jobs").select("total").where("id", "=", jobId).executeTakeFirstOrThrow()).total;
      return { ok: true as const, changes, jobId, works };
    });
  } catch (error) {
    if (error instanceof WranglingError) return { ok: false, index: failedAt, message: error.message };
    throw error;
  }
}

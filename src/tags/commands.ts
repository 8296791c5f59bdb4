import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import { indexTagName } from "../search/index.js";
import { findTagByName } from "../model/tags.js";
import { TYPE_LABELS, tagKey, type TagType, USER_TAG_TYPES } from "../model/vocabulary.js";
import { newTagsCanonical } from "../model/archive-settings.js";
import { refreshFilterSets } from "./filters.js";
import { AUTO_CANONICAL } from "./queries.js";

/**
 * The id of the tag of this type with this name, creating it (unwrangled, not canonical) when
 * it does not exist. When the name is taken by a tag of another type, AO3's rule applies: the
 * tag is "Name - Type" (for example "Merlin - Character" beside the fandom "Merlin").
 */
export async function findOrCreateTag(db: DbOrTrx, name: string, type: TagType): Promise<number> {
  const existing = await findTagByName(db, name);
  if (existing && existing.type === type) return existing.id;
  const finalName = existing ? `${name} - ${TYPE_LABELS[type].one.replace("Additional Tags", "Freeform")}` : name;
  if (existing) {
    const suffixed = await findTagByName(db, finalName);
    if (suffixed) return suffixed.id;
  }
  const row = await db
    .insertInto("tags")
    .values({ name: finalName, name_key: tagKey(finalName), type, canonical: 0, created_at: nowIso() })
    .returning("id")
    .executeTakeFirstOrThrow();
  await indexTagName(db, row.id, finalName);
  return row.id;
}


/**
 * "New tags are canonical" (an archive setting): the one place the rule lives. Every way a work
 * gets its tags (the form, the API, imports) and posting a draft call this once the work's tags
 * are stored. When the setting is on and the work is posted, the work's tags that no wrangler
 * has touched (no line in their wrangling history: not created at /tags/new, not made
 * canonical, not canonical-made-not, not a synonym) become canonical, with a history line, and
 * the filter sets of every work using them are brought up to date.
 *
 * Why only once a work is posted: a draft's free-text tags are often spoilers or notes to self.
 * Privacy rests on visibleTagCondition (queries.ts), which does not count a tag made canonical
 * here as public unless a work the reader may see uses it; waiting for posting keeps drafts'
 * tags out of the filters too.
 */
export async function canonizeNewTags(trx: DbOrTrx, workId: number): Promise<void> {
  const work = await trx.selectFrom("works").select("posted").where("id", "=", workId).executeTakeFirst();
  if (!work?.posted || !(await newTagsCanonical(trx))) return;
  const fresh = await trx
    .selectFrom("work_tags")
    .innerJoin("tags", "tags.id", "work_tags.tag_id")
    .select(["tags.id as id"])
    .where("work_tags.work_id", "=", workId)
    .where("tags.type", "in", [...USER_TAG_TYPES])
    .where("tags.canonical", "=", 0)
    .where("tags.merger_id", "is", null)
    .where("tags.unwrangleable", "=", 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("wrangling_log").select("wrangling_log.tag_id").whereRef("wrangling_log.tag_id", "=", "tags.id"))))
    .execute();
  if (fresh.length === 0) return;
  const ids = fresh.map((row) => row.id);
  const now = nowIso();
  await trx.updateTable("tags").set({ canonical: 1 }).where("id", "in", ids).execute();
  // History lines are stored text, as the wrangling pages write them (not catalogue messages).
  await trx
    .insertInto("wrangling_log")
    .values(ids.map((tag_id) => ({ tag_id, user_id: null, action: AUTO_CANONICAL, detail: "made canonical when first used by a posted work (new tags are canonical)", created_at: now })))
    .execute();
  const users = await trx.selectFrom("work_tags").select("work_id").distinct().where("tag_id", "in", ids).execute();
  await refreshFilterSets(trx, users.map((row) => row.work_id));
}

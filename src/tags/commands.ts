import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import { indexTagName } from "../search/index.js";
import { findTagByName } from "../model/tags.js";
import { TYPE_LABELS, tagKey, type TagType } from "../model/vocabulary.js";

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

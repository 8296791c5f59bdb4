/** The read model of tags: a tag by name or id, and the tags of works (the wrangling pages' reads stay in src/tags). */
import type { DbOrTrx } from "../platform/db/index.js";
import type { TagRow } from "../platform/db/tables.js";
import { tagKey, type TagType } from "./vocabulary.js";

export interface WorkTag {
  id: number;
  name: string;
  type: TagType;
}

/** A tag by name, any case or Unicode form. */
export function findTagByName(db: DbOrTrx, name: string): Promise<TagRow | undefined> {
  return db.selectFrom("tags").selectAll().where("name_key", "=", tagKey(name)).executeTakeFirst();
}

export function findTagById(db: DbOrTrx, id: number): Promise<TagRow | undefined> {
  return db.selectFrom("tags").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Names and types of many tags in one query (a listing's facets). */
export async function tagsByIds(db: DbOrTrx, ids: number[]): Promise<Map<number, { name: string; type: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom("tags").select(["id", "name", "type"]).where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, type: r.type }]));
}

/** The canonical tags of one fixed type (ratings, warnings, categories), by name. */
export async function fixedTags(db: DbOrTrx, type: TagType): Promise<Map<string, number>> {
  const rows = await db.selectFrom("tags").select(["id", "name"]).where("type", "=", type).where("canonical", "=", 1).execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** The tags of many works in one query, each work's tags in the order they were given. */
export async function tagsOfWorks(db: DbOrTrx, workIds: number[]): Promise<Map<number, WorkTag[]>> {
  const byWork = new Map<number, WorkTag[]>(workIds.map((id) => [id, []]));
  if (workIds.length === 0) return byWork;
  const rows = await db
    .selectFrom("work_tags")
    .innerJoin("tags", "tags.id", "work_tags.tag_id")
    .select(["work_tags.work_id as workId", "tags.id as id", "tags.name as name", "tags.type as type"])
    .where("work_tags.work_id", "in", workIds)
    .orderBy("work_tags.work_id")
    .orderBy("work_tags.position")
    .execute();
  for (const row of rows) byWork.get(row.workId)?.push({ id: row.id, name: row.name, type: row.type as TagType });
  return byWork;
}


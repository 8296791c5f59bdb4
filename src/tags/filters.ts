import type { DbOrTrx } from "../platform/db/index.js";
import { appendChanges } from "../platform/changes.js";

/**
 * Filter sets: what a work is found under when browsing. A work's filter set is the canonical
 * tags on it, the canonical tags its synonym tags belong to (both "direct"), and every metatag
 * above those, transitively ("inherited"). Non-canonical tags that are not synonyms filter
 * nothing. Crossover is derived here too, from the fandoms in the set.
 */

// Keeps every IN (...) list well under both databases' bound-parameter limits.
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every metatag above each of these tags, transitively (the tag itself not included). */
export async function metaClosure(db: DbOrTrx, tagIds: Iterable<number>): Promise<Map<number, Set<number>>> {
  const parents = new Map<number, number[]>(); // sub → direct metas, loaded level by level
  let frontier = [...new Set(tagIds)];
  while (frontier.length) {
    const next: number[] = [];
    for (const part of chunks(frontier)) {
      const rows = await db.selectFrom("tag_meta").select(["sub_id", "meta_id"]).where("sub_id", "in", part).execute();
      for (const id of part) if (!parents.has(id)) parents.set(id, []);
      for (const row of rows) {
        parents.get(row.sub_id)!.push(row.meta_id);
        if (!parents.has(row.meta_id)) next.push(row.meta_id);
      }
    }
    frontier = [...new Set(next)].filter((id) => !parents.has(id));
  }
  const closure = new Map<number, Set<number>>();
  const visit = (id: number): Set<number> => {
    const known = closure.get(id);
    if (known) return known;
    const all = new Set<number>();
    closure.set(id, all); // set before recursing: a cycle (refused on write) could never loop here
    for (const meta of parents.get(id) ?? []) {
      all.add(meta);
      for (const above of visit(meta)) all.add(above);
    }
    return all;
  };
  for (const id of new Set(tagIds)) visit(id);
  return closure;
}

/**
 * AO3's crossover rule: two or more fandoms, and no fandom that every other fandom shares a
 * metatag with (a fandom "shares" with itself, so one fandom plus its metatag is no crossover).
 */
export function isCrossover(fandomIds: number[], closure: Map<number, Set<number>>): boolean {
  const fandoms = [...new Set(fandomIds)];
  if (fandoms.length < 2) return false;
  const family = (id: number) => new Set([id, ...(closure.get(id) ?? [])]);
  const families = new Map(fandoms.map((id) => [id, family(id)]));
  const anchored = fandoms.some((f) => fandoms.every((g) => g === f || [...families.get(f)!].some((t) => families.get(g)!.has(t))));
  return !anchored;
}

export interface FilterSet {
  /** tag id → inherited (true when it comes only through a metatag). */
  filters: Map<number, boolean>;
  crossover: boolean;
}

/** Computes the filter sets of works from their tags and the current tag graph, reading only. */
export async function computeFilterSets(db: DbOrTrx, workIds: number[]): Promise<Map<number, FilterSet>> {
  const direct = new Map<number, Set<number>>(workIds.map((id) => [id, new Set()]));
  const fandoms = new Map<number, Set<number>>(workIds.map((id) => [id, new Set()]));
  for (const part of chunks(workIds)) {
    const rows = await db
      .selectFrom("work_tags")
      .innerJoin("tags", "tags.id", "work_tags.tag_id")
      .select(["work_tags.work_id as workId", "tags.id as tagId", "tags.canonical as canonical", "tags.merger_id as mergerId", "tags.type as type"])
      .where("work_tags.work_id", "in", part)
      .execute();
    for (const row of rows) {
      const filter = row.canonical ? row.tagId : row.mergerId;
      if (row.type === "Fandom") fandoms.get(row.workId)!.add(filter ?? row.tagId); // unwrangled fandoms still count
      if (filter !== null) direct.get(row.workId)!.add(filter);
    }
  }
  const closure = await metaClosure(db, [...direct.values(), ...fandoms.values()].flatMap((s) => [...s]));
  const sets = new Map<number, FilterSet>();
  for (const workId of workIds) {
    const filters = new Map<number, boolean>();
    for (const id of direct.get(workId)!) filters.set(id, false);
    for (const id of direct.get(workId)!) for (const meta of closure.get(id) ?? []) if (!filters.has(meta)) filters.set(meta, true);
    sets.set(workId, { filters, crossover: isCrossover([...fandoms.get(workId)!], closure) });
  }
  return sets;
}

/**
 * Brings the stored filter sets of these works up to date with their tags and the tag graph,
 * writing only what differs, and adds a change-feed row for each work whose set or crossover
 * flag changed. Call it inside the transaction that changed the tags. Returns how many changed.
 */
export async function refreshFilterSets(trx: DbOrTrx, workIds: number[]): Promise<number> {
  if (workIds.length === 0) return 0;
  const wanted = await computeFilterSets(trx, workIds);
  const stored = new Map<number, Map<number, number>>(workIds.map((id) => [id, new Map()]));
  const crossover = new Map<number, number>();
  for (const part of chunks(workIds)) {
    const rows = await trx.selectFrom("work_filters").select(["work_id", "tag_id", "inherited"]).where("work_id", "in", part).execute();
    for (const row of rows) stored.get(row.work_id)!.set(row.tag_id, row.inherited);
    const works = await trx.selectFrom("works").select(["id", "crossover"]).where("id", "in", part).execute();
    for (const work of works) crossover.set(work.id, work.crossover);
  }
  const inserts: { work_id: number; tag_id: number; inherited: number }[] = [];
  const changedWorks: number[] = [];
  let changed = 0;
  for (const workId of workIds) {
    if (!crossover.has(workId)) continue; // deleted meanwhile
    const want = wanted.get(workId)!;
    const have = stored.get(workId)!;
    const removed = [...have.keys()].filter((tagId) => !want.filters.has(tagId));
    const flipped: [number, number][] = [];
    for (const [tagId, inherited] of want.filters) {
      const value = inherited ? 1 : 0;
      if (!have.has(tagId)) inserts.push({ work_id: workId, tag_id: tagId, inherited: value });
      else if (have.get(tagId) !== value) flipped.push([tagId, value]);
    }
    const crossoverValue = want.crossover ? 1 : 0;
    const addedHere = inserts.length && inserts[inserts.length - 1]!.work_id === workId;
    if (!removed.length && !flipped.length && !addedHere && crossover.get(workId) === crossoverValue) continue;
    changed++;
    for (const part of chunks(removed)) await trx.deleteFrom("work_filters").where("work_id", "=", workId).where("tag_id", "in", part).execute();
    for (const [tagId, value] of flipped) await trx.updateTable("work_filters").set({ inherited: value }).where("work_id", "=", workId).where("tag_id", "=", tagId).execute();
    if (crossover.get(workId) !== crossoverValue) await trx.updateTable("works").set({ crossover: crossoverValue }).where("id", "=", workId).execute();
    changedWorks.push(workId);
  }
  // Rows go in large multi-row inserts: one round trip per few thousand, not one per work.
  for (const part of chunks(inserts, 2000)) await trx.insertInto("work_filters").values(part).execute();
  await appendChanges(trx, changedWorks, "filters");
  return changed;
}

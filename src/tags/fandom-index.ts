import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { titleSortKey } from "../model/sort-keys.js";
import { listableWorkIds } from "../model/visibility.js";
import { tagFromParam, tagKey, tagPath, tagToParam, USER_TAG_TYPES } from "../model/vocabulary.js";
import { UNCATEGORIZED_MEDIA } from "./queries.js";

/* ---------------------------------------------------------------------------------------------
 * Finding fandoms: the media, the fandoms of each with their works counts, and the tag cloud.
 * The HTML pages (/media, /media/NAME/fandoms, /fandoms, /tags) and the OPDS catalog's
 * navigation feeds read the same answers, so a fandom is listed and counted alike everywhere.
 * ------------------------------------------------------------------------------------------- */

/** The medium AO3 keeps for "No Fandom": never listed among the media. */
export const NO_MEDIA = "No Media";

/** A fandom as the fandom lists show it. */
export interface FandomCount {
  id: number;
  name: string;
  /** False for a fandom tag no wrangler has made canonical or a synonym yet. */
  canonical: boolean;
  /** Works this viewer may see listed under it: what its works listing shows. */
  works: number;
  /** The alphabetical key (articles moved, leading punctuation dropped). */
  sortKey: string;
}

export interface Medium {
  id: number;
  name: string;
  /** Its fandoms with at least one work the viewer may see, alphabetically. */
  fandoms: FandomCount[];
}

export interface FandomIndex {
  /** The media by name, "Uncategorized Fandoms" last. */
  media: Medium[];
  /** Every fandom with at least one work the viewer may see, alphabetically. */
  fandoms: FandomCount[];
}

/**
 * A fandom's alphabetical key: the title key (articles moved, leading punctuation dropped) with
 * accents folded, so "Écume" files under E. Compared in code point order, never by a locale's
 * collation, so every machine lists (and pages) fandoms alike (see src/model/sort-keys.ts).
 */
function sortKeyOf(name: string): string {
  return titleSortKey(name).normalize("NFD").replace(/\p{M}/gu, "");
}

/** Code point order: the same on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function alphabetically(a: FandomCount, b: FandomCount): number {
  return byCodePoint(a.sortKey, b.sortKey) || byCodePoint(a.name, b.name) || a.id - b.id;
}

export function mostUsedFirst(a: FandomCount, b: FandomCount): number {
  return b.works - a.works || alphabetically(a, b);
}

/**
 * The fandoms in use and the media they are wrangled into, counted for this viewer.
 * A canonical fandom counts the works whose filter set holds it (its synonyms' and subtags'
 * works too: its works listing); a fandom no one has wrangled (not canonical, not a synonym)
 * counts its own works and sits under "Uncategorized Fandoms", as does a canonical fandom with
 * no medium. Synonyms are not listed: their works count toward their canonical fandom. A fandom
 * whose works the viewer may not see (drafts, registered-only works for a guest) is left out.
 */
export async function fandomIndex(db: DbOrTrx, viewer: Viewer): Promise<FandomIndex> {
  const visible = listableWorkIds(db, viewer);
  const [canonicalRows, unwrangledRows, mediaRows, parentRows] = await Promise.all([
    db
      .selectFrom("work_filters")
      .innerJoin("tags", "tags.id", "work_filters.tag_id")
      .select(["tags.id as id", "tags.name as name", (eb) => eb.fn.countAll<number>().as("n")])
      .where("tags.type", "=", "Fandom")
      .where("tags.canonical", "=", 1)
      .where("work_filters.work_id", "in", visible)
      .groupBy(["tags.id", "tags.name"])
      .execute(),
    db
      .selectFrom("work_tags")
      .innerJoin("tags", "tags.id", "work_tags.tag_id")
      .select(["tags.id as id", "tags.name as name", (eb) => eb.fn.count<number>("work_tags.work_id").distinct().as("n")])
      .where("tags.type", "=", "Fandom")
      .where("tags.canonical", "=", 0)
      .where("tags.merger_id", "is", null)
      .where("work_tags.work_id", "in", visible)
      .groupBy(["tags.id", "tags.name"])
      .execute(),
    db.selectFrom("tags").select(["id", "name", "name_key"]).where("type", "=", "Media").where("canonical", "=", 1).execute(),
    db
      .selectFrom("tag_parents")
      .innerJoin("tags as m", "m.id", "tag_parents.parent_id")
      .innerJoin("tags as f", "f.id", "tag_parents.child_id")
      .select(["tag_parents.child_id as fandomId", "tag_parents.parent_id as mediumId"])
      .where("m.type", "=", "Media")
      .where("f.type", "=", "Fandom")
      .execute(),
  ]);
  const count = (row: { id: number; name: string; n: number | string | bigint }, canonical: boolean): FandomCount => ({
    id: row.id,
    name: row.name,
    canonical,
    works: Number(row.n),
    sortKey: sortKeyOf(row.name),
  });
  const fandoms = [...canonicalRows.map((r) => count(r, true)), ...unwrangledRows.map((r) => count(r, false))].sort(alphabetically);

  const uncategorized = mediaRows.find((m) => m.name === UNCATEGORIZED_MEDIA);
  const listed = mediaRows.filter((m) => m !== uncategorized && m.name !== NO_MEDIA).sort((a, b) => byCodePoint(a.name_key, b.name_key));
  const media = new Map(listed.map((m) => [m.id, { id: m.id, name: m.name, fandoms: [] as FandomCount[] }]));
  const mediaOf = new Map<number, number[]>();
  for (const { fandomId, mediumId } of parentRows) mediaOf.set(fandomId, [...(mediaOf.get(fandomId) ?? []), mediumId]);
  const unsorted: FandomCount[] = [];
  for (const fandom of fandoms) {
    // "Uncategorized Fandoms" as a parent only says "not sorted yet" (AO3 drops it once a medium is added).
    const real = (mediaOf.get(fandom.id) ?? []).filter((id) => id !== uncategorized?.id);
    if (real.length === 0) unsorted.push(fandom);
    for (const id of real) media.get(id)?.fandoms.push(fandom);
  }
  return {
    media: [...media.values(), { id: uncategorized?.id ?? 0, name: UNCATEGORIZED_MEDIA, fandoms: unsorted }],
    fandoms,
  };
}

/** The medium named in a `/media/NAME/fandoms` URL (AO3's escapes undone), any case; undefined for none. */
export function mediumNamed(index: FandomIndex, param: string): Medium | undefined {
  const key = tagKey(tagFromParam(param));
  return index.media.find((m) => tagKey(m.name) === key);
}

/** A medium's fandoms page, as AO3 names it. */
export function mediumFandomsPath(name: string): string {
  return `/media/${encodeURIComponent(tagToParam(name))}/fandoms`;
}

/** A fandom's works listing (for an unwrangled fandom, its own works). */
export function fandomWorksPath(name: string): string {
  return `${tagPath(name)}/works`;
}

/** The letter a fandom is filed under: the first letter of its sort key, "#" for anything else. */
export function letterOf(fandom: FandomCount): string {
  const first = [...fandom.sortKey][0] ?? "";
  return /\p{L}/u.test(first) ? first.toLocaleUpperCase("en") : "#";
}

/** Fandoms (already alphabetical) grouped by letter, "#" first as it sorts first. */
export function byLetter(fandoms: FandomCount[]): [string, FandomCount[]][] {
  const groups = new Map<string, FandomCount[]>();
  for (const fandom of fandoms) {
    const letter = letterOf(fandom);
    groups.set(letter, [...(groups.get(letter) ?? []), fandom]);
  }
  return [...groups].sort((a, b) => (a[0] === "#" ? -1 : b[0] === "#" ? 1 : byCodePoint(a[0], b[0])));
}

/** A tag in the cloud, with its works count and its size class (1 to CLOUD_SIZES). */
export interface CloudTag {
  id: number;
  name: string;
  type: string;
  works: number;
  size: number;
}

export const CLOUD_TAGS = 100;
export const CLOUD_SIZES = 8;

/**
 * The CLOUD_TAGS canonical tags (fandoms, characters, relationships, additional tags) on the
 * most works this viewer may see, alphabetically, each sized 1..CLOUD_SIZES on a log scale of
 * its works count (tag use is long-tailed: a linear scale would make all but a few the smallest).
 */
export async function tagCloud(db: DbOrTrx, viewer: Viewer, limit = CLOUD_TAGS): Promise<CloudTag[]> {
  const rows = await db
    .selectFrom("work_filters")
    .innerJoin("tags", "tags.id", "work_filters.tag_id")
    .select(["tags.id as id", "tags.name as name", "tags.name_key as nameKey", "tags.type as type", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tags.type", "in", [...USER_TAG_TYPES])
    .where("tags.canonical", "=", 1)
    .where("work_filters.work_id", "in", listableWorkIds(db, viewer))
    .groupBy(["tags.id", "tags.name", "tags.name_key", "tags.type"])
    .orderBy("n", "desc")
    .orderBy("tags.name_key")
    .orderBy("tags.id")
    .limit(limit)
    .execute();
  const counts = rows.map((r) => Number(r.n));
  const low = Math.log(counts.length ? Math.min(...counts) : 1);
  const high = Math.log(counts.length ? Math.max(...counts) : 1);
  // All used alike: all middle-sized.
  const size = (n: number) => (high === low ? Math.ceil(CLOUD_SIZES / 2) : 1 + Math.round(((Math.log(n) - low) / (high - low)) * (CLOUD_SIZES - 1)));
  return rows
    .map((r) => ({ id: r.id, name: r.name, type: r.type, works: Number(r.n), size: size(Number(r.n)), key: r.nameKey }))
    .sort((a, b) => byCodePoint(a.key, b.key) || a.id - b.id)
    .map(({ key: _key, ...tag }) => tag);
}

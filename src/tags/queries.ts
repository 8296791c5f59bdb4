import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { TagRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableWorkIds } from "../model/visibility.js";
import { tagKey, type TagType } from "../model/vocabulary.js";
import { canWrangle } from "./policy.js";

/* ---------------------------------------------------------------------------------------------
 * Which tags a viewer may learn of (issue: private tags stay private).
 * ------------------------------------------------------------------------------------------- */

/** The wrangling history action of a tag made canonical by the "new tags are canonical" setting. */
export const AUTO_CANONICAL = "auto-canonical";

/**
 * The SQL condition "this viewer may see the tag" on a query that names the tags table `tags`:
 * autocomplete, tag pages (and the tags they list), the tag API and tag search all use it.
 *
 * A tag is shown when it is part of the archive's vocabulary, or when a work the viewer may see
 * uses it (a work listed to them, or one of their own, drafts included, so a writer finds their
 * own tags). The vocabulary: the tags the archive comes with (canonical, with no wrangling
 * history: ratings, warnings, categories, media) and every tag a wrangler or the command line
 * has acted on (created at /tags/new, made canonical, a synonym, given a parent...).
 *
 * Not the tags made canonical only by the "new tags are canonical" setting (their one history
 * line says so): that happens when a posted work first uses a tag, and a registered-only work's
 * free-text tag must stay hidden from guests, so such a tag shows where its works do. Wranglers
 * and admins see every tag, as the wrangling pages show them.
 */
export function visibleTagCondition(db: DbOrTrx, viewer: Viewer): RawBuilder<SqlBool> {
  if (canWrangle(viewer)) return sql<SqlBool>`(1 = 1)`;
  const ownWorks = viewer.user
    ? sql` or wt.work_id in (select wc.work_id from work_creators wc join pseuds p on p.id = wc.pseud_id where p.user_id = ${viewer.user.id})`
    : sql``;
  const auto = sql.lit(AUTO_CANONICAL);
  return sql<SqlBool>`(exists (select 1 from wrangling_log wl where wl.tag_id = tags.id and wl.action <> ${auto})
    or (tags.canonical = 1 and not exists (select 1 from wrangling_log wl where wl.tag_id = tags.id))
    or exists (select 1 from work_tags wt where wt.tag_id = tags.id and (wt.work_id in (${listableWorkIds(db, viewer)})${ownWorks})))`;
}

/** Whether the viewer may see one tag (visibleTagCondition for one row). */
export async function tagVisibleTo(db: DbOrTrx, viewer: Viewer, tagId: number): Promise<boolean> {
  const row = await db.selectFrom("tags").select("tags.id").where("tags.id", "=", tagId).where(visibleTagCondition(db, viewer)).executeTakeFirst();
  return row !== undefined;
}

/* ---------------------------------------------------------------------------------------------
 * Reads for tag pages and the wrangling pages.
 * ------------------------------------------------------------------------------------------- */

/** A tag as listed on tag and wrangling pages. */
export interface TagSummary {
  id: number;
  name: string;
  type: string;
  canonical: boolean;
}

/** How many related tags a page lists before saying "and N more". */
export const RELATED_CAP = 300;

/** A capped list and how many there are in all. */
export interface Capped<T> {
  items: T[];
  total: number;
}

function summary(row: { id: number; name: string; type: string; canonical: number }): TagSummary {
  return { id: row.id, name: row.name, type: row.type, canonical: row.canonical === 1 };
}

const SUMMARY_COLUMNS = ["tags.id as id", "tags.name as name", "tags.type as type", "tags.canonical as canonical"] as const;

/** Everything a tag page shows about a tag's place in the graph. */
export interface TagRelations {
  /** The canonical tag this one is a synonym of. */
  merger: TagSummary | null;
  synonyms: Capped<TagSummary>;
  parents: TagSummary[];
  metatags: TagSummary[];
  subtags: Capped<TagSummary>;
  /** Child tags (this tag is their parent) by type, canonical first. */
  children: Map<string, Capped<TagSummary>>;
}

async function cappedList(
  rows: Promise<{ id: number; name: string; type: string; canonical: number }[]>,
  count: () => Promise<number>,
): Promise<Capped<TagSummary>> {
  const items = (await rows).map(summary);
  return { items, total: items.length < RELATED_CAP ? items.length : await count() };
}

/** The tag's merger, synonyms, parents, metatags, subtags and children, each list capped. */
export async function tagRelations(db: DbOrTrx, tag: TagRow, viewer: Viewer): Promise<TagRelations> {
  // Related tags the viewer may not see are left out of the lists and their counts.
  const visible = visibleTagCondition(db, viewer);
  const merger = tag.merger_id === null ? undefined : await db.selectFrom("tags").select(SUMMARY_COLUMNS).where("id", "=", tag.merger_id).executeTakeFirst();
  const countOf = async (query: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) => Number((await query.executeTakeFirstOrThrow()).n);
  const synonyms = cappedList(
    db.selectFrom("tags").select(SUMMARY_COLUMNS).where("merger_id", "=", tag.id).where(visible).orderBy("name_key").limit(RELATED_CAP).execute(),
    () => countOf(db.selectFrom("tags").select((eb) => eb.fn.countAll<number>().as("n")).where("merger_id", "=", tag.id).where(visible)),
  );
  const parents = db
    .selectFrom("tag_parents")
    .innerJoin("tags", "tags.id", "tag_parents.parent_id")
    .select(SUMMARY_COLUMNS)
    .where("tag_parents.child_id", "=", tag.id)
    .where(visible)
    .orderBy("tags.type")
    .orderBy("tags.name_key")
    .execute();
  const metatags = db.selectFrom("tag_meta").innerJoin("tags", "tags.id", "tag_meta.meta_id").select(SUMMARY_COLUMNS).where("tag_meta.sub_id", "=", tag.id).where(visible).orderBy("tags.name_key").execute();
  const subtags = cappedList(
    db.selectFrom("tag_meta").innerJoin("tags", "tags.id", "tag_meta.sub_id").select(SUMMARY_COLUMNS).where("tag_meta.meta_id", "=", tag.id).where(visible).orderBy("tags.name_key").limit(RELATED_CAP).execute(),
    () => countOf(db.selectFrom("tag_meta").innerJoin("tags", "tags.id", "tag_meta.sub_id").select((eb) => eb.fn.countAll<number>().as("n")).where("meta_id", "=", tag.id).where(visible)),
  );
  const childTypes = await db
    .selectFrom("tag_parents")
    .innerJoin("tags", "tags.id", "tag_parents.child_id")
    .select(["tags.type as type", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tag_parents.parent_id", "=", tag.id)
    .where(visible)
    .groupBy("tags.type")
    .execute();
  const children = new Map<string, Capped<TagSummary>>();
  for (const { type, n } of childTypes) {
    const rows = await db
      .selectFrom("tag_parents")
      .innerJoin("tags", "tags.id", "tag_parents.child_id")
      .select(SUMMARY_COLUMNS)
      .where("tag_parents.parent_id", "=", tag.id)
      .where("tags.type", "=", type)
      .where(visible)
      .orderBy("tags.canonical", "desc")
      .orderBy("tags.name_key")
      .limit(RELATED_CAP)
      .execute();
    children.set(type, { items: rows.map(summary), total: Number(n) });
  }
  return {
    merger: merger ? summary(merger) : null,
    synonyms: await synonyms,
    parents: (await parents).map(summary),
    metatags: (await metatags).map(summary),
    subtags: await subtags,
    children,
  };
}

/**
 * How many works the viewer may see under a tag: for a canonical tag, works whose filter set
 * holds it (as its works listing shows); for any other tag, the works tagged with it.
 */
export async function countTagWorks(db: DbOrTrx, viewer: Viewer, tag: TagRow): Promise<number> {
  const visible = listableWorkIds(db, viewer);
  const row = tag.canonical
    ? await db.selectFrom("work_filters").select((eb) => eb.fn.countAll<number>().as("n")).where("tag_id", "=", tag.id).where("work_id", "in", visible).executeTakeFirstOrThrow()
    : await db.selectFrom("work_tags").select((eb) => eb.fn.countAll<number>().as("n")).where("tag_id", "=", tag.id).where("work_id", "in", visible).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The types a fandom's wrangling bins hold, with the `?show=` word for each. */
export const BIN_TYPES = ["Character", "Relationship", "Freeform"] as const;
export type BinType = (typeof BIN_TYPES)[number];

/**
 * Unwrangled tags of the bin types on the works (visible to the viewer) whose filter set holds
 * one of these fandoms, or that are tagged with it (a fandom nobody has wrangled has a bin too,
 * so its characters are not lost while it waits). Unwrangled: not canonical, not a synonym, not
 * unwrangleable, and no Fandom parent yet.
 */
function unwrangledOnFandomWorks(db: DbOrTrx, viewer: Viewer, fandomIds: number[]) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom("work_filters")
        .select(["work_filters.work_id as work_id", "work_filters.tag_id as tag_id"])
        .where("work_filters.tag_id", "in", fandomIds)
        .union(eb.selectFrom("work_tags").select(["work_tags.work_id as work_id", "work_tags.tag_id as tag_id"]).where("work_tags.tag_id", "in", fandomIds))
        .as("wf"),
    )
    .innerJoin("work_tags as wt", "wt.work_id", "wf.work_id")
    .innerJoin("tags as t", "t.id", "wt.tag_id")
    .where("wf.work_id", "in", listableWorkIds(db, viewer))
    .where("t.type", "in", [...BIN_TYPES])
    .where("t.canonical", "=", 0)
    .where("t.merger_id", "is", null)
    .where("t.unwrangleable", "=", 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tag_parents as tp")
            .innerJoin("tags as p", "p.id", "tp.parent_id")
            .select("tp.child_id")
            .whereRef("tp.child_id", "=", "t.id")
            .where("p.type", "=", "Fandom"),
        ),
      ),
    );
}

export type BinCounts = Record<BinType, number>;

/** Each fandom's unwrangled tag counts by bin type, in one query. */
export async function unwrangledCounts(db: DbOrTrx, viewer: Viewer, fandomIds: number[]): Promise<Map<number, BinCounts>> {
  const counts = new Map<number, BinCounts>(fandomIds.map((id) => [id, { Character: 0, Relationship: 0, Freeform: 0 }]));
  if (fandomIds.length === 0) return counts;
  const rows = await unwrangledOnFandomWorks(db, viewer, fandomIds)
    .select(["wf.tag_id as fandomId", "t.type as type", (eb) => eb.fn.count<number>("t.id").distinct().as("n")])
    .groupBy(["wf.tag_id", "t.type"])
    .execute();
  for (const row of rows) {
    const entry = counts.get(row.fandomId);
    if (entry) entry[row.type as BinType] = Number(row.n);
  }
  return counts;
}

export interface BinTag {
  id: number;
  name: string;
  /** Works in this fandom (visible to the viewer) that use the tag. */
  works: number;
}

export const BIN_PER_PAGE = 100;

/** One page of a fandom's unwrangled tags of one type, by name, with their works counts. */
export async function unwrangledTags(db: DbOrTrx, viewer: Viewer, fandomId: number, type: BinType, page: number): Promise<{ total: number; tags: BinTag[] }> {
  const base = unwrangledOnFandomWorks(db, viewer, [fandomId]).where("t.type", "=", type);
  const counted = await base.select((eb) => eb.fn.count<number>("t.id").distinct().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select(["t.id as id", "t.name as name", (eb) => eb.fn.count<number>("wt.work_id").distinct().as("works")])
    .groupBy(["t.id", "t.name", "t.name_key"])
    .orderBy("t.name_key")
    .orderBy("t.id")
    .limit(BIN_PER_PAGE)
    .offset((page - 1) * BIN_PER_PAGE)
    .execute();
  return { total: Number(counted.n), tags: rows.map((r) => ({ id: r.id, name: r.name, works: Number(r.works) })) };
}

export const FANDOMS_PER_PAGE = 100;

/** One page of the canonical fandoms, by name. */
export async function canonicalFandoms(db: DbOrTrx, page: number): Promise<{ total: number; fandoms: TagSummary[] }> {
  const base = db.selectFrom("tags").where("type", "=", "Fandom").where("canonical", "=", 1);
  const counted = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select(SUMMARY_COLUMNS)
    .orderBy("name_key")
    .limit(FANDOMS_PER_PAGE)
    .offset((page - 1) * FANDOMS_PER_PAGE)
    .execute();
  return { total: Number(counted.n), fandoms: rows.map(summary) };
}

/** The medium that only says "not sorted yet": a fandom under it still counts as without media. */
export const UNCATEGORIZED_MEDIA = "Uncategorized Fandoms";

/** Canonical fandoms with no medium (or only "Uncategorized Fandoms"), by name, capped. */
export async function fandomsWithoutMedia(db: DbOrTrx): Promise<Capped<TagSummary>> {
  const base = db
    .selectFrom("tags")
    .where("tags.type", "=", "Fandom")
    .where("tags.canonical", "=", 1)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tag_parents as tp")
            .innerJoin("tags as m", "m.id", "tp.parent_id")
            .select("tp.child_id")
            .whereRef("tp.child_id", "=", "tags.id")
            .where("m.type", "=", "Media")
            .where("m.name", "!=", UNCATEGORIZED_MEDIA),
        ),
      ),
    );
  const rows = await base.select(SUMMARY_COLUMNS).orderBy("tags.name_key").limit(RELATED_CAP).execute();
  const total = rows.length < RELATED_CAP ? rows.length : Number((await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  return { items: rows.map(summary), total };
}

export interface HistoryLine {
  id: number;
  action: string;
  detail: string;
  userId: number | null;
  createdAt: string;
}

export const HISTORY_LIMIT = 500;

/** A tag's wrangling history, newest first. */
export async function wranglingHistory(db: DbOrTrx, tagId: number): Promise<HistoryLine[]> {
  const rows = await db
    .selectFrom("wrangling_log")
    .select(["id", "action", "detail", "user_id", "created_at"])
    .where("tag_id", "=", tagId)
    .orderBy("id", "desc")
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.map((r) => ({ id: r.id, action: r.action, detail: r.detail, userId: r.user_id, createdAt: r.created_at }));
}

export const AUTOCOMPLETE_LIMIT = 15;

// LIKE's own wildcards in a typed term match themselves ("%" and "\" can't be in tag names).
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Tags for an autocomplete: names that start with the term, or have a word that does (after a
 * space, "/", "(", "&" or "-"), case-insensitively; synonyms left out. Canonical tags first,
 * then prefix matches before word matches, then by name.
 */
export async function autocompleteTags(db: DbOrTrx, viewer: Viewer, type: TagType | "Media" | null, term: string): Promise<{ id: number; name: string }[]> {
  const key = tagKey(term.replace(/\s+/g, " ").trim());
  if (!key) return [];
  const prefix = `${likeLiteral(key)}%`;
  const inWord = ["% ", "%/", "%(", "%&", "%-"].map((before) => `${before}${likeLiteral(key)}%`);
  const like = (pattern: string) => sql<boolean>`${sql.ref("name_key")} like ${pattern} escape '\\'`;
  let query = db
    .selectFrom("tags")
    .select(["id", "name"])
    .where("merger_id", "is", null)
    .where(sql<boolean>`(${sql.join([like(prefix), ...inWord.map(like)], sql` or `)})`)
    .where(visibleTagCondition(db, viewer))
    .orderBy("canonical", "desc")
    .orderBy(sql`case when ${like(prefix)} then 0 else 1 end`)
    .orderBy("name_key")
    .limit(AUTOCOMPLETE_LIMIT);
  if (type) query = query.where("type", "=", type);
  return query.execute();
}

export const TAG_SEARCH_PER_PAGE = 50;

export interface FoundTag extends TagSummary {
  /** Works the viewer may see that carry the tag itself. */
  uses: number;
}

/**
 * Tag search (`/tags/search`): tags the viewer may see whose name holds every typed word (any
 * case or Unicode form; the words are matched as text, never as a pattern), of a type and
 * canonical status when asked, by name or by uses (the works the viewer may see tagged with
 * it, most first), one page at a time.
 */
export async function searchTags(
  db: DbOrTrx,
  viewer: Viewer,
  options: { name: string; type: string; canonical: "" | "T" | "F"; sort: "name" | "uses"; page: number },
): Promise<{ total: number; tags: FoundTag[] }> {
  const words = tagKey(options.name).split(/\s+/).filter(Boolean).slice(0, 10);
  let base = db.selectFrom("tags").where(visibleTagCondition(db, viewer));
  for (const word of words) base = base.where(sql<SqlBool>`${sql.ref("tags.name_key")} like ${`%${likeLiteral(word)}%`} escape '\\'`);
  if (options.type) base = base.where("tags.type", "=", options.type);
  if (options.canonical) base = base.where("tags.canonical", "=", options.canonical === "T" ? 1 : 0);
  const counted = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const uses = sql<number>`(select count(*) from work_tags ut where ut.tag_id = tags.id and ut.work_id in (${listableWorkIds(db, viewer)}))`;
  let query = base.select([...SUMMARY_COLUMNS, uses.as("uses")]);
  if (options.sort === "uses") query = query.orderBy(sql`uses`, "desc");
  const rows = await query
    .orderBy("tags.name_key")
    .orderBy("tags.id")
    .limit(TAG_SEARCH_PER_PAGE)
    .offset((options.page - 1) * TAG_SEARCH_PER_PAGE)
    .execute();
  return { total: Number(counted.n), tags: rows.map((r) => ({ ...summary(r), uses: Number(r.uses) })) };
}

/** Unwrangled fandoms in use: not canonical, not a synonym, not unwrangleable, on a work the viewer may see; by name, capped. */
export async function unwrangledFandoms(db: DbOrTrx, viewer: Viewer): Promise<Capped<TagSummary>> {
  const base = db
    .selectFrom("tags")
    .where("tags.type", "=", "Fandom")
    .where("tags.canonical", "=", 0)
    .where("tags.merger_id", "is", null)
    .where("tags.unwrangleable", "=", 0)
    .where((eb) => eb.exists(eb.selectFrom("work_tags as wt").select("wt.tag_id").whereRef("wt.tag_id", "=", "tags.id").where("wt.work_id", "in", listableWorkIds(db, viewer))));
  const rows = await base.select(SUMMARY_COLUMNS).orderBy("tags.name_key").limit(RELATED_CAP).execute();
  const total = rows.length < RELATED_CAP ? rows.length : Number((await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  return { items: rows.map(summary), total };
}

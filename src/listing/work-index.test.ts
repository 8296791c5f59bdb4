import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "../../test/support/db.js";
import { appendChanges } from "../platform/changes.js";
import type { Insertable, Updateable } from "kysely";
import type { Db } from "../platform/db/index.js";
import type { WorksTable } from "../platform/db/tables.js";
import { TAG_TYPES, type TagType } from "../model/vocabulary.js";
import { COLUMN_NAMES, columnSpec, indexValue, isTextColumn, type NumberColumn, type WorkColumn } from "./columns.js";
import { BrowseIndex } from "./index-loader.js";
import { FACET_SIZE, FACET_TYPES, type ListingQuery, type ListingResult, SORT_COLUMNS, type SortColumn, defaultListingQuery } from "./listing-query.js";
import { sqlListing } from "../oracles/sql-listing.js";

// Property test: for random corpora and random filter combinations, the index's answers (total,
// page, facets) equal a brute-force evaluation in plain JavaScript and the SQL path, on both
// dialects, before and after random changes arrive through the change feed, with every
// strategy the index can pick (walk or sort for pages, tag lists or bitmaps for facets).

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

/** A work as the test models it: its flags, and every column of the column table as stored. */
interface ModelWork {
  id: number;
  posted: boolean;
  restricted: boolean;
  /** Hidden by an admin: listed only for admins and the work's own creators. */
  hidden: boolean;
  complete: boolean;
  crossover: boolean;
  language: string;
  columns: Record<WorkColumn, string | number>;
  pseudIds: number[];
  direct: number[];
  inherited: number[];
}

interface Corpus {
  works: Map<number, ModelWork>;
  tagsByType: Map<TagType, number[]>;
  typeOf: Map<number, TagType>;
  pseuds: { id: number; userId: number }[];
}

const LANGUAGES = ["en", "zh", "fr"];
const TITLES = ["apple", "Apple", "bee", "the cat", "ångström", "😀 emoji", "zebra", "", "a bee"];

async function makeCorpus(db: Db, r: Rng, size: number): Promise<Corpus> {
  const now = "2026-01-01T00:00:00.000Z";
  const pseuds: Corpus["pseuds"] = [];
  for (let u = 0; u < 3; u++) {
    const user = await db
      .insertInto("users")
      .values({ login: `u${u}`, login_key: `u${u}`, email: `u${u}@example.com`, password_hash: "x", created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (let p = 0; p < 2; p++) {
      const pseud = await db
        .insertInto("pseuds")
        .values({ user_id: user.id, name: `p${u}${p}`, name_key: `p${u}${p}`, description: "", is_default: p === 0 ? 1 : 0, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      pseuds.push({ id: pseud.id, userId: user.id });
    }
  }
  const tagsByType = new Map<TagType, number[]>();
  const typeOf = new Map<number, TagType>();
  const fixed = await db.selectFrom("tags").select(["id", "type"]).where("type", "in", ["Rating", "ArchiveWarning", "Category"]).execute();
  for (const tag of fixed) {
    tagsByType.set(tag.type as TagType, [...(tagsByType.get(tag.type as TagType) ?? []), tag.id]);
    typeOf.set(tag.id, tag.type as TagType);
  }
  for (const type of ["Fandom", "Character", "Relationship", "Freeform"] as const) {
    const ids: number[] = [];
    for (let i = 0; i < 14; i++) {
      const tag = await db
        .insertInto("tags")
        .values({ name: `${type} ${i}`, name_key: `${type.toLowerCase()} ${i}`, type, canonical: 1, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(tag.id);
      typeOf.set(tag.id, type);
    }
    tagsByType.set(type, ids);
  }
  const corpus: Corpus = { works: new Map(), tagsByType, typeOf, pseuds };
  for (let i = 0; i < size; i++) await insertWork(db, r, corpus);
  return corpus;
}

function randomWork(r: Rng, corpus: Corpus, id: number): ModelWork {
  const pick = (type: TagType, n: number) => {
    const pool = corpus.tagsByType.get(type)!;
    // Skewed towards the first tags, so some tags are common and facets have ties and cut-offs.
    const out = new Set<number>();
    for (let i = 0; i < n; i++) out.add(pool[Math.min(pool.length - 1, Math.floor(pool.length * r.next() * r.next()))]!);
    return [...out];
  };
  const direct = [...pick("Rating", 1), ...pick("ArchiveWarning", r.int(1, 2)), ...pick("Category", r.int(0, 2)), ...pick("Fandom", r.int(1, 2)), ...pick("Character", r.int(0, 4)), ...pick("Relationship", r.int(0, 2)), ...pick("Freeform", r.int(0, 5))];
  const inherited = pick("Fandom", r.int(0, 1)).filter((t) => !direct.includes(t));
  const creators = r.chance(0.2) ? [r.pick(corpus.pseuds), r.pick(corpus.pseuds)] : [r.pick(corpus.pseuds)];
  const columns = {} as Record<WorkColumn, string | number>;
  // Every column of the table, by kind, with many ties so the tie-breaks decide.
  for (const column of COLUMN_NAMES) columns[column] = randomValue(r, column);
  columns.creators_sort = [...new Set(creators.map((c) => `p${c.id}`))].join(", ");
  return {
    id,
    posted: r.chance(0.9),
    restricted: r.chance(0.25),
    hidden: r.chance(0.15),
    complete: r.chance(0.7),
    crossover: r.chance(0.15),
    language: r.pick(LANGUAGES),
    columns,
    pseudIds: [...new Set(creators.map((c) => c.id))],
    direct,
    inherited,
  };
}

/** A stored value of the column's kind: counts with ties, dates in a few years, titles that test byte order. */
function randomValue(r: Rng, column: WorkColumn): string | number {
  const date = (y: number) => `${y}-0${r.int(1, 9)}-1${r.int(0, 9)}`;
  switch (columnSpec(column).kind) {
    case "count":
      return r.pick([0, 0, 1, 2, 3, 100, 500, 1000, 1000, 2500, 10_000, r.int(0, 20_000)]);
    case "instant":
      return `${date(r.int(2018, 2020))}T0${r.int(0, 9)}:00:00.000Z`;
    case "day":
      return date(r.int(2015, 2017));
    case "text":
      return r.pick(TITLES);
  }
}

/** A range bound in the index's units for a random query. */
function randomBound(r: Rng, column: NumberColumn): number {
  const kind = columnSpec(column).kind;
  if (kind === "count") return r.pick([0, 1, 2, 100, 1000, 2500, 5000, 15_000]);
  const day = `${r.int(kind === "day" ? 2015 : 2018, kind === "day" ? 2017 : 2020)}-0${r.int(1, 9)}-1${r.int(0, 9)}`;
  // Instants anywhere in a day; days at any hour too, so bounds inside a day are checked.
  return Date.parse(`${day}T${r.pick(["00:00:00.000", "05:00:00.000", "23:59:59.999"])}Z`);
}

/** The flags and columns the test changes at random; the same as stored. */
const CHANGEABLE = ["posted", "restricted", "hidden", "complete", "crossover", "language", ...COLUMN_NAMES] as const;

function workRow(w: ModelWork): Updateable<WorksTable> {
  return {
    posted: w.posted ? 1 : 0,
    restricted: w.restricted ? 1 : 0,
    hidden_by_admin: w.hidden ? 1 : 0,
    complete: w.complete ? 1 : 0,
    crossover: w.crossover ? 1 : 0,
    language: w.language,
    ...(w.columns as Updateable<WorksTable>),
  };
}

async function writeLinks(db: Db, w: ModelWork): Promise<void> {
  await db.deleteFrom("work_filters").where("work_id", "=", w.id).execute();
  await db.deleteFrom("work_creators").where("work_id", "=", w.id).execute();
  const filters = [...w.direct.map((tag_id) => ({ work_id: w.id, tag_id, inherited: 0 })), ...w.inherited.map((tag_id) => ({ work_id: w.id, tag_id, inherited: 1 }))];
  if (filters.length) await db.insertInto("work_filters").values(filters).execute();
  await db
    .insertInto("work_creators")
    .values(w.pseudIds.map((pseud_id, position) => ({ work_id: w.id, pseud_id, position })))
    .execute();
}

async function insertWork(db: Db, r: Rng, corpus: Corpus, posting = false): Promise<number> {
  const draft = randomWork(r, corpus, 0);
  // Works posted after the index was built are the newest (they pile into the top "updated" bucket).
  if (posting) draft.columns.revised_at = `2021-0${r.int(1, 9)}-1${r.int(0, 9)}T0${r.int(0, 9)}:00:00.000Z`;
  const row = await db
    .insertInto("works")
    .values({
      title: String(draft.columns.title_sort),
      summary: "",
      notes: "",
      endnotes: "",
      expected_chapters: 1,
      comment_permission: "all",
      backdated: 0,
      import_headers: null,
      created_at: "2020-01-01T00:00:00.000Z",
      updated_at: "2020-01-01T00:00:00.000Z",
      ...workRow(draft),
    } as Insertable<WorksTable>)
    .returning("id")
    .executeTakeFirstOrThrow();
  const work = { ...draft, id: row.id };
  await writeLinks(db, work);
  corpus.works.set(work.id, work);
  return work.id;
}

/** Random changes through the database and the change feed, as the commands make them. */
async function mutate(db: Db, r: Rng, corpus: Corpus, count: number): Promise<void> {
  const changed: number[] = [];
  for (let i = 0; i < count; i++) {
    const ids = [...corpus.works.keys()];
    const roll = r.next();
    if (roll < 0.25) {
      changed.push(await insertWork(db, r, corpus, true));
    } else if (roll < 0.35) {
      const id = r.pick(ids);
      await db.deleteFrom("work_filters").where("work_id", "=", id).execute();
      await db.deleteFrom("work_creators").where("work_id", "=", id).execute();
      await db.deleteFrom("works").where("id", "=", id).execute();
      corpus.works.delete(id);
      changed.push(id);
    } else {
      const id = r.pick(ids);
      const fresh = { ...randomWork(r, corpus, id) };
      const old = corpus.works.get(id)!;
      // Change some fields only, so most works keep their place in most orders.
      const next: ModelWork = { ...old, columns: { ...old.columns } };
      for (const key of CHANGEABLE) {
        if (!r.chance(0.3)) continue;
        if (key in next.columns) next.columns[key as WorkColumn] = fresh.columns[key as WorkColumn];
        else (next as unknown as Record<string, unknown>)[key] = fresh[key as keyof ModelWork];
      }
      if (r.chance(0.4)) Object.assign(next, { direct: fresh.direct, inherited: fresh.inherited });
      if (r.chance(0.2)) {
        next.pseudIds = fresh.pseudIds;
        next.columns.creators_sort = fresh.columns.creators_sort;
      }
      await db.updateTable("works").set(workRow(next)).where("id", "=", id).execute();
      await writeLinks(db, next);
      corpus.works.set(id, next);
      changed.push(id);
    }
  }
  await appendChanges(db, changed, "work");
}

function randomQuery(r: Rng, corpus: Corpus): ListingQuery {
  const q = defaultListingQuery(r.chance(0.5));
  // Who asks, as listingAudience says it: a member (sometimes the creator of hidden works), or an admin.
  if (q.loggedIn && r.chance(0.6)) q.viewerUserId = r.pick(corpus.pseuds).userId;
  if (q.loggedIn && r.chance(0.2)) q.seesHidden = true;
  const anyTag = () => r.pick(corpus.tagsByType.get(r.pick(TAG_TYPES))!);
  const scope = r.next();
  if (scope < 0.3) q.scope = { kind: "filter", tagId: r.pick(corpus.tagsByType.get("Fandom")!) };
  else if (scope < 0.4) q.scope = { kind: "user", userId: r.pick(corpus.pseuds).userId };
  else if (scope < 0.5) q.scope = { kind: "pseud", pseudId: r.pick(corpus.pseuds).id };
  for (let i = r.int(0, 2); i > 0; i--) q.includeTagIds.push(anyTag());
  for (let i = r.pick([0, 0, 1, 3]); i > 0; i--) q.excludeTagIds.push(anyTag());
  if (r.chance(0.05)) q.includeTagIds.push(999_999); // a tag nobody has
  if (r.chance(0.2)) q.excludeUserIds = [r.pick(corpus.pseuds).userId, ...(r.chance(0.5) ? [r.pick(corpus.pseuds).userId, 999_999] : [])]; // muted users
  q.crossover = r.pick(["include", "include", "exclude", "only"] as const);
  q.completion = r.pick(["all", "all", "complete", "in_progress"] as const);
  for (const column of COLUMN_NAMES) {
    if (isTextColumn(column) || !r.chance(0.2)) continue;
    const range = ((q.ranges ??= {})[column] = {} as { min?: number; max?: number });
    if (r.chance(0.7)) range.min = randomBound(r, column);
    if (r.chance(0.7)) range.max = randomBound(r, column);
  }
  if (r.chance(0.2)) q.language = r.pick(LANGUAGES);
  q.sort = r.pick(Object.keys(SORT_COLUMNS) as SortColumn[]);
  q.direction = r.pick(["asc", "desc"] as const);
  q.perPage = r.pick([3, 5, 20]);
  q.page = r.pick([1, 1, 2, 3, 40]);
  return q;
}

/** The listing computed the obvious way, over the model. */
function bruteForce(corpus: Corpus, q: ListingQuery): ListingResult {
  const filters = (w: ModelWork) => new Set([...w.direct, ...w.inherited]);
  const userOf = new Map(corpus.pseuds.map((p) => [p.id, p.userId]));
  const matches = [...corpus.works.values()].filter((w) => {
    const f = filters(w);
    if (!w.posted || (!q.loggedIn && w.restricted)) return false;
    if (w.hidden && !q.seesHidden && !w.pseudIds.some((p) => userOf.get(p) === q.viewerUserId)) return false;
    if (q.scope.kind === "filter" && !f.has(q.scope.tagId)) return false;
    if (q.scope.kind === "pseud" && !w.pseudIds.includes(q.scope.pseudId)) return false;
    const scope = q.scope;
    if (scope.kind === "user" && !w.pseudIds.some((p) => userOf.get(p) === scope.userId)) return false;
    if (!q.includeTagIds.every((t) => f.has(t))) return false;
    if (q.excludeTagIds.some((t) => f.has(t))) return false;
    if (w.pseudIds.some((p) => q.excludeUserIds?.includes(userOf.get(p)!))) return false;
    if (q.crossover === "only" && !w.crossover) return false;
    if (q.crossover === "exclude" && w.crossover) return false;
    if (q.completion === "complete" && !w.complete) return false;
    if (q.completion === "in_progress" && w.complete) return false;
    for (const [column, range] of Object.entries(q.ranges ?? {}) as [NumberColumn, { min?: number; max?: number }][]) {
      const value = indexValue(column, w.columns[column]) as number;
      if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) return false;
    }
    if (q.language && w.language !== q.language) return false;
    return true;
  });
  const column = SORT_COLUMNS[q.sort].column;
  const sign = q.direction === "asc" ? 1 : -1;
  const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  const compareText = (a: string, b: string) => {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  matches.sort((a, b) => {
    const x = indexValue(column, a.columns[column]);
    const y = indexValue(column, b.columns[column]);
    const c = typeof x === "string" ? compareText(x, y as string) : x - (y as number);
    return sign * (c !== 0 ? c : a.id - b.id);
  });
  const start = (q.page - 1) * q.perPage;
  const facets: ListingResult["facets"] = {};
  for (const { type } of FACET_TYPES) {
    const counts = new Map<number, number>();
    for (const w of matches) for (const t of w.direct) if (corpus.typeOf.get(t) === type) counts.set(t, (counts.get(t) ?? 0) + 1);
    facets[type] = [...counts]
      .map(([tagId, count]) => ({ tagId, count }))
      .sort((a, b) => b.count - a.count || a.tagId - b.tagId)
      .slice(0, FACET_SIZE);
  }
  return { total: matches.length, workIds: matches.slice(start, start + q.perPage).map((w) => w.id), facets };
}

const STRATEGIES = [
  { name: "auto", options: {} },
  { name: "walk + bitmap facets", options: { pageStrategy: "walk", countThroughWorksBelow: 0 } },
  { name: "select + counted facets", options: { pageStrategy: "select", countThroughWorksBelow: Number.POSITIVE_INFINITY } },
] as const;

test("the browse index answers random listings exactly as brute force and SQL do, before and after changes", async (t) => {
  await eachDialect(t, async (_t, { db, dialect }) => {
    const seed = dialect === "sqlite" ? 7 : 11;
    const r = rng(seed);
    const corpus = await makeCorpus(db, r, 160);
    const indexes = await Promise.all(STRATEGIES.map((s) => BrowseIndex.build(db, s.options)));
    const check = async (round: string, queries: number) => {
      for (let i = 0; i < queries; i++) {
        const q = randomQuery(r, corpus);
        const expected = bruteForce(corpus, q);
        const context = `${round} seed ${seed} query ${i}: ${JSON.stringify(q)}`;
        assert.deepEqual(await sqlListing(db, q), expected, `SQL, ${context}`);
        for (const [s, browse] of indexes.entries()) assert.deepEqual(await browse.query(q), expected, `index (${STRATEGIES[s]!.name}), ${context}`);
      }
    };
    await check("fresh", 120);
    for (let round = 1; round <= 3; round++) {
      await mutate(db, r, corpus, 25);
      await check(`after changes ${round}`, 60);
    }
  });
});

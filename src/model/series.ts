import type { DbOrTrx } from "../platform/db/index.js";
import type { SeriesRow, WorkRow } from "../platform/db/tables.js";
import { GUEST, type Viewer } from "../platform/http/viewer.js";
import { listableBy } from "./visibility.js";
import { type Blurb, type Creator, hydrateBlurbs } from "./works.js";

/** A series with its credited pseuds and the users who own it through them. */
export interface Series extends SeriesRow {
  creators: Creator[];
  ownerUserIds: number[];
}

/** The credited pseuds of many series in one query, in byline order. */
export async function creatorsOfSeries(db: DbOrTrx, seriesIds: number[]): Promise<Map<number, Creator[]>> {
  const bySeries = new Map<number, Creator[]>(seriesIds.map((id) => [id, []]));
  if (seriesIds.length === 0) return bySeries;
  const rows = await db
    .selectFrom("series_creators")
    .innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["series_creators.series_id as seriesId", "pseuds.id as pseudId", "pseuds.name as pseudName", "users.id as userId", "users.login as login"])
    .where("series_creators.series_id", "in", seriesIds)
    .orderBy("series_creators.series_id")
    .orderBy("series_creators.position")
    .execute();
  for (const { seriesId, ...creator } of rows) bySeries.get(seriesId)?.push(creator);
  return bySeries;
}

function withCreators(row: SeriesRow, creators: Creator[]): Series {
  return { ...row, creators, ownerUserIds: [...new Set(creators.map((c) => c.userId))] };
}

/** A series with its creators, whatever its works' visibility (callers apply the policy). */
export async function findSeries(db: DbOrTrx, id: number): Promise<Series | undefined> {
  const row = await db.selectFrom("series").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return withCreators(row, (await creatorsOfSeries(db, [id])).get(id) ?? []);
}

/**
 * The works of a series this viewer may see listed (the works capability's one predicate: no
 * drafts, no registered-only works for guests), in series order. Everything the series page
 * shows or counts comes from this list, so hidden works never show, not even as a number.
 */
export async function seriesWorksVisibleTo(db: DbOrTrx, viewer: Viewer, seriesId: number): Promise<WorkRow[]> {
  return db
    .selectFrom("serial_works")
    .innerJoin("works", "works.id", "serial_works.work_id")
    .selectAll("works")
    .where("serial_works.series_id", "=", seriesId)
    .where(listableBy(viewer))
    .orderBy("serial_works.position")
    .execute();
}

/** The same works as blurbs (creators, tags, chapter counts batched), in series order. */
export async function seriesBlurbsVisibleTo(db: DbOrTrx, viewer: Viewer, seriesId: number): Promise<Blurb[]> {
  return hydrateBlurbs(db, await seriesWorksVisibleTo(db, viewer, seriesId));
}

/** Word and work counts of what this viewer may see of a series. */
export function seriesStats(works: Pick<WorkRow, "word_count">[]): { works: number; words: number } {
  return { works: works.length, words: works.reduce((sum, w) => sum + w.word_count, 0) };
}

/** A neighbour in a series, as the work page links it. */
export interface SeriesNeighbour {
  id: number;
  title: string;
}

/** Where a work stands in one series, for "Part N of SERIES" with previous and next. */
export interface SeriesPlace {
  seriesId: number;
  title: string;
  /** The work's place among the series' works this viewer may see (so hidden works are not counted). */
  part: number;
  previous: SeriesNeighbour | null;
  next: SeriesNeighbour | null;
}

/**
 * Every series a work is in, with its part number and neighbours among the works this viewer
 * may see (the work itself always counts: the viewer is reading it). Two queries whatever the
 * number of series.
 */
export async function seriesPlacesOfWork(db: DbOrTrx, viewer: Viewer, workId: number): Promise<SeriesPlace[]> {
  const memberships = await db
    .selectFrom("serial_works")
    .innerJoin("series", "series.id", "serial_works.series_id")
    .select(["series.id as id", "series.title as title"])
    .where("serial_works.work_id", "=", workId)
    .orderBy("series.id")
    .execute();
  if (memberships.length === 0) return [];
  const rows = await db
    .selectFrom("serial_works")
    .innerJoin("works", "works.id", "serial_works.work_id")
    .select(["serial_works.series_id as seriesId", "works.id as id", "works.title as title"])
    .where("serial_works.series_id", "in", memberships.map((m) => m.id))
    .where((eb) => eb.or([listableBy(viewer)(eb), eb("works.id", "=", workId)]))
    .orderBy("serial_works.series_id")
    .orderBy("serial_works.position")
    .execute();
  return memberships.map((m) => {
    const parts = rows.filter((r) => r.seriesId === m.id);
    const at = parts.findIndex((p) => p.id === workId);
    const neighbour = (i: number) => (i >= 0 && i < parts.length ? { id: parts[i]!.id, title: parts[i]!.title } : null);
    return { seriesId: m.id, title: m.title, part: at + 1, previous: neighbour(at - 1), next: neighbour(at + 1) };
  });
}

/**
 * A work's series as a download shows them: part numbers among the works anyone who may read the
 * download may see (the posted, unrestricted ones for an unrestricted work, which guests can
 * download; the posted ones for a registered-only work). A cached file never depends on who
 * downloaded it first.
 */
export async function seriesPlacesForDownload(db: DbOrTrx, work: { id: number; restricted: number }): Promise<SeriesPlace[]> {
  const anyUser: Viewer = { user: { id: 0, login: "", roles: [] }, sessionId: null };
  return seriesPlacesOfWork(db, work.restricted ? anyUser : GUEST, work.id);
}

/** The titles of the series each work is in, for the search index (one query). */
export async function seriesTitlesOfWorks(db: DbOrTrx, workIds: number[]): Promise<Map<number, string[]>> {
  const byWork = new Map<number, string[]>(workIds.map((id) => [id, []]));
  if (workIds.length === 0) return byWork;
  const rows = await db
    .selectFrom("serial_works")
    .innerJoin("series", "series.id", "serial_works.series_id")
    .select(["serial_works.work_id as workId", "series.title as title"])
    .where("serial_works.work_id", "in", workIds)
    .orderBy("serial_works.work_id")
    .orderBy("series.id")
    .execute();
  for (const row of rows) byWork.get(row.workId)?.push(row.title);
  return byWork;
}

/** The titles of one work's series. */
export async function seriesTitlesOfWork(db: DbOrTrx, workId: number): Promise<string[]> {
  return (await seriesTitlesOfWorks(db, [workId])).get(workId) ?? [];
}

/** A user's own series, newest first, for the work form's "Add to series" choice. */
export async function seriesOwnedBy(db: DbOrTrx, userId: number): Promise<{ id: number; title: string }[]> {
  return db
    .selectFrom("series")
    .select(["series.id", "series.title"])
    .where("series.id", "in", db.selectFrom("series_creators").innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id").select("series_creators.series_id").where("pseuds.user_id", "=", userId))
    .orderBy("series.updated_at", "desc")
    .orderBy("series.id", "desc")
    .execute();
}

/** A series in a listing, with what the viewer may see of it counted. */
export interface SeriesBlurb {
  series: Series;
  works: number;
  words: number;
}

/**
 * Series as blurbs: creators and the counts of the works this viewer may see, in a fixed number
 * of queries. With `dropEmpty`, a series of which the viewer may see no work is left out.
 */
export async function seriesBlurbs(db: DbOrTrx, viewer: Viewer, rows: SeriesRow[], options: { dropEmpty: boolean }): Promise<SeriesBlurb[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [creators, counts] = await Promise.all([
    creatorsOfSeries(db, ids),
    db
      .selectFrom("serial_works")
      .innerJoin("works", "works.id", "serial_works.work_id")
      .select(["serial_works.series_id as seriesId", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.sum<number>("works.word_count").as("words")])
      .where("serial_works.series_id", "in", ids)
      .where(listableBy(viewer))
      .groupBy("serial_works.series_id")
      .execute(),
  ]);
  const countOf = new Map(counts.map((c) => [c.seriesId, { works: Number(c.n), words: Number(c.words ?? 0) }]));
  return rows
    .map((row) => ({ series: withCreators(row, creators.get(row.id) ?? []), ...(countOf.get(row.id) ?? { works: 0, words: 0 }) }))
    .filter((b) => !options.dropEmpty || b.works > 0);
}

/** Series by id as blurbs, in the given order (for bookmark listings). */
export async function seriesBlurbsByIds(db: DbOrTrx, viewer: Viewer, ids: number[]): Promise<Map<number, SeriesBlurb>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("series").selectAll().where("id", "in", ids).execute();
  const blurbs = await seriesBlurbs(db, viewer, rows, { dropEmpty: false });
  return new Map(blurbs.map((b) => [b.series.id, b]));
}

/**
 * A user's series, newest update first: all of them for their owner; for anyone else only those
 * with at least one work the viewer may see (an empty or all-draft series stays out of sight).
 */
export async function seriesOfUser(db: DbOrTrx, viewer: Viewer, userId: number): Promise<SeriesBlurb[]> {
  const rows = await db
    .selectFrom("series")
    .selectAll()
    .where("series.id", "in", db.selectFrom("series_creators").innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id").select("series_creators.series_id").where("pseuds.user_id", "=", userId))
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(500)
    .execute();
  return seriesBlurbs(db, viewer, rows, { dropEmpty: viewer.user?.id !== userId });
}

/**
 * The ids of the series in which this viewer may see at least one work, as a subquery, for
 * other capabilities' listings (bookmarks of series, the OPDS catalog).
 */
export function seriesWithVisibleWorks(db: DbOrTrx, viewer: Viewer) {
  return db.selectFrom("serial_works").innerJoin("works", "works.id", "serial_works.work_id").select("serial_works.series_id").where(listableBy(viewer));
}

/** Series with at least one work this viewer may see, most recently updated first (a page of them). */
export async function listSeriesVisibleTo(db: DbOrTrx, viewer: Viewer, page: number, perPage: number): Promise<{ total: number; blurbs: SeriesBlurb[] }> {
  const base = db.selectFrom("series").where("series.id", "in", seriesWithVisibleWorks(db, viewer));
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    base.selectAll().orderBy("updated_at", "desc").orderBy("id", "desc").limit(perPage).offset((page - 1) * perPage).execute(),
  ]);
  return { total: Number(count?.n ?? 0), blurbs: await seriesBlurbs(db, viewer, rows, { dropEmpty: false }) };
}

/** The series a work is in with its stored position, for its creators' forms. */
export async function membershipsOfWork(db: DbOrTrx, workId: number): Promise<{ seriesId: number; title: string; position: number }[]> {
  return db
    .selectFrom("serial_works")
    .innerJoin("series", "series.id", "serial_works.series_id")
    .select(["series.id as seriesId", "series.title as title", "serial_works.position as position"])
    .where("serial_works.work_id", "=", workId)
    .orderBy("series.id")
    .execute();
}

/**
 * The works of a series in order with their stored positions, for its owners' edit page: those
 * the viewer may see listed and their own drafts (a co-creator's draft stays out of sight).
 */
export async function seriesWorksForOwner(db: DbOrTrx, viewer: Viewer, seriesId: number): Promise<{ id: number; title: string; position: number; posted: number }[]> {
  const own = db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", viewer.user?.id ?? 0);
  return db
    .selectFrom("serial_works")
    .innerJoin("works", "works.id", "serial_works.work_id")
    .select(["works.id as id", "works.title as title", "serial_works.position as position", "works.posted as posted"])
    .where("serial_works.series_id", "=", seriesId)
    .where((eb) => eb.or([listableBy(viewer)(eb), eb("works.id", "in", own)]))
    .orderBy("serial_works.position")
    .execute();
}

/** Series titles by id, in one query (for lists that name series, such as subscriptions). */
export async function seriesTitles(db: DbOrTrx, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("series").select(["id", "title"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}

import type { DbOrTrx } from "../platform/db/index.js";
import type { ChapterRow, WorkRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { tagsOfWorks, type WorkTag } from "./tags.js";
import { listableBy } from "./visibility.js";

export interface Creator {
  pseudId: number;
  pseudName: string;
  userId: number;
  login: string;
}

/**
 * How a creator is named in a byline, as AO3 does: the pseud, followed by the account's login in
 * parentheses when they differ ("Moth (lampwright)"). The one place this rule is written.
 */
export function creatorName({ pseudName, login }: { pseudName: string; login: string }): string {
  return pseudName === login ? login : `${pseudName} (${login})`;
}

export interface Work extends WorkRow {
  creators: Creator[];
  creatorUserIds: number[];
}

/** The creators of many works in one query, in byline order. */
export async function creatorsOfWorks(db: DbOrTrx, workIds: number[]): Promise<Map<number, Creator[]>> {
  const byWork = new Map<number, Creator[]>(workIds.map((id) => [id, []]));
  if (workIds.length === 0) return byWork;
  const rows = await db
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["work_creators.work_id as workId", "pseuds.id as pseudId", "pseuds.name as pseudName", "users.id as userId", "users.login as login"])
    .where("work_creators.work_id", "in", workIds)
    .orderBy("work_creators.work_id")
    .orderBy("work_creators.position")
    .execute();
  for (const { workId, ...creator } of rows) byWork.get(workId)?.push(creator);
  return byWork;
}

/** A work with its creators, whatever its visibility (callers apply the policy). */
export async function findWork(db: DbOrTrx, id: number): Promise<Work | undefined> {
  const row = await db.selectFrom("works").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  const creators = (await creatorsOfWorks(db, [id])).get(id) ?? [];
  return { ...row, creators, creatorUserIds: [...new Set(creators.map((c) => c.userId))] };
}

/** A work's chapters in reading order. */
export function chaptersOf(db: DbOrTrx, workId: number): Promise<ChapterRow[]> {
  return db.selectFrom("chapters").selectAll().where("work_id", "=", workId).orderBy("position").execute();
}

/**
 * The chapters a reader sees, in reading order: the posted ones; on a draft (which only its
 * creators see), all of them. The one place this rule is written.
 */
export function chaptersShown<T extends { posted: number }>(work: { posted: number }, chapters: T[]): T[] {
  return work.posted ? chapters.filter((c) => c.posted) : chapters;
}

/** The chapters a reader of this work sees (`chaptersShown`), loaded. */
export async function readableChaptersOf(db: DbOrTrx, work: { id: number; posted: number }): Promise<ChapterRow[]> {
  return chaptersShown(work, await chaptersOf(db, work.id));
}

/** The work's tags in display order. */
export async function tagsOfWork(db: DbOrTrx, workId: number): Promise<WorkTag[]> {
  return (await tagsOfWorks(db, [workId])).get(workId) ?? [];
}

/** The ids of a user's works (through any of their pseuds), whatever their visibility, as a subquery. */
export function workIdsOfUser(db: DbOrTrx, userId: number) {
  return db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId);
}

export interface Blurb {
  work: WorkRow;
  creators: Creator[];
  tags: WorkTag[];
  postedChapters: number;
}

export const PER_PAGE = 20;

/**
 * The blurbs of these works in this order (a page the browse index chose), each checked again
 * against the viewer's visibility rule: should the index lag behind a change, a work that just
 * became registered-only or a draft is left out rather than shown.
 */
export async function blurbsInOrder(db: DbOrTrx, viewer: Viewer, ids: number[]): Promise<Blurb[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("works").selectAll().where("id", "in", ids).where(listableBy(viewer)).execute();
  const byId = new Map(rows.map((w) => [w.id, w]));
  return hydrateBlurbs(db, ids.map((id) => byId.get(id)).filter((w): w is WorkRow => w !== undefined));
}

/** Creators, tags and chapter counts for a page of works, batched. */
export async function hydrateBlurbs(db: DbOrTrx, works: WorkRow[]): Promise<Blurb[]> {
  const ids = works.map((w) => w.id);
  const [creators, tags, counts] = await Promise.all([
    creatorsOfWorks(db, ids),
    tagsOfWorks(db, ids),
    ids.length
      ? db.selectFrom("chapters").select(["work_id", (eb) => eb.fn.countAll<number>().as("n")]).where("work_id", "in", ids).where("posted", "=", 1).groupBy("work_id").execute()
      : Promise.resolve([]),
  ]);
  const countByWork = new Map(counts.map((c) => [c.work_id, Number(c.n)]));
  return works.map((work) => ({ work, creators: creators.get(work.id) ?? [], tags: tags.get(work.id) ?? [], postedChapters: countByWork.get(work.id) ?? 0 }));
}

/** A user's drafts, for their drafts page. */
export async function draftsOf(db: DbOrTrx, userId: number): Promise<Blurb[]> {
  const works = await db
    .selectFrom("works")
    .selectAll("works")
    .where("posted", "=", 0)
    .where("works.id", "in", db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId))
    .orderBy("updated_at", "desc")
    .limit(200)
    .execute();
  return hydrateBlurbs(db, works);
}

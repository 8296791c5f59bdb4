import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableBy } from "../model/visibility.js";
import { type Creator, creatorsOfWorks, type Work } from "../model/works.js";
import type { LinkStatus } from "./schema.js";

/** A link from a work to what inspired it: a work here (with its creators) or an outside one. */
export interface ParentRef {
  linkId: number;
  translation: boolean;
  status: LinkStatus;
  parent: { kind: "work"; work: Work } | { kind: "url"; url: string; title: string; author: string };
}

/** A work's related works (what it is inspired by or translates), in the order they were added. */
export async function parentsOf(db: DbOrTrx, childId: number): Promise<ParentRef[]> {
  const links = await db.selectFrom("related_works").selectAll().where("child_id", "=", childId).orderBy("id").execute();
  const parentIds = links.flatMap((l) => (l.parent_id === null ? [] : [l.parent_id]));
  const [rows, creators] = await Promise.all([
    parentIds.length ? db.selectFrom("works").selectAll().where("id", "in", parentIds).execute() : Promise.resolve([]),
    creatorsOfWorks(db, parentIds),
  ]);
  const works = new Map(
    rows.map((row) => {
      const byline = creators.get(row.id) ?? [];
      return [row.id, { ...row, creators: byline, creatorUserIds: [...new Set(byline.map((c) => c.userId))] } as Work];
    }),
  );
  return links.flatMap((l): ParentRef[] => {
    const base = { linkId: l.id, translation: l.translation === 1, status: l.status as LinkStatus };
    if (l.parent_id === null) return [{ ...base, parent: { kind: "url", url: l.url, title: l.title, author: l.author } }];
    const work = works.get(l.parent_id);
    return work ? [{ ...base, parent: { kind: "work", work } }] : [];
  });
}

/** A work that names another as its inspiration, as the parent's page lists it. */
export interface ChildRef {
  linkId: number;
  workId: number;
  title: string;
  language: string;
  translation: boolean;
  creators: Creator[];
}

/**
 * The works that name this one as their inspiration and whose link a creator of this one
 * approved, among the works this viewer may see listed (the one visibility predicate).
 */
export async function approvedChildrenOf(db: DbOrTrx, viewer: Viewer, parentId: number): Promise<ChildRef[]> {
  const rows = await db
    .selectFrom("related_works")
    .innerJoin("works", "works.id", "related_works.child_id")
    .select(["related_works.id as linkId", "works.id as workId", "works.title as title", "works.language as language", "related_works.translation as translation"])
    .where("related_works.parent_id", "=", parentId)
    .where("related_works.status", "=", "approved")
    .where(listableBy(viewer))
    .orderBy("related_works.id")
    .execute();
  const creators = await creatorsOfWorks(
    db,
    rows.map((r) => r.workId),
  );
  return rows.map((r) => ({ ...r, translation: r.translation === 1, creators: creators.get(r.workId) ?? [] }));
}

/** A link to one of a user's works, as their related-works page lists it. */
export interface IncomingLink {
  linkId: number;
  status: LinkStatus;
  translation: boolean;
  parentId: number;
  parentTitle: string;
  childId: number;
  childTitle: string;
  childCreators: Creator[];
}

/**
 * The links to a user's works from works this viewer (the user) may see listed: a draft's link
 * is not theirs to see until it is posted. Newest first, at most 500.
 */
export async function linksToWorksOf(db: DbOrTrx, viewer: Viewer, userId: number): Promise<IncomingLink[]> {
  const rows = await db
    .selectFrom("related_works")
    .innerJoin("works", "works.id", "related_works.child_id")
    .innerJoin("works as parents", "parents.id", "related_works.parent_id")
    .select([
      "related_works.id as linkId",
      "related_works.status as status",
      "related_works.translation as translation",
      "parents.id as parentId",
      "parents.title as parentTitle",
      "works.id as childId",
      "works.title as childTitle",
    ])
    .where("related_works.parent_id", "in", db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId))
    .where(listableBy(viewer))
    .orderBy("related_works.id", "desc")
    .limit(500)
    .execute();
  const creators = await creatorsOfWorks(
    db,
    rows.map((r) => r.childId),
  );
  return rows.map((r) => ({ ...r, status: r.status as LinkStatus, translation: r.translation === 1, childCreators: creators.get(r.childId) ?? [] }));
}

/** The link with this id when the user is a creator of the work it points to. */
export async function linkToWorkOf(db: DbOrTrx, userId: number, linkId: number) {
  return db
    .selectFrom("related_works")
    .innerJoin("works", "works.id", "related_works.child_id")
    .select(["related_works.id as id", "related_works.parent_id as parentId", "related_works.child_id as childId", "works.title as childTitle", "works.posted as childPosted"])
    .where("related_works.id", "=", linkId)
    .where("related_works.parent_id", "in", db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId))
    .executeTakeFirst();
}

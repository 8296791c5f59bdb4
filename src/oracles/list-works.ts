import type { Expression, SqlBool } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableBy } from "../model/visibility.js";
import { type Blurb, hydrateBlurbs, PER_PAGE, workIdsOfUser } from "../model/works.js";

// The archive's first listing, all in SQL with Kysely: kept as an oracle for the tests (the
// search tests hold the SQL search to it). No page, feed or API response is listed by it.

/** Which works a listing shows. */
export type WorkScope =
  | { kind: "all" }
  | { kind: "user"; userId: number }
  | { kind: "pseud"; pseudId: number }
  /** Works tagged with exactly this tag (for tags that filter nothing: unwrangled ones). */
  | { kind: "tag"; tagId: number }
  /** Works whose filter set holds this canonical tag: its synonyms' and subtags' works too. */
  | { kind: "filter"; tagId: number };

/** Extra conditions and ordering a caller (search, filters) adds to a listing. */
export interface Refinement {
  where?: Expression<SqlBool>[];
  /** Applied before the default order (newest update first). */
  orderBy?: { by: Expression<unknown>; direction: "asc" | "desc" }[];
}

/**
 * One page of the works a viewer may see in a scope, newest update first, with everything a
 * blurb shows loaded in a fixed number of queries (four, whatever the page size).
 */
export async function listWorks(db: DbOrTrx, viewer: Viewer, scope: WorkScope, page: number, refine: Refinement = {}): Promise<{ total: number; blurbs: Blurb[] }> {
  let query = db.selectFrom("works").where(listableBy(viewer));
  for (const condition of refine.where ?? []) query = query.where(condition);
  if (scope.kind === "user") {
    query = query.where("works.id", "in", workIdsOfUser(db, scope.userId));
  } else if (scope.kind === "pseud") {
    query = query.where("works.id", "in", db.selectFrom("work_creators").select("work_id").where("pseud_id", "=", scope.pseudId));
  } else if (scope.kind === "tag") {
    query = query.where("works.id", "in", db.selectFrom("work_tags").select("work_id").where("tag_id", "=", scope.tagId));
  } else if (scope.kind === "filter") {
    query = query.where("works.id", "in", db.selectFrom("work_filters").select("work_id").where("tag_id", "=", scope.tagId));
  }
  const counted = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  let ordered = query.selectAll("works");
  for (const { by, direction } of refine.orderBy ?? []) ordered = ordered.orderBy(by, direction);
  const works = await ordered
    .orderBy("works.revised_at", "desc")
    .orderBy("works.id", "desc")
    .limit(PER_PAGE)
    .offset((page - 1) * PER_PAGE)
    .execute();
  return { total: Number(counted.n), blurbs: await hydrateBlurbs(db, works) };
}


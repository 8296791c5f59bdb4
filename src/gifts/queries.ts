import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { worksOfUsers } from "../blocking/index.js";
import { listableBy } from "../model/visibility.js";
import { type Blurb, creatorName, hydrateBlurbs, PER_PAGE } from "../model/works.js";

/** One gift of a work: to a pseud (with its user's login) or to a plain name. */
export interface Gift {
  id: number;
  workId: number;
  pseudId: number | null;
  pseudName: string | null;
  login: string | null;
  userId: number | null;
  recipientName: string | null;
  rejected: boolean;
}

/** How a recipient is named: "Pseud (login)" as in bylines, or the plain name as typed. */
export function giftLabel(gift: Pick<Gift, "pseudName" | "login" | "recipientName">): string {
  return gift.pseudName !== null && gift.login !== null ? creatorName({ pseudName: gift.pseudName, login: gift.login }) : (gift.recipientName ?? "");
}

/** The gifts of many works in one query, in the order they were given; refused ones only when asked. */
export async function giftsOfWorks(db: DbOrTrx, workIds: number[], options: { withRefused?: boolean } = {}): Promise<Map<number, Gift[]>> {
  const byWork = new Map<number, Gift[]>(workIds.map((id) => [id, []]));
  if (workIds.length === 0) return byWork;
  let query = db
    .selectFrom("gifts")
    .leftJoin("pseuds", "pseuds.id", "gifts.pseud_id")
    .leftJoin("users", "users.id", "pseuds.user_id")
    .select([
      "gifts.id as id",
      "gifts.work_id as workId",
      "gifts.pseud_id as pseudId",
      "pseuds.name as pseudName",
      "users.login as login",
      "users.id as userId",
      "gifts.recipient_name as recipientName",
      "gifts.rejected as rejected",
    ])
    .where("gifts.work_id", "in", workIds)
    // A gift to a pseud that no longer exists names nobody.
    .where((eb) => eb.or([eb("gifts.pseud_id", "is", null), eb("pseuds.id", "is not", null)]))
    .orderBy("gifts.work_id")
    .orderBy("gifts.id");
  if (!options.withRefused) query = query.where("gifts.rejected", "=", 0);
  for (const row of await query.execute()) byWork.get(row.workId)?.push({ ...row, rejected: row.rejected === 1 });
  return byWork;
}

/** A work's gifts (not the refused ones unless asked). */
export async function giftsOfWork(db: DbOrTrx, workId: number, options: { withRefused?: boolean } = {}): Promise<Gift[]> {
  return (await giftsOfWorks(db, [workId], options)).get(workId) ?? [];
}

/** The works given to any of a user's pseuds (refused or not), as a subquery. */
function workIdsGiftedTo(db: DbOrTrx, userId: number, refused: boolean) {
  return db
    .selectFrom("gifts")
    .innerJoin("pseuds", "pseuds.id", "gifts.pseud_id")
    .select("gifts.work_id")
    .where("pseuds.user_id", "=", userId)
    .where("gifts.rejected", "=", refused ? 1 : 0);
}

/**
 * One page of the works given to a user that this viewer may see listed (the one visibility
 * predicate, so drafts and registered-only works never show, counts included), newest update
 * first, leaving out works by users the viewer muted. `refused`: the ones the user refused.
 */
export async function giftedWorksPage(db: DbOrTrx, viewer: Viewer, userId: number, options: { refused: boolean; page: number; mutedUserIds: number[] }): Promise<{ total: number; blurbs: Blurb[] }> {
  const base = () => {
    let query = db.selectFrom("works").where(listableBy(viewer)).where("works.id", "in", workIdsGiftedTo(db, userId, options.refused));
    if (options.mutedUserIds.length) query = query.where("works.id", "not in", worksOfUsers(db, options.mutedUserIds));
    return query;
  };
  const count = await base().select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const works = await base()
    .selectAll("works")
    .orderBy("works.revised_at", "desc")
    .orderBy("works.id", "desc")
    .limit(PER_PAGE)
    .offset((options.page - 1) * PER_PAGE)
    .execute();
  return { total: Number(count.n), blurbs: await hydrateBlurbs(db, works) };
}

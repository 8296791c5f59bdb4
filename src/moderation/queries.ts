import type { DbOrTrx } from "../platform/db/index.js";
import { type Creator, creatorsOfWorks } from "../model/works.js";

/** How many works admins have hidden: a figure for the admin home page. */
export async function countHiddenWorks(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).where("hidden_by_admin", "=", 1).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const HIDDEN_PER_PAGE = 50;

export interface HiddenWork {
  id: number;
  title: string;
  reason: string;
  posted: number;
  creators: Creator[];
}

/** A page of the hidden works, most recently created first, with their creators. */
export async function listHiddenWorks(db: DbOrTrx, page: number): Promise<{ total: number; works: HiddenWork[] }> {
  const [total, rows] = await Promise.all([
    countHiddenWorks(db),
    db
      .selectFrom("works")
      .select(["id", "title", "hidden_reason", "posted"])
      .where("hidden_by_admin", "=", 1)
      .orderBy("id", "desc")
      .limit(HIDDEN_PER_PAGE)
      .offset((page - 1) * HIDDEN_PER_PAGE)
      .execute(),
  ]);
  const creators = await creatorsOfWorks(db, rows.map((r) => r.id));
  return { total, works: rows.map((r) => ({ id: r.id, title: r.title, reason: r.hidden_reason, posted: r.posted, creators: creators.get(r.id) ?? [] })) };
}

/** The user of a work's first creator (the audit log's target for an action on the work), or null. */
export async function firstCreator(trx: DbOrTrx, workId: number): Promise<number | null> {
  const row = await trx
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .select("pseuds.user_id")
    .where("work_creators.work_id", "=", workId)
    .orderBy("work_creators.position")
    .executeTakeFirst();
  return row?.user_id ?? null;
}

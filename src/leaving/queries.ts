import type { DbOrTrx } from "../platform/db/index.js";

/** A work as the leaving pages list it. */
export interface OwnWork {
  id: number;
  title: string;
  posted: boolean;
  /** Someone else co-signs it too. */
  shared: boolean;
}

/** The user's works (any of their pseuds, drafts included), oldest first, with whether each is shared. */
export async function ownWorks(db: DbOrTrx, userId: number, onlyIds?: number[]): Promise<OwnWork[]> {
  if (onlyIds && onlyIds.length === 0) return [];
  let query = db
    .selectFrom("work_creators as mine")
    .innerJoin("pseuds as my_pseud", "my_pseud.id", "mine.pseud_id")
    .innerJoin("works", "works.id", "mine.work_id")
    .select(["works.id as id", "works.title as title", "works.posted as posted"])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("work_creators as other")
            .innerJoin("pseuds as other_pseud", "other_pseud.id", "other.pseud_id")
            .select("other.work_id")
            .whereRef("other.work_id", "=", "works.id")
            .where("other_pseud.user_id", "!=", userId),
        )
        .as("shared"),
    )
    .where("my_pseud.user_id", "=", userId)
    .distinct()
    .orderBy("works.id");
  if (onlyIds) query = query.where("works.id", "in", onlyIds);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, title: row.title, posted: row.posted === 1, shared: Boolean(Number(row.shared)) }));
}

/** How many series the user co-signs. */
export async function ownSeriesCount(db: DbOrTrx, userId: number): Promise<number> {
  const row = await db
    .selectFrom("series_creators")
    .innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id")
    .select((eb) => eb.fn.count<number>("series_creators.series_id").distinct().as("n"))
    .where("pseuds.user_id", "=", userId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

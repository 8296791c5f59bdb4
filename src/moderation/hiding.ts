import { appendChange } from "../platform/changes.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { recordAudit } from "./audit.js";

/**
 * Hides a work (or shows it again) by an admin's decision, in the caller's transaction: the
 * column the one visibility rule reads, the change-feed row every process's listing index follows,
 * and the audit entry. Returns false when the work does not exist (deleted meanwhile), so the
 * caller can say so; hiding a hidden work again changes nothing but is recorded.
 */
export async function setWorkHidden(trx: DbOrTrx, actorUserId: number | null, workId: number, hidden: boolean, reason: string): Promise<boolean> {
  const updated = await trx
    .updateTable("works")
    .set({ hidden_by_admin: hidden ? 1 : 0, hidden_reason: hidden ? reason : "" })
    .where("id", "=", workId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await appendChange(trx, workId, "work");
  const creator = await trx
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .select("pseuds.user_id")
    .where("work_creators.work_id", "=", workId)
    .orderBy("work_creators.position")
    .executeTakeFirst();
  await recordAudit(trx, { actorUserId, action: hidden ? "hide_work" : "unhide_work", workId, targetUserId: creator?.user_id ?? null, reason });
  return true;
}

/** Hides every work of a user (a spammer, a banned account), each with its audit entry. Returns the ids hidden. */
export async function hideWorksOfUser(trx: DbOrTrx, actorUserId: number | null, userId: number, reason: string): Promise<number[]> {
  const rows = await trx
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .innerJoin("works", "works.id", "work_creators.work_id")
    .select("works.id")
    .distinct()
    .where("pseuds.user_id", "=", userId)
    .where("works.hidden_by_admin", "=", 0)
    .orderBy("works.id")
    .execute();
  for (const row of rows) await setWorkHidden(trx, actorUserId, row.id, true, reason);
  return rows.map((r) => r.id);
}

import { appendChange } from "../platform/changes.js";
import { firstCreator } from "./queries.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { recordAudit } from "./audit.js";

/** The job that tells a hidden work's creators why it was hidden (./mail-job.ts). */
export const WORK_HIDDEN_MAIL = "work_hidden_mail";

export interface WorkHiddenEvent {
  workId: number;
  reason: string;
}

/** What hiding (or showing) a work did: changed it, found it already so (recorded all the same), or found no such work. */
export type HidingOutcome = "changed" | "unchanged" | "missing";

/**
 * Hides a work (or shows it again) by an admin's decision, in the caller's transaction: the
 * column the one visibility rule reads, the change-feed row every process's listing index follows,
 * and the audit entry; a hide that changes something (a newly hidden work, or a new reason) queues
 * the mail to its creators unless `notify` is false. The update only matches a row it changes, so
 * two admins hiding at once change it once (PostgreSQL re-reads the row after the first commits)
 * and the creators get one mail. Both attempts are recorded.
 */
export async function changeWorkHidden(
  trx: DbOrTrx,
  actorUserId: number | null,
  workId: number,
  hidden: boolean,
  reason: string,
  options: { notify?: boolean } = {},
): Promise<HidingOutcome> {
  const updated = await trx
    .updateTable("works")
    .set({ hidden_by_admin: hidden ? 1 : 0, hidden_reason: hidden ? reason : "" })
    .where("id", "=", workId)
    .where((eb) => (hidden ? eb.or([eb("hidden_by_admin", "=", 0), eb("hidden_reason", "<>", reason)]) : eb("hidden_by_admin", "=", 1)))
    .executeTakeFirst();
  const changed = Number(updated.numUpdatedRows) > 0;
  if (!changed) {
    const exists = await trx.selectFrom("works").select("id").where("id", "=", workId).executeTakeFirst();
    if (!exists) return "missing";
  }
  if (changed) await appendChange(trx, workId, "work");
  const creatorUserId = await firstCreator(trx, workId);
  await recordAudit(trx, { actorUserId, action: hidden ? "hide_work" : "unhide_work", workId, targetUserId: creatorUserId, reason });
  if (hidden && changed && options.notify !== false) await enqueueJob(trx, WORK_HIDDEN_MAIL, { workId, reason } satisfies WorkHiddenEvent, 1);
  return changed ? "changed" : "unchanged";
}

/**
 * `changeWorkHidden` for callers that only need to know whether the work exists: false when it
 * does not (deleted meanwhile), so the caller can say so. The creators are mailed of a hide unless
 * `notify` is false.
 */
export async function setWorkHidden(trx: DbOrTrx, actorUserId: number | null, workId: number, hidden: boolean, reason: string, options: { notify?: boolean } = {}): Promise<boolean> {
  return (await changeWorkHidden(trx, actorUserId, workId, hidden, reason, options)) !== "missing";
}

/**
 * Hides every work of a user (a spammer, a banned account), each with its audit entry. Returns the
 * ids hidden. No mail per work: the action that called it tells the user once, in its own words.
 */
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
  for (const row of rows) await changeWorkHidden(trx, actorUserId, row.id, true, reason, { notify: false });
  return rows.map((r) => r.id);
}

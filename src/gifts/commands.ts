import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { type GiftRecipient, recipientKey } from "./schema.js";

/**
 * Makes a work's gifts these recipients (the work form's "Gift this work to"), in the caller's
 * transaction: gifts no longer named go, new ones are added (a second submit adds nothing: one
 * gift per recipient and work). Refused gifts stay refused, whatever the list says.
 */
export async function setGifts(trx: DbOrTrx, workId: number, recipients: GiftRecipient[]): Promise<void> {
  const keys = recipients.map(recipientKey);
  let removal = trx.deleteFrom("gifts").where("work_id", "=", workId).where("rejected", "=", 0);
  if (keys.length) removal = removal.where("recipient_key", "not in", keys);
  await removal.execute();
  if (recipients.length === 0) return;
  const now = nowIso();
  await trx
    .insertInto("gifts")
    .values(
      recipients.map((r) => ({
        work_id: workId,
        pseud_id: r.kind === "pseud" ? r.pseudId : null,
        recipient_name: r.kind === "name" ? r.name : null,
        recipient_key: recipientKey(r),
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(["work_id", "recipient_key"]).doNothing())
    .execute();
}

/** Deletes a work's gifts (the work is being deleted). */
export async function dropGiftsOf(trx: DbOrTrx, workId: number): Promise<void> {
  await trx.deleteFrom("gifts").where("work_id", "=", workId).execute();
}

/**
 * The recipient refuses a work given to them (any of their pseuds), or takes back the refusal:
 * false when the work was never given to them. Their name leaves the work at once and the work
 * leaves their gifts; a refused gift stays recorded, so it cannot be given again behind their back.
 */
export async function setGiftRefused(db: Db, userId: number, workId: number, refused: boolean): Promise<boolean> {
  const result = await db
    .updateTable("gifts")
    .set({ rejected: refused ? 1 : 0 })
    .where("work_id", "=", workId)
    .where("pseud_id", "in", db.selectFrom("pseuds").select("id").where("user_id", "=", userId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

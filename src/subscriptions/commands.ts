import { randomBytes } from "node:crypto";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { membershipsOfWork } from "../model/series.js";
import type { SubscriptionKind } from "./queries.js";

/** Subscribes a user; "already" (nothing written) when they follow it already (a double click). */
export async function subscribe(db: Db, userId: number, kind: SubscriptionKind, targetId: number): Promise<"subscribed" | "already"> {
  const result = await db
    .insertInto("subscriptions")
    .values({ user_id: userId, kind, target_id: targetId, token: randomBytes(24).toString("base64url"), created_at: nowIso() })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? "subscribed" : "already";
}

/** Ends a subscription; the caller has checked whose it is (by owner or by the email's token). */
export async function unsubscribe(db: DbOrTrx, subscriptionId: number): Promise<void> {
  await db.deleteFrom("subscriptions").where("id", "=", subscriptionId).execute();
}

/** Forgets every subscription to a work, series or user that is being deleted (in its transaction). */
export async function dropSubscriptionsTo(trx: DbOrTrx, kind: SubscriptionKind, targetId: number): Promise<void> {
  await trx.deleteFrom("subscriptions").where("kind", "=", kind).where("target_id", "=", targetId).execute();
}

/** The job kind that mails subscribers; its step is in mail-job.ts. */
export const SUBSCRIPTION_MAIL = "subscription_mail";

/** What happened, as the mail job's payload. */
export type SubscriptionEvent = { event: "work"; workId: number } | { event: "chapter"; workId: number; chapterId: number };

/**
 * Queues the emails for a newly posted work or chapter, in the caller's transaction: the job
 * exists exactly when the post does, and a crash after the commit still sends them.
 */
export async function queueSubscriptionMail(trx: DbOrTrx, event: SubscriptionEvent): Promise<void> {
  // Most posts have nobody following them: no job row for those. Someone who subscribes after
  // this moment subscribed after the post, so the email was never theirs.
  const creators = trx.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.user_id").where("work_creators.work_id", "=", event.workId);
  const seriesIds = (await membershipsOfWork(trx, event.workId)).map((m) => m.seriesId);
  const follower = await trx
    .selectFrom("subscriptions")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("kind", "=", "user"), eb("target_id", "in", creators)]),
        ...(seriesIds.length ? [eb.and([eb("kind", "=", "series"), eb("target_id", "in", seriesIds)])] : []),
        ...(event.event === "chapter" ? [eb.and([eb("kind", "=", "work"), eb("target_id", "=", event.workId)])] : []),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  if (follower) await enqueueJob(trx, SUBSCRIPTION_MAIL, event, 0);
}

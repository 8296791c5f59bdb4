import { getSetting, setSetting, signupMode } from "../model/archive-settings.js";
import { emailHasAccount, userIdsAfter } from "../model/users.js";
import { type Db, type DbOrTrx, dialectOf, nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { t } from "../platform/i18n/index.js";
import { advanceJob, enqueueJob, type JobStep } from "../platform/jobs.js";
import { isEmailAddress } from "../platform/text/email.js";
import { emailKey, insertInvitation, insertUnsentInvitations, invitationState } from "./codes.js";
import { type CommandResult, countIn, type InvitationGrantPayload } from "./commands.js";
import { expiryFrom, QUEUE_LIMITS, queueSettings } from "./settings.js";

// The invite-request queue. People add their address to the waiting list; batches of invitations
// go to the oldest requests. A batch is a job (INVITE_QUEUE_BATCH): the scheduled one runs every
// N hours, each batch queueing the next (jobs.run_after) in its own transaction, so a restart
// loses no schedule; an admin can also send a batch at once. Each invitation a batch issues is
// mailed by a job of its own (INVITATION_MAIL), queued in the batch's transaction.

export const INVITE_QUEUE_BATCH = "invite_queue_batch";
interface BatchPayload {
  /** The schedule's batch (size from the settings), or one an admin asked for now. */
  scheduled: boolean;
  count?: number;
  requestedBy?: number;
}

/** The id of the job holding the next scheduled batch ("" when none), and when the last one ran. */
const SCHEDULE = "invite_queue_scheduled_job";
const LAST_BATCH = "invite_queue_last_batch_at";

/** Whether the queue takes requests: it is on, and sign-up needs an invitation. */
export async function queueOpen(db: DbOrTrx): Promise<boolean> {
  const [settings, mode] = await Promise.all([queueSettings(db), signupMode(db)]);
  return settings.enabled && mode === "invitation";
}

/**
 * Sets a setting from `expected` to `next`, or does nothing and says false when it holds something
 * else. The UPDATE locks the row until the transaction ends (PostgreSQL), so of two transactions
 * swapping from one value, the second finds the first's value and fails.
 */
async function swapSetting(trx: DbOrTrx, key: string, expected: string, next: string): Promise<boolean> {
  await trx.insertInto("settings").values({ key, value: "" }).onConflict((oc) => oc.column("key").doNothing()).execute();
  const result = await trx.updateTable("settings").set({ value: next }).where("key", "=", key).where("value", "=", expected).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

class ScheduleRaced extends Error {}

/**
 * Replaces the queue's scheduled batch after its settings change: the next batch is due one
 * interval after the last (or now, when none has run yet); none while the queue is off. The
 * previous scheduled job, if it has not started, is dropped.
 */
export async function rescheduleQueue(db: Db): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await db.transaction().execute(async (trx) => {
        // The first statement writes, so SQLite takes its write lock now rather than failing to
        // upgrade a read lock later.
        await trx.insertInto("settings").values({ key: SCHEDULE, value: "" }).onConflict((oc) => oc.column("key").doNothing()).execute();
        const current = (await getSetting(trx, SCHEDULE)) ?? "";
        const settings = await queueSettings(trx);
        let next = "";
        if (settings.enabled) {
          const last = await getSetting(trx, LAST_BATCH);
          const due = last ? Math.max(Date.now(), Date.parse(last) + settings.batchHours * 3_600_000) : Date.now();
          next = String(await enqueueJob(trx, INVITE_QUEUE_BATCH, { scheduled: true } satisfies BatchPayload, 0, { runAfter: new Date(due).toISOString() }));
        }
        if (!(await swapSetting(trx, SCHEDULE, current, next))) throw new ScheduleRaced();
        if (current) await trx.updateTable("jobs").set({ state: "done", updated_at: nowIso() }).where("id", "=", Number(current)).where("state", "=", "queued").execute();
      });
      return;
    } catch (error) {
      if (!(error instanceof ScheduleRaced)) throw error;
    }
  }
}

/** Makes sure a batch is scheduled while the queue is on (the first request of a new archive, or after a failed job). */
export async function ensureQueueScheduled(db: Db): Promise<void> {
  const current = await getSetting(db, SCHEDULE);
  if (current) {
    const job = await db.selectFrom("jobs").select("state").where("id", "=", Number(current)).executeTakeFirst();
    if (job && (job.state === "queued" || job.state === "running")) return;
  }
  if ((await queueSettings(db)).enabled) await rescheduleQueue(db);
}

/** When the next scheduled batch runs; null while none is scheduled. */
export async function nextBatchAt(db: DbOrTrx): Promise<string | null> {
  const current = await getSetting(db, SCHEDULE);
  if (!current) return null;
  const job = await db.selectFrom("jobs").select(["state", "run_after"]).where("id", "=", Number(current)).executeTakeFirst();
  if (!job || (job.state !== "queued" && job.state !== "running")) return null;
  return job.run_after && job.run_after > nowIso() ? job.run_after : nowIso();
}

/** How many requests are waiting: the admin home shows it. */
export async function inviteRequestCount(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom("invite_requests").select((eb) => eb.fn.countAll<number>().as("n")).where("invited_at", "is", null).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function positionOf(db: DbOrTrx, requestId: number): Promise<number> {
  const row = await db.selectFrom("invite_requests").select((eb) => eb.fn.countAll<number>().as("n")).where("invited_at", "is", null).where("id", "<=", requestId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Where an address stands in the queue. */
export type QueueStatus =
  | { state: "waiting"; position: number; expectedAt: string | null }
  | { state: "invited"; invitedAt: string; expired: boolean }
  | { state: "unknown" };

/** When the request at `position` should be sent its invitation, at the current rate; null while nothing is scheduled. */
async function expectedAt(db: DbOrTrx, position: number): Promise<string | null> {
  const [settings, next] = await Promise.all([queueSettings(db), nextBatchAt(db)]);
  if (!settings.enabled || !next) return null;
  const batches = Math.ceil(position / settings.batchSize);
  return new Date(Date.parse(next) + (batches - 1) * settings.batchHours * 3_600_000).toISOString();
}

export async function queueStatus(db: DbOrTrx, email: string): Promise<QueueStatus> {
  const request = await db.selectFrom("invite_requests").selectAll().where("email_key", "=", emailKey(email)).executeTakeFirst();
  if (!request) return { state: "unknown" };
  if (request.invited_at) {
    const invitation = request.invitation_id ? await db.selectFrom("invitations").select(["used_at", "expires_at", "invitee_email", "sent_at"]).where("id", "=", request.invitation_id).executeTakeFirst() : undefined;
    return { state: "invited", invitedAt: request.invited_at, expired: invitation ? invitationState(invitation) === "expired" : false };
  }
  const position = await positionOf(db, request.id);
  return { state: "waiting", position, expectedAt: await expectedAt(db, position) };
}

/**
 * Adds an address to the waiting list. Refused: not an address, an address with an account, one
 * already waiting, or one already sent an invitation that still works. An address whose
 * invitation expired unused joins again at the end.
 */
export async function joinQueue(db: Db, email: string, address: string): Promise<CommandResult<{ position: number; expectedAt: string | null }>> {
  const field = "invite_request[email]";
  const refuse = (message: string): { ok: false; errors: FieldErrors } => ({ ok: false, errors: { [field]: [message] } });
  if (!isEmailAddress(email)) return refuse(t("invitations.email_format"));
  if (await emailHasAccount(db, email)) return refuse(t("invitations.email_has_account"));
  const key = emailKey(email);
  const joined = await db.transaction().execute(async (trx): Promise<{ id: number } | { status: QueueStatus }> => {
    const inserted = await trx
      .insertInto("invite_requests")
      .values({ email, email_key: key, address, created_at: nowIso(), invitation_id: null, invited_at: null })
      .onConflict((oc) => oc.column("email_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { id: inserted.id };
    const status = await queueStatus(trx, email);
    if (status.state === "invited" && status.expired) {
      // The invitation expired unused: the request starts again at the end of the list.
      await trx.deleteFrom("invite_requests").where("email_key", "=", key).execute();
      const again = await trx.insertInto("invite_requests").values({ email, email_key: key, address, created_at: nowIso(), invitation_id: null, invited_at: null }).returning("id").executeTakeFirstOrThrow();
      return { id: again.id };
    }
    return { status };
  });
  if ("status" in joined) {
    const status = joined.status;
    if (status.state === "waiting") return refuse(t("invitations.queue.already_waiting", { position: status.position }));
    if (status.state === "invited") return refuse(t("invitations.queue.already_invited", { date: status.invitedAt.slice(0, 10) }));
    return refuse(t("invitations.queue.already_waiting_unknown"));
  }
  await ensureQueueScheduled(db);
  const position = await positionOf(db, joined.id);
  return { ok: true, value: { position, expectedAt: await expectedAt(db, position) } };
}

/**
 * Issues invitations to the `count` oldest waiting requests, in the caller's transaction: each
 * request is claimed by a conditional UPDATE (and on PostgreSQL locked with SKIP LOCKED, so a
 * batch running at the same time takes the next requests instead of waiting), given an invitation
 * bound to its address, and a mail job. Returns how many were issued.
 */
async function inviteOldest(trx: DbOrTrx, count: number, expiresAt: string | null, now: string): Promise<number> {
  let query = trx.selectFrom("invite_requests").select(["id", "email"]).where("invited_at", "is", null).orderBy("id").limit(count);
  if (dialectOf(trx) === "postgres") query = query.forUpdate().skipLocked();
  const requests = await query.execute();
  let issued = 0;
  for (const request of requests) {
    const claimed = await trx.updateTable("invite_requests").set({ invited_at: now }).where("id", "=", request.id).where("invited_at", "is", null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const invitation = await insertInvitation(trx, { createdBy: null, inviteeEmail: request.email, sentAt: now, expiresAt, fromQueue: true });
    await trx.updateTable("invite_requests").set({ invitation_id: invitation.id }).where("id", "=", request.id).execute();
    issued++;
  }
  return issued;
}

/** An admin sends invitations to the next `count` requests now (a job, run by the next worker). */
export async function sendFromQueueNow(db: Db, adminId: number, countText: string): Promise<CommandResult<{ count: number; jobId: number }>> {
  const count = countIn(countText, QUEUE_LIMITS.batchSize.min, QUEUE_LIMITS.batchSize.max);
  if (count === null) return { ok: false, errors: { "queue[count]": [t("invitations.count_range", { max: QUEUE_LIMITS.batchSize.max })] } };
  const jobId = await db.transaction().execute((trx) => enqueueJob(trx, INVITE_QUEUE_BATCH, { scheduled: false, count, requestedBy: adminId } satisfies BatchPayload, count));
  return { ok: true, value: { count, jobId } };
}

/**
 * The batch job's one step, all in one transaction: the job's cursor moves first (so a batch that
 * committed is never sent again, and a worker that lost the job rolls back), then the oldest
 * requests get their invitations and mail jobs, and a scheduled batch queues the next one.
 */
export const inviteQueueBatchStep: JobStep = async (db, job) => {
  if (job.cursor > 0) return false;
  const payload = JSON.parse(job.payload) as BatchPayload;
  await db.transaction().execute(async (trx) => {
    await advanceJob(trx, job.id, 1, 0);
    const settings = await queueSettings(trx);
    let count = payload.count ?? 0;
    if (payload.scheduled) {
      // Only the schedule's current job sends, and only while the queue is on. The swap (to the
      // same value) also holds the schedule's row until this commits, so a reschedule at the same
      // moment retries after it and sees the next batch this one queues.
      if (!(await swapSetting(trx, SCHEDULE, String(job.id), String(job.id))) || !settings.enabled) return;
      count = settings.batchSize;
    }
    const now = new Date();
    const issued = await inviteOldest(trx, count, expiryFrom(settings, now), now.toISOString());
    await trx.updateTable("jobs").set({ done_count: issued, total: count }).where("id", "=", job.id).execute();
    if (payload.scheduled) {
      await setSetting(trx, LAST_BATCH, now.toISOString());
      const runAfter = new Date(now.getTime() + settings.batchHours * 3_600_000).toISOString();
      const next = await enqueueJob(trx, INVITE_QUEUE_BATCH, { scheduled: true } satisfies BatchPayload, 0, { runAfter });
      await setSetting(trx, SCHEDULE, String(next));
    }
  });
  return false;
};

const GRANT_BATCH = 100;

/** Grants invitations to every user, a batch of users per step; the cursor is the last user id done. */
export const invitationGrantStep: JobStep = async (db, job) => {
  const payload = JSON.parse(job.payload) as InvitationGrantPayload;
  const users = await userIdsAfter(db, job.cursor, GRANT_BATCH);
  if (users.length === 0) return false;
  await db.transaction().execute(async (trx) => {
    await advanceJob(trx, job.id, users[users.length - 1]!, users.length);
    await insertUnsentInvitations(trx, users.flatMap((owner) => Array.from({ length: payload.count }, () => ({ createdBy: payload.grantedBy, owner }))));
  });
  return users.length === GRANT_BATCH;
};

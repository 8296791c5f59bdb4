import { hostname } from "node:os";

import type { Db, DbOrTrx } from "./db/index.js";
import { nowIso } from "./db/index.js";
import type { ExpressionBuilder } from "kysely";
import type { Database, JobRow } from "./db/tables.js";

/**
 * Durable background jobs: a row per job, claimed by one worker at a time, processed in
 * batches that each commit together with the job's cursor. A crash or restart loses at most
 * the batch in flight, which the next worker redoes; nothing needs to be re-run by hand.
 */

/** Processes one batch of a job; returns false when the job has nothing left to do. */
export type JobStep = (db: Db, job: JobRow) => Promise<boolean>;

/** A worker's name in `locked_by`: host and process, so an admin can tell who holds a job. */
export const WORKER_ID = `${hostname()}:${process.pid}`;

// A running job whose worker has not touched it for this long is taken over (the worker died).
const STALE_MS = 60_000;

/**
 * Queues a job in the caller's transaction, so it exists exactly when the change that needs it does.
 * `runAfter` (ISO time) keeps it waiting until then: a scheduled job, such as the invite queue's
 * next batch, that a restart does not lose.
 */
export async function enqueueJob(trx: DbOrTrx, kind: string, payload: unknown, total: number, options: { runAfter?: string } = {}): Promise<number> {
  const now = nowIso();
  const row = await trx
    .insertInto("jobs")
    .values({ kind, payload: JSON.stringify(payload), state: "queued", total, locked_by: null, locked_at: null, error: null, created_at: now, updated_at: now, run_after: options.runAfter ?? null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes the oldest queued (or abandoned) job for this worker, or undefined when there is none; a
 * job scheduled for later (run_after) waits until its time.
 * The claim is one conditional UPDATE: two processes racing for a job cannot both win, on
 * either database, and SQLite never has to upgrade a read lock (which fails instead of waiting).
 */
export async function claimJob(db: Db, onlyId?: number): Promise<JobRow | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const staleBefore = new Date(Date.now() - STALE_MS).toISOString();
    const due = nowIso();
    const claimable = (eb: ExpressionBuilder<Database, "jobs">) =>
      eb.or([
        eb.and([eb("state", "=", "queued"), eb.or([eb("run_after", "is", null), eb("run_after", "<=", due)])]),
        eb.and([eb("state", "=", "running"), eb("locked_at", "<", staleBefore)]),
      ]);
    let query = db.selectFrom("jobs").select("id").where(claimable).orderBy("id").limit(1);
    if (onlyId !== undefined) query = query.where("id", "=", onlyId);
    const candidate = await query.executeTakeFirst();
    if (!candidate) return undefined;
    const now = nowIso();
    const claimed = await db
      .updateTable("jobs")
      .set((eb) => ({ state: "running", locked_by: WORKER_ID, locked_at: now, updated_at: now, attempts: eb("attempts", "+", 1) }))
      .where("id", "=", candidate.id)
      .where(claimable)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return db.selectFrom("jobs").selectAll().where("id", "=", candidate.id).executeTakeFirstOrThrow();
  }
  return undefined;
}

/** Thrown inside a batch when another worker has taken the job over: the batch rolls back. */
export class LostJobLock extends Error {}

/** Runs a claimed job to its end (or until `shouldStop`), batch by batch. */
export async function runJob(db: Db, job: JobRow, step: JobStep, shouldStop: () => boolean = () => false): Promise<"done" | "paused" | "failed"> {
  try {
    for (;;) {
      const current = await db.selectFrom("jobs").selectAll().where("id", "=", job.id).executeTakeFirstOrThrow();
      if (!(await step(db, current))) break;
      if (shouldStop()) {
        // Hand the job back at once, so the next start resumes it without waiting for staleness.
        await db.updateTable("jobs").set({ state: "queued", locked_by: null, locked_at: null, updated_at: nowIso() }).where("id", "=", job.id).where("locked_by", "=", WORKER_ID).execute();
        return "paused";
      }
    }
    await db.updateTable("jobs").set({ state: "done", locked_by: null, locked_at: null, updated_at: nowIso() }).where("id", "=", job.id).execute();
    return "done";
  } catch (error) {
    if (error instanceof LostJobLock) return "paused"; // another worker owns it now
    // Kept queued for another try: the cause is usually passing (a lock, a restart).
    const state = job.attempts >= 5 ? "failed" : "queued";
    await db
      .updateTable("jobs")
      .set({ state, error: String((error as Error).stack ?? error), locked_by: null, locked_at: null, updated_at: nowIso() })
      .where("id", "=", job.id)
      .execute();
    return "failed";
  }
}

/**
 * Marks progress inside a batch's transaction: the cursor moves only if the batch commits, and
 * only while this worker still holds the job (otherwise LostJobLock rolls the batch back).
 */
export async function advanceJob(trx: DbOrTrx, jobId: number, cursor: number, processed: number): Promise<void> {
  const result = await trx
    .updateTable("jobs")
    .set((eb) => ({ cursor, done_count: eb("done_count", "+", processed), locked_at: nowIso(), updated_at: nowIso() }))
    .where("id", "=", jobId)
    .where("locked_by", "=", WORKER_ID)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LostJobLock(`job ${jobId} was taken over by another worker`);
}

/** Runs every job that is waiting, one after another; returns how many ran. */
export async function drainJobs(db: Db, steps: Record<string, JobStep>): Promise<number> {
  let ran = 0;
  for (;;) {
    const job = await claimJob(db);
    if (!job) return ran;
    const step = steps[job.kind];
    if (!step) {
      await db.updateTable("jobs").set({ state: "failed", error: `no handler for job kind "${job.kind}"`, locked_by: null, updated_at: nowIso() }).where("id", "=", job.id).execute();
      continue;
    }
    await runJob(db, job, step);
    ran++;
  }
}

/**
 * Polls for jobs in the background of a serving process. Returns a stop function that waits
 * for the batch in flight, so a shutdown never leaves a half-written batch.
 */
export function startJobWorker(db: Db, steps: Record<string, JobStep>, intervalMs = 1000): () => Promise<void> {
  let stopping = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    const job = await claimJob(db);
    if (!job) return;
    const step = steps[job.kind];
    if (step) await runJob(db, job, step, () => stopping);
  };
  const timer = setInterval(() => {
    running = running.then(() => (stopping ? undefined : tick())).catch((error) => console.error(`job worker: ${(error as Error).message}`));
  }, intervalMs);
  timer.unref();
  return async () => {
    stopping = true;
    clearInterval(timer);
    await running;
  };
}

/** A job's state for progress displays. */
export async function jobStatus(db: DbOrTrx, id: number) {
  return db.selectFrom("jobs").select(["id", "kind", "state", "done_count", "total", "error", "updated_at"]).where("id", "=", id).executeTakeFirst();
}

/** Unfinished jobs, oldest first, for admins and wranglers. */
export async function pendingJobs(db: DbOrTrx) {
  return db.selectFrom("jobs").select(["id", "kind", "state", "done_count", "total", "created_at"]).where("state", "in", ["queued", "running"]).orderBy("id").execute();
}


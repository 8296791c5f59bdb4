import { sql } from "kysely";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import type { JobRow } from "../platform/db/tables.js";
import { advanceJob, claimJob, enqueueJob, type JobStep, runJob } from "../platform/jobs.js";
import { refreshFilterSets } from "./filters.js";

/**
 * The re-filter job: after a wrangling change, every work that may be affected gets its filter
 * set recomputed from the current graph, in batches of work ids ascending. Recomputing is
 * idempotent, so a batch redone after a crash gives the same exact result.
 */
export const REFILTER = "refilter";

export interface RefilterPayload {
  /** Works tagged (directly) with any of these tags. */
  taggedWith: number[];
  /** Works whose filter set holds any of these tags. */
  filteredBy: number[];
}

export let REFILTER_BATCH = 1000;
/** For tests and benchmarks: smaller batches show resuming mid-job. */
export function setRefilterBatchSize(size: number): void {
  REFILTER_BATCH = size;
}

function affectedWorks(db: DbOrTrx, payload: RefilterPayload, after: number) {
  const tagged = payload.taggedWith.length
    ? db.selectFrom("work_tags").select("work_id").where("tag_id", "in", payload.taggedWith).where("work_id", ">", after)
    : undefined;
  const filtered = payload.filteredBy.length
    ? db.selectFrom("work_filters").select("work_id").where("tag_id", "in", payload.filteredBy).where("work_id", ">", after)
    : undefined;
  const union = tagged && filtered ? tagged.union(filtered) : (tagged ?? filtered);
  if (!union) return undefined;
  return db.selectFrom(union.as("affected")).select("affected.work_id").distinct();
}

/**
 * The next batch of affected work ids after the cursor. Each tag's list is cut to the batch
 * size on its own index before they are merged, so a batch costs the same at any cursor
 * (a merged-then-sorted union grows with every remaining row).
 */
async function nextBatch(db: DbOrTrx, payload: RefilterPayload, after: number, limit: number): Promise<number[]> {
  const parts = [
    ...payload.taggedWith.map((id) => sql`select work_id from (select work_id from work_tags where tag_id = ${id} and work_id > ${after} order by work_id limit ${limit}) as t${sql.raw(String(id))}`),
    ...payload.filteredBy.map((id) => sql`select work_id from (select work_id from work_filters where tag_id = ${id} and work_id > ${after} order by work_id limit ${limit}) as f${sql.raw(String(id))}`),
  ];
  if (parts.length === 0) return [];
  const rows = await sql<{ work_id: number }>`select distinct work_id from (${sql.join(parts, sql` union all `)}) as merged order by work_id limit ${limit}`.execute(db);
  return rows.rows.map((r) => Number(r.work_id));
}

// A work saved while the job ran may have computed its filter set from the graph before the
// change (PostgreSQL runs both at once); the job's last step recomputes works saved since a
// little before it was queued, so none keeps a stale set.
const SWEEP_MARGIN_MS = 5 * 60_000;

/** Queues a re-filter in the caller's transaction; null when no work can be affected. */
export async function enqueueRefilter(trx: DbOrTrx, payload: RefilterPayload): Promise<number | null> {
  const query = affectedWorks(trx, payload, 0);
  if (!query) return null;
  const counted = await trx.selectFrom(query.as("q")).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const total = Number(counted.n);
  if (total === 0) return null;
  return enqueueJob(trx, REFILTER, payload, total);
}

/** One batch of a re-filter job; the last call sweeps works saved while it ran. */
export const refilterStep: JobStep = async (db: Db, job: JobRow) => {
  const payload = JSON.parse(job.payload) as RefilterPayload;
  const ids = await nextBatch(db, payload, job.cursor, REFILTER_BATCH);
  if (ids.length === 0) {
    const since = new Date(Date.parse(job.created_at) - SWEEP_MARGIN_MS).toISOString();
    const saved = await db.selectFrom("works").select("id").where("updated_at", ">=", since).orderBy("id").execute();
    for (let i = 0; i < saved.length; i += REFILTER_BATCH) {
      const part = saved.slice(i, i + REFILTER_BATCH).map((w) => w.id);
      await db.transaction().execute((trx) => refreshFilterSets(trx, part));
    }
    return false;
  }
  await db.transaction().execute(async (trx) => {
    await refreshFilterSets(trx, ids);
    await advanceJob(trx, job.id, ids[ids.length - 1]!, ids.length);
  });
  return true;
};

/** Every job step the tags capability defines, for the worker. */
export const TAG_JOB_STEPS: Record<string, JobStep> = { [REFILTER]: refilterStep };

/**
 * Runs one queued job now, in this process, to its end (wrangling pages and the CLI do this so
 * small changes show at once). If another worker already holds it, this returns at once and that
 * worker finishes it. `onProgress` is called after every batch.
 */
export async function runRefilterNow(db: Db, jobId: number, onProgress?: (done: number, total: number) => void): Promise<void> {
  const job = await claimJob(db, jobId);
  if (!job) return;
  await runJob(db, job, async (database, current) => {
    const more = await refilterStep(database, current);
    if (onProgress) {
      const now = await database.selectFrom("jobs").select(["done_count", "total"]).where("id", "=", jobId).executeTakeFirstOrThrow();
      onProgress(now.done_count, now.total);
    }
    return more;
  });
}

// A re-filter worker in its own process, for the crash test in bench/refilter.ts:
//   node --import tsx bench/refilter-worker.ts DATABASE_URL JOB_ID [BATCH_SIZE]
// It claims the job exactly as a serving archive's worker does (claimJob), runs it batch by
// batch (runJob + refilterStep) and prints one JSON line when it has claimed the job and one
// when it has finished. The benchmark kills it with SIGKILL partway and starts another.
import { openDatabase } from "../src/platform/db/index.js";
import { claimJob, jobStatus, runJob } from "../src/platform/jobs.js";
import { refilterStep, setRefilterBatchSize } from "../src/tags/refilter.js";

const [url, rawJobId, rawBatch] = process.argv.slice(2);
const jobId = Number(rawJobId);
if (!url || !Number.isInteger(jobId)) {
  console.error("Usage: node --import tsx bench/refilter-worker.ts DATABASE_URL JOB_ID [BATCH_SIZE]");
  process.exit(2);
}
if (rawBatch) setRefilterBatchSize(Number(rawBatch));

const db = openDatabase(url);
try {
  const job = await claimJob(db, jobId);
  if (!job) {
    console.log(JSON.stringify({ event: "not-claimed", pid: process.pid }));
    process.exitCode = 3;
  } else {
    console.log(JSON.stringify({ event: "claimed", pid: process.pid, cursor: job.cursor, done_count: job.done_count, total: job.total, attempts: job.attempts }));
    const outcome = await runJob(db, job, refilterStep);
    const status = await jobStatus(db, jobId);
    console.log(JSON.stringify({ event: "finished", pid: process.pid, outcome, state: status?.state, done_count: status?.done_count, total: status?.total, error: status?.error ?? null }));
    if (outcome !== "done") process.exitCode = 1;
  }
} finally {
  await db.destroy();
}

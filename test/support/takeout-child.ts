/**
 * The takeout job run in a process of its own, so its memory can be measured alone (and capped
 * with --max-old-space-size): src/leaving/takeout-memory.test.ts starts it as
 *
 *   node --max-old-space-size=MB --import tsx test/support/takeout-child.ts DATABASE_URL DATA_DIR
 *
 * It runs every queued job with the real takeout step and prints one JSON line: the resident set
 * and V8 heap at the start and their highest values while the zip was written (sampled every 20 ms).
 */
import { openDatabase } from "../../src/platform/db/index.js";
import { drainJobs } from "../../src/platform/jobs.js";
import { leavingJobSteps } from "../../src/leaving/index.js";

const [url, dataDir] = process.argv.slice(2);
if (!url || !dataDir) throw new Error("usage: takeout-child.ts DATABASE_URL DATA_DIR");

const db = openDatabase(url);
const start = process.memoryUsage();
let peakRss = start.rss;
let peakHeap = start.heapUsed + start.arrayBuffers;
const timer = setInterval(() => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
}, 20);
const mail: string[] = [];
const ran = await drainJobs(db, leavingJobSteps({ destination: "memory", send: async (m) => void mail.push(m.key) }, { dataDir, publicUrl: "http://127.0.0.1:3000" }));
clearInterval(timer);
await db.destroy();
console.log(JSON.stringify({ ran, mail, startRss: start.rss, peakRss, startHeap: start.heapUsed + start.arrayBuffers, peakHeap }));

/**
 * The public module of src/leaving: what other folders may use. Leaving the archive: orphaning
 * works to the orphan account, deleting an account, and the takeout zip (docs/leaving.md).
 */
export { deleteAccount, orphanWorks, WORKS_CHOICES } from "./commands.js";
export type { OrphanTarget, WorksChoice } from "./commands.js";
export { isOrphanAccount, ORPHAN_PASSWORD_MARK, orphanAccount } from "./orphan-account.js";
export { leavingRoutes } from "./routes.js";
export { latestTakeout, leavingJobSteps, requestTakeout, sweepTakeouts, TAKEOUT_DAYS, TAKEOUT_JOB, takeoutFolder } from "./takeout.js";
export { TAKEOUT_FORMAT_VERSION, TAKEOUT_ROOT, writeTakeout } from "./takeout-zip.js";

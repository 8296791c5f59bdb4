/**
 * The public module of src/reports: what other folders may use. Abuse reports: anyone reports a
 * page of the archive; the policy & abuse admins see it with a snapshot of the page and act on it.
 */
export { reportJobSteps } from "./mail-job.js";
export { openReportCount } from "./queries.js";
export { reportsRoutes } from "./routes.js";
export { newReportPath } from "./views/paths.js";

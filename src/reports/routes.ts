import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";
import { ADDRESS_LIMIT } from "./schema.js";

/** Abuse reports: anyone sends one; the policy & abuse admins work the queue. */
export const reportsRoutes = [
  get("/abuse_reports/new", h.showNewReport),
  post("/abuse_reports", h.sendReport, { rateLimit: ADDRESS_LIMIT }),
  get("/abuse_reports/sent", h.showSent),
  get("/admin/abuse_reports", h.showQueue, { guard: ["policy_and_abuse"] }),
  get("/admin/abuse_reports/:id", h.showReport, { guard: ["policy_and_abuse"] }),
  post("/admin/abuse_reports/:id/resolve", h.resolve, { guard: ["policy_and_abuse"] }),
  post("/admin/abuse_reports/:id/reopen", h.reopen, { guard: ["policy_and_abuse"] }),
];

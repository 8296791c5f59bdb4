import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

// A password check, like logging in: limited as log-ins are.
const PASSWORD_LIMIT = { max: 5, timeWindow: 20_000 };

/** Leaving the archive: orphaning works, deleting an account, and the takeout of everything of one's own. */
export const leavingRoutes = [
  get("/orphans/new", h.showOrphanPage, { guard: "user" }),
  post("/orphans", h.postOrphans, { guard: "user" }),
  get("/users/:login/delete", h.showDeleteAccountPage, { guard: "user" }),
  post("/users/:login/delete", h.postDeleteAccount, { guard: "user", rateLimit: PASSWORD_LIMIT }),
  get("/account_deleted", h.showAccountDeletedPage),
  get("/users/:login/takeout", h.showTakeoutPage, { guard: "user" }),
  post("/users/:login/takeout", h.postTakeout, { guard: "user" }),
  get("/users/:login/takeout/:id/download", h.downloadTakeout, { guard: "user" }),
];

import { get, post } from "../platform/http/routes.js";
import type { Role } from "../platform/http/viewer.js";
import * as h from "./sanction-handlers.js";
import * as spam from "./spam-handlers.js";

/** Who looks at accounts (policy & abuse, support) and who acts on them (policy & abuse). */
const LOOK: readonly Role[] = ["policy_and_abuse", "support"];
const ACT: readonly Role[] = ["policy_and_abuse"];

/**
 * Suspensions, bans, warnings and the spam queue. The four account actions are posted to from
 * other admin pages too (an abuse report's), with a hidden `return_to` local path to come back to.
 */
export const sanctionRoutes = [
  get("/admin/users", h.showUserSearch, { guard: LOOK }),
  get("/admin/users/:login", h.showAdminUser, { guard: LOOK }),
  post("/admin/users/:login/warn", h.postWarn, { guard: ACT }),
  post("/admin/users/:login/suspend", h.postSuspend, { guard: ACT }),
  post("/admin/users/:login/ban", h.postBan, { guard: ACT }),
  post("/admin/users/:login/lift", h.postLift, { guard: ACT }),

  // The user's own side: why and until when, and the warnings to read and dismiss.
  get("/users/:login/notices", h.showNotices, { guard: "user" }),
  post("/users/:login/notices/:id/dismiss", h.dismissNotice, { guard: "user" }),

  get("/admin/spam", spam.showSpamQueue, { guard: ACT }),
  get("/admin/spam/settings", spam.showSpamSettings, { guard: ACT }),
  post("/admin/spam/settings", spam.saveSpamSettings, { guard: ACT }),
  post("/admin/spam/works/:id/approve", spam.approveWork, { guard: ACT }),
  get("/admin/spam/works/:id/confirm_spam", spam.confirmWorkSpam, { guard: ACT }),
  post("/admin/spam/works/:id/spam", spam.markWork, { guard: ACT }),
  post("/admin/spam/comments/:id/approve", spam.approveComment, { guard: ACT }),
  get("/admin/spam/comments/:id/confirm_spam", spam.confirmCommentSpam, { guard: ACT }),
  post("/admin/spam/comments/:id/spam", spam.markComment, { guard: ACT }),
];

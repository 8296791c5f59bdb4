import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/**
 * The policy admins' pages about works. Other capabilities' pages (an abuse report, a held work)
 * link and post to these exact URLs, with an optional `return_to` (a path on this archive) to come
 * back to after the action. The superadmin passes every guard.
 */
export const moderationRoutes = [
  get("/admin/works", h.showAdminWorks, { guard: ["policy_and_abuse"] }),
  get("/admin/works/:id", h.showAdminWork, { guard: ["policy_and_abuse"] }),
  post("/admin/works/:id/hide", h.hideWorkAction, { guard: ["policy_and_abuse"] }),
  post("/admin/works/:id/unhide", h.unhideWorkAction, { guard: ["policy_and_abuse"] }),
  get("/admin/works/:id/delete", h.showAdminDeleteWork, { guard: ["policy_and_abuse"] }),
  post("/admin/works/:id/delete", h.deleteWorkAction, { guard: ["policy_and_abuse"] }),
  get("/admin/works/:id/tags", h.showAdminWorkTags, { guard: ["policy_and_abuse"] }),
  post("/admin/works/:id/tags", h.saveAdminWorkTags, { guard: ["policy_and_abuse"] }),
];

import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** First-admin setup and archive settings. Everything under /admin needs the admin role. */
export const adminRoutes = [
  get("/setup", h.showSetupPage),
  post("/setup", h.createFirstAdmin, { rateLimit: { max: 10, timeWindow: 60_000 } }),
  get("/admin/settings", h.showSettingsPage, { guard: "admin" }),
  post("/admin/settings", h.saveSettings, { guard: "admin" }),
  // security.txt (RFC 9116): set by an admin, read by anyone
  post("/admin/settings/security-txt", h.saveSecurityTxt, { guard: "admin" }),
  get("/.well-known/security.txt", h.showSecurityTxt),
];

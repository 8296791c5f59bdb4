import { get } from "../platform/http/routes.js";
import { ADMIN_ROLES } from "../platform/http/viewer.js";
import * as adminHome from "./admin-home.js";
import * as profile from "./profile.js";
import * as pseuds from "./pseuds.js";
import * as reading from "./reading.js";

/** Pages assembled from several capabilities. URLs follow AO3's so readers' tools keep working. */
export const pagesRoutes = [
  get("/works/:id", reading.showWorkPage),
  get("/works/:id/navigate", reading.showNavigatePage),
  get("/works/:id/chapters/:chapterId", reading.showChapterPage),
  get("/users/:login", profile.showProfilePage),
  get("/users/:login/profile", profile.showProfilePage),
  get("/users/:login/pseuds", pseuds.showPseudsPage),
  get("/admin", adminHome.showAdminHome, { guard: ADMIN_ROLES }),
];

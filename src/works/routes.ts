import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";
import * as c from "./creatorship-handlers.js";

/** Works: posting, reading, editing. URLs follow AO3's so links and readers' tools keep working. */
export const worksRoutes = [
  get("/works/new", h.showNewWorkPage, { guard: "user", contributes: true }),
  post("/works", h.postWork, { guard: "user", contributes: true }),

  get("/works/:id/edit", h.showEditWorkPage, { guard: "user", contributes: true }),
  post("/works/:id", h.saveWork, { guard: "user", contributes: true }),
  post("/works/:id/post", h.publishDraft, { guard: "user", contributes: true }),
  get("/works/:id/confirm_delete", h.showDeleteWorkPage, { guard: "user" }),
  post("/works/:id/delete", h.removeWork, { guard: "user" }),

  get("/works/:id/chapters/new", h.showNewChapterPage, { guard: "user", contributes: true }),
  post("/works/:id/chapters", h.postChapter, { guard: "user", contributes: true }),
  get("/works/:id/chapters/manage", h.showManageChaptersPage, { guard: "user", contributes: true }),
  post("/works/:id/chapters/reorder", h.saveChapterOrder, { guard: "user", contributes: true }),
  get("/works/:id/chapters/:chapterId/edit", h.showEditChapterPage, { guard: "user", contributes: true }),
  post("/works/:id/chapters/:chapterId", h.saveChapter, { guard: "user", contributes: true }),
  get("/works/:id/chapters/:chapterId/confirm_delete", h.showDeleteChapterPage, { guard: "user", contributes: true }),
  post("/works/:id/chapters/:chapterId/delete", h.removeChapter, { guard: "user", contributes: true }),

  // Co-creators: invitations answered by the invited user; any creator but the last may leave.
  get("/users/:login/creatorships", c.showCreatorships, { guard: "user" }),
  post("/users/:login/creatorships/:id/accept", c.acceptCreatorship, { guard: "user", contributes: true }),
  post("/users/:login/creatorships/:id/decline", c.declineCreatorship, { guard: "user" }),
  get("/works/:id/confirm_leave", c.showLeaveWorkPage, { guard: "user" }),
  post("/works/:id/leave", c.leaveWorkNow, { guard: "user" }),
];

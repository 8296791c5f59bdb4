import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Blocking and muting other users; each list is its owner's alone. */
export const blockingRoutes = [
  get("/users/:login/blocked", h.showBlocked, { guard: "user" }),
  post("/users/:login/blocked", h.blockUser, { guard: "user" }),
  post("/users/:login/blocked/:targetId/delete", h.unblockUser, { guard: "user" }),
  get("/users/:login/muted", h.showMuted, { guard: "user" }),
  post("/users/:login/muted", h.muteUser, { guard: "user" }),
  post("/users/:login/muted/:targetId/delete", h.unmuteUser, { guard: "user" }),
];

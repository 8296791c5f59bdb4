import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Related works: the links to a user's works, each approved or hidden by a creator of the work named. */
export const relatedRoutes = [
  get("/users/:login/related_works", h.showRelatedWorks, { guard: "user" }),
  post("/related_works/:id/approve", h.approveLink, { guard: "user" }),
  post("/related_works/:id/hide", h.hideLink, { guard: "user" }),
];

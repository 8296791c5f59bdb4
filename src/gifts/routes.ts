import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Gifts: the works given to a user (AO3's URL), and the recipient's refusal. */
export const giftsRoutes = [
  get("/users/:login/gifts", h.showGifts),
  post("/users/:login/gifts/:workId/refuse", h.refuseGift, { guard: "user" }),
  post("/users/:login/gifts/:workId/accept", h.acceptGift, { guard: "user" }),
];

import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Subscriptions: follow works, users and series; emails on new works and chapters. */
export const subscriptionsRoutes = [
  get("/users/:login/subscriptions", h.showSubscriptions, { guard: "user" }),
  post("/users/:login/subscriptions", h.postSubscription, { guard: "user" }),
  post("/users/:login/subscriptions/:id/delete", h.removeSubscription, { guard: "user" }),
  // From an email: no log-in, the token in the link is the key.
  get("/subscriptions/unsubscribe/:token", h.showUnsubscribe),
  post("/subscriptions/unsubscribe/:token", h.confirmUnsubscribe),
];

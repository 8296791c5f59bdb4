import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

// Guests leave kudos by address: a few a minute per address is plenty for a reader, and slows
// anyone inflating counts from one machine. (Users are limited by the one-per-work rule.)
const GUEST_KUDOS_LIMIT = { max: 10, timeWindow: 60_000 };

/** Responses: kudos and bookmarks of works (comments, subscriptions and the rest come later). */
export const responsesRoutes = [
  post("/works/:id/kudos", h.postKudos, { rateLimit: GUEST_KUDOS_LIMIT }),

  get("/works/:id/bookmarks", h.showWorkBookmarks),
  get("/works/:id/bookmarks/new", h.showNewBookmarkPage, { guard: "user" }),
  post("/works/:id/bookmarks", h.postBookmark, { guard: "user" }),
  get("/bookmarks/:id/edit", h.showEditBookmarkPage, { guard: "user" }),
  post("/bookmarks/:id", h.saveBookmark, { guard: "user" }),
  get("/bookmarks/:id/confirm_delete", h.showDeleteBookmarkPage, { guard: "user" }),
  post("/bookmarks/:id/delete", h.removeBookmark, { guard: "user" }),
  get("/users/:login/bookmarks", h.showUserBookmarks),
];

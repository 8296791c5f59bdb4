import type { FastifyRequest } from "fastify";
import { get, post, type RateLimit } from "../platform/http/routes.js";
import * as h from "./handlers.js";
import * as history from "./history-handlers.js";
import * as stats from "./stats-handlers.js";
import * as search from "./search-handlers.js";
import { guestAddressKey } from "./policy.js";

// Guests leave kudos by address: ten a minute per address is plenty for a reader, and slows
// anyone inflating counts from one machine. Logged-in users are not counted (one kudos per
// account per work already bounds them): `allowList` goes through to @fastify/rate-limit with
// the route's options, and runs after the viewer is loaded (an app-wide onRequest hook). Guests
// are counted by the same address key their kudos are recorded under (an IPv6 /64).
const GUEST_KUDOS_LIMIT: RateLimit & { allowList: (req: FastifyRequest) => boolean; keyGenerator: (req: FastifyRequest) => string } = {
  max: 10,
  timeWindow: 60_000,
  allowList: (req) => req.viewer?.user != null,
  keyGenerator: (req) => guestAddressKey(req.ip),
};

/** Responses: kudos, bookmarks (of works and series), history and Marked for Later, creators' stats (comments, subscriptions and the rest come later). */
export const responsesRoutes = [
  post("/works/:id/kudos", h.postKudos, { rateLimit: GUEST_KUDOS_LIMIT, contributes: true }),

  get("/bookmarks/search", search.showBookmarkSearchPage),
  get("/works/:id/bookmarks", h.showWorkBookmarks),
  get("/works/:id/bookmarks/new", h.showNewBookmarkPage, { guard: "user", contributes: true }),
  post("/works/:id/bookmarks", h.postBookmark, { guard: "user", contributes: true }),
  get("/bookmarks/:id/edit", h.showEditBookmarkPage, { guard: "user", contributes: true }),
  post("/bookmarks/:id", h.saveBookmark, { guard: "user", contributes: true }),
  get("/bookmarks/:id/confirm_delete", h.showDeleteBookmarkPage, { guard: "user" }),
  post("/bookmarks/:id/delete", h.removeBookmark, { guard: "user" }),
  get("/users/:login/bookmarks", h.showUserBookmarks),

  post("/works/:id/mark_for_later", history.markForLater, { guard: "user" }),
  post("/works/:id/mark_as_read", history.markAsRead, { guard: "user" }),
  get("/users/:login/readings", history.showReadings, { guard: "user" }),
  post("/users/:login/readings/:workId/delete", history.removeReading, { guard: "user" }),
  get("/users/:login/readings/confirm_clear", history.showClearHistoryPage, { guard: "user" }),
  post("/users/:login/readings/clear", history.removeHistory, { guard: "user" }),
  post("/users/:login/readings/preference", history.saveHistoryPreference, { guard: "user" }),

  get("/users/:login/stats", stats.showStats, { guard: "user" }),

  get("/series/:id/bookmarks", h.showSeriesBookmarks),
  get("/series/:id/bookmarks/new", h.showNewSeriesBookmarkPage, { guard: "user", contributes: true }),
  post("/series/:id/bookmarks", h.postSeriesBookmark, { guard: "user", contributes: true }),
];

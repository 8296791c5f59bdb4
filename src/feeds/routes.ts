import { get } from "../platform/http/routes.js";
import * as atom from "./handlers.js";

/** Atom feeds of listings, searches, tags, users and a work's chapters. */
export const feedsRoutes = [
  get("/works/feed.atom", atom.worksFeed),
  get("/works/search/feed.atom", atom.searchFeed),
  get("/users/:login/works/feed.atom", atom.userWorksFeed),
  get("/tags/:name/feed.atom", atom.tagFeed),
  get("/works/:id/chapters/feed.atom", atom.chaptersFeed),
];

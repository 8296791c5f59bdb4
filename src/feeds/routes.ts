import { get } from "../platform/http/routes.js";
import * as atom from "./handlers.js";
import * as news from "./news.js";
import * as opds from "./opds.js";

/** Atom feeds of listings, searches, tags, users, series, a work's chapters and the news; the OPDS 1.2 catalog. */
export const feedsRoutes = [
  get("/works/feed.atom", atom.worksFeed),
  get("/works/search/feed.atom", atom.searchFeed),
  get("/users/:login/works/feed.atom", atom.userWorksFeed),
  get("/tags/:name/feed.atom", atom.tagFeed),
  get("/works/:id/chapters/feed.atom", atom.chaptersFeed),
  get("/series/:id/feed.atom", atom.seriesFeed),
  get("/admin_posts.atom", news.newsFeed),
  get("/opds", opds.opdsRoot),
  get("/opds/fandoms", opds.opdsFandoms),
  get("/opds/media", opds.opdsMedia),
  get("/opds/media/:name/fandoms", opds.opdsMediumFandoms),
  get("/opds/tags/:name/works", opds.opdsTagWorks),
  get("/opds/series", opds.opdsSeriesList),
  get("/opds/series/:id", opds.opdsSeries),
  get("/opds/works", opds.opdsWorks),
  get("/opds/users/:login/works", opds.opdsUserWorks),
  get("/opds/shelf/bookmarks", opds.opdsBookmarks),
  get("/opds/shelf/marked-for-later", opds.opdsMarkedForLater),
  get("/opds/search", opds.opdsSearch),
  get("/opds/search.xml", opds.openSearchDescription),
  get("/opds/downloads/:id/:file", opds.opdsDownload),
];

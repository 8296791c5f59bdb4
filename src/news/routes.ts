import { NEW_COMMENTERS_LIMIT } from "../comments/index.js";
import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** News posts, AO3's /admin_posts: communications admins (and the superadmin) post, anyone reads. */
const NEWS_ADMINS = ["communications"] as const;

/** News: posts, their comments, the banner. The Atom feed is the feeds front-end's (/admin_posts.atom). */
export const newsRoutes = [
  get("/admin_posts", h.showNews),
  get("/admin_posts/new", h.showNewPost, { guard: NEWS_ADMINS }),
  post("/admin_posts", h.createNewsPost, { guard: NEWS_ADMINS }),
  get("/admin_posts/:id", h.showPost),
  get("/admin_posts/:id/edit", h.showEditPost, { guard: NEWS_ADMINS }),
  post("/admin_posts/:id", h.updateNewsPost, { guard: NEWS_ADMINS }),
  get("/admin_posts/:id/confirm_delete", h.showDeletePost, { guard: NEWS_ADMINS }),
  post("/admin_posts/:id/delete", h.removeNewsPost, { guard: NEWS_ADMINS }),
  // Guests may comment where the post allows it, as on works; the same limits as comments on works.
  post("/admin_posts/:id/comments", h.createNewsComment, { rateLimit: NEW_COMMENTERS_LIMIT, contributes: true }),
  get("/admin_post_comments/:id/confirm_delete", h.showDeleteNewsComment, { guard: "user" }),
  post("/admin_post_comments/:id/delete", h.removeNewsComment, { guard: "user" }),
  get("/admin/banner", h.showBannerSettings, { guard: NEWS_ADMINS }),
  post("/admin/banner", h.saveBannerSettings, { guard: NEWS_ADMINS }),
  post("/banner/dismiss", h.dismissSiteBanner),
];

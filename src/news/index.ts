/**
 * The public module of src/news: what other folders may use. News is the archive speaking to its
 * readers: admin posts (with their own tags and comments) and the banner at the top of every page.
 */
export { siteBannerFor } from "./handlers.js";
export { canManageNews, NEWS_COMMENT_DAYS } from "./policy.js";
export { findTag as findNewsTag, listPosts as listNewsPosts, POSTS_PER_PAGE as NEWS_POSTS_PER_PAGE } from "./queries.js";
export type { NewsPost, NewsTag } from "./queries.js";
export { newsRoutes } from "./routes.js";
export { newsFeedPath, newsPath, newsTagPath, postPath as newsPostPath } from "./views/paths.js";

import { newsFeedPath } from "../news/index.js";
import { t } from "../platform/i18n/index.js";
// The route patterns of the pages that have a feed. The URL alone can't say: `/users/login` looks
// like a user called "login", and it is the log-in page.
const PAGES_WITH_FEEDS: ReadonlySet<string> = new Set([
  "/",
  "/works",
  "/works/search",
  "/tags/:name",
  "/tags/:name/works",
  "/users/:login",
  "/users/:login/works",
  "/series/:id",
  "/works/:id",
  "/works/:id/navigate",
  "/works/:id/chapters/:chapterId",
  "/admin_posts",
  "/admin_posts/:id",
]);

/**
 * The Atom feed of the page at a URL, for its `<link rel="alternate" type="application/atom+xml">`:
 * listings and searches keep their query string (without `page`), so the feed is the page's.
 * `route` is the pattern the request matched; only the pages above have a feed.
 */
export function feedLinkFor(url: string, route: string | undefined): { href: string; title: string } | null {
  if (!route || !PAGES_WITH_FEEDS.has(route)) return null;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  params.delete("page");
  const search = params.toString();
  const withQuery = (p: string) => (search ? `${p}?${search}` : p);
  if (path === "/" || path === "/works") return { href: withQuery("/works/feed.atom"), title: t("feeds.works_atom_feed") };
  // The news listing's feed keeps its tag; a post's page links the whole news feed.
  if (path === "/admin_posts") return { href: params.get("tag") ? `${newsFeedPath}?tag=${encodeURIComponent(params.get("tag")!)}` : newsFeedPath, title: t("news.feed.link") };
  if (/^\/admin_posts\/\d+$/.test(path)) return { href: newsFeedPath, title: t("news.feed.link") };
  if (path === "/works/search") {
    return [...params.keys()].some((k) => k.startsWith("work_search[")) ? { href: withQuery("/works/search/feed.atom"), title: t("feeds.search_results_atom_feed") } : null;
  }
  let m = /^\/tags\/([^/]+)(\/works)?$/.exec(path);
  if (m) return { href: m[2] ? withQuery(`/tags/${m[1]}/feed.atom`) : `/tags/${m[1]}/feed.atom`, title: t("feeds.works_in_this_tag_atom") };
  m = /^\/users\/([^/]+)(\/works)?$/.exec(path);
  if (m) return { href: m[2] ? withQuery(`/users/${m[1]}/works/feed.atom`) : `/users/${m[1]}/works/feed.atom`, title: t("feeds.works_by_this_user_atom") };
  m = /^\/series\/(\d+)$/.exec(path);
  if (m) return { href: `/series/${m[1]}/feed.atom`, title: t("feeds.works_in_this_series_atom") };
  m = /^\/works\/(\d+)(\/navigate|\/chapters\/\d+)?$/.exec(path);
  if (m) return { href: `/works/${m[1]}/chapters/feed.atom`, title: t("feeds.new_chapters_atom_feed") };
  return null;
}

/**
 * The Atom feed of the page at a URL, for its `<link rel="alternate" type="application/atom+xml">`:
 * listings and searches keep their query string (without `page`), so the feed is the page's.
 */
export function feedLinkFor(url: string): { href: string; title: string } | null {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  params.delete("page");
  const search = params.toString();
  const withQuery = (p: string) => (search ? `${p}?${search}` : p);
  if (path === "/" || path === "/works") return { href: withQuery("/works/feed.atom"), title: "Works (Atom feed)" };
  if (path === "/works/search") {
    return [...params.keys()].some((k) => k.startsWith("work_search[")) ? { href: withQuery("/works/search/feed.atom"), title: "Search results (Atom feed)" } : null;
  }
  let m = /^\/tags\/([^/]+)(\/works)?$/.exec(path);
  if (m) return { href: m[2] ? withQuery(`/tags/${m[1]}/feed.atom`) : `/tags/${m[1]}/feed.atom`, title: "Works in this tag (Atom feed)" };
  m = /^\/users\/([^/]+)(\/works)?$/.exec(path);
  if (m) return { href: m[2] ? withQuery(`/users/${m[1]}/works/feed.atom`) : `/users/${m[1]}/works/feed.atom`, title: "Works by this user (Atom feed)" };
  m = /^\/series\/(\d+)$/.exec(path);
  if (m) return { href: `/series/${m[1]}/feed.atom`, title: "Works in this series (Atom feed)" };
  m = /^\/works\/(\d+)(\/navigate|\/chapters\/\d+)?$/.exec(path);
  if (m) return { href: `/works/${m[1]}/chapters/feed.atom`, title: "New chapters (Atom feed)" };
  return null;
}

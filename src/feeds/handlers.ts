import type { FastifyReply, FastifyRequest } from "fastify";
import { tagListingScope } from "../browse/index.js";
import { idParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { findTagById, findTagByName } from "../model/tags.js";
import { tagFromParam, tagPath } from "../model/vocabulary.js";
import { findSeries, seriesBlurbsVisibleTo } from "../model/series.js";
import { seriesFeedPath, seriesPath, workPath } from "../model/paths.js";
import { findUserByLogin } from "../model/users.js";
import { workVisibility } from "../model/visibility.js";
import { chaptersOf, findWork, hydrateBlurbs } from "../model/works.js";
import { ATOM_TYPE, absolute, atomDocument, authorsXml, chapterEntry, type FeedLink, newest, workEntry } from "./atom.js";
import { authenticate } from "./auth.js";
import { type FeedPage, listingPage, searchPage } from "./listing.js";
import { rfc3339 } from "./xml.js";

/** The request's query string, without `page` (feeds keep the page's filters). */
export function queryWithout(req: FastifyRequest, ...names: string[]): URLSearchParams {
  const params = new URLSearchParams(req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "");
  for (const name of names) params.delete(name);
  return params;
}

function withQuery(path: string, params: URLSearchParams): string {
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Pagination links (first/previous/next/last) for a page of a feed at `path`. */
export function pageLinks(req: FastifyRequest, path: string, page: FeedPage, type: string): FeedLink[] {
  const base = req.config.publicUrl;
  const at = (n: number) => {
    const params = queryWithout(req, "page");
    if (n > 1) params.set("page", String(n));
    return absolute(base, withQuery(path, params));
  };
  const links: FeedLink[] = [{ rel: "self", href: at(page.page), type }, { rel: "first", href: at(1), type }];
  if (page.page > 1) links.push({ rel: "previous", href: at(Math.min(page.page - 1, page.pages)), type });
  if (page.page < page.pages) links.push({ rel: "next", href: at(page.page + 1), type });
  links.push({ rel: "last", href: at(page.pages), type });
  return links;
}

/** Sends an Atom feed of a page of works. */
function sendWorksFeed(req: FastifyRequest, reply: FastifyReply, title: string, feedPath: string, htmlPath: string, page: FeedPage) {
  const base = req.config.publicUrl;
  const entries = page.blurbs.map((b) => workEntry(base, b));
  const params = queryWithout(req, "page");
  const xml = atomDocument({
    id: absolute(base, withQuery(feedPath, params)),
    title,
    updated: newest(page.blurbs.map((b) => rfc3339(b.work.updated_at))),
    links: [{ rel: "alternate", type: "text/html", href: absolute(base, withQuery(htmlPath, params)) }, ...pageLinks(req, feedPath, page, ATOM_TYPE)],
    entries,
  });
  return sendAtom(reply, xml);
}

export function sendAtom(reply: FastifyReply, xml: string, type = `${ATOM_TYPE}; charset=utf-8`) {
  // Per viewer (a feed fetched with credentials may hold registered-only works): never shared caches.
  return reply.code(200).header("content-type", type).header("cache-control", "private, no-cache").header("vary", "Authorization, Cookie").send(xml);
}

const site = () => t("site.name");

/** `/works/feed.atom?<sidebar params>`: the works listing as a feed. */
export async function worksFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const page = await listingPage(req, { kind: "all" });
  return sendWorksFeed(req, reply, t("feeds.site_works", { site: site() }), "/works/feed.atom", "/works", page);
}

/** `/works/search/feed.atom?work_search[query]=...`: search results as a feed. */
export async function searchFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const page = await searchPage(req);
  // No query, or one the query language cannot read: the search page says why.
  if (!page) return reply.error("BAD_REQUEST");
  return sendWorksFeed(req, reply, t("feeds.site_works_found", { site: site() }), "/works/search/feed.atom", "/works/search", page);
}

/** `/users/LOGIN/works/feed.atom`: a user's works. */
export async function userWorksFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  const path = `/users/${encodeURIComponent(user.login)}/works`;
  const page = await listingPage(req, { kind: "user", userId: user.id });
  return sendWorksFeed(req, reply, t("feeds.site_works_by_login", { site: site(), login: user.login }), `${path}/feed.atom`, path, page);
}

/** `/tags/NAME/feed.atom`: a tag's works (as AO3); a synonym's feed is its canonical tag's. */
export async function tagFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const tag = await findTagByName(req.db, tagFromParam((req.params as { name: string }).name));
  if (!tag) return reply.error("NOT_FOUND");
  const canonical = tag.merger_id !== null ? await findTagById(req.db, tag.merger_id) : undefined;
  if (canonical) return reply.header("cache-control", "no-store").redirect(`${tagPath(canonical.name)}/feed.atom`, 301);
  const { scope, within } = await tagListingScope(req.db, tag);
  const page = await listingPage(req, scope, within);
  return sendWorksFeed(req, reply, t("feeds.site_works_tagged_name", { site: site(), name: tag.name }), `${tagPath(tag.name)}/feed.atom`, `${tagPath(tag.name)}/works`, page);
}

/** `/series/ID/feed.atom`: the works of a series this viewer may see, latest part first. */
export async function seriesFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const id = idParam(req, "id");
  const series = id ? await findSeries(req.db, id) : undefined;
  if (!series) return reply.error("NOT_FOUND");
  const blurbs = (await seriesBlurbsVisibleTo(req.db, req.viewer, series.id)).reverse();
  const base = req.config.publicUrl;
  const self = absolute(base, seriesFeedPath(series.id));
  return sendAtom(
    reply,
    atomDocument({
      id: self,
      title: `${site()}: ${series.title}`,
      updated: newest([rfc3339(series.updated_at), ...blurbs.map((b) => rfc3339(b.work.updated_at))]),
      links: [
        { rel: "self", href: self, type: ATOM_TYPE },
        { rel: "alternate", href: absolute(base, seriesPath(series.id)), type: "text/html" },
      ],
      entries: blurbs.map((b) => workEntry(base, b)),
    }),
  );
}

/** `/works/ID/chapters/feed.atom`: a work's posted chapters, newest first. */
export async function chaptersFeed(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const id = idParam(req, "id");
  const work = id ? await findWork(req.db, id) : undefined;
  // Drafts never (not even for their creators: a feed is for readers); registered-only only for users.
  if (!work || !work.posted || workVisibility(req.viewer, work) !== "yes") return reply.error("WORK_NOT_FOUND");
  const [blurb] = await hydrateBlurbs(req.db, [work]);
  const base = req.config.publicUrl;
  const chapters = (await chaptersOf(req.db, work.id)).filter((c) => c.posted).reverse();
  const authors = authorsXml(base, blurb!);
  const entries = chapters.map((c) => chapterEntry(base, work, authors, c));
  const self = absolute(base, `${workPath(work.id)}/chapters/feed.atom`);
  return sendAtom(
    reply,
    atomDocument({
      id: self,
      title: `${site()}: ${work.title}`,
      updated: newest(chapters.map((c) => rfc3339(c.updated_at))),
      links: [
        { rel: "self", href: self, type: ATOM_TYPE },
        { rel: "alternate", href: absolute(base, workPath(work.id)), type: "text/html" },
      ],
      entries,
    }),
  );
}

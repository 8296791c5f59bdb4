import type { FastifyReply, FastifyRequest } from "fastify";
import { download, downloadFileName } from "../downloads/index.js";
import { idParam, pageParam } from "../platform/http/routes.js";
import { GUEST, isLoggedIn, type Viewer } from "../platform/http/viewer.js";
import { READINGS_PER_PAGE, listReadings, BOOKMARKS_PER_PAGE, listBookmarks } from "../responses/index.js";
import { t } from "../platform/i18n/index.js";
import { tagListingScope } from "../browse/index.js";
import { type FandomCount, type FandomIndex, fandomIndex, fandomWorksPath, mediumFandomsPath, mediumNamed, mostUsedFirst } from "../tags/index.js";
import { findTagById, findTagByName, tagsByIds } from "../model/tags.js";
import { tagFromParam } from "../model/vocabulary.js";
import { findSeries, listSeriesVisibleTo, seriesBlurbsVisibleTo } from "../model/series.js";
import { seriesPath } from "../model/paths.js";
import { findUserByLogin } from "../model/users.js";
import { findLanguage } from "../model/languages.js";
import { listableWorkIds, seesHiddenWorks, workVisibility } from "../model/visibility.js";
import { type Blurb, blurbsInOrder, findWork } from "../model/works.js";
import { absolute, atomDocument, type FeedLink, linkXml, newest, workEntry } from "./atom.js";
import { askForCredentials, authenticate } from "./auth.js";
import { pageLinks, queryWithout, sendAtom } from "./handlers.js";
import { type FeedPage, listingPage, searchPage } from "./listing.js";
import { node, rfc3339, text, xmlEscape } from "./xml.js";

/** OPDS 1.2 media types. */
export const NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation";
export const ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition";
export const OPENSEARCH = "application/opensearchdescription+xml";
const OPDS_NS = { opds: "http://opds-spec.org/2010/catalog", dc: "http://purl.org/dc/terms/", thr: "http://purl.org/syndication/thread/1.0", opensearch: "http://a9.com/-/spec/opensearch/1.1/" };
const FANDOMS_SHOWN = 50;
const SERIES_PER_PAGE = 50;
const LANGUAGES_SHOWN = 10;

const site = () => t("site.name");

/**
 * Counts over every work (fandoms, languages) are whole-table aggregates: each is kept for
 * COUNTS_TTL_MS per app and per kind of viewer (guest, logged in, admin), so a catalog polled by
 * many readers costs one aggregate a minute. They may lag that long behind new works. Each kind is
 * counted as a viewer of that kind who created nothing would see it: a creator's own hidden work
 * (which only they and admins see) is never in a count shared with others.
 */
const COUNTS_TTL_MS = 60_000;
const countsByApp = new WeakMap<object, Map<string, { at: number; value: Promise<unknown> }>>();
const COUNTING_VIEWERS: Record<"guest" | "user" | "admin", Viewer> = {
  guest: GUEST,
  user: { user: { id: 0, login: "", roles: [] }, sessionId: null },
  admin: { user: { id: 0, login: "", roles: ["admin"] }, sessionId: null },
};
function cachedCounts<T>(req: FastifyRequest, name: string, compute: (viewer: Viewer) => Promise<T>): Promise<T> {
  let cache = countsByApp.get(req.server);
  if (!cache) countsByApp.set(req.server, (cache = new Map()));
  const kind = !req.viewer.user ? "guest" : seesHiddenWorks(req.viewer) ? "admin" : "user";
  const key = `${name}:${kind}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < COUNTS_TTL_MS) return hit.value as Promise<T>;
  const value = compute(COUNTING_VIEWERS[kind]);
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

function commonLinks(req: FastifyRequest, selfPath: string, selfType: string): FeedLink[] {
  const base = req.config.publicUrl;
  return [
    { rel: "self", href: absolute(base, selfPath), type: selfType },
    { rel: "start", href: absolute(base, "/opds"), type: NAVIGATION, title: site() },
    { rel: "search", href: absolute(base, "/opds/search.xml"), type: OPENSEARCH, title: t("feeds.search_site", { site: site() }) },
  ];
}

/** A navigation entry: a title and a link to another catalog feed. */
function navEntry(req: FastifyRequest, id: string, title: string, content: string, path: string, type: string, rel = "subsection"): string {
  const base = req.config.publicUrl;
  return node("entry", {}, [
    text("id", absolute(base, `/opds#${id}`)),
    text("title", title),
    text("updated", rfc3339(new Date().toISOString())),
    text("content", content, { type: "text" }),
    linkXml({ rel, href: absolute(base, path), type }),
  ]);
}

/** `/opds`: the root navigation feed. */
export async function opdsRoot(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const user = req.viewer.user;
  const entries = [
    navEntry(req, "newest", t("feeds.newest_works"), t("feeds.works_by_date_updated_newest"), "/opds/works", ACQUISITION, "http://opds-spec.org/sort/new"),
    navEntry(req, "kudos", t("feeds.most_kudos"), t("feeds.works_with_the_most_kudos"), "/opds/works?work_search%5Bsort_column%5D=kudos_count", ACQUISITION, "http://opds-spec.org/sort/popular"),
    navEntry(req, "fandoms", t("search.fandoms"), t("feeds.top_fandoms", { count: FANDOMS_SHOWN }), "/opds/fandoms", NAVIGATION),
    navEntry(req, "media", t("fandoms.opds_media"), t("fandoms.opds_media_content"), "/opds/media", NAVIGATION),
    navEntry(req, "series", t("subscriptions.kind.series"), t("feeds.series_most_recently_updated_first"), "/opds/series", NAVIGATION),
    ...(user
      ? [
          navEntry(req, "mine", t("feeds.my_works"), t("feeds.works_by_login", { login: user.login }), `/opds/users/${encodeURIComponent(user.login)}/works`, ACQUISITION, "http://opds-spec.org/shelf"),
          navEntry(req, "bookmarks", t("feeds.my_bookmarks"), t("feeds.works_login_bookmarked_newest_bookmark", { login: user.login }), "/opds/shelf/bookmarks", ACQUISITION, "http://opds-spec.org/shelf"),
          navEntry(req, "later", t("users.marked_for_later"), t("feeds.works_login_marked_to_read", { login: user.login }), "/opds/shelf/marked-for-later", ACQUISITION, "http://opds-spec.org/shelf"),
        ]
      : []),
  ];
  const xml = atomDocument({ id: absolute(req.config.publicUrl, "/opds"), title: site(), updated: rfc3339(new Date().toISOString()), links: commonLinks(req, "/opds", NAVIGATION), entries, namespaces: OPDS_NS });
  return sendAtom(reply, xml, NAVIGATION);
}

/** The fandoms and media this viewer may see, shared by the fandom feeds (counted once a minute per kind of viewer). */
function fandomsFor(req: FastifyRequest): Promise<FandomIndex> {
  return cachedCounts(req, "fandoms", (viewer) => fandomIndex(req.db, viewer));
}

/** A tag's works as an acquisition feed: where every fandom entry leads. */
const tagWorksFeedPath = (name: string) => `/opds${fandomWorksPath(name)}`;
/** A medium's fandoms as a navigation feed. */
const mediumFeedPath = (name: string) => `/opds${mediumFandomsPath(name)}`;

/** A fandom as a navigation entry: its works count, leading to its works' acquisition feed. */
function fandomEntry(req: FastifyRequest, fandom: FandomCount, feedPath: string): string {
  const base = req.config.publicUrl;
  return node("entry", {}, [
    text("id", absolute(base, `${feedPath}#${fandom.id}`)),
    text("title", fandom.name),
    text("updated", rfc3339(new Date().toISOString())),
    text("content", t("feeds.count_works", { count: fandom.works }), { type: "text" }),
    linkXml({ rel: "subsection", href: absolute(base, tagWorksFeedPath(fandom.name)), type: ACQUISITION, extra: { "thr:count": fandom.works } }),
  ]);
}

function sendNavigation(req: FastifyRequest, reply: FastifyReply, title: string, path: string, entries: string[], up: string, extraLinks: FeedLink[] = []) {
  const base = req.config.publicUrl;
  const xml = atomDocument({
    id: absolute(base, path),
    title,
    updated: rfc3339(new Date().toISOString()),
    // Paging links bring their own "self" (with the page).
    links: [...commonLinks(req, path, NAVIGATION).filter((l) => l.rel !== "self" || !extraLinks.some((e) => e.rel === "self")), { rel: "up", href: absolute(base, up), type: NAVIGATION }, ...extraLinks],
    entries,
    namespaces: OPDS_NS,
  });
  return sendAtom(reply, xml, NAVIGATION);
}

/**
 * `/opds/fandoms`: the fandoms with the most works this viewer may see, the same fandoms and
 * counts as the `/media` and `/fandoms` pages (un-wrangled fandoms too).
 */
export async function opdsFandoms(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const { fandoms } = await fandomsFor(req);
  const entries = [...fandoms].sort(mostUsedFirst).slice(0, FANDOMS_SHOWN).map((f) => fandomEntry(req, f, "/opds/fandoms"));
  return sendNavigation(req, reply, t("feeds.site_fandoms", { site: site() }), "/opds/fandoms", entries, "/opds");
}

/** `/opds/media`: every medium (as `/media`), each leading to its fandoms. */
export async function opdsMedia(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const base = req.config.publicUrl;
  const { media } = await fandomsFor(req);
  const entries = media.map((m) =>
    node("entry", {}, [
      text("id", absolute(base, `/opds/media#${m.id}`)),
      text("title", m.name),
      text("updated", rfc3339(new Date().toISOString())),
      text("content", t(m.fandoms.length === 1 ? "fandoms.opds_fandoms_content.one" : "fandoms.opds_fandoms_content.other", { count: m.fandoms.length }), { type: "text" }),
      linkXml({ rel: "subsection", href: absolute(base, mediumFeedPath(m.name)), type: NAVIGATION, extra: { "thr:count": m.fandoms.length } }),
    ]),
  );
  return sendNavigation(req, reply, t("fandoms.opds_site_media", { site: site() }), "/opds/media", entries, "/opds");
}

const MEDIUM_FANDOMS_PER_PAGE = 100;

/** `/opds/media/NAME/fandoms`: a medium's fandoms alphabetically (as `/media/NAME/fandoms`), paged. */
export async function opdsMediumFandoms(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const medium = mediumNamed(await fandomsFor(req), (req.params as { name: string }).name);
  if (!medium) return reply.error("NOT_FOUND");
  const path = mediumFeedPath(medium.name);
  const page = pageParam(req);
  const pages = Math.max(1, Math.ceil(medium.fandoms.length / MEDIUM_FANDOMS_PER_PAGE));
  const shown = medium.fandoms.slice((page - 1) * MEDIUM_FANDOMS_PER_PAGE, page * MEDIUM_FANDOMS_PER_PAGE);
  const paging = pageLinks(req, path, { total: medium.fandoms.length, page, pages, blurbs: [] }, NAVIGATION);
  return sendNavigation(req, reply, t("fandoms.opds_medium_fandoms", { site: site(), medium: medium.name }), path, shown.map((f) => fandomEntry(req, f, path)), "/opds/media", paging);
}

/**
 * `/opds/tags/NAME/works`: a tag's works as an acquisition feed, with facets: a canonical tag's
 * filter set, an un-wrangled tag's own works (as `/tags/NAME/works`); a synonym's is its canonical's.
 */
export async function opdsTagWorks(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const tag = await findTagByName(req.db, tagFromParam((req.params as { name: string }).name));
  if (!tag) return reply.error("NOT_FOUND");
  const canonical = tag.merger_id !== null ? await findTagById(req.db, tag.merger_id) : undefined;
  if (canonical) return reply.header("cache-control", "no-store").redirect(tagWorksFeedPath(canonical.name), 301);
  const { scope, within } = await tagListingScope(req.db, tag);
  const path = tagWorksFeedPath(tag.name);
  const page = await listingPage(req, scope, within);
  return sendAcquisition(req, reply, t("fandoms.opds_site_tag_works", { site: site(), name: tag.name }), path, page, await facetLinks(req, path, page), tag.type === "Fandom" ? "/opds/fandoms" : "/opds");
}

/**
 * `/opds/series`: the series in which this viewer may see at least one work, most recently
 * updated first, each counted by those works and leading to its acquisition feed.
 */
export async function opdsSeriesList(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const base = req.config.publicUrl;
  const page = pageParam(req);
  const { total, blurbs } = await listSeriesVisibleTo(req.db, req.viewer, page, SERIES_PER_PAGE);
  const entries = blurbs.map((b) =>
    node("entry", {}, [
      text("id", absolute(base, seriesPath(b.series.id))),
      text("title", b.series.title),
      text("updated", rfc3339(b.series.updated_at)),
      text("content", t(b.works === 1 ? "feeds.series_counts.one" : "feeds.series_counts.other", { works: b.works, words: b.words }) + (b.series.complete ? t("feeds.series_complete") : ""), { type: "text" }),
      linkXml({ rel: "subsection", href: absolute(base, `/opds/series/${b.series.id}`), type: ACQUISITION, extra: { "thr:count": b.works } }),
    ]),
  );
  const pages = { total, page, pages: Math.max(1, Math.ceil(total / SERIES_PER_PAGE)), blurbs: [] };
  const xml = atomDocument({
    id: absolute(base, "/opds/series"),
    title: t("feeds.site_series", { site: site() }),
    updated: newest(blurbs.map((b) => rfc3339(b.series.updated_at))),
    links: [...commonLinks(req, "/opds/series", NAVIGATION).slice(1), { rel: "up", href: absolute(base, "/opds"), type: NAVIGATION }, ...pageLinks(req, "/opds/series", pages, NAVIGATION)],
    entries,
    namespaces: OPDS_NS,
  });
  return sendAtom(reply, xml, NAVIGATION);
}

/** `/opds/series/ID`: a series' works this viewer may see, in series order, as an acquisition feed. */
export async function opdsSeries(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const id = idParam(req, "id");
  const series = id ? await findSeries(req.db, id) : undefined;
  if (!series) return reply.error("NOT_FOUND");
  const blurbs = await seriesBlurbsVisibleTo(req.db, req.viewer, series.id);
  const page = { total: blurbs.length, page: 1, pages: 1, blurbs };
  return sendAcquisition(req, reply, `${site()}: ${series.title}`, `/opds/series/${series.id}`, page, [], "/opds/series");
}

/** A work as an OPDS entry: acquisition links to its EPUB and PDF (through the catalog's authenticated download route). */
function acquisitionEntry(req: FastifyRequest, blurb: Blurb): string {
  const base = req.config.publicUrl;
  const file = (ext: string) => absolute(base, `/opds/downloads/${blurb.work.id}/${encodeURIComponent(downloadFileName(blurb.work.title, blurb.work.id))}.${ext}`);
  return workEntry(base, blurb, {
    links: [
      { rel: "http://opds-spec.org/acquisition", href: file("epub"), type: "application/epub+zip" },
      { rel: "http://opds-spec.org/acquisition", href: file("pdf"), type: "application/pdf" },
    ],
    children: [text("dc:language", blurb.work.language), text("dc:issued", blurb.work.published_on)],
  });
}

/** Facet links (completion, rating, language) for a listing at `path`, each group named with opds:facetGroup. */
async function facetLinks(req: FastifyRequest, path: string, page: FeedPage): Promise<FeedLink[]> {
  const base = req.config.publicUrl;
  const current = queryWithout(req, "page");
  const facet = (group: string, title: string, set: (p: URLSearchParams) => void, active: boolean, count?: number): FeedLink => {
    const params = new URLSearchParams(current);
    set(params);
    const search = params.toString();
    return {
      rel: "http://opds-spec.org/facet",
      href: absolute(base, search ? `${path}?${search}` : path),
      type: ACQUISITION,
      title,
      extra: { "opds:facetGroup": group, "opds:activeFacet": active ? "true" : undefined, "thr:count": count },
    };
  };
  const complete = current.get("work_search[complete]") ?? "";
  const links: FeedLink[] = [
    facet(t("series.completion"), t("responses.all_works"), (p) => p.delete("work_search[complete]"), complete !== "T" && complete !== "F"),
    facet(t("series.completion"), t("search.complete_works_only"), (p) => p.set("work_search[complete]", "T"), complete === "T"),
    facet(t("series.completion"), t("search.works_in_progress_only"), (p) => p.set("work_search[complete]", "F"), complete === "F"),
  ];
  const ratingParam = "include_work_search[rating_ids][]";
  const activeRatings = current.getAll(ratingParam);
  const ratingTags = await tagsByIds(req.db, (page.ratings ?? []).map((r) => r.tagId));
  for (const r of page.ratings ?? []) {
    const tag = ratingTags.get(r.tagId);
    if (!tag) continue;
    const active = activeRatings.includes(String(r.tagId));
    links.push(
      facet(t("search.rating"), tag.name, (p) => {
        p.delete(ratingParam);
        if (!active) p.append(ratingParam, String(r.tagId));
      }, active, r.count),
    );
  }
  const language = current.get("work_search[language_id]") ?? "";
  const languages = await cachedCounts(req, "languages", (viewer) =>
    req.db
      .selectFrom("works")
      .select(["language", (eb) => eb.fn.countAll<number>().as("n")])
      .where("works.id", "in", listableWorkIds(req.db, viewer))
      .groupBy("language")
      .orderBy("n", "desc")
      .orderBy("language")
      .limit(LANGUAGES_SHOWN)
      .execute(),
  );
  links.push(facet(t("search.language"), t("search.any_language"), (p) => p.delete("work_search[language_id]"), !language));
  for (const l of languages) {
    links.push(facet(t("search.language"), findLanguage(l.language)?.name ?? l.language, (p) => p.set("work_search[language_id]", l.language), language === l.language));
  }
  return links;
}

function sendAcquisition(req: FastifyRequest, reply: FastifyReply, title: string, path: string, page: FeedPage, facets: FeedLink[], up = "/opds") {
  const base = req.config.publicUrl;
  const self = queryWithout(req).toString();
  const xml = atomDocument({
    id: absolute(base, self ? `${path}?${self}` : path),
    title,
    updated: newest(page.blurbs.map((b) => rfc3339(b.work.updated_at))),
    links: [...commonLinks(req, self ? `${path}?${self}` : path, ACQUISITION).slice(1), { rel: "up", href: absolute(base, up), type: NAVIGATION }, ...pageLinks(req, path, page, ACQUISITION), ...facets],
    entries: page.blurbs.map((b) => acquisitionEntry(req, b)),
    namespaces: OPDS_NS,
    extra: [text("opensearch:totalResults", page.total), text("opensearch:itemsPerPage", 20)],
  });
  return sendAtom(reply, xml, ACQUISITION);
}

/** `/opds/works?<sidebar params>`: any works listing as an acquisition feed, with facets. */
export async function opdsWorks(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const page = await listingPage(req, { kind: "all" });
  return sendAcquisition(req, reply, t("feeds.site_works", { site: site() }), "/opds/works", page, await facetLinks(req, "/opds/works", page));
}

/** `/opds/users/LOGIN/works`: a user's works ("My works" for the user themself). */
export async function opdsUserWorks(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  const path = `/opds/users/${encodeURIComponent(user.login)}/works`;
  const page = await listingPage(req, { kind: "user", userId: user.id });
  return sendAcquisition(req, reply, t("feeds.site_works_by_login", { site: site(), login: user.login }), path, page, await facetLinks(req, path, page));
}

/**
 * The logged-in viewer's own shelves, which exist only with credentials: a guest (or a reading app
 * that has not sent any yet) gets a Basic challenge, so the app asks for a log-in.
 */
async function shelfViewer(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return undefined;
  if (!isLoggedIn(req.viewer)) {
    askForCredentials(reply);
    return undefined;
  }
  return req.viewer;
}

/** `/opds/shelf/bookmarks`: the viewer's bookmarks (their private ones too), newest first. */
export async function opdsBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const viewer = await shelfViewer(req, reply);
  if (!viewer) return reply;
  const page = pageParam(req);
  const { total, bookmarks } = await listBookmarks(req.db, viewer, { userId: viewer.user.id }, page);
  const blurbs = await blurbsInOrder(req.db, viewer, bookmarks.flatMap((b) => (b.work_id === null ? [] : [b.work_id])));
  const feedPage = { total, page, pages: Math.max(1, Math.ceil(total / BOOKMARKS_PER_PAGE)), blurbs };
  return sendAcquisition(req, reply, t("feeds.site_bookmarks_of_login", { site: site(), login: viewer.user.login }), "/opds/shelf/bookmarks", feedPage, []);
}

/** `/opds/shelf/marked-for-later`: the works the viewer Marked for Later, most recently visited first. */
export async function opdsMarkedForLater(req: FastifyRequest, reply: FastifyReply) {
  const viewer = await shelfViewer(req, reply);
  if (!viewer) return reply;
  const page = pageParam(req);
  const { total, readings } = await listReadings(req.db, viewer, { markedOnly: true, page });
  const blurbs = await blurbsInOrder(req.db, viewer, readings.map((r) => r.work_id));
  const feedPage = { total, page, pages: Math.max(1, Math.ceil(total / READINGS_PER_PAGE)), blurbs };
  return sendAcquisition(req, reply, t("feeds.site_marked_for_later_by", { site: site(), login: viewer.user.login }), "/opds/shelf/marked-for-later", feedPage, []);
}

/** `/opds/search?work_search[query]=...`: search results as an acquisition feed. */
export async function opdsSearch(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  const page = (await searchPage(req)) ?? { total: 0, page: 1, pages: 1, blurbs: [] };
  return sendAcquisition(req, reply, t("feeds.site_search", { site: site() }), "/opds/search", page, []);
}

/** `/opds/search.xml`: the OpenSearch description reading apps need before they offer search. */
export async function openSearchDescription(req: FastifyRequest, reply: FastifyReply) {
  const base = req.config.publicUrl;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>${xmlEscape(site().slice(0, 16))}</ShortName>
<Description>${xmlEscape(t("feeds.search_the_works_of_site", { site: site() }))}</Description>
<InputEncoding>UTF-8</InputEncoding>
<OutputEncoding>UTF-8</OutputEncoding>
<Url type="${xmlEscape(ACQUISITION)}" template="${xmlEscape(absolute(base, "/opds/search?work_search%5Bquery%5D={searchTerms}&page={startPage?}"))}"/>
<Url type="text/html" template="${xmlEscape(absolute(base, "/works/search?work_search%5Bquery%5D={searchTerms}"))}"/>
</OpenSearchDescription>
`;
  return reply.code(200).header("content-type", `${OPENSEARCH}; charset=utf-8`).send(xml);
}

/** `/opds/downloads/ID/NAME.FORMAT`: the download, with the catalog's Basic credentials as the viewer. */
export async function opdsDownload(req: FastifyRequest, reply: FastifyReply) {
  if (!(await authenticate(req, reply))) return reply;
  // A guest asking for a registered-only work: a Basic challenge, so the reading app asks for a log-in.
  const id = idParam(req, "id");
  const work = id && !req.viewer.user ? await findWork(req.db, id) : undefined;
  if (work && workVisibility(req.viewer, work) === "login") return askForCredentials(reply);
  return download(req, reply);
}

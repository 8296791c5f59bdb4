import { bitmapOf, type BrowseIndex, type ListingResult, type ListingScope } from "../listing/index.js";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { formatNumber, t } from "../platform/i18n/index.js";
import { tagsByIds } from "../model/tags.js";
import { type Blurb, blurbsInOrder } from "../model/works.js";
import { type ListingParams, resolveSidebar, type Sidebar } from "./sidebar-params.js";

export interface ListingRequest {
  scope: ListingScope;
  params: ListingParams;
  /** Work id sets to stay within before filtering (an unwrangled tag's own works). */
  within?: number[][];
  /**
   * A page past the end: "last" shows the last page and says so (the HTML listing); "empty"
   * answers an empty page (feeds and the API, whose clients follow their own links).
   */
  pastEnd: "last" | "empty";
}

/** One page of a works listing as every front-end gets it: they differ only in how they render it. */
export interface ListingOutcome {
  sidebar: Sidebar;
  /** The exact total, the page's ids (in order) and the facets. */
  result: ListingResult;
  pages: number;
  /** The page's works, each checked against the viewer again (the index may lag behind the tables). */
  blurbs: Blurb[];
  /** Names and types of the facets' tags and of the included and excluded ones. */
  tags: Map<number, { name: string; type: string }>;
}

/**
 * The one listing use case behind `/works` and the tag, user and pseud listings, the JSON API's
 * `/api/v1/works`, the Atom feeds of listings and OPDS acquisition feeds: the same parameters
 * (AO3's sidebar names) give the same works in the same order to the same viewer everywhere.
 * The listing engine answers from memory after applying the change feed's new rows, so a tag
 * made a moment ago (in another process) is known and a reader sees their own change.
 */
export async function listingPage(db: DbOrTrx, browse: BrowseIndex, viewer: Viewer, request: ListingRequest): Promise<ListingOutcome> {
  const index = await browse.current();
  const sidebar = await resolveSidebar(db, index, viewer, request.scope, request.params);
  const narrowing = [...(request.within ?? []), ...sidebar.within].map(bitmapOf);
  let result = index.query(sidebar.query, narrowing);
  const pages = Math.max(1, Math.ceil(result.total / sidebar.query.perPage));
  if (sidebar.query.page > pages && request.pastEnd === "last") {
    sidebar.notices.push(t("browse.there_is_no_page_page", { page: formatNumber(sidebar.query.page) }));
    sidebar.query.page = pages;
    result = index.query(sidebar.query, narrowing);
  }
  const tagIds = [...Object.values(result.facets).flatMap((f) => f.map((t) => t.tagId)), ...sidebar.query.includeTagIds, ...sidebar.query.excludeTagIds];
  const [blurbs, tags] = await Promise.all([blurbsInOrder(db, viewer, result.workIds), tagsByIds(db, tagIds)]);
  return { sidebar, result, pages, blurbs, tags };
}

/**
 * Which works a tag's listing (its page, its feed) lists: a canonical tag's filter set (its
 * synonyms' and subtags' works too); an unwrangled tag's own works.
 */
export async function tagListingScope(db: DbOrTrx, tag: { id: number; canonical: number }): Promise<{ scope: ListingScope; within: number[][] }> {
  if (tag.canonical) return { scope: { kind: "filter", tagId: tag.id }, within: [] };
  const own = await db.selectFrom("work_tags").select("work_id").where("tag_id", "=", tag.id).execute();
  return { scope: { kind: "all" }, within: [own.map((r) => r.work_id)] };
}

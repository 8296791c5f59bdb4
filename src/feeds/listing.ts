import type { FastifyRequest } from "fastify";
import { listingPage as listing, readListingParams } from "../browse/index.js";
import type { ListingScope } from "../listing/index.js";
import { pageParam } from "../platform/http/routes.js";
import { parseSearchQuery, searchWorks, formToQuery, readSearchForm } from "../search/index.js";
import { type Blurb, PER_PAGE } from "../model/works.js";

export interface FeedPage {
  total: number;
  page: number;
  pages: number;
  blurbs: Blurb[];
  /** Rating facet counts over every matching work (listings only). */
  ratings?: { tagId: number; count: number }[];
}

/**
 * One page of a works listing for a feed: the listing pages' use case (listingPage) with the
 * same parameters, for req.viewer (the session's, or Basic or token credentials'), so a guest's
 * feed holds only what a guest may see. A page past the end is empty.
 */
export async function listingPage(req: FastifyRequest, scope: ListingScope, within: number[][] = []): Promise<FeedPage> {
  const { sidebar, result, pages, blurbs } = await listing(req.db, req.browse, req.viewer, { scope, params: readListingParams(req), within, pastEnd: "empty" });
  return { total: result.total, page: sidebar.query.page, pages, blurbs, ratings: result.facets.Rating ?? [] };
}

/** One page of `/works/search` results for the query string's `work_search[...]`; null for a syntax error or no query. */
export async function searchPage(req: FastifyRequest): Promise<FeedPage | null> {
  const typed = formToQuery(readSearchForm(req));
  if (!typed) return null;
  const parsed = parseSearchQuery(typed);
  if (!parsed.ok) return null;
  const page = pageParam(req);
  const { total, blurbs } = await searchWorks(req.db, req.viewer, parsed.query, page, req.browse);
  return { total, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)), blurbs };
}

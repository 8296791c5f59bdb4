import type { FastifyRequest } from "fastify";
import type { ListingScope } from "../listing/index.js";
import { readSidebar } from "../browse/index.js";
import { bitmapOf } from "../listing/index.js";
import { pageParam } from "../platform/http/routes.js";
import { parseSearchQuery } from "../search/index.js";
import { searchWorks } from "../search/index.js";
import { formToQuery, readSearchForm } from "../search/index.js";
import { type Blurb, blurbsInOrder, PER_PAGE } from "../model/works.js";

export interface FeedPage {
  total: number;
  page: number;
  pages: number;
  blurbs: Blurb[];
  /** Rating facet counts over every matching work (listings only). */
  ratings?: { tagId: number; count: number }[];
}

/**
 * One page of a works listing for a feed, from the same parameters as the listing page (the
 * sidebar's) and the same browse index; every blurb re-checked against req.viewer, so a guest's
 * feed holds only what a guest may see. A page past the end is empty.
 */
export async function listingPage(req: FastifyRequest, scope: ListingScope, within: number[][] = []): Promise<FeedPage> {
  // The sidebar checks tag ids against the index: bring it up to date first, so a tag made a
  // moment ago (in another process) is not dropped as unknown.
  await req.browse.catchUp();
  const sidebar = await readSidebar(req, scope);
  const narrowing = [...within, ...sidebar.within].map(bitmapOf);
  const result = await req.browse.query(sidebar.query, narrowing);
  const pages = Math.max(1, Math.ceil(result.total / sidebar.query.perPage));
  const blurbs = sidebar.query.page > pages ? [] : await blurbsInOrder(req.db, req.viewer, result.workIds);
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

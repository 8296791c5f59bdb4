import type { BrowseIndex } from "../listing/index.js";
import type { DbOrTrx } from "../platform/db/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { type Blurb, blurbsInOrder, PER_PAGE } from "../model/works.js";
import { searchThroughIndex } from "./indexed-listing.js";
import type { ParsedQuery } from "./query-language.js";
import { compileHints } from "./query.js";

/**
 * One page of `/works/search` (and of the search feed and API): the works the viewer may see
 * that match the query, in its order, with their total, through the listing engine's index
 * (indexed-listing.ts: the words' work ids and best-match scores from the database, the rest in
 * memory). The SQL oracle (src/oracles/search-sql.ts) finds the same works, order and total; the
 * tests and `fanfold bench search` hold the two to it.
 */
export async function searchWorks(db: DbOrTrx, viewer: Viewer, query: ParsedQuery, page: number, browse: BrowseIndex): Promise<{ total: number; blurbs: Blurb[] }> {
  const hints = await compileHints(db, query.text);
  const { total, workIds } = await searchThroughIndex(db, await browse.current(), viewer, query, page, PER_PAGE, hints);
  // Checked against the viewer again: the browse index may lag behind the tables (a feed it
  // could not read, a long backlog), and a work made registered-only must never show to a guest.
  return { total, blurbs: await blurbsInOrder(db, viewer, workIds) };
}

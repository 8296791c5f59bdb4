import type { FastifyReply, FastifyRequest } from "fastify";
import { pageParam } from "../platform/http/routes.js";
import { SearchNavigation } from "../platform/http/search-nav.js";
import { t } from "../platform/i18n/index.js";
import { seriesBlurbsByIds } from "../model/series.js";
import { blurbsInOrder } from "../model/works.js";
import { bookmarkSearchQuery, isBookmarkSearchEmpty, parseBookmarkSearch, readBookmarkSearchForm } from "./bookmark-search.js";
import { listBookmarks } from "./queries.js";
import { BookmarksPage } from "./views/bookmarks.js";
import { BookmarkSearchFormView } from "./views/bookmark-search.js";

/**
 * `/bookmarks/search`: the form, and the bookmarks it finds, listed (and counted) as every
 * bookmarks listing is: never someone else's private bookmark, never a bookmark of a work this
 * viewer may not see. A query AO3 would call malformed keeps what was typed, with the error
 * beside its field (400).
 */
export async function showBookmarkSearchPage(req: FastifyRequest, reply: FastifyReply) {
  const form = readBookmarkSearchForm(req);
  const title = t("responses.search.heading");
  const options = { mainClass: "bookmarks-search" };
  if (isBookmarkSearchEmpty(form)) {
    return reply.page(title, <><SearchNavigation current="bookmarks" /><BookmarkSearchFormView form={form} errors={{}} /></>, options);
  }
  const parsed = parseBookmarkSearch(form);
  if (!parsed.ok) {
    return reply.page(title, <><SearchNavigation current="bookmarks" /><BookmarkSearchFormView form={form} errors={parsed.errors} /></>, { ...options, status: 400 });
  }
  const page = pageParam(req);
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { search: parsed.value }, page);
  const [blurbs, seriesBlurbs] = await Promise.all([
    blurbsInOrder(req.db, req.viewer, bookmarks.flatMap((b) => (b.work_id === null ? [] : [b.work_id]))),
    seriesBlurbsByIds(req.db, req.viewer, bookmarks.flatMap((b) => (b.series_id === null ? [] : [b.series_id]))),
  ]);
  const query = bookmarkSearchQuery(form);
  return reply.page(
    t("responses.search.results"),
    <>
      <SearchNavigation current="bookmarks" />
      <BookmarkSearchFormView form={form} errors={{}} />
      <BookmarksPage
        heading={t("responses.search.found")}
        total={total}
        page={page}
        bookmarks={bookmarks}
        blurbs={new Map(blurbs.map((b) => [b.work.id, b]))}
        seriesBlurbs={seriesBlurbs}
        viewerId={req.viewer.user?.id ?? null}
        href={(n) => `/bookmarks/search?${query}${n > 1 ? `&page=${n}` : ""}`}
        empty={t("responses.search.none")}
      />
    </>,
    options,
  );
}

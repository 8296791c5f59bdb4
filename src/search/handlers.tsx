import { viewerMarksOf } from "../responses/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { pageParam } from "../platform/http/routes.js";
import { WorkListing } from "../model/views/blurb.js";
import { chapterPath } from "../model/paths.js";
import { formToQuery, readSearchForm } from "./form.js";
import { searchWorks } from "./listing.js";
import { describeQuery, parseSearchQuery } from "./query-language.js";
import { chaptersFound } from "./found-chapters.js";
import { FoundInChapter, SearchFormView } from "./views/search-page.js";
import { t } from "../platform/i18n/index.js";
import { SearchNavigation } from "../platform/http/search-nav.js";

/** `/works/search`: the form, and the results of what was typed (a syntax error keeps the query). */
export async function showSearchPage(req: FastifyRequest, reply: FastifyReply) {
  const form = readSearchForm(req);
  const typed = formToQuery(form);
  if (!typed) return reply.page(t("search.search_works"), <><SearchNavigation current="works" /><SearchFormView form={form} /></>, { mainClass: "works-search" });
  const parsed = parseSearchQuery(typed);
  if (!parsed.ok) {
    return reply.page(t("search.search_works"), <><SearchNavigation current="works" /><SearchFormView form={form} error={t("api.search_syntax", { message: parsed.message })} /></>, { status: 400, mainClass: "works-search" });
  }
  const page = pageParam(req);
  const { total, blurbs } = await searchWorks(req.db, req.viewer, parsed.query, page, req.browse);
  const marks = await viewerMarksOf(req.db, req.viewer, blurbs.map((b) => b.work.id));

  // Where the words occur in a chapter's text, say which chapter and show the place.
  const found = await chaptersFound(req.db, blurbs.map((b) => b.work.id), parsed.query);
  const extras = new Map<number, JSX.Element>();
  for (const [workId, chapter] of found) {
    extras.set(workId, <FoundInChapter href={chapterPath(workId, chapter.chapterId)} position={chapter.position} snippet={chapter.snippet} />);
  }
  const params = new URLSearchParams(Object.entries(form).filter(([, v]) => v).map(([k, v]) => [`work_search[${k}]`, v]));
  const href = (n: number) => `/works/search?${params.toString()}${n > 1 ? `&page=${n}` : ""}`;
  const description = describeQuery(parsed.query);
  return reply.page(
    t("search.search_results"),
    <>
      <SearchNavigation current="works" />
      <SearchFormView form={form} />
      <WorkListing heading={t("search.foundvalue", { value: description ? `: ${description}` : "" })} total={total} page={page} blurbs={blurbs} href={href} extras={extras} marks={marks} empty={t("search.no_works_matched_your_search")} />
    </>,
    { mainClass: "works-search" },
  );
}

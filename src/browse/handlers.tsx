import type { FastifyReply, FastifyRequest } from "fastify";
import { pageParam, queryParam } from "../platform/http/routes.js";
import { parseSearchQuery } from "../search/query-language.js";
import { searchRefinement } from "../search/refine.js";
import { SearchWithinResults } from "../search/views/search-page.js";
import { findTagById, findTagByName } from "../tags/queries.js";
import { tagFromParam, tagPath } from "../tags/vocabulary.js";
import { findPseud, findUserByLogin } from "../users/queries.js";
import { draftsOf, listWorks, type WorkScope } from "../works/queries.js";
import { WorkListing } from "../works/views/blurb.js";

/**
 * Renders one page of a listing; every works listing goes through here, with "search within
 * results" (`work_search[query]`, the search page's query language) on all of them.
 */
async function renderListing(req: FastifyRequest, reply: FastifyReply, scope: WorkScope, heading: string, basePath: string) {
  const page = pageParam(req);
  const within = queryParam(req, "work_search[query]").trim().slice(0, 2000);
  const parsed = within ? parseSearchQuery(within) : undefined;
  const refine = parsed?.ok ? searchRefinement(req.db, parsed.query) : {};
  const { total, blurbs } = await listWorks(req.db, req.viewer, scope, page, refine);
  const query = within ? `work_search%5Bquery%5D=${encodeURIComponent(within)}` : "";
  const href = (n: number) => {
    const params = [query, n > 1 ? `page=${n}` : ""].filter(Boolean).join("&");
    return params ? `${basePath}?${params}` : basePath;
  };
  const error = parsed && !parsed.ok ? `Your search failed because of a syntax error: ${parsed.message}` : undefined;
  return reply.page(
    `Works ${heading}`.trim(),
    <WorkListing heading={heading} total={total} page={page} blurbs={blurbs} href={href} tools={<SearchWithinResults action={basePath} value={within} error={error} />} />,
    { mainClass: "works-index", status: error ? 400 : 200 },
  );
}

export async function showHomePage(req: FastifyRequest, reply: FastifyReply) {
  return renderListing(req, reply, { kind: "all" }, "", "/works");
}

export async function showWorksPage(req: FastifyRequest, reply: FastifyReply) {
  return renderListing(req, reply, { kind: "all" }, "", "/works");
}

export async function showUserWorksPage(req: FastifyRequest, reply: FastifyReply) {
  const login = (req.params as { login: string }).login;
  const user = await findUserByLogin(req.db, login);
  if (!user) return reply.error("NOT_FOUND");
  return renderListing(req, reply, { kind: "user", userId: user.id }, `by ${user.login}`, `/users/${encodeURIComponent(user.login)}/works`);
}

export async function showPseudWorksPage(req: FastifyRequest, reply: FastifyReply) {
  const { login, pseud: pseudName } = req.params as { login: string; pseud: string };
  const user = await findUserByLogin(req.db, login);
  const pseud = user ? await findPseud(req.db, user.id, pseudName) : undefined;
  if (!user || !pseud) return reply.error("NOT_FOUND");
  const by = pseud.name === user.login ? user.login : `${pseud.name} (${user.login})`;
  return renderListing(req, reply, { kind: "pseud", pseudId: pseud.id }, `by ${by}`, `/users/${encodeURIComponent(user.login)}/pseuds/${encodeURIComponent(pseud.name)}/works`);
}

export async function showPseudPage(req: FastifyRequest, reply: FastifyReply) {
  const { login, pseud } = req.params as { login: string; pseud: string };
  return reply.redirect(`/users/${encodeURIComponent(login)}/pseuds/${encodeURIComponent(pseud)}/works`, 303);
}

export async function showDraftsPage(req: FastifyRequest, reply: FastifyReply) {
  const login = (req.params as { login: string }).login;
  const user = await findUserByLogin(req.db, login);
  if (!user) return reply.error("NOT_FOUND");
  if (user.id !== req.viewer.user?.id) return reply.error("FORBIDDEN");
  const blurbs = await draftsOf(req.db, user.id);
  return reply.page("Drafts", <WorkListing heading="(drafts)" total={blurbs.length} page={1} blurbs={blurbs} href={() => req.url} empty="You have no drafts." />, {
    mainClass: "works-drafts",
  });
}

/** The tag named in a `/tags/NAME` URL, with AO3's escapes undone. */
async function tagFromUrl(req: FastifyRequest) {
  const name = tagFromParam((req.params as { name: string }).name);
  return findTagByName(req.db, name);
}

export async function showTagWorksPage(req: FastifyRequest, reply: FastifyReply) {
  const tag = await tagFromUrl(req);
  if (!tag) return reply.error("NOT_FOUND");
  const canonical = tag.merger_id !== null ? await findTagById(req.db, tag.merger_id) : undefined;
  // Not cached: a wrangler may undo the synonym, and the old URL must work again at once.
  if (canonical) return reply.header("cache-control", "no-store").redirect(`${tagPath(canonical.name)}/works`, 301);
  // A canonical tag lists its filter set (synonyms' and subtags' works); an unwrangled one its own works.
  const scope: WorkScope = tag.canonical ? { kind: "filter", tagId: tag.id } : { kind: "tag", tagId: tag.id };
  return renderListing(req, reply, scope, `in ${tag.name}`, `${tagPath(tag.name)}/works`);
}

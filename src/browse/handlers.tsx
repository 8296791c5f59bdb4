import { viewerMarksOf } from "../responses/index.js";
import { sendNotFoundWithSearch } from "../tags/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { findTagById, findTagByName } from "../model/tags.js";
import { tagFromParam, tagPath } from "../model/vocabulary.js";
import { findPseud, findUserByLogin } from "../model/users.js";
import { creatorName, draftsOf } from "../model/works.js";
import { WorkListing } from "../model/views/blurb.js";
import type { ListingScope } from "../listing/index.js";
import { listingPage, tagListingScope } from "./listing-page.js";
import { readListingParams } from "./sidebar-params.js";
import { FilterNotices, FilterSidebar } from "./views/sidebar.js";
import { t } from "../platform/i18n/index.js";

/**
 * Renders one page of a listing with its filter sidebar (the listing itself: listingPage, the
 * same for the API and the feeds). `within` narrows the listing to some works first (an
 * unwrangled tag's own works).
 */
async function renderListing(req: FastifyRequest, reply: FastifyReply, scope: ListingScope, heading: string, basePath: string, within: number[][] = []) {
  const { sidebar, result, blurbs, tags } = await listingPage(req.db, req.browse, req.viewer, { scope, params: readListingParams(req), within, pastEnd: "last" });
  const marks = await viewerMarksOf(req.db, req.viewer, result.workIds);
  const href = (n: number) => {
    const params = new URLSearchParams(req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "");
    params.delete("page");
    if (n > 1) params.set("page", String(n));
    const search = params.toString();
    return search ? `${basePath}?${search}` : basePath;
  };
  return reply.page(
    t("browse.works_heading", { heading }).trim(),
    <div class="listing-with-filters">
      <div class="listing">
        <FilterNotices notices={sidebar.notices} />
        <WorkListing heading={heading} total={result.total} page={sidebar.query.page} blurbs={blurbs} href={href} marks={marks} />
      </div>
      <FilterSidebar action={basePath} sidebar={sidebar} result={result} tags={tags} />
    </div>,
    { mainClass: "works-index", status: sidebar.searchError ? 400 : 200 },
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
  return renderListing(req, reply, { kind: "user", userId: user.id }, t("browse.by_login", { login: user.login }), `/users/${encodeURIComponent(user.login)}/works`);
}

export async function showPseudWorksPage(req: FastifyRequest, reply: FastifyReply) {
  const { login, pseud: pseudName } = req.params as { login: string; pseud: string };
  const user = await findUserByLogin(req.db, login);
  const pseud = user ? await findPseud(req.db, user.id, pseudName) : undefined;
  if (!user || !pseud) return reply.error("NOT_FOUND");
  const by = creatorName({ pseudName: pseud.name, login: user.login });
  return renderListing(req, reply, { kind: "pseud", pseudId: pseud.id }, t("browse.by_by", { by }), `/users/${encodeURIComponent(user.login)}/pseuds/${encodeURIComponent(pseud.name)}/works`);
}

export async function showDraftsPage(req: FastifyRequest, reply: FastifyReply) {
  const login = (req.params as { login: string }).login;
  const user = await findUserByLogin(req.db, login);
  if (!user) return reply.error("NOT_FOUND");
  if (user.id !== req.viewer.user?.id) return reply.error("FORBIDDEN");
  const blurbs = await draftsOf(req.db, user.id);
  return reply.page(t("users.drafts"), <WorkListing heading={t("browse.drafts")} total={blurbs.length} page={1} blurbs={blurbs} href={() => req.url} empty={t("browse.you_have_no_drafts")} />, {
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
  // A fandom or tag nobody uses: a 404 that offers to search for it.
  if (!tag) return sendNotFoundWithSearch(reply, tagFromParam((req.params as { name: string }).name));
  const canonical = tag.merger_id !== null ? await findTagById(req.db, tag.merger_id) : undefined;
  // Not cached: a wrangler may undo the synonym, and the old URL must work again at once.
  if (canonical) return reply.header("cache-control", "no-store").redirect(`${tagPath(canonical.name)}/works`, 301);
  // A canonical tag lists its filter set (synonyms' and subtags' works); an unwrangled one its own works.
  const { scope, within } = await tagListingScope(req.db, tag);
  return renderListing(req, reply, scope, t("browse.in_name", { name: tag.name }), `${tagPath(tag.name)}/works`, within);
}

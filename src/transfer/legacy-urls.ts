import type { FastifyReply, FastifyRequest } from "fastify";
import { chapterPath, fullWorkPath, seriesPath, userPath, workPath } from "../model/paths.js";
import { readableChaptersOf } from "../model/works.js";
import { readWork } from "../model/readable-work.js";
import { findSeries } from "../model/series.js";
import { findTagById } from "../model/tags.js";
import { findUserById } from "../model/users.js";
import { tagPath } from "../model/vocabulary.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { get, parseId, queryParam, type RouteDef } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { legacyTarget } from "./legacy-lookup.js";

/**
 * An imported eFiction archive's old addresses, answered with permanent redirects to the pages
 * that now hold the same things. The old numbers are looked up in legacy_ids (which the importer
 * fills); a number nothing was imported as, or a story this visitor may not see (a draft, a
 * hidden work), is the ordinary 404, so an old link reveals nothing a work page would not.
 * A registered-only work still redirects: its own page sends a guest to log in.
 */

/** The importer whose numbers the old addresses carry. */
const SOURCE = "efiction";

/** An old number from the query string, as legacy_ids keeps it (its decimal text), or null when it is no positive number. */
function legacyNumber(req: FastifyRequest, name: string): string | null {
  const id = parseId(queryParam(req, name));
  return id === null ? null : String(id);
}

async function lookUp(req: FastifyRequest, kind: string, name: string): Promise<number | null> {
  const legacyId = legacyNumber(req, name);
  return legacyId === null ? null : legacyTarget(req.db, SOURCE, kind, legacyId);
}

/** The work an old story number became, when this viewer may at least be shown its address. */
async function workOfStory(db: DbOrTrx, viewer: Viewer, workId: number | null) {
  if (workId === null) return null;
  const reading = await readWork(db, viewer, workId);
  if (reading.kind === "not-found") return null;
  // Registered-only: the address, not the work; its page asks a guest to log in.
  return reading.kind === "readable" ? reading.work : { id: workId, posted: 1 };
}

/**
 * `viewstory.php?sid=N[&chapter=K|all][&textsize=N]`, `viewstory.php?chapid=N` and
 * `viewstory.php?action=printable&sid=N&chapter=K|all`. eFiction's `chapter` is the chapter's
 * place in the story (1 = first), not its number; printable pages become the reading pages
 * (the work's downloads are one click from there); `textsize` was a display setting.
 */
async function viewStoryTarget(req: FastifyRequest): Promise<string | null> {
  const chapid = legacyNumber(req, "chapid");
  if (chapid !== null && !queryParam(req, "sid")) {
    const chapterId = await legacyTarget(req.db, SOURCE, "chapter", chapid);
    if (chapterId === null) return null;
    const chapter = await req.db.selectFrom("chapters").select(["id", "work_id"]).where("id", "=", chapterId).executeTakeFirst();
    if (!chapter) return null;
    const work = await workOfStory(req.db, req.viewer, chapter.work_id);
    return work ? chapterPath(work.id, chapter.id) : null;
  }
  const work = await workOfStory(req.db, req.viewer, await lookUp(req, "story", "sid"));
  if (!work) return null;
  const chapter = queryParam(req, "chapter");
  if (chapter === "") return workPath(work.id);
  if (chapter === "all") return fullWorkPath(work.id);
  const place = parseId(chapter);
  if (place === null) return null;
  const shown = await readableChaptersOf(req.db, work);
  const found = shown[place - 1];
  return found ? chapterPath(work.id, found.id) : null;
}

/** `viewuser.php?uid=N`: the author's profile. */
async function viewUserTarget(req: FastifyRequest): Promise<string | null> {
  const userId = await lookUp(req, "user", "uid");
  const user = userId === null ? undefined : await findUserById(req.db, userId);
  return user ? userPath(user.login) : null;
}

/** `viewseries.php?seriesid=N`: the series page (which shows only the works the reader may see). */
async function viewSeriesTarget(req: FastifyRequest): Promise<string | null> {
  const seriesId = await lookUp(req, "series", "seriesid");
  const series = seriesId === null ? undefined : await findSeries(req.db, seriesId);
  return series ? seriesPath(series.id) : null;
}

/** `reviews.php?type=ST&item=N`: the story's reviews are the work's comments. (Series reviews, type SE, went to the works.) */
async function reviewsTarget(req: FastifyRequest): Promise<string | null> {
  if (queryParam(req, "type").toUpperCase() !== "ST") return null;
  const work = await workOfStory(req.db, req.viewer, await lookUp(req, "story", "item"));
  return work ? `${workPath(work.id)}/comments` : null;
}

/** The works page of the tag an old category or classification became. */
async function tagWorksTarget(req: FastifyRequest, kind: "category" | "class", name: string): Promise<string | null> {
  const tagId = await lookUp(req, kind, name);
  const tag = tagId === null ? undefined : await findTagById(req.db, tagId);
  return tag ? `${tagPath(tag.name)}/works` : null;
}

/**
 * `browse.php?type=categories&catid=N` (the category's fandom tag), `browse.php?type=class&type_id=T&classid=N`
 * (the classification's tag; `type_id` alone named a kind, genres or warnings, which has no page of its own
 * here, so it goes to all works, as does every other way of browsing: titles, recent, …).
 */
async function browseTarget(req: FastifyRequest): Promise<string | null> {
  const type = queryParam(req, "type");
  if (type === "categories" && queryParam(req, "catid")) return tagWorksTarget(req, "category", "catid");
  if (type === "class" && queryParam(req, "classid")) return tagWorksTarget(req, "class", "classid");
  return "/works";
}

/** A handler that redirects permanently to where `target` says, or answers 404. */
function redirectTo(target: (req: FastifyRequest) => Promise<string | null>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const path = await target(req);
    if (path === null) return reply.error("NOT_FOUND");
    return reply.redirect(path, 301);
  };
}

const fixed = (path: string) => async () => path;

/** The old addresses under `prefix` ("" or a path such as "/archive", from LEGACY_PATH_PREFIX). */
export function legacyUrlRoutes(prefix: string): RouteDef[] {
  return [
    get(`${prefix}/viewstory.php`, redirectTo(viewStoryTarget)),
    get(`${prefix}/viewuser.php`, redirectTo(viewUserTarget)),
    get(`${prefix}/viewseries.php`, redirectTo(viewSeriesTarget)),
    get(`${prefix}/reviews.php`, redirectTo(reviewsTarget)),
    get(`${prefix}/browse.php`, redirectTo(browseTarget)),
    get(`${prefix}/series.php`, redirectTo(fixed("/works"))),
    get(`${prefix}/authors.php`, redirectTo(fixed("/people/search"))),
    get(`${prefix}/rss.php`, redirectTo(fixed("/works/feed.atom"))),
  ];
}

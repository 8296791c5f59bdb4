import { blockedByAny } from "../blocking/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { listingPage, readListingParams } from "../browse/index.js";
import type { ListingScope } from "../listing/index.js";
import { todayIso } from "../platform/db/index.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { hasRole } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { createBookmark, createSeriesBookmark, deleteBookmark, giveKudos, updateBookmark, formValuesOf, canEditBookmark, canSeeBookmark, mayBookmark, BOOKMARKS_PER_PAGE, type Bookmark as BookmarkRecord, bookmarkOf, bookmarkOfSeries, findBookmark, listBookmarks, publicBookmarksCount, parseBookmark } from "../responses/index.js";
import { findSeries, seriesBlurbsVisibleTo, seriesOfUser, seriesOwnedBy, seriesPlacesOfWork, seriesStats, seriesWorksVisibleTo } from "../model/series.js";
import { parseSeriesChoice, putWorkInSeries, SERIES_FIELDS, type SeriesChoice, seriesJoin } from "../series/index.js";
import { searchWorks, parseSearchQuery } from "../search/index.js";
import { countTagWorks, tagRelations, tagVisibleTo } from "../tags/index.js";
import { findTagByName } from "../model/tags.js";
import { tagPath } from "../model/vocabulary.js";
import { findUserByLogin, pseudsOf } from "../model/users.js";
import { addChapter, createWork, postDraft, updateChapter, updateWork, defaultWorkValues, valuesFromWork, type ChapterFormValues, parseChapter, parseWork, type WorkFormValues, type AssociationValues, checkAssociations } from "../works/index.js";
import { giftLabel, giftsOfWork } from "../gifts/index.js";
import { parentsOf } from "../related/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import { canEditWork, workVisibility } from "../model/visibility.js";
import { type Blurb, chaptersOf, findWork, PER_PAGE, readableChaptersOf, tagsOfWork, type Work } from "../model/works.js";
import { readWork } from "../model/readable-work.js";
import { userPath } from "../model/paths.js";
import { sendProblem, fieldProblems, type FieldProblem } from "./problem.js";
import type { BookmarkBody, ChapterPatchBody, NewChapterBody, NewWorkBody, SearchQuery, SeriesMembership, WorkPatchBody } from "./schema.js";
import { bookmarkJson, chapterJson, workSummaryJson } from "./serialize.js";
import { API_PREFIX } from "./views/paths.js";

// Every handler has the pages' shape: viewer (the token's user, or a guest) → resource (404 when
// missing or not visible to this viewer; 401 for a registered-only work without a token) →
// policy (403) → the archive's own validation, the same as the forms' (422 naming each field) →
// the same command the forms call → the resource as JSON. Schema checks (400) ran before.

const base = (req: FastifyRequest) => req.config.publicUrl;
const params = <T>(req: FastifyRequest) => req.params as T;

// ---- works and chapters: reading -----------------------------------------------------------------

/** The work behind `:id` when this viewer may read it (the same use case as the pages); otherwise the problem is sent. */
export async function readableWork(req: FastifyRequest, reply: FastifyReply): Promise<Work | undefined> {
  const reading = await readWork(req.db, req.viewer, params<{ id: number }>(req).id);
  if (reading.kind === "not-found") sendProblem(reply, "WORK_NOT_FOUND");
  else if (reading.kind === "login-required") sendProblem(reply, "RESTRICTED_WORK");
  else return reading.work;
  return undefined;
}

/** The work behind `:id` when this viewer may edit it (403 when they may read but not edit). */
async function editableWork(req: FastifyRequest, reply: FastifyReply): Promise<Work | undefined> {
  const work = await readableWork(req, reply);
  if (work && !canEditWork(req.viewer, work)) {
    sendProblem(reply, "FORBIDDEN");
    return undefined;
  }
  return work;
}

async function workJson(req: FastifyRequest, work: Work) {
  const [tags, chapters, series, gifts, parents] = await Promise.all([
    tagsOfWork(req.db, work.id),
    readableChaptersOf(req.db, work),
    seriesPlacesOfWork(req.db, req.viewer, work.id),
    giftsOfWork(req.db, work.id),
    parentsOf(req.db, work.id),
  ]);
  return {
    recipients: gifts.map(giftLabel),
    related_works: parents.flatMap((ref): { work_id: number | null; url: string; title: string; author: string | null; translation: boolean }[] =>
      ref.parent.kind === "url"
        ? [{ work_id: null, url: ref.parent.url, title: ref.parent.title, author: ref.parent.author, translation: ref.translation }]
        : workVisibility(req.viewer, ref.parent.work) === "yes"
          ? [{ work_id: ref.parent.work.id, url: `${base(req)}/works/${ref.parent.work.id}`, title: ref.parent.work.title, author: null, translation: ref.translation }]
          : [],
    ),
    ...workSummaryJson(base(req), work, work.creators, tags, chapters.filter((c) => c.posted).length),
    notes: work.notes,
    endnotes: work.endnotes,
    comment_permission: work.comment_permission,
    moderated_comments: work.moderated_comments === 1,
    created_at: work.created_at,
    updated_at: work.updated_at,
    chapters: chapters.map((c) => ({ id: c.id, position: c.position, title: c.title, word_count: c.word_count, published_on: c.published_on })),
    series: series.map((p) => ({ id: p.seriesId, title: p.title, part: p.part, previous: p.previous?.id ?? null, next: p.next?.id ?? null })),
  };
}

export async function getWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  return reply.send(await workJson(req, work));
}

export async function getChapters(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  const chapters = await readableChaptersOf(req.db, work);
  return reply.send({ work_id: work.id, chapters: chapters.map((c) => chapterJson(base(req), c)) });
}

export async function getChapter(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  const chapter = (await readableChaptersOf(req.db, work)).find((c) => c.id === params<{ chapterId: number }>(req).chapterId);
  if (!chapter) return sendProblem(reply, "NOT_FOUND");
  return reply.send(chapterJson(base(req), chapter));
}

// ---- listings and search --------------------------------------------------------------------------

function listingJson(req: FastifyRequest, total: number, page: number, blurbs: Blurb[]) {
  return {
    total,
    page,
    per_page: PER_PAGE,
    works: blurbs.map((b) => workSummaryJson(base(req), b.work, b.creators, b.tags, b.postedChapters)),
  };
}

/** A listing (listingPage, as /works lists it), with the sidebar's filters read exactly as /works reads them. */
async function browse(req: FastifyRequest, reply: FastifyReply, scope: ListingScope) {
  const { sidebar, result, blurbs, tags: names } = await listingPage(req.db, req.browse, req.viewer, { scope, params: readListingParams(req), pastEnd: "empty" });
  if (sidebar.searchError) return sendProblem(reply, "INVALID_REQUEST", {}, [{ field: "work_search[query]", message: sidebar.searchError }]);
  const facets = Object.fromEntries(Object.entries(result.facets).map(([type, list]) => [type, list.map((f) => ({ id: f.tagId, name: names.get(f.tagId)?.name ?? "", count: f.count }))]));
  return reply.send({ ...listingJson(req, result.total, sidebar.query.page, blurbs), per_page: sidebar.query.perPage, facets, notices: sidebar.notices });
}

export async function listWorks(req: FastifyRequest, reply: FastifyReply) {
  return browse(req, reply, { kind: "all" });
}

export async function listUserWorks(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, params<{ login: string }>(req).login);
  if (!user) return sendProblem(reply, "NOT_FOUND");
  return browse(req, reply, { kind: "user", userId: user.id });
}

export async function searchWorksJson(req: FastifyRequest, reply: FastifyReply) {
  const { q, page = 1 } = req.query as SearchQuery;
  const parsed = parseSearchQuery(q);
  if (!parsed.ok) return sendProblem(reply, "INVALID_REQUEST", {}, [{ field: "q", message: t("api.search_syntax", { message: parsed.message }) }]);
  const { total, blurbs } = await searchWorks(req.db, req.viewer, parsed.query, page, req.browse);
  return reply.send({ ...listingJson(req, total, page, blurbs), notices: [] });
}

// ---- tags and users ---------------------------------------------------------------------------------

export async function getTag(req: FastifyRequest, reply: FastifyReply) {
  const tag = await findTagByName(req.db, params<{ name: string }>(req).name);
  // A tag the viewer may not see (only on others' drafts, say) is not found, as on its page.
  if (!tag || !(await tagVisibleTo(req.db, req.viewer, tag.id))) return sendProblem(reply, "NOT_FOUND");
  const [relations, worksCount] = await Promise.all([tagRelations(req.db, tag, req.viewer), countTagWorks(req.db, req.viewer, tag)]);
  return reply.send({
    id: tag.id,
    name: tag.name,
    type: tag.type,
    canonical: tag.canonical === 1,
    url: `${base(req)}${tagPath(tag.name)}`,
    works_count: worksCount,
    merger: relations.merger,
    synonyms: relations.synonyms,
    parents: relations.parents,
    metatags: relations.metatags,
    subtags: relations.subtags,
    children: Object.fromEntries(relations.children),
  });
}

export async function getUser(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, params<{ login: string }>(req).login);
  if (!user) return sendProblem(reply, "NOT_FOUND");
  const pseuds = await pseudsOf(req.db, user.id);
  return reply.send({
    login: user.login,
    url: `${base(req)}${userPath(user.login)}`,
    joined_at: user.created_at,
    profile: user.profile,
    pseuds: pseuds.map((p) => ({ id: p.id, name: p.name, description: p.description, default: p.is_default === 1 })),
  });
}

/** A series, as its page shows it: to anyone, with (and counting) only the works this viewer may see. */
export async function getSeries(req: FastifyRequest, reply: FastifyReply) {
  const series = await findSeries(req.db, params<{ id: number }>(req).id);
  if (!series) return sendProblem(reply, "NOT_FOUND");
  const [blurbs, bookmarks] = await Promise.all([seriesBlurbsVisibleTo(req.db, req.viewer, series.id), publicBookmarksCount(req.db, { seriesId: series.id })]);
  const stats = seriesStats(blurbs.map((b) => b.work));
  return reply.send({
    id: series.id,
    url: `${base(req)}/series/${series.id}`,
    title: series.title,
    creators: series.creators.map((c) => ({ pseud: c.pseudName, login: c.login })),
    summary: series.summary,
    notes: series.notes,
    complete: series.complete === 1,
    created_at: series.created_at,
    updated_at: series.updated_at,
    works_count: stats.works,
    word_count: stats.words,
    bookmarks_count: bookmarks,
    works: blurbs.map((b) => workSummaryJson(base(req), b.work, b.creators, b.tags, b.postedChapters)),
  });
}

export async function listUserSeries(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, params<{ login: string }>(req).login);
  if (!user) return sendProblem(reply, "NOT_FOUND");
  const blurbs = await seriesOfUser(req.db, req.viewer, user.id);
  return reply.send({
    series: blurbs.map(({ series, works, words }) => ({
      id: series.id,
      url: `${base(req)}/series/${series.id}`,
      title: series.title,
      creators: series.creators.map((c) => ({ pseud: c.pseudName, login: c.login })),
      complete: series.complete === 1,
      updated_at: series.updated_at,
      works_count: works,
      word_count: words,
    })),
  });
}

export async function getMe(req: FastifyRequest, reply: FastifyReply) {
  const user = req.viewer.user!;
  const pseuds = await pseudsOf(req.db, user.id);
  return reply.send({ login: user.login, token: req.apiToken!, pseuds: pseuds.map((p) => ({ id: p.id, name: p.name, default: p.is_default === 1 })) });
}

// ---- bookmarks: reading -------------------------------------------------------------------------------

function bookmarkListing(total: number, page: number, bookmarks: BookmarkRecord[]) {
  return { total, page, per_page: BOOKMARKS_PER_PAGE, bookmarks: bookmarks.map(bookmarkJson) };
}

export async function listUserBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, params<{ login: string }>(req).login);
  if (!user) return sendProblem(reply, "NOT_FOUND");
  const page = (req.query as { page?: number }).page ?? 1;
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { userId: user.id }, page);
  return reply.send(bookmarkListing(total, page, bookmarks));
}

export async function listWorkBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  if (!work.posted) return sendProblem(reply, "WORK_NOT_FOUND");
  const page = (req.query as { page?: number }).page ?? 1;
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { workId: work.id }, page);
  return reply.send(bookmarkListing(total, page, bookmarks));
}

/**
 * The bookmark behind `:id` when this viewer may see it: its owner always; others when it is
 * public and of a work they may see listed (never a draft's), or of a series with a work they may
 * see. 404 otherwise.
 */
async function visibleBookmark(req: FastifyRequest, reply: FastifyReply): Promise<BookmarkRecord | undefined> {
  const bookmark = await findBookmark(req.db, params<{ id: number }>(req).id);
  let visible = bookmark !== undefined && canSeeBookmark(req.viewer, bookmark);
  if (bookmark && visible && !canEditBookmark(req.viewer, bookmark)) {
    if (bookmark.work_id !== null) {
      const work = await findWork(req.db, bookmark.work_id);
      visible = work !== undefined && work.posted === 1 && workVisibility(req.viewer, work) === "yes";
    } else {
      visible = bookmark.series_id !== null && (await seriesWorksVisibleTo(req.db, req.viewer, bookmark.series_id)).length > 0;
    }
  }
  if (!bookmark || !visible) {
    sendProblem(reply, "NOT_FOUND");
    return undefined;
  }
  return bookmark;
}

export async function getBookmark(req: FastifyRequest, reply: FastifyReply) {
  const bookmark = await visibleBookmark(req, reply);
  if (!bookmark) return reply;
  return reply.send(bookmarkJson(bookmark));
}

// ---- works and chapters: writing -------------------------------------------------------------------

const CHAPTER_FIELDS = ["title", "summary", "notes", "endnotes", "content"] as const;
const EMPTY_CHAPTER: ChapterFormValues = { title: "", summary: "", notes: "", endnotes: "", content: "" };

/** The form's values with the fields this body sets replaced (tag lists as the form's comma lists). */
function withWorkBody(values: WorkFormValues, body: Omit<WorkPatchBody, "draft">): WorkFormValues {
  const list = (names: string[] | undefined, current: string) => (names === undefined ? current : names.join(", "));
  return {
    title: body.title ?? values.title,
    pseudIds: body.pseud_ids?.map(String) ?? values.pseudIds,
    rating: body.rating ?? values.rating,
    warnings: body.warnings ?? values.warnings,
    categories: body.categories ?? values.categories,
    tags: {
      Fandom: list(body.fandoms, values.tags.Fandom),
      Relationship: list(body.relationships, values.tags.Relationship),
      Character: list(body.characters, values.tags.Character),
      Freeform: list(body.freeforms, values.tags.Freeform),
    },
    language: body.language ?? values.language,
    summary: body.summary ?? values.summary,
    notes: body.notes ?? values.notes,
    endnotes: body.endnotes ?? values.endnotes,
    restricted: body.restricted ?? values.restricted,
    moderatedComments: body.moderated_comments ?? values.moderatedComments,
    commentPermission: body.comment_permission ?? values.commentPermission,
    expectedChapters: body.expected_chapters === undefined ? values.expectedChapters : body.expected_chapters === null ? "?" : String(body.expected_chapters),
    backdate: body.published_on === undefined ? values.backdate : body.published_on !== null,
    publishedOn: body.published_on === undefined ? values.publishedOn : (body.published_on ?? ""),
    associations: associationsOfBody(body),
  };
}

/** The body's co-creators, gifts and related works in the work form's terms; what it leaves out stays as it is. */
function associationsOfBody(body: Omit<WorkPatchBody, "draft">): AssociationValues {
  return {
    coCreators: body.co_creators?.join(", "),
    recipients: body.recipients?.join(", "),
    parents: body.related_works?.map((r) => ({ url: r.url, title: r.title ?? "", author: r.author ?? "", translation: r.translation === true })),
    replaceParents: true,
  };
}

/** The form's names of the related-work fields, as the body names them. */
const ASSOCIATION_RENAMES = { parent_url: "related_works", parent_title: "related_works", parent_author: "related_works" };

type LoggedIn = Viewer & { user: NonNullable<Viewer["user"]> };

function withChapterBody(values: ChapterFormValues, body: ChapterPatchBody): ChapterFormValues {
  return Object.fromEntries(CHAPTER_FIELDS.map((name) => [name, body[name] ?? values[name]])) as unknown as ChapterFormValues;
}

/** The series field's names in the form's rules (src/series/schema.ts), as the JSON body names them. */
const SERIES_PROBLEM_FIELDS: Record<string, string> = { [SERIES_FIELDS.id]: "series.id", [SERIES_FIELDS.title]: "series.title", [SERIES_FIELDS.position]: "series.part" };

/**
 * The body's `series` by the work form's own rules for "Add to series" (only the caller's own
 * series; an id or a title, not both): null when the body has none, or the problems to send.
 */
async function seriesChoiceOf(req: FastifyRequest, membership: SeriesMembership | undefined): Promise<{ ok: true; value: SeriesChoice | null } | { ok: false; problems: FieldProblem[] }> {
  if (membership === undefined) return { ok: true, value: null };
  if (membership.id === undefined && membership.title === undefined) return { ok: false, problems: [{ field: "series", message: t("api.series_choose") }] };
  if (membership.id === undefined && membership.part !== undefined && membership.part !== 1) return { ok: false, problems: [{ field: "series.part", message: t("api.series_new_part") }] };
  const own = await seriesOwnedBy(req.db, req.viewer.user!.id);
  const parsed = parseSeriesChoice({ seriesId: membership.id === undefined ? "" : String(membership.id), title: membership.title ?? "", position: membership.part === undefined ? "" : String(membership.part) }, own.map((s) => s.id));
  if (!parsed.ok) return { ok: false, problems: Object.entries(parsed.errors).flatMap(([name, messages]) => messages.map((message) => ({ field: SERIES_PROBLEM_FIELDS[name] ?? "series", message }))) };
  // A title of blanks leaves nothing to name the series by.
  if (parsed.value === null) return { ok: false, problems: [{ field: "series.title", message: t("api.series_choose") }] };
  return parsed;
}

export async function postWork(req: FastifyRequest, reply: FastifyReply) {
  const body = req.body as NewWorkBody;
  const user = req.viewer.user!;
  const pseuds = await pseudsOf(req.db, user.id);
  const work = parseWork(withWorkBody(defaultWorkValues(pseuds[0]?.id), body), { ownPseudIds: pseuds.map((p) => p.id), isAdmin: hasRole(req.viewer, "admin"), chapterCount: 1, today: todayIso() });
  const chapter = parseChapter(withChapterBody(EMPTY_CHAPTER, body.chapter));
  const series = await seriesChoiceOf(req, body.series);
  const associations = await checkAssociations(req.db, associationsOfBody(body), { viewer: req.viewer as LoggedIn, work: null, publicUrl: base(req) });
  if (!work.ok || !chapter.ok || !series.ok || !associations.ok) {
    const problems = fieldProblems({ ...(work.ok ? {} : work.errors), ...(chapter.ok ? {} : chapter.errors), ...(associations.ok ? {} : associations.errors) }, { chapter: "chapter." }, ASSOCIATION_RENAMES);
    return sendProblem(reply, "UNPROCESSABLE", {}, [...problems, ...(series.ok ? [] : series.problems)]);
  }
  const created = await createWork(req.db, { ...work.value, associations: associations.value }, [chapter.value], { draft: body.draft === true, series: seriesJoin(series.value, work.value.pseudIds) });
  const stored = (await findWork(req.db, created.workId))!;
  return reply.code(201).header("location", `${API_PREFIX}/works/${created.workId}`).send(await workJson(req, stored));
}

export async function patchWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return reply;
  const body = req.body as WorkPatchBody;
  const { draft, series: membership, ...fields } = body;
  const [pseuds, series] = await Promise.all([pseudsOf(req.db, req.viewer.user!.id), seriesChoiceOf(req, membership)]);
  // A new series is credited to the editor's own pseuds on the work, never a co-creator's (as the edit form does).
  const mine = new Set(pseuds.map((p) => p.id));
  const creditedTo = (pseudIds: number[]) => {
    const ownOnWork = pseudIds.filter((id) => mine.has(id));
    return ownOnWork.length ? ownOnWork : pseuds.slice(0, 1).map((p) => p.id);
  };
  if (Object.keys(fields).length > 0) {
    const [tags, chapters] = await Promise.all([tagsOfWork(req.db, work.id), chaptersOf(req.db, work.id)]);
    // The caller's own pseuds, as on the edit form: other creators keep theirs (only they can leave).
    const ownPseudIds = pseuds.map((p) => p.id);
    const parsed = parseWork(withWorkBody(valuesFromWork(work, tags), fields), { ownPseudIds, isAdmin: hasRole(req.viewer, "admin"), chapterCount: chapters.length, today: todayIso() });
    const associations = await checkAssociations(req.db, associationsOfBody(fields), { viewer: req.viewer as LoggedIn, work, publicUrl: base(req) });
    if (!parsed.ok || !series.ok || !associations.ok) {
      const problems = fieldProblems({ ...(parsed.ok ? {} : parsed.errors), ...(associations.ok ? {} : associations.errors) }, {}, ASSOCIATION_RENAMES);
      return sendProblem(reply, "UNPROCESSABLE", {}, [...problems, ...(series.ok ? [] : series.problems)]);
    }
    await updateWork(req.db, work.id, { ...parsed.value, associations: associations.value, editorUserId: req.viewer.user!.id }, seriesJoin(series.value, creditedTo(parsed.value.pseudIds)));
  } else if (!series.ok) {
    return sendProblem(reply, "UNPROCESSABLE", {}, series.problems);
  } else if (series.value) {
    await putWorkInSeries(req.db, work.id, series.value, creditedTo(work.creators.map((c) => c.pseudId)));
  }
  if (draft === false && !work.posted) await postDraft(req.db, work.id);
  return reply.send(await workJson(req, (await findWork(req.db, work.id))!));
}

export async function postChapter(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return reply;
  const parsed = parseChapter(withChapterBody(EMPTY_CHAPTER, req.body as NewChapterBody));
  if (!parsed.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(parsed.errors));
  const chapterId = await addChapter(req.db, work.id, parsed.value);
  const chapter = (await chaptersOf(req.db, work.id)).find((c) => c.id === chapterId)!;
  return reply.code(201).header("location", `${API_PREFIX}/works/${work.id}/chapters/${chapterId}`).send(chapterJson(base(req), chapter));
}

export async function patchChapter(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return reply;
  const chapterId = params<{ chapterId: number }>(req).chapterId;
  const chapter = (await chaptersOf(req.db, work.id)).find((c) => c.id === chapterId);
  if (!chapter) return sendProblem(reply, "NOT_FOUND");
  const current: ChapterFormValues = {
    title: chapter.title,
    summary: htmlToTextarea(chapter.summary),
    notes: htmlToTextarea(chapter.notes),
    endnotes: htmlToTextarea(chapter.endnotes),
    content: htmlToTextarea(chapter.content),
  };
  const parsed = parseChapter(withChapterBody(current, req.body as ChapterPatchBody));
  if (!parsed.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(parsed.errors));
  await updateChapter(req.db, work.id, chapter.id, parsed.value);
  const saved = (await chaptersOf(req.db, work.id)).find((c) => c.id === chapter.id)!;
  return reply.send(chapterJson(base(req), saved));
}

// ---- kudos and bookmarks: writing ---------------------------------------------------------------------

export async function postKudos(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  const result = await giveKudos(req.db, req.viewer, work, { userId: req.viewer.user!.id });
  if (result !== "left" && result !== "already") return sendProblem(reply, "KUDOS_REFUSED", { detail: t(result === "own" ? "api.kudos_own" : result === "draft" ? "api.kudos_draft" : "api.kudos_blocked") });
  const count = (await findWork(req.db, work.id))?.kudos_count ?? work.kudos_count;
  return reply.code(result === "left" ? 201 : 200).send({ result, kudos_count: count });
}

const BOOKMARK_RENAMES = { tag_string: "tags" };

function bookmarkValues(current: ReturnType<typeof formValuesOf>, body: BookmarkBody) {
  return {
    notes: body.notes ?? current.notes,
    tags: body.tags === undefined ? current.tags : body.tags.join(", "),
    private: body.private ?? current.private,
    rec: body.rec ?? current.rec,
  };
}

export async function postBookmark(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  if (!mayBookmark(req.viewer, work)) return sendProblem(reply, "UNPROCESSABLE", {}, [{ field: "id", message: t("api.bookmark_draft") }]);
  const form = parseBookmark(bookmarkValues({ notes: "", tags: "", private: false, rec: false }, req.body as BookmarkBody));
  if (!form.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(form.errors, {}, BOOKMARK_RENAMES));
  const result = await createBookmark(req.db, req.viewer.user!.id, work.id, form.value);
  if (!result.created) {
    const existing = await bookmarkOf(req.db, req.viewer.user!.id, work.id);
    return sendProblem(reply, "CONFLICT", { detail: t("api.already_bookmarked", { id: existing?.id ?? "?" }) });
  }
  const bookmark = (await findBookmark(req.db, result.id))!;
  return reply.code(201).header("location", `${API_PREFIX}/bookmarks/${bookmark.id}`).send(bookmarkJson(bookmark));
}

export async function listSeriesBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const series = await findSeries(req.db, params<{ id: number }>(req).id);
  if (!series) return sendProblem(reply, "NOT_FOUND");
  const page = (req.query as { page?: number }).page ?? 1;
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { seriesId: series.id }, page);
  return reply.send(bookmarkListing(total, page, bookmarks));
}

export async function postSeriesBookmark(req: FastifyRequest, reply: FastifyReply) {
  const series = await findSeries(req.db, params<{ id: number }>(req).id);
  if (!series) return sendProblem(reply, "NOT_FOUND");
  const form = parseBookmark(bookmarkValues({ notes: "", tags: "", private: false, rec: false }, req.body as BookmarkBody));
  if (!form.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(form.errors, {}, BOOKMARK_RENAMES));
  const result = await createSeriesBookmark(req.db, req.viewer.user!.id, series.id, form.value);
  if (!result.created) {
    const existing = await bookmarkOfSeries(req.db, req.viewer.user!.id, series.id);
    return sendProblem(reply, "CONFLICT", { detail: t("api.already_bookmarked", { id: existing?.id ?? "?" }) });
  }
  const bookmark = (await findBookmark(req.db, result.id))!;
  return reply.code(201).header("location", `${API_PREFIX}/bookmarks/${bookmark.id}`).send(bookmarkJson(bookmark));
}

/** The bookmark behind `:id` when it is the viewer's: 404 when they may not see it, 403 when it is someone else's. */
async function ownBookmark(req: FastifyRequest, reply: FastifyReply): Promise<BookmarkRecord | undefined> {
  const bookmark = await visibleBookmark(req, reply);
  if (bookmark && !canEditBookmark(req.viewer, bookmark)) {
    sendProblem(reply, "FORBIDDEN");
    return undefined;
  }
  return bookmark;
}

export async function patchBookmark(req: FastifyRequest, reply: FastifyReply) {
  const bookmark = await ownBookmark(req, reply);
  if (!bookmark) return reply;
  const form = parseBookmark(bookmarkValues(formValuesOf(bookmark), req.body as BookmarkBody));
  if (!form.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(form.errors, {}, BOOKMARK_RENAMES));
  if (!(await updateBookmark(req.db, req.viewer.user!.id, bookmark.id, form.value))) return sendProblem(reply, "NOT_FOUND");
  return reply.send(bookmarkJson((await findBookmark(req.db, bookmark.id))!));
}

export async function removeBookmark(req: FastifyRequest, reply: FastifyReply) {
  const bookmark = await ownBookmark(req, reply);
  if (!bookmark) return reply;
  if (!(await deleteBookmark(req.db, req.viewer.user!.id, bookmark.id))) return sendProblem(reply, "NOT_FOUND");
  return reply.code(204).send();
}

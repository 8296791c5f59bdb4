import { FlashNotices, ConfirmDeletePage } from "../platform/http/components.js";
import { blockedByAny } from "../blocking/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam, pageParam } from "../platform/http/routes.js";
import { isLoggedIn } from "../platform/http/viewer.js";
import { findUserByLogin } from "../model/users.js";
import { isCreator, workVisibility } from "../model/visibility.js";
import { subscribeButtonFor } from "../subscriptions/index.js";
import { blurbsInOrder, findWork, type Work } from "../model/works.js";
import { readableWork } from "../model/readable-work.js";
import { workPath, seriesBookmarksPath, seriesPath, bookmarksOfWorkPath, editBookmarkPath, userBookmarksPath } from "../model/paths.js";
import { createBookmark, createSeriesBookmark, deleteBookmark, giveKudos, updateBookmark } from "./commands.js";
import { noteHit } from "./hits.js";
import { historyEnabled, isMarkedForLater, recordVisit } from "./history.js";
import { canEditBookmark, guestAddressKey, mayBookmark, mayMarkForLater, mayOfferKudos, recordsHistory } from "./policy.js";
import { type Bookmark, bookmarkOf, bookmarkOfSeries, findBookmark, kudosSummary, listBookmarks } from "./queries.js";
import { findSeries, seriesBlurbsByIds } from "../model/series.js";
import { type MessageKey, t } from "../platform/i18n/index.js";
import { type BookmarkFormValues, EMPTY_BOOKMARK, parseBookmark, readBookmarkForm } from "./schema.js";
import { BookmarkFormPage, BookmarksPage } from "./views/bookmarks.js";
import { WorkFeedback } from "./views/kudos.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";

// Messages, in AO3's words where it has them.
const KUDOS_THANKS: MessageKey = "responses.kudos_thanks";
const KUDOS_ALREADY: MessageKey = "responses.kudos_already";
const KUDOS_OWN: MessageKey = "api.kudos_own";
const KUDOS_DRAFT: MessageKey = "api.kudos_draft";
const KUDOS_BLOCKED: MessageKey = "api.kudos_blocked";

/**
 * The feedback block for a work page the works capability is rendering (kudos line, Kudos ♥,
 * Bookmark, Mark for Later, Subscribe, and this page's notices). It notes the page as a hit
 * (memory only); three queries for kudos, one for the viewer's bookmark, one for their
 * subscription, one for whether a creator blocked them, and for a logged-in reader one or two to record the visit in their history (at
 * `chapterId`, the last chapter shown) and learn whether the work is Marked for Later.
 */
export async function workFeedbackFor(req: FastifyRequest, reply: FastifyReply, work: Work, csrf: string, chapterId: number | null = null): Promise<JSX.Element> {
  noteHit(req, work); // memory only: written by the next flush
  const [summary, own, marked, subscribe, blocked] = await Promise.all([
    kudosSummary(req.db, work.id, req.viewer, guestAddressKey(req.ip)),
    req.viewer.user ? bookmarkOf(req.db, req.viewer.user.id, work.id) : Promise.resolve(undefined),
    readingStateOf(req, work, chapterId),
    work.posted ? subscribeButtonFor(req, "work", work.id, isCreator(req.viewer, work), csrf) : Promise.resolve(""),
    blockedByAny(req.db, work.creatorUserIds, req.viewer),
  ]);
  return (
    <WorkFeedback
      workId={work.id}
      summary={summary}
      offerKudos={mayOfferKudos(req.viewer, work) && !blocked}
      offerBookmark={mayBookmark(req.viewer, work)}
      bookmarkEditPath={own ? editBookmarkPath(own.id) : null}
      bookmarkForm={mayBookmark(req.viewer, work) ? { action: own ? `/bookmarks/${own.id}` : bookmarksOfWorkPath(work.id), values: own ? formValuesOf(own) : EMPTY_BOOKMARK } : null}
      markedForLater={marked}
      notices={takeFlash(req, reply)}
      csrf={csrf}
      subscribe={subscribe}
    />
  );
}

/**
 * Records a logged-in reader's visit in their history (unless they turned it off, or created the
 * work) and answers whether the work is Marked for Later; null when no Mark button is offered.
 */
async function readingStateOf(req: FastifyRequest, work: Work, chapterId: number | null): Promise<boolean | null> {
  const viewer = req.viewer;
  if (!isLoggedIn(viewer) || !mayMarkForLater(viewer, work)) return null;
  if (req.method === "GET" && recordsHistory(viewer, work) && (await historyEnabled(req.db, viewer.user.id))) {
    return (await recordVisit(req.db, viewer.user.id, work, chapterId)).markedForLater;
  }
  return isMarkedForLater(req.db, viewer.user.id, work.id);
}

// ---- kudos ------------------------------------------------------------------------------------

export async function postKudos(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  const giver = req.viewer.user ? { userId: req.viewer.user.id } : { guestIp: guestAddressKey(req.ip) };
  const result = await giveKudos(req.db, req.viewer, work, giver);
  if (result !== "left" && result !== "already") {
    const message = t(result === "own" ? KUDOS_OWN : result === "draft" ? KUDOS_DRAFT : KUDOS_BLOCKED);
    return reply.page(t("responses.kudos"), <KudosRefused message={message} workId={work.id} />, { status: 403 });
  }
  setFlash(req, reply, [t(result === "left" ? KUDOS_THANKS : KUDOS_ALREADY)]);
  return reply.redirect(`${workPath(work.id)}#feedback`, 303);
}

function KudosRefused({ message, workId }: { message: string; workId: number }): JSX.Element {
  return (
    <div class="error-page">
      <h2 safe class="heading">{t("responses.kudos")}</h2>
      <p safe>{message}</p>
      <p>
        <a safe href={workPath(workId)}>{t("responses.back_to_the_work")}</a>
      </p>
    </div>
  );
}

// ---- bookmarks --------------------------------------------------------------------------------

/** A stored bookmark as its form's values (the JSON API edits from them too). */
export function formValuesOf(bookmark: { notes: string; tags: string[]; private: number; rec: number }): BookmarkFormValues {
  return { notes: htmlToTextarea(bookmark.notes), tags: bookmark.tags.join(", "), private: bookmark.private === 1, rec: bookmark.rec === 1 };
}

export async function showNewBookmarkPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work || !isLoggedIn(req.viewer)) return;
  if (!mayBookmark(req.viewer, work)) return reply.error("WORK_NOT_FOUND");
  const existing = await bookmarkOf(req.db, req.viewer.user.id, work.id);
  if (existing) return reply.redirect(editBookmarkPath(existing.id), 303);
  return reply.page(
    t("responses.bookmark_title", { title: work.title }),
    <BookmarkFormPage workTitle={work.title} heading={t("responses.new_bookmark")} action={bookmarksOfWorkPath(work.id)} values={EMPTY_BOOKMARK} errors={{}} csrf={reply.csrf()} />,
    { mainClass: "bookmarks-new" },
  );
}

export async function postBookmark(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work || !isLoggedIn(req.viewer)) return;
  if (!mayBookmark(req.viewer, work)) return reply.error("WORK_NOT_FOUND");
  const values = readBookmarkForm(req.body);
  const form = parseBookmark(values);
  if (!form.ok) {
    return reply.page(t("responses.bookmark_title", { title: work.title }), <BookmarkFormPage workTitle={work.title} heading={t("responses.new_bookmark")} action={bookmarksOfWorkPath(work.id)} values={values} errors={form.errors} csrf={reply.csrf()} />, {
      status: 422,
      mainClass: "bookmarks-new",
    });
  }
  const result = await createBookmark(req.db, req.viewer.user.id, work.id, form.value);
  if (!result.created) {
    // A second submit of the form (or a second tab): the first bookmark stands; edit it instead.
    const existing = await bookmarkOf(req.db, req.viewer.user.id, work.id);
    setFlash(req, reply, [t("responses.you_have_already_bookmarked_this")]);
    return reply.redirect(existing ? editBookmarkPath(existing.id) : workPath(work.id), 303);
  }
  setFlash(req, reply, [t("series.bookmark_created")]);
  return reply.redirect(userBookmarksPath(req.viewer.user.login), 303);
}

/**
 * The bookmark behind `:id` when the viewer owns it, with the title of what it is of: 404 when it
 * is missing or not theirs to see, 403 when seen but not theirs.
 */
async function ownBookmark(req: FastifyRequest, reply: FastifyReply): Promise<{ bookmark: Bookmark; title: string; kind: "Work" | "Series" } | undefined> {
  const id = idParam(req, "id");
  const bookmark = id ? await findBookmark(req.db, id) : undefined;
  if (!bookmark || (bookmark.private && !canEditBookmark(req.viewer, bookmark))) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (!canEditBookmark(req.viewer, bookmark)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  if (bookmark.series_id !== null) {
    const series = await findSeries(req.db, bookmark.series_id);
    if (!series) {
      reply.error("NOT_FOUND");
      return undefined;
    }
    return { bookmark, title: series.title, kind: "Series" };
  }
  const found = bookmark.work_id !== null ? await findWork(req.db, bookmark.work_id) : undefined;
  if (!found) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  // Its owner may still edit or delete a bookmark of a work that has since become a draft, but
  // the draft's title is not theirs to see.
  const title = workVisibility(req.viewer, found) === "yes" ? found.title : t("responses.a_work_that_is_no");
  return { bookmark, title, kind: "Work" };
}

export async function showEditBookmarkPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownBookmark(req, reply);
  if (!found) return;
  const { bookmark, title, kind } = found;
  return reply.page(
    t("responses.edit_bookmark_for_title", { title }),
    <BookmarkFormPage kind={kind} workTitle={title} heading={t("responses.edit_bookmark")} action={`/bookmarks/${bookmark.id}`} values={formValuesOf(bookmark)} errors={{}} csrf={reply.csrf()} />,
    { mainClass: "bookmarks-edit" },
  );
}

export async function saveBookmark(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownBookmark(req, reply);
  if (!found || !isLoggedIn(req.viewer)) return;
  const { bookmark, title, kind } = found;
  const values = readBookmarkForm(req.body);
  const form = parseBookmark(values);
  if (!form.ok) {
    return reply.page(t("responses.edit_bookmark_for_title", { title }), <BookmarkFormPage kind={kind} workTitle={title} heading={t("responses.edit_bookmark")} action={`/bookmarks/${bookmark.id}`} values={values} errors={form.errors} csrf={reply.csrf()} />, {
      status: 422,
      mainClass: "bookmarks-edit",
    });
  }
  if (!(await updateBookmark(req.db, req.viewer.user.id, bookmark.id, form.value))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("responses.bookmark_was_successfully_updated")]);
  return reply.redirect(userBookmarksPath(req.viewer.user.login), 303);
}

export async function showDeleteBookmarkPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownBookmark(req, reply);
  if (!found) return;
  const { bookmark, title } = found;
  return reply.page(t("responses.delete_bookmark"), <ConfirmDeletePage what={t("responses.your_bookmark_of_title", { title })} action={`/bookmarks/${bookmark.id}/delete`} cancelHref={editBookmarkPath(bookmark.id)} csrf={reply.csrf()} />, {
    mainClass: "bookmarks-delete",
  });
}

export async function removeBookmark(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownBookmark(req, reply);
  if (!found || !isLoggedIn(req.viewer)) return;
  // Idempotent: a second click finds nothing to delete and says so plainly.
  if (!(await deleteBookmark(req.db, req.viewer.user.id, found.bookmark.id))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("responses.bookmark_was_successfully_deleted")]);
  return reply.redirect(userBookmarksPath(req.viewer.user.login), 303);
}

// ---- listings ---------------------------------------------------------------------------------

export async function showUserBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const login = (req.params as { login: string }).login;
  const user = await findUserByLogin(req.db, login);
  if (!user) return reply.error("NOT_FOUND");
  const page = pageParam(req);
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { userId: user.id }, page);
  const [blurbs, seriesBlurbs] = await Promise.all([
    blurbsInOrder(req.db, req.viewer, bookmarks.flatMap((b) => (b.work_id === null ? [] : [b.work_id]))),
    seriesBlurbsByIds(req.db, req.viewer, bookmarks.flatMap((b) => (b.series_id === null ? [] : [b.series_id]))),
  ]);
  const notices = takeFlash(req, reply);
  return reply.page(
    t("responses.login_bookmarks", { login: user.login }),
    <>
      <FlashNotices lines={notices} />
      <BookmarksPage
        heading={t("browse.by_login", { login: user.login })}
        total={total}
        page={page}
        bookmarks={bookmarks}
        blurbs={new Map(blurbs.map((b) => [b.work.id, b]))}
        seriesBlurbs={seriesBlurbs}
        viewerId={req.viewer.user?.id ?? null}
        href={(n) => `${userBookmarksPath(user.login)}?page=${n}`}
      />
    </>,
    { mainClass: "bookmarks-index" },
  );
}

export async function showWorkBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  if (!work.posted) return reply.error("WORK_NOT_FOUND");
  const page = pageParam(req);
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { workId: work.id }, page);
  return reply.page(
    t("responses.bookmarks_of_title", { title: work.title }),
    <>
      <p>
        <a href={workPath(work.id)} safe>{work.title}</a>
      </p>
      <BookmarksPage heading={t("responses.of_title", { title: work.title })} total={total} page={page} bookmarks={bookmarks} viewerId={req.viewer.user?.id ?? null} href={(n) => `${bookmarksOfWorkPath(work.id)}?page=${n}`} />
    </>,
    { mainClass: "bookmarks-index" },
  );
}

// ---- bookmarks of series ------------------------------------------------------------------------

async function seriesFromParam(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const series = id ? await findSeries(req.db, id) : undefined;
  if (!series) reply.error("NOT_FOUND");
  return series;
}

export async function showNewSeriesBookmarkPage(req: FastifyRequest, reply: FastifyReply) {
  const series = await seriesFromParam(req, reply);
  if (!series || !isLoggedIn(req.viewer)) return;
  const existing = await bookmarkOfSeries(req.db, req.viewer.user.id, series.id);
  if (existing) return reply.redirect(editBookmarkPath(existing.id), 303);
  return reply.page(
    t("responses.bookmark_title", { title: series.title }),
    <BookmarkFormPage kind="Series" workTitle={series.title} heading={t("responses.new_bookmark")} action={seriesBookmarksPath(series.id)} values={EMPTY_BOOKMARK} errors={{}} csrf={reply.csrf()} />,
    { mainClass: "bookmarks-new" },
  );
}

export async function postSeriesBookmark(req: FastifyRequest, reply: FastifyReply) {
  const series = await seriesFromParam(req, reply);
  if (!series || !isLoggedIn(req.viewer)) return;
  const values = readBookmarkForm(req.body);
  const form = parseBookmark(values);
  if (!form.ok) {
    return reply.page(t("responses.bookmark_title", { title: series.title }), <BookmarkFormPage kind="Series" workTitle={series.title} heading={t("responses.new_bookmark")} action={seriesBookmarksPath(series.id)} values={values} errors={form.errors} csrf={reply.csrf()} />, {
      status: 422,
      mainClass: "bookmarks-new",
    });
  }
  const result = await createSeriesBookmark(req.db, req.viewer.user.id, series.id, form.value);
  if (!result.created) {
    const existing = await bookmarkOfSeries(req.db, req.viewer.user.id, series.id);
    setFlash(req, reply, [t("series.already_bookmarked")]);
    return reply.redirect(existing ? editBookmarkPath(existing.id) : seriesPath(series.id), 303);
  }
  setFlash(req, reply, [t("series.bookmark_created")]);
  return reply.redirect(userBookmarksPath(req.viewer.user.login), 303);
}

export async function showSeriesBookmarks(req: FastifyRequest, reply: FastifyReply) {
  const series = await seriesFromParam(req, reply);
  if (!series) return;
  const page = pageParam(req);
  const { total, bookmarks } = await listBookmarks(req.db, req.viewer, { seriesId: series.id }, page);
  return reply.page(
    t("responses.bookmarks_of_title", { title: series.title }),
    <>
      <p>
        <a href={seriesPath(series.id)} safe>{series.title}</a>
      </p>
      <BookmarksPage heading={t("responses.of_title", { title: series.title })} total={total} page={page} bookmarks={bookmarks} viewerId={req.viewer.user?.id ?? null} href={(n) => `${seriesBookmarksPath(series.id)}?page=${n}`} />
    </>,
    { mainClass: "bookmarks-index" },
  );
}

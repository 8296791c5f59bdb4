import { FlashNotices, ConfirmDeletePage } from "../platform/http/components.js";
import { subscribeButtonFor } from "../subscriptions/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import type { FieldErrors } from "../platform/http/components.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { idParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { bookmarkOfSeries, publicBookmarksCount } from "../responses/index.js";
import { editBookmarkPath, newSeriesBookmarkPath, seriesPath, userSeriesPath } from "../model/paths.js";
import { findUserByLogin } from "../model/users.js";
import { deleteSeries, updateSeries } from "./commands.js";
import { canEditSeries } from "./policy.js";
import { findSeries, membershipsOfWork, type Series, seriesBlurbsVisibleTo, seriesOfUser, seriesOwnedBy, seriesPlacesOfWork, seriesStats, seriesWorksForOwner } from "../model/series.js";
import { EMPTY_SERIES_CHOICE, parseSeries, parseSeriesChoice, readSeriesChoice, readSeriesForm, type SeriesChoice, type SeriesFormValues } from "./schema.js";
import { SeriesChoiceFields, SeriesForm, SeriesPage, SeriesPlaces, UserSeriesPage } from "./views/series.js";

// ---- parts of the works capability's pages ----------------------------------------------------

/** "Part N of SERIES" with previous and next, for the work page (only works this viewer may see). */
export async function seriesPlacesFor(req: FastifyRequest, workId: number): Promise<JSX.Element> {
  return <SeriesPlaces places={await seriesPlacesOfWork(req.db, req.viewer, workId)} />;
}

/**
 * The work form's "Add to series": the fields (as typed, with their errors) and, when the form
 * was submitted, what was chosen. Only the viewer's own series are offered or accepted.
 */
export async function workFormSeries(
  req: FastifyRequest,
  submitted: boolean,
  workId?: number,
): Promise<{ fields: (errors: FieldErrors) => JSX.Element; parsed: ReturnType<typeof parseSeriesChoice> }> {
  const [own, current] = await Promise.all([seriesOwnedBy(req.db, req.viewer.user!.id), workId ? membershipsOfWork(req.db, workId) : Promise.resolve([])]);
  const values = submitted ? readSeriesChoice(req.body) : EMPTY_SERIES_CHOICE;
  const parsed = submitted ? parseSeriesChoice(values, own.map((s) => s.id)) : ({ ok: true, value: null } as const);
  return { fields: (errors) => <SeriesChoiceFields values={values} errors={errors} own={own} current={current} />, parsed };
}

/** What the works commands need to put a work into the chosen series. */
export function seriesJoin(choice: SeriesChoice | null, creatorPseudIds: number[]) {
  return choice ? { choice, creatorPseudIds } : undefined;
}

// ---- series pages ---------------------------------------------------------------------------------

async function seriesFromParam(req: FastifyRequest, reply: FastifyReply): Promise<Series | undefined> {
  const id = idParam(req, "id");
  const series = id ? await findSeries(req.db, id) : undefined;
  if (!series) reply.error("NOT_FOUND");
  return series;
}

/** The series behind `:id` when the viewer owns it; 404 or 403 sent otherwise. */
async function editableSeries(req: FastifyRequest, reply: FastifyReply): Promise<Series | undefined> {
  const series = await seriesFromParam(req, reply);
  if (!series) return undefined;
  if (!canEditSeries(req.viewer, series)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return series;
}

export async function showSeriesPage(req: FastifyRequest, reply: FastifyReply) {
  const series = await seriesFromParam(req, reply);
  if (!series) return;
  const csrf = reply.csrf();
  const [blurbs, bookmarks, own, subscribe] = await Promise.all([
    seriesBlurbsVisibleTo(req.db, req.viewer, series.id),
    publicBookmarksCount(req.db, { seriesId: series.id }),
    req.viewer.user ? bookmarkOfSeries(req.db, req.viewer.user.id, series.id) : Promise.resolve(undefined),
    subscribeButtonFor(req, "series", series.id, canEditSeries(req.viewer, series), csrf),
  ]);
  const bookmarkHref = req.viewer.user ? (own ? editBookmarkPath(own.id) : newSeriesBookmarkPath(series.id)) : null;
  return reply.page(
    series.title,
    <SeriesPage
      series={series}
      blurbs={blurbs}
      words={seriesStats(blurbs.map((b) => b.work)).words}
      bookmarks={bookmarks}
      canEdit={canEditSeries(req.viewer, series)}
      bookmarkHref={bookmarkHref}
      ownBookmark={own !== undefined}
      notices={takeFlash(req, reply)}
      subscribe={subscribe}
    />,
    { mainClass: "series-show" },
  );
}

function formValuesOf(series: Series, works: { id: number; position: number }[]): SeriesFormValues {
  const positions: Record<number, string> = {};
  for (const [i, work] of works.entries()) positions[work.id] = String(i + 1);
  return { title: series.title, summary: htmlToTextarea(series.summary), notes: htmlToTextarea(series.notes), complete: series.complete === 1, positions, remove: [] };
}

export async function showEditSeriesPage(req: FastifyRequest, reply: FastifyReply) {
  const series = await editableSeries(req, reply);
  if (!series) return;
  const works = await seriesWorksForOwner(req.db, req.viewer, series.id);
  return reply.page(t("series.edit_title", { title: series.title }), <SeriesForm series={series} works={works} values={formValuesOf(series, works)} errors={{}} csrf={reply.csrf()} />, { mainClass: "series-edit" });
}

export async function saveSeries(req: FastifyRequest, reply: FastifyReply) {
  const series = await editableSeries(req, reply);
  if (!series) return;
  const works = await seriesWorksForOwner(req.db, req.viewer, series.id);
  const values = readSeriesForm(req.body, works.map((w) => w.id));
  const parsed = parseSeries(values, works.map((w) => w.id));
  if (!parsed.ok) {
    return reply.page(t("series.edit_title", { title: series.title }), <SeriesForm series={series} works={works} values={values} errors={parsed.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "series-edit" });
  }
  await updateSeries(req.db, series.id, parsed.value);
  setFlash(req, reply, [t("series.updated")]);
  return reply.redirect(seriesPath(series.id), 303);
}

export async function showDeleteSeriesPage(req: FastifyRequest, reply: FastifyReply) {
  const series = await editableSeries(req, reply);
  if (!series) return;
  return reply.page(t("series.delete_series_2"), <ConfirmDeletePage what={t("series.the_series_title_its_works", { title: series.title })} action={`${seriesPath(series.id)}/delete`} cancelHref={seriesPath(series.id)} csrf={reply.csrf()} />, {
    mainClass: "series-delete",
  });
}

export async function removeSeries(req: FastifyRequest, reply: FastifyReply) {
  const series = await editableSeries(req, reply);
  if (!series) return;
  await deleteSeries(req.db, series.id);
  setFlash(req, reply, [t("series.deleted")]);
  return reply.redirect(userSeriesPath(req.viewer.user!.login), 303);
}

export async function showUserSeries(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  const blurbs = await seriesOfUser(req.db, req.viewer, user.id);
  const notices = takeFlash(req, reply);
  return reply.page(
    t("series.login_series", { login: user.login }),
    <>
      <FlashNotices lines={notices} />
      <UserSeriesPage login={user.login} blurbs={blurbs} />
    </>,
    { mainClass: "series-index" },
  );
}

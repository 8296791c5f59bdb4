import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, fieldId, isoDate, rawHtml, SelectField, TextArea, TextField, FlashNotices } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { Blurb } from "../../model/works.js";
import { WorkBlurb } from "../../model/views/blurb.js";
import { Byline } from "../../model/views/meta.js";
import { SeriesBlurbItem } from "../../model/views/series-blurb.js";
import { workPath, confirmDeleteSeriesPath, editSeriesPath, seriesBookmarksPath, seriesPath } from "../../model/paths.js";
import type { Series, SeriesBlurb, SeriesPlace } from "../../model/series.js";
import { SERIES_FIELDS, SERIES_LIMITS, type SeriesChoiceValues, type SeriesFormValues } from "../schema.js";

/** The work page's `dt.series`/`dd.series`: "Part N of SERIES" with the previous and next works, per series. */
export function SeriesPlaces({ places }: { places: SeriesPlace[] }): JSX.Element {
  if (places.length === 0) return "";
  return (
    <>
      <dt safe class="series">{t("series.series")}</dt>
      <dd class="series">
        {places.map((place) => (
          <span class="series">
            {place.previous ? (
              <>
                <a safe class="previous" href={workPath(place.previous.id)} title={escapeHtml(place.previous.title)}>{t("series.previous_work")}</a>{" "}
              </>
            ) : (
              ""
            )}
            <span class="position">{escapeHtml(t("series.part"))}{" "}{place.part}{" "}{escapeHtml(t("series.of"))}{" "}
              <a href={seriesPath(place.seriesId)} safe>
                {place.title}
              </a>
            </span>
            {place.next ? (
              <>
                {" "}
                <a safe class="next" href={workPath(place.next.id)} title={escapeHtml(place.next.title)}>{t("series.next_work")}</a>
              </>
            ) : (
              ""
            )}
          </span>
        ))}
      </dd>
    </>
  );
}

/** A series' page: its meta block, then the works this viewer may see, in order, as blurbs. */
export function SeriesPage(props: {
  series: Series;
  blurbs: Blurb[];
  words: number;
  bookmarks: number;
  canEdit: boolean;
  /** Bookmark (or edit one's bookmark) link, for a logged-in viewer. */
  bookmarkHref: string | null;
  ownBookmark: boolean;
  notices: string[];
  /** The Subscribe / Unsubscribe form (subscriptions capability), or "". */
  subscribe: JSX.Element;
}): JSX.Element {
  const { series, blurbs, subscribe } = props;
  // `div.series-show` holding `h2.heading` (the series' name) is AO3's markup: FanFicFare's series
  // listing reads the name there, the works from `h4.heading a`, the state from `dl.series dl.stats`.
  return (
    <div class="series-show series">
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>
        {series.title}
      </h2>
      <ul class="navigation actions" aria-label={t("series.series_actions")}>
        {subscribe ? <li class="subscribe">{subscribe}</li> : ""}
        {props.bookmarkHref ? (
          <li class="bookmark">
            <a href={props.bookmarkHref}>{props.ownBookmark ? t("responses.edit_bookmark") : escapeHtml(t("series.bookmark_series"))}</a>
          </li>
        ) : (
          ""
        )}
        <li>
          <a safe href={seriesBookmarksPath(series.id)}>{t("series.bookmarks")}</a>
        </li>
        {props.canEdit ? (
          <>
            <li class="edit">
              <a safe href={editSeriesPath(series.id)}>{t("series.edit_series")}</a>
            </li>
            <li class="delete">
              <a safe href={confirmDeleteSeriesPath(series.id)}>{t("series.delete_series")}</a>
            </li>
          </>
        ) : (
          ""
        )}
      </ul>
      <div class="wrapper">
        <h3 safe class="landmark heading">{t("series.series_metadata")}</h3>
        <dl class="series meta group">
          <dt safe>{t("series.creator")}</dt>
          <dd>
            <Byline creators={series.creators} />
          </dd>
          <dt safe>{t("series.series_begun")}</dt>
          <dd safe>{isoDate(series.created_at)}</dd>
          <dt safe>{t("series.series_updated")}</dt>
          <dd safe>{isoDate(series.updated_at)}</dd>
          {series.summary ? (
            <>
              <dt safe>{t("series.description")}</dt>
              <dd>
                <blockquote class="userstuff">{rawHtml(series.summary)}</blockquote>
              </dd>
            </>
          ) : (
            ""
          )}
          {series.notes ? (
            <>
              <dt safe>{t("series.notes")}</dt>
              <dd>
                <blockquote class="userstuff">{rawHtml(series.notes)}</blockquote>
              </dd>
            </>
          ) : (
            ""
          )}
          <dt safe>{t("series.stats")}</dt>
          <dd>
            <dl class="stats">
              <dt safe class="words">{t("series.words")}</dt>
              <dd class="words" safe>{formatNumber(props.words)}</dd>
              <dt safe class="works">{t("series.works")}</dt>
              <dd class="works" safe>{formatNumber(blurbs.length)}</dd>
              <dt safe class="complete">{t("series.complete")}</dt>
              <dd class="complete">{series.complete ? t("series.yes") : escapeHtml(t("series.no"))}</dd>
              <dt safe class="bookmarks">{t("series.bookmarks_2")}</dt>
              <dd class="bookmarks">
                <a href={seriesBookmarksPath(series.id)} safe>{formatNumber(props.bookmarks)}</a>
              </dd>
            </dl>
          </dd>
        </dl>
      </div>
      <h3 safe class="landmark heading">{t("series.listing_series")}</h3>
      {blurbs.length ? (
        <ol class="series work index group">
          {blurbs.map((blurb) => (
            <WorkBlurb blurb={blurb} />
          ))}
        </ol>
      ) : (
        <p safe class="empty">{t("series.there_are_no_works_in")}</p>
      )}
    </div>
  );
}

/** `/users/LOGIN/series`. */
export function UserSeriesPage({ login, blurbs }: { login: string; blurbs: SeriesBlurb[] }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("series.length_value_by_login", { length: formatNumber(blurbs.length), value: blurbs.length === 1 ? t("subscriptions.kind.series") : t("subscriptions.kind.series"), login })}</h2>
      <h3 safe class="landmark heading">{t("series.listing_series")}</h3>
      {blurbs.length ? (
        <ul class="series index group">
          {blurbs.map((blurb) => (
            <SeriesBlurbItem blurb={blurb} />
          ))}
        </ul>
      ) : (
        <p safe class="empty">{t("series.no_series_here_yet")}</p>
      )}
    </>
  );
}

/** The edit-series form: title, description, notes, complete, and the works' order. */
export function SeriesForm(props: {
  series: Series;
  works: { id: number; title: string; posted: number }[];
  values: SeriesFormValues;
  errors: FieldErrors;
  csrf: string;
}): JSX.Element {
  const { values, errors } = props;
  return (
    <div class="series-form">
      <h2 safe class="heading">{t("series.edit_series")}</h2>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={seriesPath(props.series.id)} class="edit series" novalidate>
        <CsrfField csrf={props.csrf} />
        <TextField name="series[title]" label={t("series.series_title_required")} value={values.title} errors={errors["series[title]"]} required maxlength={SERIES_LIMITS.title} />
        <TextArea name="series[summary]" label={t("series.series_description")} value={values.summary} errors={errors["series[summary]"]} hint={t("series.plain_text_or_html_up", { summary: SERIES_LIMITS.summary })} rows={4} />
        <TextArea name="series[series_notes]" label={t("series.series_notes")} value={values.notes} errors={errors["series[series_notes]"]} hint={t("series.up_to_notes_characters", { notes: SERIES_LIMITS.notes })} rows={4} />
        <fieldset class="choices">
          <legend safe>{t("series.completion")}</legend>
          <input type="checkbox" id="series-complete" name="series[complete]" value="1" checked={values.complete} /> <label safe for="series-complete">{t("series.this_series_is_complete")}</label>
        </fieldset>
        {props.works.length ? (
          <fieldset id={fieldId("positions")} class={errors.positions?.length ? "has-error" : undefined}>
            <legend safe>{t("series.works_in_this_series")}</legend>
            {errors.positions?.length ? (
              <p class="field-error">
                <strong safe>{t("ui.error")}</strong> <span safe>{errors.positions.join(" ")}</span>
              </p>
            ) : (
              ""
            )}
            <table class="series-works">
              <thead>
                <tr>
                  <th safe scope="col">{t("series.position")}</th>
                  <th safe scope="col">{t("series.work")}</th>
                  <th safe scope="col">{t("series.remove_from_series")}</th>
                </tr>
              </thead>
              <tbody>
                {props.works.map((work) => (
                  <tr>
                    <td>
                      <label class="landmark" for={`position-${work.id}`} safe>{t("series.position_of_title", { title: work.title })}</label>
                      <input type="text" inputmode="numeric" size="4" id={`position-${work.id}`} name={`series[positions][${work.id}]`} value={escapeHtml(values.positions[work.id] ?? "")} />
                    </td>
                    <td>
                      <a href={workPath(work.id)} safe>
                        {work.title}
                      </a>
                      {work.posted ? "" : escapeHtml(t("series.draft"))}
                    </td>
                    <td>
                      <input type="checkbox" id={`remove-${work.id}`} name="series[remove_work_ids][]" value={String(work.id)} checked={values.remove.includes(String(work.id))} />{" "}
                      <label for={`remove-${work.id}`} safe>{t("series.remove_title", { title: work.title })}</label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
        ) : (
          ""
        )}
        <p class="submit actions">
          <button safe type="submit">{t("series.update")}</button>
        </p>
      </form>
    </div>
  );
}

/** The work form's "Add to series": one of the user's series, or a new one, and a position. */
export function SeriesChoiceFields(props: {
  values: SeriesChoiceValues;
  errors: FieldErrors;
  own: { id: number; title: string }[];
  /** The series the work is in already (the edit form), with its place in each. */
  current: { seriesId: number; title: string; position: number }[];
}): JSX.Element {
  const { values, errors, own } = props;
  return (
    <fieldset class="series">
      <legend safe>{t("series.add_to_series")}</legend>
      {props.current.length ? (
        <p class="current">
          {escapeHtml(t("series.already"))}
          {props.current.map((m, i) => (
            <>
              {i > 0 ? ", " : ""}{escapeHtml(t("series.part"))}{" "}{m.position}{" "}{escapeHtml(t("series.of"))}{" "}
              <a href={seriesPath(m.seriesId)} safe>
                {m.title}
              </a>
            </>
          ))}
          {escapeHtml(t("series.choosing_one_of_these_again"))}
        </p>
      ) : (
        ""
      )}
      <SelectField
        name={SERIES_FIELDS.id}
        label={t("series.choose_one_of_your_series")}
        value={values.seriesId}
        errors={errors[SERIES_FIELDS.id]}
        choices={[{ value: "", label: t("series.none") }, ...own.map((s) => ({ value: String(s.id), label: s.title }))]}
      />
      <TextField name={SERIES_FIELDS.title} label={t("series.or_create_a_new_series")} value={values.title} errors={errors[SERIES_FIELDS.title]} maxlength={SERIES_LIMITS.title} hint={t("series.the_new_series_title")} />
      <TextField
        name={SERIES_FIELDS.position}
        label={t("series.position_in_the_series")}
        value={values.position}
        errors={errors[SERIES_FIELDS.position]}
        inputmode="numeric"
        hint={t("series.1_is_first_leave_empty")}
      />
    </fieldset>
  );
}

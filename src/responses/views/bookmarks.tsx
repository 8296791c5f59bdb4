import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, isoDate, Pagination, rawHtml, TextArea, TextField } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { Blurb } from "../../model/works.js";
import { WorkBlurb } from "../../model/views/blurb.js";
import type { SeriesBlurb } from "../../model/series.js";
import { SeriesBlurbItem } from "../../model/views/series-blurb.js";
import type { Bookmark } from "../queries.js";
import { BOOKMARKS_PER_PAGE } from "../queries.js";
import type { BookmarkFormValues } from "../schema.js";
import { MAX_NOTES } from "../schema.js";
import { confirmDeleteBookmarkPath, editBookmarkPath, userBookmarksPath } from "../../model/paths.js";

/** The new-bookmark and edit-bookmark form. */
export function BookmarkFormPage(props: { kind?: "Work" | "Series"; workTitle: string; heading: string; action: string; values: BookmarkFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  const { values, errors } = props;
  return (
    <div class="bookmark-form">
      <h2 class="heading" safe>{props.heading}</h2>
      <p>
        {escapeHtml(props.kind === "Series" ? t("responses.bookmark_of_series") : t("responses.bookmark_of_work"))} <cite safe>{props.workTitle}</cite>
      </p>
      <ErrorSummary errors={errors} labels={{ "bookmark[notes]": t("responses.notes"), "bookmark[tag_string]": t("responses.your_tags") }} />
      <form method="post" action={props.action} id="bookmark-form">
        <CsrfField csrf={props.csrf} />
        <TextArea name="bookmark[notes]" label={t("responses.notes")} value={values.notes} errors={errors["bookmark[notes]"]} hint={t("responses.plain_text_or_html_up", { MAX_NOTES: formatNumber(MAX_NOTES) })} rows={6} />
        <TextField name="bookmark[tag_string]" label={t("responses.your_tags")} value={values.tags} errors={errors["bookmark[tag_string]"]} hint={t("responses.separated_by_commas_only_you")} />
        <fieldset class="choices">
          <legend safe>{t("responses.options")}</legend>
          <ul>
            <li>
              <input type="checkbox" id="bookmark-private" name="bookmark[private]" value="1" checked={values.private} /> <label safe for="bookmark-private">{t("responses.private_bookmark_only_you_can")}</label>
            </li>
            <li>
              <input type="checkbox" id="bookmark-rec" name="bookmark[rec]" value="1" checked={values.rec} /> <label for="bookmark-rec" safe>{props.kind === "Series" ? t("responses.rec_series") : t("responses.rec_work")}</label>
            </li>
          </ul>
        </fieldset>
        <p class="actions">
          <button safe type="submit">{t("responses.save_bookmark")}</button>
        </p>
      </form>
    </div>
  );
}

/** A heading at a level chosen by where the block stands (under a work's blurb, or on its own). */
function Heading({ level, class: className, children }: { level: 4 | 5 | 6; class: string; children: JSX.Element }): JSX.Element {
  if (level === 4) return <h4 class={className}>{children}</h4>;
  if (level === 5) return <h5 class={className}>{children}</h5>;
  return <h6 class={className}>{children}</h6>;
}

/**
 * The bookmarker's part of a bookmark: who, when, rec/private, their tags and notes, and their own
 * actions. `level` is its heading's level: 5 under a work's blurb (whose heading is an h4), 4 alone.
 */
export function BookmarkDetails({ bookmark, own, level }: { bookmark: Bookmark; own: boolean; level: 4 | 5 }): JSX.Element {
  const sub = (level + 1) as 5 | 6;
  return (
    <div class="user module group" id={`bookmark_${bookmark.id}`}>
      <Heading level={level} class="byline heading">
        <>{escapeHtml(t("responses.bookmarked_by"))}{" "}<a href={userBookmarksPath(bookmark.login)} safe>{bookmark.login}</a>
        </>
      </Heading>
      <p class="datetime" safe>{isoDate(bookmark.updated_at)}</p>
      {bookmark.rec || bookmark.private ? (
        <p class="status">
          {bookmark.rec ? <span safe class="rec">{t("responses.rec")}</span> : ""}
          {bookmark.rec && bookmark.private ? " " : ""}
          {bookmark.private ? <span safe class="private">{t("responses.private_bookmark")}</span> : ""}
        </p>
      ) : (
        ""
      )}
      {bookmark.tags.length ? (
        <>
          <Heading level={sub} class="landmark heading">{escapeHtml(t("responses.bookmarker_s_tags"))}</Heading>
          <ul class="meta tags commas">
            {bookmark.tags.map((tag) => (
              <li safe>{tag}</li>
            ))}
          </ul>
        </>
      ) : (
        ""
      )}
      {bookmark.notes ? (
        <>
          <Heading level={sub} class="landmark heading">{escapeHtml(t("responses.bookmarker_s_notes"))}</Heading>
          <blockquote class="userstuff notes">{rawHtml(bookmark.notes)}</blockquote>
        </>
      ) : (
        ""
      )}
      {own ? (
        <ul class="actions" aria-label={t("responses.your_bookmark")}>
          <li>
            <a safe href={editBookmarkPath(bookmark.id)}>{t("tags.edit")}</a>
          </li>
          <li>
            <a safe href={confirmDeleteBookmarkPath(bookmark.id)}>{t("works.delete")}</a>
          </li>
        </ul>
      ) : (
        ""
      )}
    </div>
  );
}

/** A page of bookmarks: with each work's blurb (a user's bookmarks) or under one work (a work's). */
export function BookmarksPage(props: {
  heading: string;
  total: number;
  page: number;
  bookmarks: Bookmark[];
  /** Blurbs by work id; when absent (one work's bookmarks) only the bookmarkers' parts are shown. */
  blurbs?: Map<number, Blurb>;
  /** The same for bookmarks of series, by series id. */
  seriesBlurbs?: Map<number, SeriesBlurb>;
  viewerId: number | null;
  href: (page: number) => string;
  /** What an empty listing says ("No bookmarks here yet." unless given). */
  empty?: string;
}): JSX.Element {
  const count = `${formatNumber(props.total)} ${props.total === 1 ? t("responses.bookmark") : t("series.bookmarks")}`;
  return (
    <div class="bookmarks-index">
      <h2 class="heading" safe>{`${count} ${props.heading}`}</h2>
      <h3 safe class="landmark heading">{t("responses.listing_bookmarks")}</h3>
      {props.bookmarks.length ? (
        <ol class="bookmark index group">
          {props.bookmarks.map((bookmark) => {
            const own = bookmark.user_id === props.viewerId;
            const series = bookmark.series_id !== null ? props.seriesBlurbs?.get(bookmark.series_id) : undefined;
            if (series) return <SeriesBlurbItem blurb={series} extra={<BookmarkDetails bookmark={bookmark} own={own} level={5} />} />;
            const blurb = bookmark.work_id !== null ? props.blurbs?.get(bookmark.work_id) : undefined;
            if (blurb) return <WorkBlurb blurb={blurb} extra={<BookmarkDetails bookmark={bookmark} own={own} level={5} />} />;
            return (
              <li class="bookmark blurb group" id={`bookmark-${bookmark.id}`}>
                <BookmarkDetails bookmark={bookmark} own={own} level={4} />
              </li>
            );
          })}
        </ol>
      ) : (
        <p safe class="empty">{props.empty ?? t("responses.no_bookmarks_here_yet")}</p>
      )}
      <Pagination page={props.page} pages={Math.max(1, Math.ceil(props.total / BOOKMARKS_PER_PAGE))} href={props.href} />
    </div>
  );
}

import { escapeHtml } from "@kitajs/html";
import { CsrfField, FlashNotices } from "../../platform/http/components.js";
import { formatNumber, t, tHtml } from "../../platform/i18n/index.js";
import type { KudosSummary } from "../queries.js";
import { MarkForLaterButton } from "./history.js";
import type { BookmarkFormValues } from "../schema.js";
import { bookmarksOfWorkPath, kudosPath, newBookmarkPath } from "../../model/paths.js";

/** "A", "A and B", "A, B and C". */
function Sentence({ parts }: { parts: JSX.Element[] }): JSX.Element {
  return <>{parts.map((part, i) => <>{i === 0 ? "" : i === parts.length - 1 ? t("responses.and") : ", "}{part}</>)}</>;
}

/** AO3's kudos line: "X, Y and 3 guests left kudos on this work!" (names link to their users). */
export function KudosLine({ summary }: { summary: KudosSummary }): JSX.Element {
  const parts: JSX.Element[] = summary.users.map((login) => <a href={`/users/${encodeURIComponent(login)}`} safe>{login}</a>);
  const moreUsers = summary.userCount - summary.users.length;
  if (moreUsers > 0) parts.push(escapeHtml(t(moreUsers === 1 ? "responses.more_users.one" : "responses.more_users.other", { count: formatNumber(moreUsers) })));
  if (summary.guestCount > 0) parts.push(escapeHtml(t(summary.guestCount === 1 ? "responses.guests.one" : "responses.guests.other", { count: formatNumber(summary.guestCount) })));
  if (parts.length === 0) return "";
  return (
    <p class="kudos">
      <Sentence parts={parts} />{" "}{escapeHtml(t("responses.left_kudos_on_this_work"))}</p>
  );
}

export interface WorkFeedbackProps {
  workId: number;
  summary: KudosSummary;
  /** The Kudos button is offered (not one's own work, not a draft). */
  offerKudos: boolean;
  /** The Bookmark link is offered (a logged-in user, a posted work). */
  offerBookmark: boolean;
  /** "Edit Bookmark" instead of "Bookmark" when the viewer has one. */
  bookmarkEditPath: string | null;
  /** Whether the work is Marked for Later (the button says Mark as Read); null offers no button. */
  markedForLater: boolean | null;
  notices: string[];
  csrf: string;
  /** The Subscribe / Unsubscribe form (subscriptions capability), or "" when not offered. */
  subscribe: JSX.Element;
  /** The viewer's bookmark form (new, or their own to edit), or null when none is offered. */
  bookmarkForm?: { action: string; values: BookmarkFormValues } | null;
}

/**
 * AO3's bookmark form in the work page (`div#bookmark-form`, fields `#bookmark_notes`,
 * `#bookmark_tag_string`, `#bookmark_private`, `#bookmark_rec`), hidden as AO3 hides it until
 * asked for: readers see the Bookmark link to the form's own page; readers' tools (FanFicFare,
 * logged in) read from here whether and how the reader bookmarked the work.
 */
function HiddenBookmarkForm({ action, values, csrf }: { action: string; values: BookmarkFormValues; csrf: string }): JSX.Element {
  return (
    <div id="bookmark-form" hidden>
      <form method="post" action={action}>
        <CsrfField csrf={csrf} />
        <label for="bookmark_notes" safe>{t("responses.notes")}</label>
        <textarea id="bookmark_notes" name="bookmark[notes]" rows="4">{"\n" + escapeHtml(values.notes)}</textarea>
        <label for="bookmark_tag_string" safe>{t("responses.your_tags")}</label>
        <input type="text" id="bookmark_tag_string" name="bookmark[tag_string]" value={values.tags} />
        <input type="checkbox" id="bookmark_private" name="bookmark[private]" value="1" checked={values.private} />
        <label for="bookmark_private" safe>{t("responses.private_bookmark_only_you_can")}</label>
        <input type="checkbox" id="bookmark_rec" name="bookmark[rec]" value="1" checked={values.rec} />
        <label for="bookmark_rec" safe>{t("responses.rec_work")}</label>
        <button safe type="submit">{t("responses.save_bookmark")}</button>
      </form>
    </div>
  );
}

/** The feedback block under a work: notices, Kudos ♥ (a plain form), Bookmark, and who left kudos. */
export function WorkFeedback(props: WorkFeedbackProps): JSX.Element {
  const { subscribe } = props;
  return (
    <div id="feedback" class="feedback">
      <h3 safe class="landmark heading">{t("responses.feedback")}</h3>
      <FlashNotices lines={props.notices} />
      <ul class="actions" aria-label={t("responses.feedback")}>
        {props.offerKudos ? (
          <li id="kudo_submit">
            <form method="post" action={kudosPath(props.workId)} id="new_kudo">
              <CsrfField csrf={props.csrf} />
              <button safe type="submit">{t("responses.kudos_2")}</button>
            </form>
          </li>
        ) : (
          ""
        )}
        {props.offerBookmark ? (
          <li class="bookmark">
            <a href={props.bookmarkEditPath ?? newBookmarkPath(props.workId)}>{props.bookmarkEditPath ? t("responses.edit_bookmark") : escapeHtml(t("responses.bookmark"))}</a>
          </li>
        ) : (
          ""
        )}
        {props.markedForLater !== null ? (
          <li class="mark">
            <MarkForLaterButton workId={props.workId} marked={props.markedForLater} csrf={props.csrf} />
          </li>
        ) : (
          ""
        )}
        <li class="bookmarks">
          <a safe href={bookmarksOfWorkPath(props.workId)}>{t("series.bookmarks")}</a>
        </li>
        {subscribe ? <li class="subscribe">{subscribe}</li> : ""}
      </ul>
      <div id="kudos">
        <KudosLine summary={props.summary} />
      </div>
      {props.bookmarkForm ? <HiddenBookmarkForm {...props.bookmarkForm} csrf={props.csrf} /> : ""}
    </div>
  );
}

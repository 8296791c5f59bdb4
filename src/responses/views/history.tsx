import { escapeHtml } from "@kitajs/html";
import { CsrfField, isoDate, Pagination, FlashNotices } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { Blurb } from "../../model/works.js";
import { WorkBlurb } from "../../model/views/blurb.js";
import { READINGS_PER_PAGE, type Reading } from "../history.js";
import { confirmClearHistoryPath, deleteReadingPath, historyPreferencePath, markAsReadPath, markedForLaterPath, markForLaterPath, readingsPath } from "../../model/paths.js";

/** A one-button POST form (state changes are forms, never links). `returnTo` brings the user back here. */
export function ButtonForm({ action, label, csrf, returnTo }: { action: string; label: string; csrf: string; returnTo?: string }): JSX.Element {
  return (
    <form method="post" action={action}>
      <CsrfField csrf={csrf} />
      {returnTo ? <input type="hidden" name="return_to" value={returnTo} /> : ""}
      <button type="submit" safe>
        {label}
      </button>
    </form>
  );
}

/** The Mark for Later / Mark as Read button for a work page. */
export function MarkForLaterButton({ workId, marked, csrf }: { workId: number; marked: boolean; csrf: string }): JSX.Element {
  return <ButtonForm action={marked ? markAsReadPath(workId) : markForLaterPath(workId)} label={marked ? t("responses.mark_as_read") : t("responses.mark_for_later")} csrf={csrf} />;
}

function ReadingDetails({ reading, login, csrf, returnTo }: { reading: Reading; login: string; csrf: string; returnTo: string }): JSX.Element {
  const visits = reading.view_count === 1 ? t("responses.visited_once") : t("responses.visited_view_count_times", { view_count: formatNumber(reading.view_count) });
  return (
    <div class="user module group">
      <h5 class="viewed heading">
        <span safe>{t("responses.last_visited")}</span> <time datetime={reading.last_viewed_at} safe>{isoDate(reading.last_viewed_at)}</time>
        {reading.updated_since ? <strong safe class="update">{t("responses.update_available")}</strong> : ""}
        {reading.marked_for_later ? <span safe class="later">{t("responses.marked_for_later")}</span> : ""}
        {reading.view_count > 0 ? <span safe>{` ${visits}`}</span> : <span safe>{t("responses.not_opened_yet")}</span>}
      </h5>
      <ul class="actions" aria-label={t("responses.this_work_in_your_history")}>
        <li>
          <ButtonForm action={deleteReadingPath(login, reading.work_id)} label={t("responses.delete_from_history")} csrf={csrf} returnTo={returnTo} />
        </li>
        <li>
          {reading.marked_for_later ? (
            <ButtonForm action={markAsReadPath(reading.work_id)} label={t("responses.mark_as_read")} csrf={csrf} returnTo={returnTo} />
          ) : (
            <ButtonForm action={markForLaterPath(reading.work_id)} label={t("responses.mark_for_later")} csrf={csrf} returnTo={returnTo} />
          )}
        </li>
      </ul>
    </div>
  );
}

export interface HistoryPageProps {
  login: string;
  markedOnly: boolean;
  total: number;
  page: number;
  readings: Reading[];
  blurbs: Map<number, Blurb>;
  historyOn: boolean;
  notices: string[];
  csrf: string;
}

/** The owner's history (`/users/LOGIN/readings`) or Marked for Later (`?show=to-read`). */
export function HistoryPage(props: HistoryPageProps): JSX.Element {
  const { login, markedOnly } = props;
  const here = markedOnly ? markedForLaterPath(login) : readingsPath(login);
  const returnTo = props.page > 1 ? `${here}${markedOnly ? "&" : "?"}page=${props.page}` : here;
  const heading = markedOnly ? t("users.marked_for_later") : t("users.history");
  return (
    <div class="readings-index">
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>{t(props.total === 1 ? "responses.history_count.one" : "responses.history_count.other", { heading, count: formatNumber(props.total) })}</h2>
      <nav aria-label={t("users.history")}>
        <ul class="navigation actions">
          <li>{markedOnly ? <a safe href={readingsPath(login)}>{t("responses.full_history")}</a> : <span safe aria-current="page">{t("responses.full_history")}</span>}</li>
          <li>{markedOnly ? <span safe aria-current="page">{t("users.marked_for_later")}</span> : <a safe href={markedForLaterPath(login)}>{t("users.marked_for_later")}</a>}</li>
          <li>
            <a safe href={confirmClearHistoryPath(login)}>{t("responses.clear_history")}</a>
          </li>
        </ul>
      </nav>
      <form method="post" action={historyPreferencePath(login)} class="history-preference">
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="enabled" value={props.historyOn ? "0" : "1"} />
        <p>
          {props.historyOn ? <span safe>{t("responses.your_history_is_on")}</span> : <span safe>{t("responses.your_history_is_off_works")}</span>}{" "}
          {props.historyOn ? <button safe type="submit">{t("responses.turn_history_off")}</button> : <button safe type="submit">{t("responses.turn_history_on")}</button>}
        </p>
      </form>
      <h3 class="landmark heading">{markedOnly ? t("responses.works_marked_for_later") : escapeHtml(t("responses.works_in_your_history"))}</h3>
      {props.readings.length ? (
        <ol class="reading work index group">
          {props.readings.map((reading) => {
            const blurb = props.blurbs.get(reading.work_id);
            return blurb ? <WorkBlurb blurb={blurb} extra={<ReadingDetails reading={reading} login={login} csrf={props.csrf} returnTo={returnTo} />} /> : "";
          })}
        </ol>
      ) : (
        <p class="empty">{markedOnly ? t("responses.nothing_is_marked_for_later") : escapeHtml(t("responses.your_history_is_empty"))}</p>
      )}
      <Pagination page={props.page} pages={Math.max(1, Math.ceil(props.total / READINGS_PER_PAGE))} href={(n) => `${here}${markedOnly ? "&" : "?"}page=${n}`} />
    </div>
  );
}

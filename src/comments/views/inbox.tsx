import { escapeHtml } from "@kitajs/html";
import { CsrfField, Pagination, rawHtml, FlashNotices } from "../../platform/http/components.js";
import { userPath, workPath } from "../../model/paths.js";
import type { InboxEntry } from "../queries.js";
import { commentPath, inboxPath, replyPath } from "./paths.js";
import { t } from "../../platform/i18n/index.js";

function From({ entry }: { entry: InboxEntry }): JSX.Element {
  if (entry.login) return <a href={userPath(entry.login)} safe>{entry.login}</a>;
  return <span class="guest" safe>{t("comments.value_guest", { value: entry.guest_name ?? t("comments.previous_user") })}</span>;
}

/** /users/LOGIN/inbox: comments on the owner's works and replies to their comments, newest first. */
export function InboxPage(props: { login: string; total: number; unread: number; entries: InboxEntry[]; page: number; pages: number; csrf: string; notices: string[] }): JSX.Element {
  return (
    <div class="inbox">
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>{t("comments.my_inbox_total_unread_unread", { total: props.total, unread: props.unread })}</h2>
      {props.entries.length === 0 ? (
        <p safe class="empty">{t("comments.no_comments_yet")}</p>
      ) : (
        <form method="post" action={inboxPath(props.login)}>
          <CsrfField csrf={props.csrf} />
          <ol class="comment index group">
            {props.entries.map((entry) => (
              <li class={entry.read ? "comment read" : "comment unread"} id={`inbox_comment_${entry.id}`}>
                <h3 class="heading byline">
                  <input type="checkbox" name="inbox_comments[]" value={String(entry.id)} id={`inbox_select_${entry.id}`} />{" "}
                  <label for={`inbox_select_${entry.id}`}>
                    <From entry={entry} />
                    {entry.is_reply ? t("comments.replied_to_your_comment_on") : escapeHtml(t("comments.commented_on"))}
                    <span safe>{entry.work_title}</span>
                    {entry.chapter_position !== null ? <span safe>{t("comments.chapter_chapter_position", { chapter_position: entry.chapter_position })}</span> : ""}
                  </label>
                  {entry.read ? "" : <span safe class="unread">{t("comments.unread")}</span>}
                </h3>
                {entry.unreviewed ? <p safe class="notice unreviewed">{t("comments.awaiting_your_approval")}</p> : ""}
                <blockquote class="userstuff">{rawHtml(entry.content)}</blockquote>
                <ul class="actions">
                  <li>
                    <a safe href={`${commentPath(entry.id)}#comment_${entry.id}`}>{t("comments.view")}</a>
                  </li>
                  {entry.unreviewed || entry.frozen ? (
                    ""
                  ) : (
                    <li>
                      <a safe href={replyPath(entry.id)}>{t("comments.reply")}</a>
                    </li>
                  )}
                  <li>
                    <a safe href={workPath(entry.work_id)}>{t("comments.go_to_the_work")}</a>
                  </li>
                </ul>
              </li>
            ))}
          </ol>
          <p class="actions">
            <button safe type="submit" name="inbox_action" value="read">{t("comments.mark_read")}</button>{" "}
            <button safe type="submit" name="inbox_action" value="unread">{t("comments.mark_unread")}</button>{" "}
            <button safe type="submit" name="inbox_action" value="delete">{t("comments.delete_from_inbox")}</button>
          </p>
        </form>
      )}
      <Pagination page={props.page} pages={props.pages} href={(n) => `${inboxPath(props.login)}?page=${n}`} />
    </div>
  );
}

import { CsrfField, Pagination, rawHtml, FlashNotices } from "../../platform/http/components.js";
import { userPath, workPath } from "../../model/paths.js";
import type { InboxEntry } from "../queries.js";
import { commentPath, inboxPath, replyPath } from "./paths.js";

function From({ entry }: { entry: InboxEntry }): JSX.Element {
  if (entry.login) return <a href={userPath(entry.login)} safe>{entry.login}</a>;
  return <span class="guest" safe>{`${entry.guest_name ?? "(Previous user)"} (Guest)`}</span>;
}

/** /users/LOGIN/inbox: comments on the owner's works and replies to their comments, newest first. */
export function InboxPage(props: { login: string; total: number; unread: number; entries: InboxEntry[]; page: number; pages: number; csrf: string; notices: string[] }): JSX.Element {
  return (
    <div class="inbox">
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>{`My Inbox (${props.total}, ${props.unread} unread)`}</h2>
      {props.entries.length === 0 ? (
        <p class="empty">No comments yet.</p>
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
                    {entry.is_reply ? " replied to your comment on " : " commented on "}
                    <span safe>{entry.work_title}</span>
                    {entry.chapter_position !== null ? <span safe>{` (Chapter ${entry.chapter_position})`}</span> : ""}
                  </label>
                  {entry.read ? "" : <span class="unread"> (Unread)</span>}
                </h3>
                {entry.unreviewed ? <p class="notice unreviewed">Awaiting your approval.</p> : ""}
                <blockquote class="userstuff">{rawHtml(entry.content)}</blockquote>
                <ul class="actions">
                  <li>
                    <a href={`${commentPath(entry.id)}#comment_${entry.id}`}>View</a>
                  </li>
                  {entry.unreviewed || entry.frozen ? (
                    ""
                  ) : (
                    <li>
                      <a href={replyPath(entry.id)}>Reply</a>
                    </li>
                  )}
                  <li>
                    <a href={workPath(entry.work_id)}>Go to the work</a>
                  </li>
                </ul>
              </li>
            ))}
          </ol>
          <p class="actions">
            <button type="submit" name="inbox_action" value="read">
              Mark Read
            </button>{" "}
            <button type="submit" name="inbox_action" value="unread">
              Mark Unread
            </button>{" "}
            <button type="submit" name="inbox_action" value="delete">
              Delete From Inbox
            </button>
          </p>
        </form>
      )}
      <Pagination page={props.page} pages={props.pages} href={(n) => `${inboxPath(props.login)}?page=${n}`} />
    </div>
  );
}

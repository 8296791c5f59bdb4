import { escapeHtml } from "@kitajs/html";
import { CsrfField, type FieldErrors, ErrorSummary, Pagination, rawHtml, TextArea, TextField, FlashNotices } from "../../platform/http/components.js";
import { userPath, workPath } from "../../model/paths.js";
import type { ShownComment, ThreadComment } from "../queries.js";
import { MAX_COMMENT, type CommentFormValues } from "../schema.js";
import { commentPath, confirmDeleteCommentPath, editCommentPath, replyPath } from "./paths.js";
import { t } from "../../platform/i18n/index.js";

/** What the viewer may do with one comment (decided by the handler from policy.ts). */
export interface CommentActions {
  reply: boolean;
  edit: boolean;
  delete: boolean;
  freeze: boolean;
  approve: boolean;
}

export const NO_ACTIONS: CommentActions = { reply: false, edit: false, delete: false, freeze: false, approve: false };

/** The comment form: posting, replying and editing share it. Guests also give a name and an email. */
export interface CommentFormProps {
  action: string;
  values: CommentFormValues;
  errors: FieldErrors;
  csrf: string;
  guest: boolean;
  legend: string;
  submit: string;
  /** Hidden ids the form carries (reply target, chapter); the server checks them against the work. */
  hidden?: Record<string, string>;
}

export function CommentForm(props: CommentFormProps): JSX.Element {
  return (
    <form method="post" action={props.action} class="new_comment" id="comment-form" novalidate>
      <ErrorSummary errors={props.errors} />
      <fieldset>
        <legend safe>{props.legend}</legend>
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="comment[token]" value={props.values.token} />
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {props.guest ? (
          <>
            <TextField name="comment[name]" label={t("users.name")} value={props.values.name} errors={props.errors["comment[name]"]} required autocomplete="name" maxlength={100} />
            <TextField
              name="comment[email]"
              label={t("admin.email")}
              type="email"
              value={props.values.email}
              errors={props.errors["comment[email]"]}
              hint={t("comments.never_shown_to_anyone")}
              required
              autocomplete="email"
            />
          </>
        ) : (
          ""
        )}
        <TextArea
          name="comment[comment_content]"
          label={t("comments.comment")}
          value={props.values.content}
          errors={props.errors["comment[comment_content]"]}
          hint={t("comments.plain_text_or_html_up", { value: MAX_COMMENT.toLocaleString("en-US") })}
          rows={8}
          required
        />
        <p class="submit actions">
          <button type="submit" safe>{props.submit}</button>
        </p>
      </fieldset>
    </form>
  );
}

function Byline({ comment }: { comment: ShownComment }): JSX.Element {
  if (comment.login) return <a href={userPath(comment.login)} safe>{comment.login}</a>;
  if (comment.guest_name) return <span class="guest" safe>{t("comments.guest_name_guest", { guest_name: comment.guest_name })}</span>;
  return <span safe class="deleted-user">{t("comments.previous_user")}</span>;
}

function PostForm({ action, label, csrf }: { action: string; label: string; csrf: string }): JSX.Element {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField csrf={csrf} />
      <button type="submit" safe>{label}</button>
    </form>
  );
}

/** One comment (not its replies): byline, text or its deleted/held state, and the viewer's actions. */
export function CommentBody({ comment, actions, csrf }: { comment: ShownComment; actions: CommentActions; csrf: string }): JSX.Element {
  return (
    <>
      <h4 class="heading byline">
        {comment.deleted ? <span safe>{t("comments.deleted_comment")}</span> : <Byline comment={comment} />}
        {comment.chapter_position !== null ? <span class="parent" safe>{t("comments.on_chapter_chapter_position", { chapter_position: comment.chapter_position })}</span> : ""}{" "}
        <span class="posted datetime">
          <time datetime={comment.created_at} safe>{t("comments.value_utc", { value: comment.created_at.slice(0, 16).replace("T", " ") })}</time>
        </span>
      </h4>
      {comment.deleted ? (
        <p safe class="message">{t("comments.deleted_comment")}</p>
      ) : (
        <>
          {comment.spam_hold ? <p safe class="notice unreviewed">{t("spam.comment_held_notice")}</p> : comment.unreviewed ? <p safe class="notice unreviewed">{t("comments.this_comment_is_awaiting_the")}</p> : ""}
          <blockquote class="userstuff">{rawHtml(comment.content)}</blockquote>
          {comment.edited_at ? (
            <p class="edited">{escapeHtml(t("comments.last_edited"))}{" "}<time datetime={comment.edited_at} safe>{t("comments.value_utc", { value: comment.edited_at.slice(0, 16).replace("T", " ") })}</time>
            </p>
          ) : (
            ""
          )}
        </>
      )}
      {comment.frozen ? <p safe class="frozen">{t("comments.this_thread_is_frozen_it")}</p> : ""}
      <ul class="actions" aria-label={t("comments.comment_actions")}>
        <li>
          <a safe href={commentPath(comment.id)}>{t("comments.thread")}</a>
        </li>
        {actions.reply ? (
          <li>
            <a safe href={replyPath(comment.id)}>{t("comments.reply")}</a>
          </li>
        ) : (
          ""
        )}
        {actions.edit ? (
          <li>
            <a safe href={editCommentPath(comment.id)}>{t("tags.edit")}</a>
          </li>
        ) : (
          ""
        )}
        {actions.delete ? (
          <li>
            <a safe href={confirmDeleteCommentPath(comment.id)}>{t("works.delete")}</a>
          </li>
        ) : (
          ""
        )}
        {actions.approve ? (
          <li>
            <PostForm action={`${commentPath(comment.id)}/approve`} label={t("comments.approve")} csrf={csrf} />
          </li>
        ) : (
          ""
        )}
        {actions.freeze ? (
          <li>
            <PostForm action={`${commentPath(comment.id)}/${comment.frozen ? "unfreeze" : "freeze"}`} label={comment.frozen ? t("comments.unfreeze_thread") : t("comments.freeze_thread")} csrf={csrf} />
          </li>
        ) : (
          ""
        )}
      </ul>
    </>
  );
}

function ThreadItem({ comment, actionsFor, csrf }: { comment: ThreadComment; actionsFor: (c: ShownComment) => CommentActions; csrf: string }): JSX.Element {
  return (
    <li class={`comment group depth-${comment.depth}${comment.login ? "" : t("comments.guest")}`} id={`comment_${comment.id}`}>
      <CommentBody comment={comment} actions={actionsFor(comment)} csrf={csrf} />
      {comment.replies.length ? (
        <ol class="thread">
          {comment.replies.map((reply) => (
            <ThreadItem comment={reply} actionsFor={actionsFor} csrf={csrf} />
          ))}
        </ol>
      ) : (
        ""
      )}
      {comment.moreReplies ? (
        <p class="more">
          <a safe href={commentPath(comment.id)}>{t("comments.continue_this_thread")}</a>
        </p>
      ) : (
        ""
      )}
    </li>
  );
}

/** Threads in reading order, nested to the shown depth. */
export function Threads({ threads, actionsFor, csrf }: { threads: ThreadComment[]; actionsFor: (c: ShownComment) => CommentActions; csrf: string }): JSX.Element {
  if (threads.length === 0) return <p safe class="empty">{t("comments.no_comments_yet")}</p>;
  return (
    <ol class="thread">
      {threads.map((comment) => (
        <ThreadItem comment={comment} actionsFor={actionsFor} csrf={csrf} />
      ))}
    </ol>
  );
}

export interface CommentsSectionProps {
  count: number;
  threads: ThreadComment[];
  page: number;
  pages: number;
  href: (n: number) => string;
  actionsFor: (c: ShownComment) => CommentActions;
  csrf: string;
  /** The new-comment form, or why there is none. */
  form: CommentFormProps | null;
  refusal: string | null;
  /** On a reading page: whether the threads were asked for, and the links that show and hide them. */
  toggle?: { shown: boolean; showHref: string; hideHref: string };
}

/**
 * The comments block of a work or chapter page (and of /works/ID/comments). Hidden threads leave
 * the heading as the link that shows them ("Comments (N)"); shown ones get a "Hide Comments" link.
 */
export function CommentsSection(props: CommentsSectionProps): JSX.Element {
  const { toggle } = props;
  const label = t("comments.comments_count", { count: props.count });
  return (
    <div id="comments" class="comments" role="region" aria-labelledby="comments-heading">
      <h3 class="heading" id="comments-heading">
        {toggle && !toggle.shown ? (
          <a href={toggle.showHref} id="show_comments_link" safe>
            {label}
          </a>
        ) : (
          escapeHtml(label)
        )}
      </h3>
      {toggle?.shown ? (
        <p class="actions">
          <a href={toggle.hideHref} id="hide_comments_link" safe>
            {t("comments.hide_comments", { count: props.count })}
          </a>
        </p>
      ) : (
        ""
      )}
      {props.form ? <CommentForm {...props.form} /> : props.refusal ? <p class="notice" safe>{props.refusal}</p> : ""}
      {toggle && !toggle.shown ? (
        ""
      ) : (
        <>
          <Threads threads={props.threads} actionsFor={props.actionsFor} csrf={props.csrf} />
          <Pagination page={props.page} pages={props.pages} href={props.href} />
        </>
      )}
    </div>
  );
}

/** A page of its own for one form: a reply (with the comment it answers), an edit, or a failed post. */
export function CommentFormPage(props: { work: { id: number; title: string }; heading: string; quoted?: ShownComment; form: CommentFormProps; notices?: string[] }): JSX.Element {
  return (
    <div class="comment-form-page">
      <h2 class="heading" safe>{props.heading}</h2>
      <p>
        {escapeHtml(t("comments.on"))}
        <a href={workPath(props.work.id)} safe>{props.work.title}</a>
      </p>
      {props.quoted ? (
        <div class="quoted comment" id={`comment_${props.quoted.id}`}>
          <h3 safe class="heading">{t("comments.in_reply_to")}</h3>
          <CommentBody comment={props.quoted} actions={NO_ACTIONS} csrf={props.form.csrf} />
        </div>
      ) : (
        ""
      )}
      <CommentForm {...props.form} />
    </div>
  );
}

/** A page that says why a comment could not be posted or changed, with a way back. */
export function CommentRefusedPage({ message, back }: { message: string; back: string }): JSX.Element {
  return (
    <div class="error-page">
      <h2 safe class="heading">{t("comments.comments")}</h2>
      <p safe>{message}</p>
      <p>
        <a safe href={back}>{t("comments.go_back")}</a>
      </p>
    </div>
  );
}

/** The thread page (/comments/ID): one comment and the replies under it, "continue this thread" beyond the shown depth. */
export function ThreadPage(props: {
  work: { id: number; title: string };
  parentId: number | null;
  threads: ThreadComment[];
  actionsFor: (c: ShownComment) => CommentActions;
  csrf: string;
  notices: string[];
}): JSX.Element {
  return (
    <div class="comment-thread">
      <FlashNotices lines={props.notices} />
      <h2 class="heading">
        {escapeHtml(t("comments.comment_on"))}
        <a href={workPath(props.work.id)} safe>{props.work.title}</a>
      </h2>
      <ul class="navigation actions">
        <li>
          <a safe href={`${workPath(props.work.id)}/comments`}>{t("comments.all_comments_on_this_work")}</a>
        </li>
        {props.parentId !== null ? (
          <li>
            <a safe href={commentPath(props.parentId)}>{t("comments.parent_comment")}</a>
          </li>
        ) : (
          ""
        )}
      </ul>
      <div id="comments" class="comments">
        <h3 safe class="landmark heading">{t("comments.thread")}</h3>
        <Threads threads={props.threads} actionsFor={props.actionsFor} csrf={props.csrf} />
      </div>
    </div>
  );
}

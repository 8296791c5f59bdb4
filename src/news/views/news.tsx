import { escapeHtml } from "@kitajs/html";
import { type CommentFormProps, CommentForm } from "../../comments/index.js";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, FlashNotices, isoDate, Pagination, rawHtml, TextArea, TextField } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import { userPath } from "../../model/paths.js";
import { NEWS_COMMENT_DAYS } from "../policy.js";
import type { NewsComment, NewsPost, NewsTag } from "../queries.js";
import { type BannerFormValues, NEWS_LIMITS, type PostFormValues } from "../schema.js";
import {
  bannerSettingsPath,
  confirmDeleteNewsCommentPath,
  confirmDeletePostPath,
  dismissBannerPath,
  editPostPath,
  newPostPath,
  newsCommentAnchor,
  newsFeedPath,
  newsPath,
  newsTagPath,
  postPath,
} from "./paths.js";

function When({ value }: { value: string }): JSX.Element {
  return <time datetime={value} safe>{isoDate(value)}</time>;
}

function TagLinks({ tags }: { tags: NewsTag[] }): JSX.Element {
  if (tags.length === 0) return "";
  return (
    <p class="tags">
      {escapeHtml(t("news.tags"))}{" "}
      {tags.map((tag, i) => (
        <>
          {i > 0 ? ", " : ""}
          <a href={newsTagPath(tag.id)} class="tag" safe>{tag.name}</a>
        </>
      ))}
    </p>
  );
}

/** What an admin may do with a post (decided by the handler). */
function PostActions({ post }: { post: NewsPost }): JSX.Element {
  return (
    <ul class="actions" aria-label={t("news.post_actions")}>
      <li>
        <a href={editPostPath(post.id)} safe>{t("tags.edit")}</a>
      </li>
      <li>
        <a href={confirmDeletePostPath(post.id)} safe>{t("works.delete")}</a>
      </li>
    </ul>
  );
}

/** A post's date line: posted, and edited when it was. */
function PostMeta({ post }: { post: NewsPost }): JSX.Element {
  return (
    <p class="meta datetime">
      {escapeHtml(t("news.posted"))} <When value={post.created_at} />
      {post.updated_at.slice(0, 16) !== post.created_at.slice(0, 16) ? (
        <>
          {" · "}
          {escapeHtml(t("news.edited"))} <When value={post.updated_at} />
        </>
      ) : (
        ""
      )}
    </p>
  );
}

export interface NewsIndexProps {
  posts: NewsPost[];
  tags: (NewsTag & { posts: number })[];
  tag: NewsTag | null;
  page: number;
  pages: number;
  manage: boolean;
  notices: string[];
}

/** /admin_posts: the news, newest first, each post in full; a tag filter; the feed. */
export function NewsIndexPage(props: NewsIndexProps): JSX.Element {
  const feed = props.tag ? `${newsFeedPath}?tag=${props.tag.id}` : newsFeedPath;
  const href = (n: number) => `${newsPath}?${props.tag ? `tag=${props.tag.id}&` : ""}page=${n}`;
  return (
    <>
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>{props.tag ? t("news.tagged", { name: props.tag.name }) : t("news.title")}</h2>
      <ul class="navigation actions" aria-label={t("news.navigation")}>
        {props.manage ? (
          <>
            <li>
              <a href={newPostPath} safe>{t("news.post_news")}</a>
            </li>
            <li>
              <a href={bannerSettingsPath} safe>{t("news.banner.title")}</a>
            </li>
          </>
        ) : (
          ""
        )}
        <li>
          <a href={feed} type="application/atom+xml" safe>{t("news.feed.link")}</a>
        </li>
        {props.tag ? (
          <li>
            <a href={newsPath} safe>{t("news.all_news")}</a>
          </li>
        ) : (
          ""
        )}
      </ul>
      {props.tags.length ? (
        <form method="get" action={newsPath} class="news-filter">
          <label for="news-tag" safe>{t("news.filter.tag")}</label>{" "}
          <select id="news-tag" name="tag">
            <option value="" safe>{t("news.filter.all")}</option>
            {props.tags.map((tag) => (
              <option value={String(tag.id)} selected={props.tag?.id === tag.id} safe>
                {t("news.filter.option", { name: tag.name, count: tag.posts })}
              </option>
            ))}
          </select>{" "}
          <button type="submit" safe>{t("news.filter.submit")}</button>
        </form>
      ) : (
        ""
      )}
      {props.posts.length === 0 ? (
        <p class="empty" safe>{props.tag ? t("news.none_tagged") : t("news.none")}</p>
      ) : (
        <ol class="news index">
          {props.posts.map((post) => (
            <li class="news-post" id={`admin_post_${post.id}`}>
              <h3 class="heading">
                <a href={postPath(post.id)} safe>{post.title}</a>
              </h3>
              <PostMeta post={post} />
              <TagLinks tags={post.tags} />
              <div class="userstuff">{rawHtml(post.content)}</div>
              <p class="comments">
                <a href={`${postPath(post.id)}#comments`} safe>{t("comments.comments_count", { count: post.comments })}</a>
              </p>
            </li>
          ))}
        </ol>
      )}
      <Pagination page={props.page} pages={props.pages} href={href} />
    </>
  );
}

function Byline({ comment }: { comment: NewsComment }): JSX.Element {
  if (comment.login) return <a href={userPath(comment.login)} safe>{comment.login}</a>;
  if (comment.guest_name) return <span class="guest" safe>{t("comments.guest_name_guest", { guest_name: comment.guest_name })}</span>;
  return <span safe class="deleted-user">{t("comments.previous_user")}</span>;
}

export interface PostPageProps {
  post: NewsPost;
  comments: NewsComment[];
  commentCount: number;
  page: number;
  pages: number;
  /** The comment form (as typed, after a failed post), or null with the reason there is none. */
  form: CommentFormProps | null;
  refusal: string | null;
  /** Until when comments are open (shown while they are). */
  closesAt: string | null;
  canDelete: (comment: NewsComment) => boolean;
  manage: boolean;
  notices: string[];
}

/** /admin_posts/:id: one post in full, its comments (oldest first), the form or why there is none. */
export function PostPage(props: PostPageProps): JSX.Element {
  const { post } = props;
  return (
    <>
      <FlashNotices lines={props.notices} />
      <div class="admin-post">
        <h2 class="heading" safe>{post.title}</h2>
        <PostMeta post={post} />
        <TagLinks tags={post.tags} />
        {props.manage ? <PostActions post={post} /> : ""}
        <div class="userstuff">{rawHtml(post.content)}</div>
        <p>
          <a href={newsPath} safe>{t("news.all_news")}</a>
        </p>
      </div>
      <div id="comments" class="comments" role="region" aria-labelledby="comments-heading">
        <h3 class="heading" id="comments-heading" safe>{t("comments.comments_count", { count: props.commentCount })}</h3>
        {props.form ? (
          <>
            {props.closesAt ? <p class="hint" safe>{t("news.comments.closes", { date: isoDate(props.closesAt), days: NEWS_COMMENT_DAYS })}</p> : ""}
            <CommentForm {...props.form} />
          </>
        ) : props.refusal ? (
          <p class="notice comments-closed" safe>{props.refusal}</p>
        ) : (
          ""
        )}
        {props.comments.length === 0 ? (
          <p safe class="empty">{t("comments.no_comments_yet")}</p>
        ) : (
          <ol class="thread">
            {props.comments.map((comment) => (
              <li class="comment group" id={newsCommentAnchor(comment.id)}>
                <h4 class="heading byline">
                  <Byline comment={comment} />{" "}
                  <span class="posted datetime">
                    <time datetime={comment.created_at} safe>{t("comments.value_utc", { value: comment.created_at.slice(0, 16).replace("T", " ") })}</time>
                  </span>
                </h4>
                <blockquote class="userstuff">{rawHtml(comment.content)}</blockquote>
                {props.canDelete(comment) ? (
                  <ul class="actions" aria-label={t("comments.comment_actions")}>
                    <li>
                      <a href={confirmDeleteNewsCommentPath(comment.id)} safe>{t("works.delete")}</a>
                    </li>
                  </ul>
                ) : (
                  ""
                )}
              </li>
            ))}
          </ol>
        )}
        <Pagination page={props.page} pages={props.pages} href={(n) => `${postPath(post.id)}?page=${n}#comments`} />
      </div>
    </>
  );
}

/** The form to post or edit news. */
export function PostFormPage({ heading, action, values, errors, csrf, submit }: { heading: string; action: string; values: PostFormValues; errors: FieldErrors; csrf: string; submit: string }): JSX.Element {
  const choices = [
    { value: "all", label: t("news.form.comments_all") },
    { value: "users", label: t("news.form.comments_users") },
    { value: "none", label: t("news.form.comments_none") },
  ];
  return (
    <>
      <h2 class="heading" safe>{heading}</h2>
      <form method="post" action={action} class="admin-post-form" novalidate>
        <ErrorSummary errors={errors} />
        <CsrfField csrf={csrf} />
        <TextField name="admin_post[title]" label={t("news.form.title")} value={values.title} errors={errors["admin_post[title]"]} maxlength={NEWS_LIMITS.title} required />
        <TextArea name="admin_post[content]" label={t("news.form.content")} value={values.content} errors={errors["admin_post[content]"]} hint={t("news.form.content_hint")} rows={14} required />
        <TextField name="admin_post[tag_list]" label={t("news.form.tags")} value={values.tags} errors={errors["admin_post[tag_list]"]} hint={t("news.form.tags_hint")} />
        <ChoiceGroup
          name="admin_post[comment_permission]"
          legend={t("news.form.comments")}
          type="radio"
          choices={choices}
          selected={[values.commentPermission]}
          errors={errors["admin_post[comment_permission]"]}
          hint={t("news.form.comments_hint", { days: NEWS_COMMENT_DAYS })}
        />
        <p class="actions">
          <button type="submit" safe>{submit}</button>
        </p>
      </form>
    </>
  );
}

/** /admin/banner: the banner's text and whether it is shown. */
export function BannerSettingsPage({ values, errors, csrf, shown, notices }: { values: BannerFormValues; errors: FieldErrors; csrf: string; shown: boolean; notices: string[] }): JSX.Element {
  return (
    <>
      <FlashNotices lines={notices} />
      <h2 class="heading" safe>{t("news.banner.title")}</h2>
      <p safe>{t("news.banner.about")}</p>
      <p safe class="notice">{shown ? t("news.banner.is_on") : t("news.banner.is_off")}</p>
      <form method="post" action={bannerSettingsPath} novalidate>
        <ErrorSummary errors={errors} />
        <CsrfField csrf={csrf} />
        <TextArea name="admin_banner[content]" label={t("news.banner.content")} value={values.content} errors={errors["admin_banner[content]"]} hint={t("news.banner.content_hint", { max: NEWS_LIMITS.banner.toLocaleString("en-US") })} rows={4} />
        <ChoiceGroup name="admin_banner[active]" legend={t("news.banner.showing")} choices={[{ value: "1", label: t("news.banner.active") }]} selected={values.active ? ["1"] : []} />
        <ChoiceGroup name="admin_banner[minor]" legend={t("news.banner.change")} choices={[{ value: "1", label: t("news.banner.minor") }]} selected={values.minor ? ["1"] : []} hint={t("news.banner.minor_hint")} />
        <p class="actions">
          <button type="submit" safe>{t("news.banner.save")}</button>
        </p>
      </form>
      <p>
        <a href={newsPath} safe>{t("news.all_news")}</a>
      </p>
    </>
  );
}

/**
 * The banner at the top of every page (div#admin-banner, the id readers' tools such as FanFicFare
 * strip): the admins' text and a Dismiss button, a plain form that works without JavaScript.
 */
export function SiteBanner({ id, content, csrf, returnTo }: { id: number; content: NewsPost["content"]; csrf: string; returnTo: string }): JSX.Element {
  return (
    <div id="admin-banner" class="announcement" role="region" aria-label={t("news.banner.label")}>
      <div class="userstuff">{rawHtml(content)}</div>
      <form method="post" action={dismissBannerPath} class="dismiss">
        <CsrfField csrf={csrf} />
        <input type="hidden" name="banner_id" value={String(id)} />
        <input type="hidden" name="return_to" value={escapeHtml(returnTo)} />
        <button type="submit" safe>{t("news.banner.dismiss")}</button>
      </form>
    </div>
  );
}


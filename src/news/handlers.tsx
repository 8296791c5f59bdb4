import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { mutedUserIds } from "../blocking/index.js";
import { type CommentFormProps, type CommentFormValues, CommentRefusedPage, parseComment, readCommentForm } from "../comments/index.js";
import { ConfirmDeletePage, type FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, pageParam, parseId, queryParam, safeReturnPath } from "../platform/http/routes.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { t } from "../platform/i18n/index.js";
import { guestAddressKey } from "../responses/index.js";
import { createPost, deleteNewsComment, deletePost, dismissBanner, postNewsComment, saveBanner, updatePost } from "./commands.js";
import { canDeleteNewsComment, canManageNews, commentsCloseAt, NEWS_COMMENT_DAYS, newsCommentRefusal } from "./policy.js";
import { bannerToShow, commentsOfPost, currentBanner, findNewsComment, findPost, findTag, listPosts, NEWS_COMMENTS_PER_PAGE, type NewsPost, pageOfComment, POSTS_PER_PAGE, tagsInUse } from "./queries.js";
import { type BannerFormValues, EMPTY_POST_FORM, parseBanner, parsePost, type PostFormValues, readBannerForm, readPostForm } from "./schema.js";
import { BannerSettingsPage, NewsIndexPage, PostFormPage, PostPage, SiteBanner } from "./views/news.js";
import { bannerSettingsPath, deleteNewsCommentPath, deletePostPath, newsCommentAnchor, newsPath, postCommentsPath, postPath } from "./views/paths.js";

// ---- the news listing and a post ----------------------------------------------------------------

/** GET /admin_posts (?tag=ID, ?page=N): the news, newest first. */
export async function showNews(req: FastifyRequest, reply: FastifyReply) {
  const tagParam = queryParam(req, "tag");
  const tagId = tagParam ? parseId(tagParam) : null;
  const tag = tagId ? await findTag(req.db, tagId) : undefined;
  // A tag that names nothing lists nothing: say so rather than show all the news under its name.
  if (tagParam && !tag) return reply.error("NOT_FOUND");
  const page = pageParam(req);
  const [{ posts, total }, tags] = await Promise.all([listPosts(req.db, { tagId: tag?.id ?? null, page }), tagsInUse(req.db)]);
  return reply.page(
    tag ? t("news.tagged", { name: tag.name }) : t("news.title"),
    <NewsIndexPage posts={posts} tags={tags} tag={tag ?? null} page={page} pages={Math.max(1, Math.ceil(total / POSTS_PER_PAGE))} manage={canManageNews(req.viewer)} notices={takeFlash(req, reply)} />,
    { mainClass: "admin_posts-index" },
  );
}

/** The post behind `:id`; 404 sent when there is none. */
async function postFromParam(req: FastifyRequest, reply: FastifyReply): Promise<NewsPost | undefined> {
  const id = idParam(req, "id");
  const post = id ? await findPost(req.db, id) : undefined;
  if (!post) reply.error("NOT_FOUND");
  return post;
}

/** A fresh one-time token for a rendered comment form: a second submit of the same form creates nothing. */
function formToken(): string {
  return randomBytes(16).toString("base64url");
}

function refusalMessage(refusal: "none" | "closed" | "login"): string {
  if (refusal === "closed") return t("news.comments.closed", { days: NEWS_COMMENT_DAYS });
  return t(refusal === "none" ? "news.comments.none" : "news.comments.login");
}

/** The post page, with the comment form as typed (and its errors) after a failed comment. */
async function renderPost(req: FastifyRequest, reply: FastifyReply, post: NewsPost, typed?: { values: CommentFormValues; errors: FieldErrors }) {
  const page = pageParam(req);
  const { comments, total } = await commentsOfPost(req.db, post.id, page, await mutedUserIds(req.db, req.viewer));
  const refusal = newsCommentRefusal(req.viewer, post);
  const form: CommentFormProps | null =
    refusal === "ok"
      ? {
          action: postCommentsPath(post.id),
          values: typed ? { ...typed.values, token: typed.values.token || formToken() } : { content: "", name: "", email: "", token: formToken() },
          errors: typed?.errors ?? {},
          csrf: reply.csrf(),
          guest: !req.viewer.user,
          legend: t("news.comment_on_post"),
          submit: t("comments.comment"),
        }
      : null;
  return reply.page(
    post.title,
    <PostPage
      post={post}
      comments={comments}
      commentCount={total}
      page={page}
      pages={Math.max(1, Math.ceil(total / NEWS_COMMENTS_PER_PAGE))}
      form={form}
      refusal={refusal === "ok" ? null : refusalMessage(refusal)}
      closesAt={refusal === "ok" ? commentsCloseAt(post) : null}
      canDelete={(comment) => canDeleteNewsComment(req.viewer, comment)}
      manage={canManageNews(req.viewer)}
      notices={takeFlash(req, reply)}
    />,
    { status: typed ? 422 : 200, mainClass: "admin_posts-show" },
  );
}

/** GET /admin_posts/:id: the post, its comments, and the comment form while comments are open. */
export async function showPost(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  return renderPost(req, reply, post);
}

// ---- comments on a post -------------------------------------------------------------------------

/**
 * POST /admin_posts/:id/comments: a comment on the post, while its comments are open (14 days
 * after posting) and by whom the post allows. Sanitized, validated and rate limited as comments
 * on works are (src/comments).
 */
export async function createNewsComment(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  const refusal = newsCommentRefusal(req.viewer, post);
  if (refusal !== "ok") return reply.page(t("comments.comments"), <CommentRefusedPage message={refusalMessage(refusal)} back={postPath(post.id)} />, { status: 403 });
  const values = readCommentForm(req.body);
  const parsed = parseComment(values, { guest: !req.viewer.user });
  if (!parsed.ok) return renderPost(req, reply, post, { values, errors: parsed.errors });
  const result = await postNewsComment(req.db, {
    postId: post.id,
    author: req.viewer.user ? { userId: req.viewer.user.id } : { guest: parsed.value.guest!, ip: guestAddressKey(req.ip) },
    content: parsed.value.content,
    token: parsed.value.token,
  });
  setFlash(req, reply, [result.created ? t("comments.posted") : t("comments.already")]);
  const page = await pageOfComment(req.db, post.id, result.id);
  return reply.redirect(`${postPath(post.id)}${page > 1 ? `?page=${page}` : ""}#${newsCommentAnchor(result.id)}`, 303);
}

/** The comment behind `:id` when the viewer may delete it: its writer, or a news admin. */
async function deletableComment(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const comment = id ? await findNewsComment(req.db, id) : undefined;
  if (!comment) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (!canDeleteNewsComment(req.viewer, comment)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return comment;
}

export async function showDeleteNewsComment(req: FastifyRequest, reply: FastifyReply) {
  const comment = await deletableComment(req, reply);
  if (!comment) return;
  return reply.page(
    t("comments.delete_comment"),
    <ConfirmDeletePage what={t("comments.this_comment")} action={deleteNewsCommentPath(comment.id)} cancelHref={`${postPath(comment.post_id)}#${newsCommentAnchor(comment.id)}`} csrf={reply.csrf()} />,
    { mainClass: "comments-delete" },
  );
}

export async function removeNewsComment(req: FastifyRequest, reply: FastifyReply) {
  const comment = await deletableComment(req, reply);
  if (!comment) return;
  if (!(await deleteNewsComment(req.db, comment.id))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("comments.deleted")]);
  return reply.redirect(`${postPath(comment.post_id)}#comments`, 303);
}

// ---- posting, editing and deleting news (communications admins) -------------------------------------

function postForm(req: FastifyRequest, reply: FastifyReply, options: { post?: NewsPost; values: PostFormValues; errors: FieldErrors; status?: number }) {
  const { post } = options;
  const heading = post ? t("news.edit_title") : t("news.new_title");
  return reply.page(
    heading,
    <PostFormPage heading={heading} action={post ? postPath(post.id) : newsPath} values={options.values} errors={options.errors} csrf={reply.csrf()} submit={post ? t("news.form.update") : t("news.form.post")} />,
    { status: options.status ?? 200, mainClass: post ? "admin_posts-edit" : "admin_posts-new" },
  );
}

export async function showNewPost(req: FastifyRequest, reply: FastifyReply) {
  return postForm(req, reply, { values: EMPTY_POST_FORM, errors: {} });
}

/** POST /admin_posts: posts news. */
export async function createNewsPost(req: FastifyRequest, reply: FastifyReply) {
  const values = readPostForm(req.body);
  const parsed = parsePost(values);
  if (!parsed.ok) return postForm(req, reply, { values, errors: parsed.errors, status: 422 });
  const id = await createPost(req.db, req.viewer.user!.id, parsed.value);
  setFlash(req, reply, [t("news.posted_flash")]);
  return reply.redirect(postPath(id), 303);
}

export async function showEditPost(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  const values: PostFormValues = { title: post.title, content: htmlToTextarea(post.content), tags: post.tags.map((tag) => tag.name).join(", "), commentPermission: post.comment_permission };
  return postForm(req, reply, { post, values, errors: {} });
}

/** POST /admin_posts/:id: saves an edit. */
export async function updateNewsPost(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  const values = readPostForm(req.body);
  const parsed = parsePost(values);
  if (!parsed.ok) return postForm(req, reply, { post, values, errors: parsed.errors, status: 422 });
  if (!(await updatePost(req.db, post.id, parsed.value))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("news.updated_flash")]);
  return reply.redirect(postPath(post.id), 303);
}

export async function showDeletePost(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  return reply.page(t("news.delete_title"), <ConfirmDeletePage what={t("news.this_post", { title: post.title })} action={deletePostPath(post.id)} cancelHref={postPath(post.id)} csrf={reply.csrf()} />, {
    mainClass: "admin_posts-delete",
  });
}

/** POST /admin_posts/:id/delete: deletes the post and its comments. */
export async function removeNewsPost(req: FastifyRequest, reply: FastifyReply) {
  const post = await postFromParam(req, reply);
  if (!post) return;
  if (!(await deletePost(req.db, post.id))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("news.deleted_flash")]);
  return reply.redirect(newsPath, 303);
}

// ---- the banner ---------------------------------------------------------------------------------

/** The cookie that remembers, in one browser, which banner was dismissed (its id). */
export const BANNER_COOKIE = "fanfold_banner_dismissed";
const BANNER_COOKIE_DAYS = 365;

async function bannerPage(req: FastifyRequest, reply: FastifyReply, typed?: { values: BannerFormValues; errors: FieldErrors }) {
  const banner = await currentBanner(req.db);
  const values = typed?.values ?? { content: banner ? htmlToTextarea(banner.content) : "", active: banner?.active === 1, minor: false };
  return reply.page(
    t("news.banner.title"),
    <BannerSettingsPage values={values} errors={typed?.errors ?? {}} csrf={reply.csrf()} shown={banner?.active === 1} notices={takeFlash(req, reply)} />,
    { status: typed ? 422 : 200, mainClass: "admin-banner-edit" },
  );
}

export async function showBannerSettings(req: FastifyRequest, reply: FastifyReply) {
  return bannerPage(req, reply);
}

/** POST /admin/banner: sets the banner's text and whether it is shown. */
export async function saveBannerSettings(req: FastifyRequest, reply: FastifyReply) {
  const values = readBannerForm(req.body);
  const parsed = parseBanner(values);
  if (!parsed.ok) return bannerPage(req, reply, { values, errors: parsed.errors });
  await saveBanner(req.db, parsed.value);
  setFlash(req, reply, [t("news.banner.saved")]);
  return reply.redirect(bannerSettingsPath, 303);
}

/**
 * POST /banner/dismiss: hides the banner for this reader until a new one is set: on the account
 * for a user, and in this browser (a cookie) for anyone. A stale form (a banner since replaced)
 * dismisses nothing. Back to the page the reader was on.
 */
export async function dismissSiteBanner(req: FastifyRequest, reply: FastifyReply) {
  const bannerId = parseId(field(req.body, "banner_id"));
  const back = safeReturnPath(field(req.body, "return_to"));
  const banner = bannerId ? await currentBanner(req.db) : undefined;
  if (banner && banner.id === bannerId) {
    if (req.viewer.user) await dismissBanner(req.db, req.viewer.user.id, banner.id);
    reply.setCookie(BANNER_COOKIE, String(banner.id), {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: req.config.publicUrl.startsWith("https:"),
      maxAge: BANNER_COOKIE_DAYS * 86_400,
    });
  }
  return reply.redirect(back, 303);
}

/**
 * The banner for the page this request renders (src/platform/http asks once per page request):
 * the current banner while it is on, unless this reader dismissed it; null otherwise. The Dismiss
 * form returns to this page (a GET's address; after a form post, the front page).
 */
export async function siteBannerFor(req: FastifyRequest): Promise<((csrf: string) => JSX.Element) | null> {
  const banner = await bannerToShow(req.db, req.viewer.user?.id ?? null, parseId(req.cookies[BANNER_COOKIE]));
  if (!banner) return null;
  const returnTo = req.method === "GET" ? safeReturnPath(req.url) : "/";
  return (csrf) => <SiteBanner id={banner.id} content={banner.content} csrf={csrf} returnTo={returnTo} />;
}

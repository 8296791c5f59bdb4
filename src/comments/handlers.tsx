import { escapeHtml } from "@kitajs/html";
import { FlashNotices, ConfirmDeletePage } from "../platform/http/components.js";
import { blockedByAny, mutedUserIds } from "../blocking/index.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { idParam, pageParam, parseId, queryParam } from "../platform/http/routes.js";
import { isLoggedIn, type Viewer } from "../platform/http/viewer.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { t } from "../platform/i18n/index.js";
import { guestAddressKey } from "../responses/index.js";
import type { Work } from "../model/works.js";
import { readableWork } from "../model/readable-work.js";
import { chapterPath, workPath } from "../model/paths.js";
import { approveComment, deleteComment, editComment, markInbox, postComment, removeFromInbox, setThreadFrozen } from "./commands.js";
import {
  canApproveComment,
  canDeleteComment,
  canEditComment,
  canFreezeComment,
  canModerateComments,
  canReply,
  canSeeComment,
  commentRefusal,
  editNeedsReview,
  isCommentAuthor,
  isHeldForReview,
} from "./policy.js";
import { type CommentFilter, countThreads, findComment, inboxOf, INBOX_PER_PAGE, loadThreads, postedChapterOf, type ShownComment, THREADS_PER_PAGE } from "./queries.js";
import { type CommentFormValues, parseComment, readCommentForm } from "./schema.js";
import { type CommentActions, type CommentFormProps, CommentFormPage, CommentRefusedPage, CommentsSection, ThreadPage } from "./views/comments.js";
import { InboxPage } from "./views/inbox.js";
import { commentPath, inboxPath, workCommentsPath } from "./views/paths.js";

/** A fresh one-time token for a rendered comment form: a second submit of the same form creates nothing. */
function formToken(): string {
  return randomBytes(16).toString("base64url");
}

const emptyForm = (): CommentFormValues => ({ content: "", name: "", email: "", token: formToken() });

/** Which comments this viewer is shown on a work (the JSON API too): not those of users they muted (nor the replies under them). */
export async function filterFor(db: DbOrTrx, viewer: Viewer, work: Work): Promise<CommentFilter> {
  return { viewerId: viewer.user?.id ?? null, moderator: canModerateComments(viewer, work), excludeUserIds: await mutedUserIds(db, viewer) };
}

function actionsFor(viewer: Viewer, work: Work, blocked: boolean) {
  return (c: ShownComment): CommentActions => ({
    reply: canReply(viewer, work, c, blocked),
    edit: canEditComment(viewer, c),
    delete: canDeleteComment(viewer, work, c),
    freeze: canFreezeComment(viewer, work, c) && !c.deleted,
    approve: canApproveComment(viewer, work, c),
  });
}

function refusalMessage(refusal: "draft" | "closed" | "login" | "blocked"): string {
  return t(`comments.refused.${refusal}`);
}

/**
 * The comments block for a work page the works capability is rendering: the viewer's page of
 * threads (`?page=`), the comment form or why there is none. Two queries whatever the number of
 * comments (a count, and the threads with their writers' names), plus the blocking hook's.
 */
/**
 * The comments block of a work or chapter page. `onRequest` (the reading pages): as on AO3, the
 * threads are shown only when asked for (`?show_comments=true`, the "Comments (N)" link), so the
 * page a reader or a readers' tool opens holds the work alone; the form to comment is always there.
 */
export async function commentsFor(req: FastifyRequest, work: Work, chapterId: number | null, csrf: string, options: { onRequest?: boolean } = {}): Promise<JSX.Element> {
  if (!work.posted) return ""; // a draft has no comments and takes none
  const page = pageParam(req);
  const shown = !options.onRequest || queryParam(req, "show_comments") === "true";
  const filter = await filterFor(req.db, req.viewer, work);
  const scope = { workId: work.id, ...(chapterId !== null ? { chapterId } : {}) };
  const [counts, threads, blocked] = await Promise.all([
    countThreads(req.db, scope, filter),
    shown ? loadThreads(req.db, { ...scope, page }, filter) : Promise.resolve([]),
    blockedByAny(req.db, work.creatorUserIds, req.viewer),
  ]);
  const refusal = commentRefusal(req.viewer, work, blocked);
  const path = req.url.replace(/[?#].*$/, "");
  const form: CommentFormProps | null =
    refusal === "ok"
      ? {
          action: workCommentsPath(work.id),
          values: emptyForm(),
          errors: {},
          csrf,
          guest: !req.viewer.user,
          legend: chapterId !== null ? t("comments.comment_on_this_chapter") : t("comments.comment_on_this_work"),
          submit: t("comments.comment"),
          hidden: chapterId !== null ? { "comment[chapter_id]": String(chapterId) } : {},
        }
      : null;
  // The links keep the page's other parameters (view_full_work), not its comment page or toggle.
  const kept = new URLSearchParams(req.url.replace(/^[^?]*\??/, "").replace(/#.*$/, ""));
  kept.delete("page");
  kept.delete("show_comments");
  const withKept = (extra: string) => `${path}?${[kept.toString(), extra].filter(Boolean).join("&")}`.replace(/\?$/, "");
  const toggle = options.onRequest ? { shown, showHref: `${withKept("show_comments=true")}#comments`, hideHref: `${withKept("")}#comments` } : undefined;
  return (
    <CommentsSection
      count={counts.comments}
      threads={threads}
      page={page}
      pages={Math.max(1, Math.ceil(counts.threads / THREADS_PER_PAGE))}
      href={(n) => `${withKept(`${toggle ? "show_comments=true&" : ""}page=${n}`)}#comments`}
      actionsFor={actionsFor(req.viewer, work, blocked)}
      csrf={csrf}
      form={form}
      refusal={refusal === "ok" || refusal === "draft" ? null : refusalMessage(refusal)}
      toggle={toggle}
    />
  );
}

/** GET /works/:id/comments: every comment on the work, threads paginated. */
export async function showWorkComments(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  const csrf = reply.csrf();
  const section = await commentsFor(req, work, null, csrf);
  const notices = takeFlash(req, reply);
  return reply.page(t("comments.comments_on_title", { title: work.title }), <WorkCommentsPage work={work} notices={notices} section={section} />, { mainClass: "comments-index" });
}

/** The page around a work's comment section (the section is rendered by commentsFor). */
function WorkCommentsPage({ work, notices, section }: { work: Work; notices: string[]; section: JSX.Element }): JSX.Element {
  return (
    <>
      <FlashNotices lines={notices} />
      <h2 class="heading">
        {escapeHtml(t("comments.comments_on"))}
        <a href={workPath(work.id)} safe>{work.title}</a>
      </h2>
      {section}
    </>
  );
}

/**
 * POST /works/:id/comments: a comment on the work, on one of its chapters (comment[chapter_id]) or
 * a reply (comment[parent_id]). Ids from the form are checked against the work: a comment of
 * another work, or a chapter that is not this work's posted chapter, is not found.
 */
export async function createComment(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  const parentField = field(req.body, "comment[parent_id]");
  const chapterText = field(req.body, "comment[chapter_id]");
  const parentId = parseId(parentField);
  const chapterField = parseId(chapterText);
  // An id that is not one (typed over, or too large for the table) names nothing: not found.
  if ((parentField && !parentId) || (chapterText && !chapterField)) return reply.error("NOT_FOUND");
  const parent = parentId ? await findComment(req.db, parentId) : undefined;
  if (parentId && (!parent || parent.work_id !== work.id || !canSeeComment(req.viewer, work, parent))) return reply.error("NOT_FOUND");
  const chapter = !parent && chapterField ? await postedChapterOf(req.db, work.id, chapterField) : undefined;
  if (!parent && chapterField && !chapter) return reply.error("NOT_FOUND");
  const chapterId = parent ? parent.chapter_id : (chapter?.id ?? null);
  const back = parent ? commentPath(parent.id) : chapterId !== null ? chapterPath(work.id, chapterId) : workPath(work.id);

  const blocked = await blockedByAny(req.db, work.creatorUserIds, req.viewer);
  const refusal = commentRefusal(req.viewer, work, blocked);
  if (refusal !== "ok") return reply.page(t("comments.comments"), <CommentRefusedPage message={refusalMessage(refusal)} back={back} />, { status: 403 });
  if (parent && !canReply(req.viewer, work, parent, blocked)) return reply.page(t("comments.comments"), <CommentRefusedPage message={t("comments.refused.reply")} back={back} />, { status: 403 });

  const values = readCommentForm(req.body);
  const parsed = parseComment(values, { guest: !req.viewer.user });
  if (!parsed.ok) {
    const hidden: Record<string, string> = parent ? { "comment[parent_id]": String(parent.id) } : chapterId !== null ? { "comment[chapter_id]": String(chapterId) } : {};
    const form: CommentFormProps = {
      action: workCommentsPath(work.id),
      values: { ...values, token: values.token || formToken() },
      errors: parsed.errors,
      csrf: reply.csrf(),
      guest: !req.viewer.user,
      legend: parent ? t("comments.reply") : t("comments.comment"),
      submit: parent ? t("comments.reply") : t("comments.comment"),
      hidden,
    };
    return reply.page(t("comments.comment_on_title", { title: work.title }), <CommentFormPage work={work} heading={parent ? t("comments.reply_to_a_comment") : t("comments.leave_a_comment")} quoted={parent} form={form} />, { status: 422, mainClass: "comments-new" });
  }
  const held = isHeldForReview(req.viewer, work);
  const result = await postComment(req.db, {
    workId: work.id,
    creatorUserIds: work.creatorUserIds,
    chapterId,
    parent: parent ? { id: parent.id, user_id: parent.user_id } : null,
    author: req.viewer.user ? { userId: req.viewer.user.id } : { guest: parsed.value.guest!, ip: guestAddressKey(req.ip) },
    input: parsed.value,
    held,
  });
  setFlash(req, reply, [!result.created ? t("comments.already") : result.spamHeld ? t("spam.comment_held_flash") : held ? t("comments.posted_held") : t("comments.posted")]);
  // A guest cannot be shown a comment held as spam again (it is its writer's alone): the work's comments page says it was held.
  if (result.spamHeld && !req.viewer.user) return reply.redirect(workCommentsPath(work.id), 303);
  return reply.redirect(`${commentPath(result.id)}#comment_${result.id}`, 303);
}

/** The comment behind `:id` with its work, when the viewer may see both (404, or 401 for a registered-only work and a guest). */
async function visibleComment(req: FastifyRequest, reply: FastifyReply): Promise<{ comment: ShownComment; work: Work } | undefined> {
  const id = idParam(req, "id");
  const comment = id ? await findComment(req.db, id) : undefined;
  if (!comment) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  const work = await readableWork(req, reply, comment.work_id);
  if (!work) return undefined;
  if (!canSeeComment(req.viewer, work, comment)) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  return { comment, work };
}

/** GET /comments/:id: the comment and the replies under it (where "Continue this thread" leads). */
export async function showComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await visibleComment(req, reply);
  if (!found) return;
  const { comment, work } = found;
  const [threads, blocked] = await Promise.all([loadThreads(req.db, { commentId: comment.id }, await filterFor(req.db, req.viewer, work)), blockedByAny(req.db, work.creatorUserIds, req.viewer)]);
  return reply.page(
    t("comments.comment_on_title", { title: work.title }),
    <ThreadPage work={work} parentId={comment.parent_id} threads={threads} actionsFor={actionsFor(req.viewer, work, blocked)} csrf={reply.csrf()} notices={takeFlash(req, reply)} />,
    { mainClass: "comments-show" },
  );
}

/** GET /comments/:id/reply: the reply form under the comment it answers (works without JavaScript). */
export async function showReplyForm(req: FastifyRequest, reply: FastifyReply) {
  const found = await visibleComment(req, reply);
  if (!found) return;
  const { comment, work } = found;
  const blocked = await blockedByAny(req.db, work.creatorUserIds, req.viewer);
  const refusal = commentRefusal(req.viewer, work, blocked);
  if (refusal !== "ok") return reply.page(t("comments.comments"), <CommentRefusedPage message={refusalMessage(refusal)} back={commentPath(comment.id)} />, { status: 403 });
  if (!canReply(req.viewer, work, comment, blocked)) return reply.page(t("comments.comments"), <CommentRefusedPage message={t("comments.refused.reply")} back={commentPath(comment.id)} />, { status: 403 });
  const form: CommentFormProps = {
    action: workCommentsPath(work.id),
    values: emptyForm(),
    errors: {},
    csrf: reply.csrf(),
    guest: !req.viewer.user,
    legend: t("comments.reply"),
    submit: t("comments.reply"),
    hidden: { "comment[parent_id]": String(comment.id) },
  };
  return reply.page(t("comments.reply_to_a_comment_on", { title: work.title }), <CommentFormPage work={work} heading={t("comments.reply_to_a_comment")} quoted={comment} form={form} />, { mainClass: "comments-new" });
}

/** The comment behind `:id` when the viewer may edit it: 404 when they may not see it, 403 when it is not theirs to change. */
async function editableComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await visibleComment(req, reply);
  if (!found) return undefined;
  if (!isCommentAuthor(req.viewer, found.comment)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  if (!canEditComment(req.viewer, found.comment)) {
    reply.page(t("comments.comments"), <CommentRefusedPage message={t("comments.refused.edit")} back={commentPath(found.comment.id)} />, { status: 403 });
    return undefined;
  }
  return found;
}

function editForm(comment: ShownComment, values: CommentFormValues, errors: CommentFormProps["errors"], csrf: string): CommentFormProps {
  return { action: commentPath(comment.id), values, errors, csrf, guest: false, legend: t("comments.edit_comment"), submit: t("series.update") };
}

export async function showEditComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableComment(req, reply);
  if (!found) return;
  const { comment, work } = found;
  const values: CommentFormValues = { content: htmlToTextarea(comment.content), name: "", email: "", token: "" };
  return reply.page(t("comments.edit_comment_on_title", { title: work.title }), <CommentFormPage work={work} heading={t("comments.edit_comment")} form={editForm(comment, values, {}, reply.csrf())} />, { mainClass: "comments-edit" });
}

/** POST /comments/:id: saves an edit (marked "Last Edited"). */
export async function updateComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableComment(req, reply);
  if (!found || !isLoggedIn(req.viewer)) return;
  const { comment, work } = found;
  const values = readCommentForm(req.body);
  const parsed = parseComment(values, { guest: false });
  if (!parsed.ok) {
    return reply.page(t("comments.edit_comment_on_title", { title: work.title }), <CommentFormPage work={work} heading={t("comments.edit_comment")} form={editForm(comment, values, parsed.errors, reply.csrf())} />, { status: 422, mainClass: "comments-edit" });
  }
  const hold = editNeedsReview(req.viewer, work, comment.content, parsed.value.content);
  if (!(await editComment(req.db, req.viewer.user.id, comment.id, parsed.value.content, { hold }))) return reply.error("NOT_FOUND");
  const spamHeld = !comment.spam_hold && (await findComment(req.db, comment.id))?.spam_hold === 1;
  setFlash(req, reply, [spamHeld ? t("spam.comment_held_flash") : t(hold ? "comments.updated_held" : "comments.updated")]);
  return reply.redirect(`${commentPath(comment.id)}#comment_${comment.id}`, 303);
}

/** The comment behind `:id` when the viewer may delete it (its writer, the work's creators, admins). */
async function deletableComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await visibleComment(req, reply);
  if (!found) return undefined;
  if (!canDeleteComment(req.viewer, found.work, found.comment)) {
    reply.error(found.comment.deleted ? "NOT_FOUND" : "FORBIDDEN");
    return undefined;
  }
  return found;
}

export async function showDeleteComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await deletableComment(req, reply);
  if (!found) return;
  const { comment } = found;
  return reply.page(t("comments.delete_comment"), <ConfirmDeletePage what={t("comments.this_comment")} action={`${commentPath(comment.id)}/delete`} cancelHref={commentPath(comment.id)} csrf={reply.csrf()} />, {
    mainClass: "comments-delete",
  });
}

export async function removeComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await deletableComment(req, reply);
  if (!found) return;
  const { comment, work } = found;
  if (!(await deleteComment(req.db, comment.id))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("comments.deleted")]);
  return reply.redirect(comment.parent_id ? commentPath(comment.parent_id) : `${workCommentsPath(work.id)}`, 303);
}

/** The comment behind `:id` when the viewer moderates its work. */
async function moderatedComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await visibleComment(req, reply);
  if (!found) return undefined;
  if (!canModerateComments(req.viewer, found.work)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return found;
}

export async function approveHeldComment(req: FastifyRequest, reply: FastifyReply) {
  const found = await moderatedComment(req, reply);
  if (!found) return;
  if (canApproveComment(req.viewer, found.work, found.comment)) await approveComment(req.db, found.comment.id);
  setFlash(req, reply, [t("comments.approved")]);
  return reply.redirect(`${commentPath(found.comment.id)}#comment_${found.comment.id}`, 303);
}

function freezeHandler(frozen: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const found = await moderatedComment(req, reply);
    if (!found) return;
    if (!canFreezeComment(req.viewer, found.work, found.comment)) return reply.error("FORBIDDEN");
    await setThreadFrozen(req.db, found.comment.id, frozen);
    setFlash(req, reply, [t(frozen ? "comments.frozen" : "comments.unfrozen")]);
    return reply.redirect(`${commentPath(found.comment.id)}#comment_${found.comment.id}`, 303);
  };
}

export const freezeThread = freezeHandler(true);
export const unfreezeThread = freezeHandler(false);

// ---- inbox -----------------------------------------------------------------------------------

/** The inbox's owner: only they see it (others get 403, a name nobody has 404). */
function inboxOwner(req: FastifyRequest, reply: FastifyReply): string | undefined {
  const login = (req.params as { login: string }).login;
  if (!req.viewer.user || req.viewer.user.login.toLowerCase() !== login.toLowerCase()) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return req.viewer.user.login;
}

export async function showInbox(req: FastifyRequest, reply: FastifyReply) {
  const login = inboxOwner(req, reply);
  if (!login || !isLoggedIn(req.viewer)) return;
  const page = pageParam(req);
  const { total, unread, entries } = await inboxOf(req.db, req.viewer, page);
  return reply.page(
    t("comments.login_inbox", { login }),
    <InboxPage
      login={login}
      total={total}
      unread={unread}
      entries={entries}
      page={page}
      pages={Math.max(1, Math.ceil(total / INBOX_PER_PAGE))}
      csrf={reply.csrf()}
      notices={takeFlash(req, reply)}
    />,
    { mainClass: "inbox-show" },
  );
}

/** POST /users/:login/inbox: mark ticked entries read or unread, or remove them (only the owner's own entries are touched). */
export async function updateInbox(req: FastifyRequest, reply: FastifyReply) {
  const login = inboxOwner(req, reply);
  if (!login || !isLoggedIn(req.viewer)) return;
  const ids = fieldList(req.body, "inbox_comments[]")
    .map(parseId)
    .filter((n): n is number => n !== null)
    .slice(0, 1000);
  const action = field(req.body, "inbox_action");
  if (ids.length === 0) setFlash(req, reply, [t("comments.inbox.none_selected")]);
  else {
    if (action === "delete") await removeFromInbox(req.db, req.viewer.user.id, ids);
    else await markInbox(req.db, req.viewer.user.id, ids, action !== "unread");
    setFlash(req, reply, [t("comments.inbox.updated")]);
  }
  return reply.redirect(inboxPath(login), 303);
}

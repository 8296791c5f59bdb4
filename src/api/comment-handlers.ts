import { blockedByAny } from "../blocking/index.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { postComment, filterFor, canReply, canSeeComment, commentRefusal, isHeldForReview, countThreads, findComment, loadThreads, postedChapterOf, type ShownComment, THREADS_PER_PAGE, type ThreadComment, NEW_ACCOUNT_COMMENTS_PER_WINDOW, NEW_ACCOUNT_DAYS, COMMENT_WINDOW_MS, accountCreatedAt, parseComment } from "../comments/index.js";
import { t } from "../platform/i18n/index.js";
import { readableWork } from "./handlers.js";
import type { ApiLimit } from "./endpoint.js";
import { fieldProblems, sendProblem } from "./problem.js";
import type { CommentJson, NewCommentBody } from "./schema.js";
import { API_PREFIX } from "./views/paths.js";

// Comments through the comments capability's own queries, policy and command: the same threads,
// visibility (held comments only to their writer and the work's creators), refusals and
// double-post guard as the pages.

function commentJson(c: ShownComment & Partial<Pick<ThreadComment, "replies" | "moreReplies">>): CommentJson {
  return {
    id: c.id,
    parent_id: c.parent_id,
    chapter_id: c.chapter_id,
    chapter_position: c.chapter_position,
    author: { login: c.login, guest_name: c.user_id === null ? c.guest_name : null },
    content: c.content,
    held: c.unreviewed === 1,
    deleted: c.deleted === 1,
    frozen: c.frozen === 1,
    edited_at: c.edited_at,
    created_at: c.created_at,
    replies: (c.replies ?? []).map(commentJson),
    more_replies: c.moreReplies ?? false,
  };
}

export async function listComments(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  const { page = 1, chapter_id: chapterId } = req.query as { page?: number; chapter_id?: number };
  const empty = { work_id: work.id, comments_count: 0, threads_total: 0, page, per_page: THREADS_PER_PAGE, threads: [] };
  if (!work.posted) return reply.send(empty); // a draft has no comments
  if (chapterId !== undefined && !(await postedChapterOf(req.db, work.id, chapterId))) return sendProblem(reply, "NOT_FOUND");
  const filter = await filterFor(req.db, req.viewer, work);
  const scope = { workId: work.id, ...(chapterId !== undefined ? { chapterId } : {}) };
  const [counts, threads] = await Promise.all([countThreads(req.db, scope, filter), loadThreads(req.db, { ...scope, page }, filter)]);
  return reply.send({ ...empty, comments_count: counts.comments, threads_total: counts.threads, threads: threads.map(commentJson) });
}

export async function postCommentJson(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return reply;
  const body = req.body as NewCommentBody;
  const parent = body.parent_id !== undefined ? await findComment(req.db, body.parent_id) : undefined;
  if (body.parent_id !== undefined && (!parent || parent.work_id !== work.id || !canSeeComment(req.viewer, work, parent))) {
    return sendProblem(reply, "UNPROCESSABLE", {}, [{ field: "parent_id", message: t("error.NOT_FOUND") }]);
  }
  const chapter = !parent && body.chapter_id !== undefined ? await postedChapterOf(req.db, work.id, body.chapter_id) : undefined;
  if (!parent && body.chapter_id !== undefined && !chapter) return sendProblem(reply, "UNPROCESSABLE", {}, [{ field: "chapter_id", message: t("error.NOT_FOUND") }]);
  const blocked = await blockedByAny(req.db, work.creatorUserIds, req.viewer);
  const refusal = commentRefusal(req.viewer, work, blocked);
  if (refusal !== "ok") return sendProblem(reply, "COMMENT_REFUSED", { detail: t(`comments.refused.${refusal}`) });
  if (parent && !canReply(req.viewer, work, parent, blocked)) return sendProblem(reply, "COMMENT_REFUSED", { detail: t("comments.refused.reply") });
  const parsed = parseComment({ content: body.content, name: "", email: "", token: "" }, { guest: false });
  if (!parsed.ok) return sendProblem(reply, "UNPROCESSABLE", {}, fieldProblems(parsed.errors, {}, { comment_content: "content" }));
  const result = await postComment(req.db, {
    workId: work.id,
    creatorUserIds: work.creatorUserIds,
    chapterId: parent ? parent.chapter_id : (chapter?.id ?? null),
    parent: parent ? { id: parent.id, user_id: parent.user_id } : null,
    author: { userId: req.viewer.user!.id },
    input: parsed.value,
    held: isHeldForReview(req.viewer, work),
  });
  const stored = (await findComment(req.db, result.id))!;
  // The same text posted again in the same place is the first comment, not a new one (200).
  return reply
    .code(result.created ? 201 : 200)
    .header("location", `${API_PREFIX}/works/${work.id}/comments`)
    .send(commentJson(stored));
}

/**
 * New accounts post comments as slowly through the API as through the form (comments/routes.ts:
 * AO3's 3 per 15 minutes); older accounts only under the API's own limit.
 */
export const newCommenterLimit: ApiLimit = async (req) => {
  const user = req.viewer.user;
  if (!user) return null;
  const created = await accountCreatedAt(req.db, user.id);
  if (created !== undefined && Date.now() - Date.parse(created) >= NEW_ACCOUNT_DAYS * 86_400_000) return null;
  return { key: `comments:user:${user.id}`, max: NEW_ACCOUNT_COMMENTS_PER_WINDOW, windowMs: COMMENT_WINDOW_MS };
};

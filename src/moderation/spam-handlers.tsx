import type { FastifyReply, FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { parseBlockList, SPAM_LIMITS, type SpamRules, setSpamRules, spamRules } from "../model/spam.js";
import { REASON_MAX } from "./sanction-handlers.js";
import { approveHeldComment, approveHeldWork, heldComment, heldComments, heldWork, heldWorks, markCommentSpam, markWorkSpam, type SpamOutcome } from "./spam.js";
import { ConfirmSpamPage, SPAM_QUEUE_PATH, SpamQueuePage, SpamSettingsPage, type SpamSettingsValues, spamKey } from "./views/spam.js";

// The spam queue and its settings (policy & abuse admins): approve a held item, or (after a
// confirmation page, since it bans and hides) mark it spam; and the rule's three settings.

/** GET /admin/spam */
export async function showSpamQueue(req: FastifyRequest, reply: FastifyReply) {
  const [works, comments] = await Promise.all([heldWorks(req.db), heldComments(req.db)]);
  return reply.page(t("spam.queue.heading"), <SpamQueuePage works={works} comments={comments} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, { mainClass: "admin-spam" });
}

function settingsValues(rules: SpamRules): SpamSettingsValues {
  return { new_account_days: String(rules.newAccountDays), max_links: String(rules.maxLinks), block_list: rules.blockList.join("\n") };
}

/** GET /admin/spam/settings */
export async function showSpamSettings(req: FastifyRequest, reply: FastifyReply) {
  const rules = await spamRules(req.db);
  return reply.page(t("spam.settings.heading"), <SpamSettingsPage values={settingsValues(rules)} errors={{}} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, { mainClass: "admin-spam-settings" });
}

function wholeNumberIn(value: string, max: number): number | null {
  return /^\d{1,5}$/.test(value) && Number(value) <= max ? Number(value) : null;
}

/** POST /admin/spam/settings (new_account_days, max_links, block_list) */
export async function saveSpamSettings(req: FastifyRequest, reply: FastifyReply) {
  const values: SpamSettingsValues = { new_account_days: field(req.body, "new_account_days").trim(), max_links: field(req.body, "max_links").trim(), block_list: field(req.body, "block_list") };
  const errors: FieldErrors = {};
  const days = wholeNumberIn(values.new_account_days, SPAM_LIMITS.maxDays);
  if (days === null) errors[spamKey("new_account_days")] = [t("spam.settings.days_invalid", { max: SPAM_LIMITS.maxDays })];
  const links = wholeNumberIn(values.max_links, SPAM_LIMITS.maxLinks);
  if (links === null) errors[spamKey("max_links")] = [t("spam.settings.links_invalid", { max: SPAM_LIMITS.maxLinks })];
  const list = parseBlockList(values.block_list);
  if (list.length > SPAM_LIMITS.maxEntries) errors[spamKey("block_list")] = [t("spam.settings.list_too_long", { max: SPAM_LIMITS.maxEntries })];
  else if (list.some((entry) => entry.length > SPAM_LIMITS.maxEntryLength)) errors[spamKey("block_list")] = [t("spam.settings.entry_too_long", { max: SPAM_LIMITS.maxEntryLength })];
  if (days === null || links === null || Object.keys(errors).length) {
    return reply.page(t("spam.settings.heading"), <SpamSettingsPage values={values} errors={errors} notices={[]} csrf={reply.csrf()} />, { status: 422, mainClass: "admin-spam-settings" });
  }
  await setSpamRules(req.db, { newAccountDays: days, maxLinks: links, blockList: list });
  setFlash(req, reply, [t("spam.settings.saved")]);
  return reply.redirect("/admin/spam/settings", 303);
}

function refusalMessage(outcome: Exclude<SpamOutcome, { ok: true }>): string {
  return t(outcome.refusal === "self" ? "spam.refused_self" : outcome.refusal === "last_superadmin" ? "spam.refused_last_superadmin" : "spam.not_held");
}

/** POST /admin/spam/works/:id/approve */
export async function approveWork(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id || !(await heldWork(req.db, id))) return reply.error("NOT_FOUND");
  const approved = await approveHeldWork(req.db, req.viewer.user!.id, id);
  setFlash(req, reply, [approved ? t("spam.work_approved") : t("spam.not_held")]);
  return reply.redirect(SPAM_QUEUE_PATH, 303);
}

/** POST /admin/spam/comments/:id/approve */
export async function approveComment(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id || !(await heldComment(req.db, id))) return reply.error("NOT_FOUND");
  const approved = await approveHeldComment(req.db, req.viewer.user!.id, id);
  setFlash(req, reply, [approved ? t("spam.comment_approved") : t("spam.not_held")]);
  return reply.redirect(SPAM_QUEUE_PATH, 303);
}

const DEFAULT_REASON = () => t("spam.default_reason");

async function workConfirmation(req: FastifyRequest, reply: FastifyReply, id: number, reason: string, errors: FieldErrors, status = 200) {
  const work = await heldWork(req.db, id);
  if (!work) return reply.error("NOT_FOUND");
  const logins = work.creators.map((c) => c.login).join(", ");
  return reply.page(
    t("spam.confirm.heading"),
    <ConfirmSpamPage what={t("spam.confirm.work", { title: work.title })} consequence={t("spam.confirm.work_consequence", { logins })} action={`${SPAM_QUEUE_PATH}/works/${id}/spam`} reason={reason} errors={errors} csrf={reply.csrf()} />,
    { status },
  );
}

async function commentConfirmation(req: FastifyRequest, reply: FastifyReply, id: number, reason: string, errors: FieldErrors, status = 200) {
  const comment = await heldComment(req.db, id);
  if (!comment) return reply.error("NOT_FOUND");
  const consequence = comment.login ? t("spam.confirm.comment_consequence", { login: comment.login }) : t("spam.confirm.guest_comment_consequence");
  return reply.page(
    t("spam.confirm.heading"),
    <ConfirmSpamPage what={t("spam.confirm.comment", { title: comment.workTitle })} consequence={consequence} action={`${SPAM_QUEUE_PATH}/comments/${id}/spam`} reason={reason} errors={errors} csrf={reply.csrf()} />,
    { status },
  );
}

/** GET /admin/spam/works/:id/confirm_spam */
export async function confirmWorkSpam(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id) return reply.error("NOT_FOUND");
  return workConfirmation(req, reply, id, DEFAULT_REASON(), {});
}

/** GET /admin/spam/comments/:id/confirm_spam */
export async function confirmCommentSpam(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id) return reply.error("NOT_FOUND");
  return commentConfirmation(req, reply, id, DEFAULT_REASON(), {});
}

function checkedReason(req: FastifyRequest): { reason: string; errors: FieldErrors } {
  const reason = field(req.body, "reason").trim();
  const errors: FieldErrors = {};
  if (!reason) errors[spamKey("reason")] = [t("sanctions.admin.reason_required")];
  else if (reason.length > REASON_MAX) errors[spamKey("reason")] = [t("sanctions.admin.reason_too_long", { max: REASON_MAX })];
  return { reason, errors };
}

/** POST /admin/spam/works/:id/spam (reason): bans its writers, hides their works. */
export async function markWork(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id || !(await heldWork(req.db, id))) return reply.error("NOT_FOUND");
  const { reason, errors } = checkedReason(req);
  if (Object.keys(errors).length) return workConfirmation(req, reply, id, reason, errors, 422);
  const outcome = await markWorkSpam(req.db, req.viewer.user!.id, id, reason);
  if (!outcome.ok) return workConfirmation(req, reply, id, reason, { [spamKey("reason")]: [refusalMessage(outcome)] }, 422);
  setFlash(req, reply, [t("spam.work_marked")]);
  return reply.redirect(SPAM_QUEUE_PATH, 303);
}

/** POST /admin/spam/comments/:id/spam (reason): deletes it, bans its writer and hides their works. */
export async function markComment(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  if (!id || !(await heldComment(req.db, id))) return reply.error("NOT_FOUND");
  const { reason, errors } = checkedReason(req);
  if (Object.keys(errors).length) return commentConfirmation(req, reply, id, reason, errors, 422);
  const outcome = await markCommentSpam(req.db, req.viewer.user!.id, id, reason);
  if (!outcome.ok) return commentConfirmation(req, reply, id, reason, { [spamKey("reason")]: [refusalMessage(outcome)] }, 422);
  setFlash(req, reply, [t("spam.comment_marked")]);
  return reply.redirect(SPAM_QUEUE_PATH, 303);
}

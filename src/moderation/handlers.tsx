import type { FastifyReply, FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, pageParam, parseId, queryParam, safeReturnPath } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { cleanSubmittedText } from "../platform/http/forms-parser.js";
import { chaptersShown, chaptersOf, findWork, tagsOfWork, type Work } from "../model/works.js";
import { parseWorkTags, readWorkTagsForm, valuesFromWork, type WorkTagFormValues } from "../works/index.js";
import { auditLogOfWork } from "./audit.js";
import { deleteWorkAsAdmin, editWorkTagsAsAdmin, hideWork, unhideWork } from "./commands.js";
import { adminWorkPath, adminWorksPath } from "./paths.js";
import { listHiddenWorks } from "./queries.js";
import { AdminTagsPage, AdminWorkPage, ConfirmAdminDeletePage, HiddenWorksPage, REASON_MAX, WorkGonePage } from "./views/work-admin.js";

// The policy admins' pages about works (routes.ts): each handler reads viewer (the route's guard
// checked the role) → the work (a page saying it is gone when it is) → the form → the command (one
// transaction with its audit entry) → 303 back where the admin came from, or to the work's page.

/**
 * Where to go after an action: the `return_to` a form (or link) carried, when it is a path on this
 * archive; "" when there is none or it is anything else (another site).
 */
function returnToOf(req: FastifyRequest): string {
  const raw = field(req.body, "return_to") || queryParam(req, "return_to");
  return raw && safeReturnPath(raw) === raw ? raw : "";
}

/** The admin's reason as typed, and a problem with it: required for a hide, never longer than REASON_MAX. */
function readReason(req: FastifyRequest, required: boolean): { reason: string; errors: FieldErrors } {
  const reason = cleanSubmittedText(field(req.body, "reason")).trim();
  const errors: FieldErrors = {};
  if (required && !reason) errors.reason = [t("moderation.reason_required")];
  else if (reason.length > REASON_MAX) errors.reason = [t("form.too_long", { field: t("moderation.works.reason"), max: REASON_MAX, length: reason.length })];
  return { reason, errors };
}

/** The page for a work id that names no work: it may have been deleted (by another admin, or its creator). Nothing was changed. */
async function workGone(req: FastifyRequest, reply: FastifyReply, workId: number) {
  const audit = await auditLogOfWork(req.db, workId);
  return reply.page(t("moderation.gone.heading", { id: workId }), <WorkGonePage workId={workId} audit={audit} returnTo={returnToOf(req)} />, { status: 404, mainClass: "admin" });
}

/** The work behind `:id`, whatever its visibility (admins act on drafts and hidden works too); the gone page otherwise. */
async function adminWork(req: FastifyRequest, reply: FastifyReply): Promise<Work | undefined> {
  const id = idParam(req, "id");
  if (!id) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  const work = await findWork(req.db, id);
  if (!work) {
    await workGone(req, reply, id);
    return undefined;
  }
  return work;
}

async function renderAdminWork(req: FastifyRequest, reply: FastifyReply, work: Work, form: { reason: string; errors: FieldErrors }, status = 200) {
  const [tags, chapters, audit] = await Promise.all([tagsOfWork(req.db, work.id), chaptersOf(req.db, work.id), auditLogOfWork(req.db, work.id)]);
  return reply.page(
    t("moderation.work_page_title", { title: work.title }),
    <AdminWorkPage
      work={work}
      tags={tags}
      postedChapters={chaptersShown(work, chapters).length}
      audit={audit}
      csrf={reply.csrf()}
      notices={status === 200 ? takeFlash(req, reply) : []}
      reason={form.reason}
      errors={form.errors}
      returnTo={returnToOf(req)}
    />,
    { status, mainClass: "admin" },
  );
}

/** `GET /admin/works`: the hidden works; `?id=N` goes to work N's admin page. */
export async function showAdminWorks(req: FastifyRequest, reply: FastifyReply) {
  const typed = queryParam(req, "id").trim();
  if (typed) {
    const id = parseId(typed);
    if (id) return reply.redirect(adminWorkPath(id), 303);
  }
  const page = pageParam(req);
  const { total, works } = await listHiddenWorks(req.db, page);
  const idError = typed ? t("moderation.works.bad_id", { id: typed }) : undefined;
  return reply.page(t("moderation.works.heading"), <HiddenWorksPage total={total} works={works} page={page} idValue={typed} idError={idError} notices={typed ? [] : takeFlash(req, reply)} />, { status: typed ? 400 : 200, mainClass: "admin" });
}

/** `GET /admin/works/:id`: the work, its audit log and the actions. */
export async function showAdminWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  return renderAdminWork(req, reply, work, { reason: "", errors: {} });
}

/** After an action: its flash line, then back. */
function done(req: FastifyRequest, reply: FastifyReply, fallback: string, line: string) {
  setFlash(req, reply, [line]);
  return reply.redirect(returnToOf(req) || fallback, 303);
}

/** `POST /admin/works/:id/hide` (`reason`, required): only its creators and admins see it from now on; they are mailed why. */
export async function hideWorkAction(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  const form = readReason(req, true);
  if (Object.keys(form.errors).length) return renderAdminWork(req, reply, work, form, 422);
  const outcome = await hideWork(req.db, req.viewer, work.id, form.reason);
  if (outcome === "missing") return workGone(req, reply, work.id);
  return done(req, reply, adminWorkPath(work.id), outcome === "changed" ? t("moderation.flash.hidden") : t("moderation.flash.already_hidden"));
}

/** `POST /admin/works/:id/unhide` (`reason` optional): visible again to everyone who may see it. */
export async function unhideWorkAction(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  const form = readReason(req, false);
  if (Object.keys(form.errors).length) return renderAdminWork(req, reply, work, form, 422);
  const outcome = await unhideWork(req.db, req.viewer, work.id, form.reason);
  if (outcome === "missing") return workGone(req, reply, work.id);
  return done(req, reply, adminWorkPath(work.id), outcome === "changed" ? t("moderation.flash.unhidden") : t("moderation.flash.not_hidden"));
}

/** `GET /admin/works/:id/delete`: the confirmation page. */
export async function showAdminDeleteWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  return reply.page(t("moderation.delete_title", { title: work.title }), <ConfirmAdminDeletePage work={work} csrf={reply.csrf()} reason="" errors={{}} returnTo={returnToOf(req)} />, { mainClass: "admin" });
}

/** `POST /admin/works/:id/delete` (`reason`): deleted as its creator would delete it, recorded with what it was. */
export async function deleteWorkAction(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  const form = readReason(req, false);
  if (Object.keys(form.errors).length) {
    return reply.page(t("moderation.delete_title", { title: work.title }), <ConfirmAdminDeletePage work={work} csrf={reply.csrf()} reason={form.reason} errors={form.errors} returnTo={returnToOf(req)} />, { status: 422, mainClass: "admin" });
  }
  const outcome = await deleteWorkAsAdmin(req.db, req.viewer, work.id, form.reason);
  if (outcome === "missing") return workGone(req, reply, work.id);
  // Back where the admin came from, unless that was a page of the work just deleted.
  const back = returnToOf(req);
  const aboutThisWork = new RegExp(`^/(admin/)?works/${work.id}(?:[/?#]|$)`).test(back);
  setFlash(req, reply, [t("moderation.flash.deleted", { title: work.title })]);
  return reply.redirect(back && !aboutThisWork ? back : adminWorksPath(), 303);
}

function tagValuesOf(values: WorkTagFormValues): WorkTagFormValues {
  return { rating: values.rating, warnings: values.warnings, categories: values.categories, tags: values.tags };
}

/** `GET /admin/works/:id/tags`: the work's tags as a form. */
export async function showAdminWorkTags(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  const values = tagValuesOf(valuesFromWork(work, await tagsOfWork(req.db, work.id)));
  return reply.page(t("moderation.tags.title", { title: work.title }), <AdminTagsPage work={work} values={values} reason="" errors={{}} csrf={reply.csrf()} returnTo={returnToOf(req)} />, { mainClass: "admin" });
}

/** `POST /admin/works/:id/tags`: the work's new tags (the work form's rules, without the user-tag limit), recorded before and after. */
export async function saveAdminWorkTags(req: FastifyRequest, reply: FastifyReply) {
  const work = await adminWork(req, reply);
  if (!work) return;
  const values = readWorkTagsForm(req.body);
  const form = readReason(req, false);
  const parsed = parseWorkTags(values, { isAdmin: true }, { ...form.errors });
  if (!parsed.ok) {
    return reply.page(t("moderation.tags.title", { title: work.title }), <AdminTagsPage work={work} values={values} reason={form.reason} errors={parsed.errors} csrf={reply.csrf()} returnTo={returnToOf(req)} />, {
      status: 422,
      mainClass: "admin",
    });
  }
  const outcome = await editWorkTagsAsAdmin(req.db, req.viewer, work.id, parsed.value, form.reason);
  if (outcome === "missing") return workGone(req, reply, work.id);
  return done(req, reply, adminWorkPath(work.id), t("moderation.flash.tags_saved"));
}

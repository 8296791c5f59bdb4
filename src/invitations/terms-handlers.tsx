import type { FastifyReply, FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { queryParam, safeReturnPath } from "../platform/http/routes.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { t } from "../platform/i18n/index.js";
import { countIn } from "./commands.js";
import { MINIMUM_AGE_LIMITS, minimumAge, setMinimumAge } from "./settings.js";
import { acceptanceCount, acceptTerms, currentTerms, pendingTermsVersion, publishTerms } from "./terms.js";
import { ACCEPT_FIELD, AcceptTermsPage, AdminTermsPage } from "./views/terms.js";
import { TermsDocumentPage } from "./views/terms.js";

/** `/tos`: the archive's terms of service. */
export async function showTos(req: FastifyRequest, reply: FastifyReply) {
  const terms = await currentTerms(req.db);
  return reply.page(t("terms.tos"), <TermsDocumentPage heading={t("terms.tos")} terms={terms} text={terms.tos} />, { mainClass: "terms-tos" });
}

/** `/privacy`: the archive's privacy policy. */
export async function showPrivacy(req: FastifyRequest, reply: FastifyReply) {
  const terms = await currentTerms(req.db);
  return reply.page(t("terms.privacy"), <TermsDocumentPage heading={t("terms.privacy")} terms={terms} text={terms.privacy} />, { mainClass: "terms-privacy" });
}

async function acceptPage(req: FastifyRequest, reply: FastifyReply, returnTo: string, errors: FieldErrors, options: { status?: number; notice?: string } = {}) {
  const terms = await currentTerms(req.db);
  return reply.page(t("terms.accept.heading"), <AcceptTermsPage terms={terms} returnTo={returnTo} errors={errors} notice={options.notice} csrf={reply.csrf()} />, { status: options.status, mainClass: "terms-accept" });
}

/** `/terms/accept`: where a user with new terms to accept is sent; with nothing to accept, on to where they were going. */
export async function showAcceptTerms(req: FastifyRequest, reply: FastifyReply) {
  const returnTo = safeReturnPath(queryParam(req, "return_to"));
  if ((await pendingTermsVersion(req.db, req.viewer.user!.id)) === null) return reply.redirect(returnTo, 303);
  return acceptPage(req, reply, returnTo, {});
}

/**
 * Accepts the version the page showed. When it is no longer the newest (an admin published
 * another while the user read), the page shows the new one instead of accepting text unseen.
 */
export async function postAcceptTerms(req: FastifyRequest, reply: FastifyReply) {
  const returnTo = safeReturnPath(field(req.body, "return_to"));
  const pending = await pendingTermsVersion(req.db, req.viewer.user!.id);
  if (pending === null) return reply.redirect(returnTo, 303);
  if (field(req.body, "terms[version]") !== String(pending)) return acceptPage(req, reply, returnTo, {}, { status: 409, notice: t("terms.accept.changed_again") });
  if (field(req.body, ACCEPT_FIELD) !== "1") return acceptPage(req, reply, returnTo, { [ACCEPT_FIELD]: [t("terms.accept.required")] }, { status: 422 });
  await acceptTerms(req.db, req.viewer.user!.id, pending);
  return reply.redirect(returnTo, 303);
}

async function adminPage(req: FastifyRequest, reply: FastifyReply, typed: { form?: { tos: string; privacy: string }; minimumAge?: string }, errors: FieldErrors, status = 200) {
  const [terms, age] = await Promise.all([currentTerms(req.db), minimumAge(req.db)]);
  const accepted = terms.version ? await acceptanceCount(req.db, terms.version) : 0;
  const form = typed.form ?? (terms.publishedAt ? { tos: htmlToTextarea(terms.tos), privacy: htmlToTextarea(terms.privacy) } : { tos: "", privacy: "" });
  return reply.page(
    t("terms.admin.heading"),
    <AdminTermsPage terms={terms} accepted={accepted} form={form} minimumAge={typed.minimumAge ?? String(age)} errors={errors} notices={takeFlash(req, reply)} csrf={reply.csrf()} />,
    { status, mainClass: "admin terms-admin" },
  );
}

/** `/admin/terms` (superadmin). */
export async function showAdminTerms(req: FastifyRequest, reply: FastifyReply) {
  return adminPage(req, reply, {}, {});
}

/** Publishes a new version: every other user accepts it at their next page. */
export async function postTerms(req: FastifyRequest, reply: FastifyReply) {
  const form = { tos: field(req.body, "terms[tos]"), privacy: field(req.body, "terms[privacy]") };
  const published = await publishTerms(req.db, req.viewer.user!.id, form);
  if (!published.ok) return adminPage(req, reply, { form }, published.errors, 422);
  setFlash(req, reply, [published.version === null ? t("terms.admin.unchanged") : t("terms.admin.published", { version: published.version })]);
  return reply.redirect("/admin/terms", 303);
}

/** Sets the minimum age sign-up asks people to confirm. */
export async function postMinimumAge(req: FastifyRequest, reply: FastifyReply) {
  const typed = field(req.body, "terms[minimum_age]").trim();
  const age = countIn(typed, MINIMUM_AGE_LIMITS.min, MINIMUM_AGE_LIMITS.max);
  if (age === null) return adminPage(req, reply, { minimumAge: typed }, { "terms[minimum_age]": [t("invitations.admin.range", { min: MINIMUM_AGE_LIMITS.min, max: MINIMUM_AGE_LIMITS.max })] }, 422);
  await setMinimumAge(req.db, age);
  setFlash(req, reply, [t("terms.admin.age_saved", { age })]);
  return reply.redirect("/admin/terms", 303);
}

import type { FastifyReply, FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, queryParam, safeReturnPath } from "../platform/http/routes.js";
import { noticesPath } from "../platform/http/sanction-page.js";
import { hasRole } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import type { UserRow } from "../platform/db/tables.js";
import { findUserByLogin } from "../model/users.js";
import { auditLogOfUser } from "./audit.js";
import { findUsers, userAccount, warningsOf } from "./sanction-queries.js";
import { dismissWarning, liftSanction, MAX_SUSPENSION_DAYS, type SanctionRefusal, sanctionUser, warnUser } from "./sanctions.js";
import { key } from "./views/form-fields.js";
import { AdminUserPage, adminUserPath, emptyForms, FORM_ERROR, NoticesPage, type SanctionForms, UserSearchPage } from "./views/sanctions.js";

// The admins' users pages (find an account; one account with its standing, actions and audit log)
// and the user's own notices page. Every action: viewer → the account (404) → guard (the route
// table: policy & abuse) → validate (the page again with what was typed) → command (one
// transaction, audited) → 303 to the page that sent the form (`return_to`) or the account's page.

/** The longest reason an admin may give (it is mailed and shown to the user). */
export const REASON_MAX = 2000;

function loginParam(req: FastifyRequest): string {
  return (req.params as { login?: string }).login ?? "";
}

/** The account behind `:login`, or a 404 sent. */
async function accountOf(req: FastifyRequest, reply: FastifyReply): Promise<UserRow | undefined> {
  const user = await findUserByLogin(req.db, loginParam(req));
  if (!user) reply.error("NOT_FOUND");
  return user;
}

/** The local path a form asked to come back to (another admin page's), or "" for the account's own page. */
function returnToOf(req: FastifyRequest): string {
  const value = field(req.body, "return_to").trim();
  if (!value) return "";
  const safe = safeReturnPath(value);
  return safe === value ? safe : "";
}

async function renderAccount(req: FastifyRequest, reply: FastifyReply, user: UserRow, state: { forms?: SanctionForms; errors?: FieldErrors; status?: number; returnTo?: string } = {}) {
  const [account, audit] = await Promise.all([userAccount(req.db, user), auditLogOfUser(req.db, user.id)]);
  return reply.page(
    t("sanctions.admin.account_title", { login: user.login }),
    <AdminUserPage
      account={account}
      audit={audit}
      canAct={hasRole(req.viewer, "policy_and_abuse")}
      forms={state.forms ?? emptyForms()}
      errors={state.errors ?? {}}
      returnTo={state.returnTo ?? ""}
      notices={takeFlash(req, reply)}
      csrf={reply.csrf()}
    />,
    { status: state.status ?? 200, mainClass: "admin-user" },
  );
}

/** GET /admin/users?query=: accounts whose login or email holds the text. */
export async function showUserSearch(req: FastifyRequest, reply: FastifyReply) {
  const query = queryParam(req, "query").slice(0, 200);
  const results = query.trim() ? await findUsers(req.db, query) : [];
  return reply.page(t("sanctions.admin.users_heading"), <UserSearchPage query={query} results={results} searched={query.trim() !== ""} />, { mainClass: "admin-users" });
}

/** GET /admin/users/:login */
export async function showAdminUser(req: FastifyRequest, reply: FastifyReply) {
  const user = await accountOf(req, reply);
  if (!user) return;
  return renderAccount(req, reply, user);
}

function checkReason(form: string, value: string, required: boolean, errors: FieldErrors): void {
  if (required && !value) errors[key(form, "reason")] = [t("sanctions.admin.reason_required")];
  else if (value.length > REASON_MAX) errors[key(form, "reason")] = [t("sanctions.admin.reason_too_long", { max: REASON_MAX })];
}

function checkYesNo(form: string, name: string, value: string, errors: FieldErrors): void {
  if (value !== "yes" && value !== "no") errors[key(form, name)] = [t("sanctions.admin.choose_yes_or_no")];
}

function refusalMessage(refusal: SanctionRefusal | "nothing_to_lift"): string {
  return t(refusal === "self" ? "sanctions.admin.refused_self" : refusal === "last_superadmin" ? "sanctions.admin.refused_last_superadmin" : "sanctions.admin.nothing_to_lift");
}

/** After an action: the page that sent the form, or the account's page, with what was done. */
function done(req: FastifyRequest, reply: FastifyReply, user: UserRow, returnTo: string, notice: string) {
  setFlash(req, reply, [notice]);
  return reply.redirect(returnTo || adminUserPath(user.login), 303);
}

/** POST /admin/users/:login/warn (reason) */
export async function postWarn(req: FastifyRequest, reply: FastifyReply) {
  const user = await accountOf(req, reply);
  if (!user) return;
  const forms = emptyForms();
  forms.warn.reason = field(req.body, "reason").trim();
  const returnTo = returnToOf(req);
  const errors: FieldErrors = {};
  checkReason("warn", forms.warn.reason, true, errors);
  if (Object.keys(errors).length) return renderAccount(req, reply, user, { forms, errors, status: 422, returnTo });
  await warnUser(req.db, req.viewer.user!.id, user.id, forms.warn.reason);
  return done(req, reply, user, returnTo, t("sanctions.admin.warned", { login: user.login }));
}

/** POST /admin/users/:login/suspend (days, reason, hide_works) */
export async function postSuspend(req: FastifyRequest, reply: FastifyReply) {
  const user = await accountOf(req, reply);
  if (!user) return;
  const forms = emptyForms();
  forms.suspend = { days: field(req.body, "days").trim(), reason: field(req.body, "reason").trim(), hide_works: field(req.body, "hide_works") || "no" };
  const returnTo = returnToOf(req);
  const errors: FieldErrors = {};
  const days = /^\d{1,5}$/.test(forms.suspend.days) ? Number(forms.suspend.days) : Number.NaN;
  if (!(days >= 1 && days <= MAX_SUSPENSION_DAYS)) errors[key("suspend", "days")] = [t("sanctions.admin.days_invalid", { max: MAX_SUSPENSION_DAYS })];
  checkReason("suspend", forms.suspend.reason, true, errors);
  checkYesNo("suspend", "hide_works", forms.suspend.hide_works, errors);
  if (Object.keys(errors).length) return renderAccount(req, reply, user, { forms, errors, status: 422, returnTo });
  const outcome = await sanctionUser(req.db, req.viewer.user!.id, user.id, { kind: "suspended", days, reason: forms.suspend.reason, hideWorks: forms.suspend.hide_works === "yes" });
  if (!outcome.ok) return renderAccount(req, reply, user, { forms, errors: { [key("suspend", FORM_ERROR)]: [refusalMessage(outcome.refusal)] }, status: 422, returnTo });
  return done(req, reply, user, returnTo, t("sanctions.admin.suspended", { login: user.login, days, count: outcome.hidden.length }));
}

/** POST /admin/users/:login/ban (reason, hide_works) */
export async function postBan(req: FastifyRequest, reply: FastifyReply) {
  const user = await accountOf(req, reply);
  if (!user) return;
  const forms = emptyForms();
  forms.ban = { reason: field(req.body, "reason").trim(), hide_works: field(req.body, "hide_works") || "no" };
  const returnTo = returnToOf(req);
  const errors: FieldErrors = {};
  checkReason("ban", forms.ban.reason, true, errors);
  checkYesNo("ban", "hide_works", forms.ban.hide_works, errors);
  if (Object.keys(errors).length) return renderAccount(req, reply, user, { forms, errors, status: 422, returnTo });
  const outcome = await sanctionUser(req.db, req.viewer.user!.id, user.id, { kind: "banned", reason: forms.ban.reason, hideWorks: forms.ban.hide_works === "yes" });
  if (!outcome.ok) return renderAccount(req, reply, user, { forms, errors: { [key("ban", FORM_ERROR)]: [refusalMessage(outcome.refusal)] }, status: 422, returnTo });
  return done(req, reply, user, returnTo, t("sanctions.admin.banned", { login: user.login, count: outcome.hidden.length }));
}

/** POST /admin/users/:login/lift (reason, unhide_works) */
export async function postLift(req: FastifyRequest, reply: FastifyReply) {
  const user = await accountOf(req, reply);
  if (!user) return;
  const forms = emptyForms();
  forms.lift = { reason: field(req.body, "reason").trim(), unhide_works: field(req.body, "unhide_works") || "yes" };
  const returnTo = returnToOf(req);
  const errors: FieldErrors = {};
  checkReason("lift", forms.lift.reason, false, errors);
  checkYesNo("lift", "unhide_works", forms.lift.unhide_works, errors);
  if (Object.keys(errors).length) return renderAccount(req, reply, user, { forms, errors, status: 422, returnTo });
  const outcome = await liftSanction(req.db, req.viewer.user!.id, user.id, { reason: forms.lift.reason, unhideWorks: forms.lift.unhide_works === "yes" });
  if (!outcome.ok) return renderAccount(req, reply, user, { forms, errors: { [key("lift", FORM_ERROR)]: [refusalMessage(outcome.refusal)] }, status: 422, returnTo });
  return done(req, reply, user, returnTo, t("sanctions.admin.lifted", { login: user.login, count: outcome.unhidden }));
}

/** The viewer's own account behind `:login` (a notices page is its owner's alone: 404 for anyone else). */
function ownLogin(req: FastifyRequest, reply: FastifyReply): boolean {
  const viewer = req.viewer.user;
  if (!viewer || viewer.login.toLowerCase() !== loginParam(req).normalize("NFKC").toLowerCase()) {
    reply.error("NOT_FOUND");
    return false;
  }
  return true;
}

/** GET /users/:login/notices: the user's standing (why and until when) and the admins' warnings. */
export async function showNotices(req: FastifyRequest, reply: FastifyReply) {
  if (!ownLogin(req, reply)) return;
  const user = req.viewer.user!;
  const warnings = await warningsOf(req.db, user.id);
  return reply.page(t("sanctions.notices.heading"), <NoticesPage login={user.login} sanction={user.sanction ?? null} warnings={warnings} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, { mainClass: "notices" });
}

/** POST /users/:login/notices/:id/dismiss */
export async function dismissNotice(req: FastifyRequest, reply: FastifyReply) {
  if (!ownLogin(req, reply)) return;
  const user = req.viewer.user!;
  const id = idParam(req, "id");
  if (!id || !(await dismissWarning(req.db, user.id, id))) return reply.error("NOT_FOUND");
  setFlash(req, reply, [t("sanctions.notices.dismissed")]);
  return reply.redirect(noticesPath(user.login), 303);
}

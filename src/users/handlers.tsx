import type { FastifyReply, FastifyRequest } from "fastify";
import { signupMode } from "../model/archive-settings.js";
import { field } from "../platform/http/forms-parser.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { queryParam, safeReturnPath } from "../platform/http/routes.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { t } from "../platform/i18n/index.js";
import { changeEmail, changePassword, createPseud, deletePseud, type LoginClient, type LogInOutcome, passwordLogIn, type PseudInput, secondFactorLogIn, signUp, updateProfile, updatePseud } from "./commands.js";
import { pseudPath, userPath } from "../model/paths.js";
import { findPseud, findUserByLogin, pseudsOf } from "../model/users.js";
import type { UserRow } from "../platform/db/tables.js";
import type { FieldErrors } from "../platform/http/components.js";
import { readSignupForm } from "./schema.js";
import { invitationForSignup, minimumAge } from "../invitations/index.js";
import { endOtherSessions, endSession, startSession } from "./sessions.js";
import { recentLogins } from "./throttle.js";
import { beginTotpSetup, disableTotp, enableTotp, acceptSecondFactor, otpauthUri, recoveryCodesLeft, renewRecoveryCodes, totpOf } from "./two-factor.js";
import { verifyPassword } from "./passwords.js";
import { AccountPage, DeletePseudPage, EditProfilePage, EditPseudPage, LoginPage, LogoutPage, NewPseudPage, ProfilePage, PseudPage, RecoveryCodesPage, SecondFactorStepPage, SignupClosedPage, SignupPage, TwoFactorPage } from "./views/pages.js";

/** Starts a fresh session: any old session id is dropped, so a fixed session can't be hijacked. */
export async function logIn(req: FastifyRequest, reply: FastifyReply, userId: number) {
  if (req.viewer.sessionId) await endSession(req.db, req.viewer.sessionId);
  const token = await startSession(req.db, userId, req.config.sessionDays);
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: req.config.publicUrl.startsWith("https:"),
    maxAge: req.config.sessionDays * 86_400,
  });
  reply.rotateCsrf();
}

/** The log-in page; `?restricted=true` (where a registered-only work sends a guest) says why, as AO3 does. */
export async function showLoginPage(req: FastifyRequest, reply: FastifyReply) {
  const notice = queryParam(req, "restricted") === "true" ? t("users.restricted_log_in") : undefined;
  return reply.page(t("users.log_in"), <LoginPage login="" returnTo={safeReturnPath(queryParam(req, "return_to"))} errors={{}} csrf={reply.csrf()} notice={notice} />, { mainClass: "sessions-new" });
}

/** The client of a request as the account's log-in log records it. */
function clientOf(req: FastifyRequest): LoginClient {
  return { address: req.ip, userAgent: String(req.headers["user-agent"] ?? "") };
}

/** The message for an attempt refused or failed, beside the field it is about. */
function refusal(outcome: Exclude<LogInOutcome, { kind: "ok" | "second_factor" }>): { message: string; status: number; retryAfter?: number } {
  if (outcome.kind === "wrong") return { message: t("users.login.invalid"), status: 401 };
  const seconds = Math.max(1, Math.ceil((Date.parse(outcome.until) - Date.now()) / 1000));
  if (outcome.kind === "locked") return { message: t("users.login.locked", { minutes: Math.ceil(seconds / 60) }), status: 429, retryAfter: seconds };
  return { message: t("users.login.too_soon", { seconds }), status: 429, retryAfter: seconds };
}

export async function logInUser(req: FastifyRequest, reply: FastifyReply) {
  const login = field(req.body, "user[login]").trim();
  const returnTo = safeReturnPath(field(req.body, "return_to"));
  const outcome: LogInOutcome = login ? await passwordLogIn(req.db, login, field(req.body, "user[password]"), clientOf(req)) : { kind: "wrong" };
  if (outcome.kind === "second_factor") {
    startSecondFactorStep(req, reply, outcome.userId);
    return reply.redirect(`/users/login/two_factor?return_to=${encodeURIComponent(returnTo)}`, 303);
  }
  if (outcome.kind !== "ok") {
    const { message, status, retryAfter } = refusal(outcome);
    if (retryAfter) reply.header("retry-after", String(retryAfter));
    const errors = { "user[login]": [message] };
    return reply.page(t("users.log_in"), <LoginPage login={login} returnTo={returnTo} errors={errors} csrf={reply.csrf()} />, { status, mainClass: "sessions-new" });
  }
  await logIn(req, reply, outcome.userId);
  return reply.redirect(returnTo, 303);
}

/**
 * Between a right password and the second factor the browser holds only this: a signed cookie
 * naming the account and when the step runs out. It is no session; nothing but the code form
 * reads it.
 */
const SECOND_FACTOR_COOKIE = "fanfold_2fa";
const SECOND_FACTOR_PATH = "/users/login";
const SECOND_FACTOR_MS = 5 * 60_000;

function startSecondFactorStep(req: FastifyRequest, reply: FastifyReply, userId: number): void {
  reply.setCookie(SECOND_FACTOR_COOKIE, `${userId}.${Date.now() + SECOND_FACTOR_MS}`, {
    path: SECOND_FACTOR_PATH,
    httpOnly: true,
    sameSite: "lax",
    secure: req.config.publicUrl.startsWith("https:"),
    signed: true,
    maxAge: SECOND_FACTOR_MS / 1000,
  });
}

/** The account waiting for its second factor in this browser, or null (none, forged or run out). */
function secondFactorUser(req: FastifyRequest): number | null {
  const raw = req.cookies[SECOND_FACTOR_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  const match = unsigned.valid && unsigned.value ? /^(\d{1,10})\.(\d{1,16})$/.exec(unsigned.value) : null;
  if (!match || Number(match[2]) < Date.now()) return null;
  return Number(match[1]);
}

function endSecondFactorStep(reply: FastifyReply): void {
  reply.clearCookie(SECOND_FACTOR_COOKIE, { path: SECOND_FACTOR_PATH });
}

export async function showSecondFactorStep(req: FastifyRequest, reply: FastifyReply) {
  const returnTo = safeReturnPath(queryParam(req, "return_to"));
  if (secondFactorUser(req) === null) return reply.redirect(`/users/login?return_to=${encodeURIComponent(returnTo)}`, 303);
  return reply.page(t("users.two_factor.step_title"), <SecondFactorStepPage returnTo={returnTo} errors={{}} csrf={reply.csrf()} />, { mainClass: "sessions-new" });
}

export async function checkSecondFactor(req: FastifyRequest, reply: FastifyReply) {
  const returnTo = safeReturnPath(field(req.body, "return_to"));
  const userId = secondFactorUser(req);
  if (userId === null) {
    const errors = { "user[login]": [t("users.two_factor.step_expired")] };
    return reply.page(t("users.log_in"), <LoginPage login="" returnTo={returnTo} errors={errors} csrf={reply.csrf()} />, { status: 401, mainClass: "sessions-new" });
  }
  const outcome = await secondFactorLogIn(req.db, userId, field(req.body, "code"), clientOf(req));
  if (outcome.kind === "ok") {
    endSecondFactorStep(reply);
    await logIn(req, reply, outcome.userId);
    return reply.redirect(returnTo, 303);
  }
  if (outcome.kind === "second_factor") throw new Error("a second factor cannot ask for another");
  const { message, status, retryAfter } = refusal(outcome);
  if (retryAfter) reply.header("retry-after", String(retryAfter));
  // A locked account starts again from the password once the lock is over.
  if (outcome.kind === "locked") endSecondFactorStep(reply);
  const shown = outcome.kind === "wrong" ? t("users.two_factor.code_wrong") : message;
  return reply.page(t("users.two_factor.step_title"), <SecondFactorStepPage returnTo={returnTo} errors={{ code: [shown] }} csrf={reply.csrf()} />, { status, mainClass: "sessions-new" });
}

/**
 * GET /users/logout: "are you sure?" with the button that logs out (a POST with the CSRF token),
 * as AO3 does, so the header's plain "Log out" link works without JavaScript and a link someone
 * else sends cannot log a reader out. A guest has nothing to log out of.
 */
export async function showLogoutPage(req: FastifyRequest, reply: FastifyReply) {
  if (!req.viewer.user) return reply.redirect("/", 303);
  return reply.page(t("nav.logout"), <LogoutPage csrf={reply.csrf()} />, { mainClass: "sessions-destroy" });
}

export async function logOutUser(req: FastifyRequest, reply: FastifyReply) {
  if (req.viewer.sessionId) await endSession(req.db, req.viewer.sessionId);
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
  reply.rotateCsrf();
  return reply.redirect("/", 303);
}

/** `{"token": "…"}`: the CSRF token readers' tools (FanFicFare) fetch before logging in. */
export async function showTokenDispenser(_req: FastifyRequest, reply: FastifyReply) {
  return reply.header("cache-control", "no-store").send({ token: reply.csrf() });
}

/** The sign-up form, its invitation code filled in from an invitation's link (and its address, when it was sent to one). */
export async function showSignupPage(req: FastifyRequest, reply: FastifyReply) {
  const mode = await signupMode(req.db);
  if (mode === "closed") return reply.page(t("nav.signup"), <SignupClosedPage />);
  const code = queryParam(req, "invitation_token").trim().slice(0, 200);
  const invitation = mode === "invitation" ? await invitationForSignup(req.db, code) : undefined;
  const values = { login: "", email: invitation?.inviteeEmail ?? "", invitationCode: code, acceptedTos: false, acceptedPrivacy: false, ageConfirmed: false };
  return reply.page(t("nav.signup"), <SignupPage values={values} needsInvitation={mode === "invitation"} minimumAge={await minimumAge(req.db)} errors={{}} csrf={reply.csrf()} />, { mainClass: "users-new" });
}

export async function signUpUser(req: FastifyRequest, reply: FastifyReply) {
  const mode = await signupMode(req.db);
  if (mode === "closed") return reply.page(t("nav.signup"), <SignupClosedPage />, { status: 403 });
  const form = readSignupForm(req.body);
  const result = await signUp(req.db, form, mode);
  if (!result.ok) {
    return reply.page(t("nav.signup"), <SignupPage values={form} needsInvitation={mode === "invitation"} minimumAge={await minimumAge(req.db)} errors={result.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "users-new" });
  }
  await logIn(req, reply, result.value.id);
  return reply.redirect(`/users/${encodeURIComponent(form.login)}`, 303);
}

/** The user named in the URL, or a 404 page. */
export async function userFromUrl(req: FastifyRequest, reply: FastifyReply) {
  const login = (req.params as { login: string }).login;
  const user = await findUserByLogin(req.db, login);
  if (!user) reply.error("NOT_FOUND");
  return user;
}

/** The user named in the URL when it is the viewer (their own settings pages). */
async function selfFromUrl(req: FastifyRequest, reply: FastifyReply) {
  const user = await userFromUrl(req, reply);
  if (user && user.id !== req.viewer.user?.id) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return user;
}

/** The account page with its forms and the account's log-in log. */
async function accountPage(req: FastifyRequest, reply: FastifyReply, user: UserRow, form: { email: string; errors: FieldErrors; notice?: string; status?: number }) {
  const [logins, totp] = await Promise.all([recentLogins(req.db, user.id), totpOf(req.db, user.id)]);
  return reply.page(
    t("users.account_settings"),
    <AccountPage user={user} email={form.email} errors={form.errors} notice={form.notice} logins={logins} twoFactorOn={totp?.enabled === true} csrf={reply.csrf()} />,
    { status: form.status },
  );
}

export async function showAccountPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const notice = queryParam(req, "saved") === "password" ? t("users.your_password_was_changed") : queryParam(req, "saved") === "email" ? t("users.your_email_was_changed") : undefined;
  return accountPage(req, reply, user, { email: user.email, errors: {}, notice });
}

export async function savePassword(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const result = await changePassword(req.db, user.id, field(req.body, "current_password"), field(req.body, "user[password]"), field(req.body, "user[password_confirmation]"));
  if (!result.ok) return accountPage(req, reply, user, { email: user.email, errors: result.errors, status: 422 });
  // A changed password should lock out anyone holding an older session.
  await endOtherSessions(req.db, user.id, req.viewer.sessionId);
  return reply.redirect(`/users/${encodeURIComponent(user.login)}/edit?saved=password`, 303);
}

export async function saveEmail(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const email = field(req.body, "user[email]").trim();
  const result = await changeEmail(req.db, user.id, field(req.body, "email_password"), email);
  if (!result.ok) {
    const errors = { ...result.errors, ...(result.errors.current_password ? { email_password: result.errors.current_password, current_password: [] } : {}) };
    return accountPage(req, reply, user, { email, errors, status: 422 });
  }
  return reply.redirect(`/users/${encodeURIComponent(user.login)}/edit?saved=email`, 303);
}

function readPseudForm(body: unknown): PseudInput {
  return { name: field(body, "pseud[name]").trim(), description: field(body, "pseud[description]"), makeDefault: field(body, "pseud[is_default]") === "1" };
}

export async function showNewPseudPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  return reply.page(t("users.new_pseud"), <NewPseudPage login={user.login} values={{ name: "", description: "", makeDefault: false }} errors={{}} csrf={reply.csrf()} />);
}

export async function postPseud(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const values = readPseudForm(req.body);
  const result = await createPseud(req.db, user.id, values.name, values.description, values.makeDefault);
  if (!result.ok) return reply.page(t("users.new_pseud"), <NewPseudPage login={user.login} values={values} errors={result.errors} csrf={reply.csrf()} />, { status: 422 });
  return reply.redirect(pseudPath(user.login, values.name), 303);
}

/** The user and pseud named in the URL, or a 404 page. */
async function pseudFromUrl(req: FastifyRequest, reply: FastifyReply) {
  const user = await userFromUrl(req, reply);
  const pseud = user ? await findPseud(req.db, user.id, (req.params as { pseud: string }).pseud) : undefined;
  if (user && !pseud) reply.error("NOT_FOUND");
  return user && pseud ? { user, pseud } : undefined;
}

/** The same, when the user is the viewer (editing and deleting their own pseuds). */
async function ownPseudFromUrl(req: FastifyRequest, reply: FastifyReply) {
  const found = await pseudFromUrl(req, reply);
  if (found && found.user.id !== req.viewer.user?.id) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return found;
}

export async function showPseudPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await pseudFromUrl(req, reply);
  if (!found) return;
  const { user, pseud } = found;
  return reply.page(pseud.name, <PseudPage login={user.login} pseud={pseud} isSelf={req.viewer.user?.id === user.id} notices={takeFlash(req, reply)} />, { mainClass: "pseuds-show" });
}

export async function showEditPseudPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownPseudFromUrl(req, reply);
  if (!found) return;
  const { user, pseud } = found;
  const values = { name: pseud.name, description: pseud.description, makeDefault: pseud.is_default === 1 };
  return reply.page(t("users.pseud.edit"), <EditPseudPage login={user.login} pseud={pseud} values={values} errors={{}} csrf={reply.csrf()} />, { mainClass: "pseuds-edit" });
}

export async function savePseud(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownPseudFromUrl(req, reply);
  if (!found) return;
  const { user, pseud } = found;
  const values = readPseudForm(req.body);
  const result = await updatePseud(req.db, user.id, pseud.id, values);
  if (!result.ok) {
    return reply.page(t("users.pseud.edit"), <EditPseudPage login={user.login} pseud={pseud} values={values} errors={result.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "pseuds-edit" });
  }
  setFlash(req, reply, [t("users.pseud.updated")]);
  return reply.redirect(pseudPath(user.login, values.name), 303);
}

async function defaultPseudName(req: FastifyRequest, userId: number): Promise<string> {
  return (await pseudsOf(req.db, userId))[0]?.name ?? "";
}

export async function showDeletePseudPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownPseudFromUrl(req, reply);
  if (!found) return;
  const { user, pseud } = found;
  return reply.page(t("users.pseud.delete"), <DeletePseudPage login={user.login} pseud={pseud} fallback={await defaultPseudName(req, user.id)} csrf={reply.csrf()} />, { mainClass: "pseuds-delete" });
}

export async function removePseud(req: FastifyRequest, reply: FastifyReply) {
  const found = await ownPseudFromUrl(req, reply);
  if (!found) return;
  const { user, pseud } = found;
  const result = await deletePseud(req.db, user.id, pseud.id);
  // Only the default pseud is refused; its confirmation page says why.
  if (!result.ok) return reply.page(t("users.pseud.delete"), <DeletePseudPage login={user.login} pseud={pseud} fallback="" csrf={reply.csrf()} />, { status: 422, mainClass: "pseuds-delete" });
  setFlash(req, reply, [t("users.pseud.deleted", { name: pseud.name, fallback: await defaultPseudName(req, user.id) })]);
  return reply.redirect(userPath(user.login), 303);
}

export async function showEditProfilePage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  return reply.page(t("users.profile.edit"), <EditProfilePage login={user.login} profile={user.profile} errors={{}} csrf={reply.csrf()} />, { mainClass: "profile-edit" });
}

export async function saveProfile(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const profile = field(req.body, "user[profile]");
  const result = await updateProfile(req.db, user.id, profile);
  if (!result.ok) return reply.page(t("users.profile.edit"), <EditProfilePage login={user.login} profile={profile} errors={result.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "profile-edit" });
  setFlash(req, reply, [t("users.profile.updated")]);
  return reply.redirect(userPath(user.login), 303);
}

/** The two-factor page: set-up (the secret, then a code to confirm), or, once on, turning it off. */
async function twoFactorPage(req: FastifyRequest, reply: FastifyReply, user: UserRow, errors: FieldErrors = {}, status = 200) {
  const totp = await totpOf(req.db, user.id);
  const state = !totp ? { kind: "off" as const } : totp.enabled ? { kind: "on" as const, codesLeft: await recoveryCodesLeft(req.db, user.id) } : { kind: "pending" as const, secret: totp.secret, uri: otpauthUri(totp.secret, user.login) };
  const notices = takeFlash(req, reply);
  if (queryParam(req, "required") === "admin") notices.unshift(t("users.two_factor.required_for_admins"));
  return reply.page(t("users.two_factor.title"), <TwoFactorPage login={user.login} state={state} notices={notices} errors={errors} csrf={reply.csrf()} />, { status });
}

export async function showTwoFactorPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  return twoFactorPage(req, reply, user);
}

const twoFactorPath = (user: UserRow) => `/users/${encodeURIComponent(user.login)}/two_factor`;

export async function startTwoFactorSetup(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  await beginTotpSetup(req.db, user.id);
  return reply.redirect(twoFactorPath(user), 303);
}

export async function confirmTwoFactor(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const totp = await totpOf(req.db, user.id);
  if (!totp || totp.enabled) return reply.redirect(twoFactorPath(user), 303);
  const codes = await enableTotp(req.db, user.id, user.login, field(req.body, "code"));
  if (!codes) return twoFactorPage(req, reply, user, { code: [t("users.two_factor.code_wrong")] }, 422);
  // Shown in this answer only (reply.page is no-store); the table keeps their hashes.
  return reply.page(t("users.two_factor.recovery_codes"), <RecoveryCodesPage login={user.login} codes={codes} justEnabled />);
}

/** Turning two-factor off, or new recovery codes, take the password and a code (or a recovery code). */
async function checkPasswordAndCode(req: FastifyRequest, user: UserRow, fields: { password: string; code: string }): Promise<FieldErrors> {
  if (!(await verifyPassword(user.password_hash, field(req.body, fields.password)))) return { [fields.password]: [t("users.password_wrong")] };
  if (!(await acceptSecondFactor(req.db, user.id, user.login, field(req.body, fields.code)))) return { [fields.code]: [t("users.two_factor.code_wrong")] };
  return {};
}

export async function turnOffTwoFactor(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  if (!(await totpOf(req.db, user.id))?.enabled) return reply.redirect(twoFactorPath(user), 303);
  const errors = await checkPasswordAndCode(req, user, { password: "disable[password]", code: "disable[code]" });
  if (Object.keys(errors).length) return twoFactorPage(req, reply, user, errors, 422);
  await disableTotp(req.db, user.id);
  setFlash(req, reply, [t("users.two_factor.turned_off")]);
  return reply.redirect(twoFactorPath(user), 303);
}

export async function newRecoveryCodes(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  if (!(await totpOf(req.db, user.id))?.enabled) return reply.redirect(twoFactorPath(user), 303);
  const errors = await checkPasswordAndCode(req, user, { password: "password", code: "code" });
  if (Object.keys(errors).length) return twoFactorPage(req, reply, user, errors, 422);
  return reply.page(t("users.two_factor.recovery_codes"), <RecoveryCodesPage login={user.login} codes={await renewRecoveryCodes(req.db, user.id)} justEnabled={false} />);
}

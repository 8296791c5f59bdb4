import type { FastifyReply, FastifyRequest } from "fastify";
import { signupMode } from "../model/archive-settings.js";
import { field } from "../platform/http/forms-parser.js";
import { takeFlash } from "../platform/http/flash.js";
import { queryParam, safeReturnPath } from "../platform/http/routes.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { t } from "../platform/i18n/index.js";
import { authenticate, changeEmail, changePassword, createPseud, signUp } from "./commands.js";
import { findUserByLogin, pseudsOf } from "../model/users.js";
import { readSignupForm } from "./schema.js";
import { endOtherSessions, endSession, startSession } from "./sessions.js";
import { AccountPage, LoginPage, NewPseudPage, ProfilePage, SignupClosedPage, SignupPage } from "./views/pages.js";

/** Starts a fresh session: any old session id is dropped, so a fixed session can't be hijacked. */
async function logIn(req: FastifyRequest, reply: FastifyReply, userId: number) {
  if (req.viewer.sessionId) await endSession(req.db, req.viewer.sessionId);
  const token = await startSession(req.db, userId, req.config.sessionDays);
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: req.config.publicUrl.startsWith("https:"),
    maxAge: req.config.sessionDays * 86_400,
  });
}

export async function showLoginPage(req: FastifyRequest, reply: FastifyReply) {
  return reply.page(t("users.log_in"), <LoginPage login="" returnTo={safeReturnPath(queryParam(req, "return_to"))} errors={{}} csrf={reply.csrf()} />, { mainClass: "sessions-new" });
}

export async function logInUser(req: FastifyRequest, reply: FastifyReply) {
  const login = field(req.body, "user[login]").trim();
  const returnTo = safeReturnPath(field(req.body, "return_to"));
  const userId = login ? await authenticate(req.db, login, field(req.body, "user[password]")) : null;
  if (userId === null) {
    const errors = { "user[login]": [t("users.login.invalid")] };
    return reply.page(t("users.log_in"), <LoginPage login={login} returnTo={returnTo} errors={errors} csrf={reply.csrf()} />, { status: 401, mainClass: "sessions-new" });
  }
  await logIn(req, reply, userId);
  return reply.redirect(returnTo, 303);
}

export async function logOutUser(req: FastifyRequest, reply: FastifyReply) {
  if (req.viewer.sessionId) await endSession(req.db, req.viewer.sessionId);
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
  return reply.redirect("/", 303);
}

/** `{"token": "…"}`: the CSRF token readers' tools (FanFicFare) fetch before logging in. */
export async function showTokenDispenser(_req: FastifyRequest, reply: FastifyReply) {
  return reply.header("cache-control", "no-store").send({ token: reply.csrf() });
}

export async function showSignupPage(req: FastifyRequest, reply: FastifyReply) {
  const mode = await signupMode(req.db);
  if (mode === "closed") return reply.page(t("nav.signup"), <SignupClosedPage />);
  const values = { login: "", email: "", invitationCode: queryParam(req, "invitation") };
  return reply.page(t("nav.signup"), <SignupPage values={values} needsInvitation={mode === "invitation"} errors={{}} csrf={reply.csrf()} />, { mainClass: "users-new" });
}

export async function signUpUser(req: FastifyRequest, reply: FastifyReply) {
  const mode = await signupMode(req.db);
  if (mode === "closed") return reply.page(t("nav.signup"), <SignupClosedPage />, { status: 403 });
  const form = readSignupForm(req.body);
  const result = await signUp(req.db, form, mode);
  if (!result.ok) {
    return reply.page(t("nav.signup"), <SignupPage values={form} needsInvitation={mode === "invitation"} errors={result.errors} csrf={reply.csrf()} />, { status: 422, mainClass: "users-new" });
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

export async function showAccountPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const notice = queryParam(req, "saved") === "password" ? t("users.your_password_was_changed") : queryParam(req, "saved") === "email" ? t("users.your_email_was_changed") : undefined;
  return reply.page(t("users.account_settings"), <AccountPage user={user} email={user.email} errors={{}} notice={notice} csrf={reply.csrf()} />);
}

export async function savePassword(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const result = await changePassword(req.db, user.id, field(req.body, "current_password"), field(req.body, "user[password]"), field(req.body, "user[password_confirmation]"));
  if (!result.ok) return reply.page(t("users.account_settings"), <AccountPage user={user} email={user.email} errors={result.errors} csrf={reply.csrf()} />, { status: 422 });
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
    return reply.page(t("users.account_settings"), <AccountPage user={user} email={email} errors={errors} csrf={reply.csrf()} />, { status: 422 });
  }
  return reply.redirect(`/users/${encodeURIComponent(user.login)}/edit?saved=email`, 303);
}

export async function showNewPseudPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  return reply.page(t("users.new_pseud"), <NewPseudPage login={user.login} name="" description="" errors={{}} csrf={reply.csrf()} />);
}

export async function postPseud(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const name = field(req.body, "pseud[name]").trim();
  const description = field(req.body, "pseud[description]");
  const result = await createPseud(req.db, user.id, name, description);
  if (!result.ok) return reply.page(t("users.new_pseud"), <NewPseudPage login={user.login} name={name} description={description} errors={result.errors} csrf={reply.csrf()} />, { status: 422 });
  return reply.redirect(`/users/${encodeURIComponent(user.login)}`, 303);
}

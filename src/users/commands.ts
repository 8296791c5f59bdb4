import { redeemInvitation, type SignupMode } from "../model/archive-settings.js";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import type { Role } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { hashPassword, verifyNothing, verifyPassword } from "./passwords.js";
import { findPseud, findUserById, findUserByLogin, nameKey } from "../model/users.js";
import { attemptGate, clearFailures, logAttempt, noteFailure } from "./throttle.js";
import { acceptSecondFactor, hasSecondFactor } from "./two-factor.js";
import { emailErrors, passwordErrors, pseudErrors, type SignupForm, validateSignup } from "./schema.js";

export type CommandResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface NewUser {
  login: string;
  email: string;
  password: string;
  roles?: Role[];
}

/**
 * Creates a user with its default pseud (named like the login) and roles, in one transaction.
 * Refuses a login that exists in any case.
 */
export async function createUser(db: Db, input: NewUser): Promise<CommandResult<{ id: number }>> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    if (await findUserByLogin(trx, input.login)) return { ok: false, errors: { "user[login]": [t("users.login_taken")] } };
    const now = nowIso();
    const user = await trx
      .insertInto("users")
      .values({ login: input.login, login_key: nameKey(input.login), email: input.email, password_hash: passwordHash, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("pseuds").values({ user_id: user.id, name: input.login, name_key: nameKey(input.login), description: "", is_default: 1, created_at: now }).execute();
    for (const role of new Set(input.roles ?? [])) {
      await trx.insertInto("user_roles").values({ user_id: user.id, role }).execute();
    }
    return { ok: true, value: { id: user.id } };
  });
}

/** Signs a visitor up under the archive's sign-up mode, redeeming an invitation when one is needed. */
export async function signUp(db: Db, form: SignupForm, mode: SignupMode): Promise<CommandResult<{ id: number }>> {
  if (mode === "closed") return { ok: false, errors: { "user[login]": [t("users.signup_closed")] } };
  const errors = validateSignup(form);
  if (mode === "invitation" && !form.invitationCode) errors.invitation_code = [t("users.invitation_required")];
  if (Object.keys(errors).length) return { ok: false, errors };
  if (mode === "invitation") {
    const unused = await db.selectFrom("invitations").select("id").where("code", "=", form.invitationCode).where("used_at", "is", null).executeTakeFirst();
    if (!unused) return { ok: false, errors: { invitation_code: [t("users.invitation_invalid")] } };
  }
  const created = await createUser(db, { login: form.login, email: form.email, password: form.password });
  if (created.ok && mode === "invitation" && !(await redeemInvitation(db, form.invitationCode, created.value.id))) {
    // Someone spent the code between the check and now: undo the account rather than let two in.
    await db.deleteFrom("users").where("id", "=", created.value.id).execute();
    return { ok: false, errors: { invitation_code: [t("users.invitation_invalid")] } };
  }
  return created;
}

/** Who is trying to log in, as the account's log shows it. */
export interface LoginClient {
  address: string;
  userAgent: string;
}

/**
 * What a log-in attempt came to: in ("ok"), a right password that still needs the account's
 * second factor, a wrong login or password (the same answer for both), or refused unchecked
 * because the account is locked or must wait a little after recent failures.
 */
export type LogInOutcome =
  | { kind: "ok"; userId: number }
  | { kind: "second_factor"; userId: number }
  | { kind: "wrong" }
  | { kind: "locked" | "too_soon"; until: string };

/**
 * Checks a login and password under the account's log-in protection (src/users/throttle.ts),
 * counting a wrong password against the account and writing the attempt into its log.
 * Takes the same time whether or not the login exists. `logSuccess: false` keeps a right
 * password out of the log (the OPDS catalog checks one on every request).
 */
export async function passwordLogIn(db: Db, login: string, password: string, client: LoginClient, options: { logSuccess?: boolean } = {}): Promise<LogInOutcome> {
  const user = await findUserByLogin(db, login);
  if (!user) {
    await verifyNothing(password);
    return { kind: "wrong" };
  }
  const gate = await attemptGate(db, user.id);
  if (!gate.open) {
    await logAttempt(db, user.id, gate.reason, client);
    return { kind: gate.reason, until: gate.until };
  }
  if (!(await verifyPassword(user.password_hash, password))) return failedAttempt(db, user.id, "wrong_password", client);
  if (await hasSecondFactor(db, user.id)) {
    await logAttempt(db, user.id, "password_ok", client);
    return { kind: "second_factor", userId: user.id };
  }
  if (gate.failures > 0) await clearFailures(db, user.id);
  if (options.logSuccess !== false) await logAttempt(db, user.id, "success", client);
  return { kind: "ok", userId: user.id };
}

/** The second step of a log-in: a code from the account's authenticator app or a recovery code. */
export async function secondFactorLogIn(db: Db, userId: number, code: string, client: LoginClient): Promise<LogInOutcome> {
  const user = await findUserById(db, userId);
  if (!user) return { kind: "wrong" };
  const gate = await attemptGate(db, user.id);
  if (!gate.open) {
    await logAttempt(db, user.id, gate.reason, client);
    return { kind: gate.reason, until: gate.until };
  }
  if (!(await acceptSecondFactor(db, user.id, user.login, code))) return failedAttempt(db, user.id, "wrong_code", client);
  if (gate.failures > 0) await clearFailures(db, user.id);
  await logAttempt(db, user.id, "success", client);
  return { kind: "ok", userId: user.id };
}

async function failedAttempt(db: Db, userId: number, outcome: "wrong_password" | "wrong_code", client: LoginClient): Promise<LogInOutcome> {
  const { locked } = await noteFailure(db, userId, client.address);
  await logAttempt(db, userId, outcome, client);
  if (!locked) return { kind: "wrong" };
  const gate = await attemptGate(db, userId);
  return gate.open ? { kind: "wrong" } : { kind: "locked", until: gate.until };
}

/** Changes a password after checking the current one. */
export async function changePassword(db: Db, userId: number, current: string, next: string, confirmation: string): Promise<CommandResult<null>> {
  const user = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) return { ok: false, errors: { current_password: [t("users.password_wrong")] } };
  const problems = passwordErrors(next, confirmation);
  if (problems.length) return { ok: false, errors: { "user[password]": problems } };
  await db.updateTable("users").set({ password_hash: await hashPassword(next) }).where("id", "=", userId).execute();
  return { ok: true, value: null };
}

/** Changes the email address after checking the password. */
export async function changeEmail(db: Db, userId: number, password: string, email: string): Promise<CommandResult<null>> {
  const user = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, password))) return { ok: false, errors: { current_password: [t("users.password_wrong")] } };
  const problems = emailErrors(email);
  if (problems.length) return { ok: false, errors: { "user[email]": problems } };
  await db.updateTable("users").set({ email }).where("id", "=", userId).execute();
  return { ok: true, value: null };
}

/** Adds a pseud to a user. */
export async function createPseud(db: Db, userId: number, name: string, description: string): Promise<CommandResult<{ id: number }>> {
  const problems = pseudErrors(name);
  if (problems.length) return { ok: false, errors: { "pseud[name]": problems } };
  if (description.length > 500) return { ok: false, errors: { "pseud[description]": [t("form.too_long", { field: t("users.description"), max: 500, length: description.length })] } };
  if (await findPseud(db, userId, name)) return { ok: false, errors: { "pseud[name]": [t("users.pseud_taken")] } };
  const row = await db
    .insertInto("pseuds")
    .values({ user_id: userId, name, name_key: nameKey(name), description, is_default: 0, created_at: nowIso() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: row.id } };
}

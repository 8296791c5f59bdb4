import type { SignupMode } from "../model/archive-settings.js";
import { acceptTerms, currentTerms, invitationProblem, minimumAge, redeemInvitation } from "../invitations/index.js";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import type { Role } from "../platform/http/viewer.js";
import { cleanHtml } from "../platform/html/clean.js";
import { t } from "../platform/i18n/index.js";
import { refreshBylines } from "../works/index.js";
import { hashPassword, matchesLegacyPassword, verifyNothing, verifyPassword } from "./passwords.js";
import { findPseud, findUserById, findUserByLogin, nameKey } from "../model/users.js";
import { attemptGate, clearFailures, logAttempt, noteFailure } from "./throttle.js";
import { acceptSecondFactor, hasSecondFactor } from "./two-factor.js";
import { emailErrors, passwordErrors, pseudErrors, SIGNUP_BOXES, type SignupForm, validateSignup } from "./schema.js";

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
  return db.transaction().execute((trx) => insertUser(trx, input, passwordHash));
}

/** The inserts of createUser, in the caller's transaction (sign-up adds the invitation and the terms to it). */
async function insertUser(trx: DbOrTrx, input: NewUser, passwordHash: string): Promise<CommandResult<{ id: number }>> {
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
}

/** Thrown inside a sign-up's transaction when its invitation was spent meanwhile: the account is rolled back. */
class InvitationSpent extends Error {}

/**
 * Signs a visitor up under the archive's sign-up mode: the form's fields, the terms of service,
 * privacy policy and minimum age confirmed, and (when sign-up needs one) an invitation that is
 * unused, unexpired and, if it was sent to an address, used with that address. The account, the
 * invitation spent and the terms accepted are one transaction: of two sign-ups with one code,
 * exactly one gets an account.
 */
export async function signUp(db: Db, form: SignupForm, mode: SignupMode): Promise<CommandResult<{ id: number }>> {
  if (mode === "closed") return { ok: false, errors: { "user[login]": [t("users.signup_closed")] } };
  const errors = validateSignup(form);
  if (!form.acceptedTos) errors[SIGNUP_BOXES.tos] = [t("users.signup.accept_tos_required")];
  if (!form.acceptedPrivacy) errors[SIGNUP_BOXES.privacy] = [t("users.signup.accept_privacy_required")];
  if (!form.ageConfirmed) errors[SIGNUP_BOXES.age] = [t("users.signup.age_required", { age: await minimumAge(db) })];
  if (mode === "invitation") {
    if (!form.invitationCode) errors.invitation_code = [t("users.invitation_required")];
    else if (!errors["user[email]"]) {
      const problem = await invitationProblem(db, form.invitationCode, form.email);
      if (problem) errors[problem.field] = [problem.message];
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const terms = await currentTerms(db);
  const passwordHash = await hashPassword(form.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const created = await insertUser(trx, { login: form.login, email: form.email, password: form.password }, passwordHash);
      if (!created.ok) return created;
      if (mode === "invitation" && !(await redeemInvitation(trx, form.invitationCode, created.value.id, form.email))) throw new InvitationSpent();
      await acceptTerms(trx, created.value.id, terms.version);
      return created;
    });
  } catch (error) {
    if (!(error instanceof InvitationSpent)) throw error;
    // Someone spent the code between the check and now: refused as the check would have.
    const problem = await invitationProblem(db, form.invitationCode, form.email);
    return { ok: false, errors: { [problem?.field ?? "invitation_code"]: [problem?.message ?? t("users.invitation_invalid")] } };
  }
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
  | { kind: "ok"; userId: number; upgradedLegacyPassword?: true }
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
  let upgraded = false;
  if (!(await verifyPassword(user.password_hash, password))) {
    const legacy = user.legacy_password;
    if (!legacy || !matchesLegacyPassword(legacy, password)) return failedAttempt(db, user.id, "wrong_password", client);
    upgraded = await upgradeLegacyPassword(db, user.id, legacy, password);
    // Lost the race to another log-in or a claim: the password now stored is the one to meet.
    if (!upgraded && !(await matchesStoredPassword(db, user.id, password))) return failedAttempt(db, user.id, "wrong_password", client);
  }
  if (await hasSecondFactor(db, user.id)) {
    await logAttempt(db, user.id, "password_ok", client);
    return { kind: "second_factor", userId: user.id };
  }
  if (gate.failures > 0) await clearFailures(db, user.id);
  if (options.logSuccess !== false) await logAttempt(db, user.id, "success", client);
  return upgraded ? { kind: "ok", userId: user.id, upgradedLegacyPassword: true } : { kind: "ok", userId: user.id };
}

/**
 * Replaces an imported account's old hash with an argon2id hash of the password just typed, in
 * one conditional UPDATE: only while the row still holds that old hash. Of two log-ins racing
 * (or a log-in racing a claim), exactly one writes; false for the other.
 */
async function upgradeLegacyPassword(db: Db, userId: number, legacy: string, password: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  const result = await db.updateTable("users").set({ password_hash: passwordHash, legacy_password: null }).where("id", "=", userId).where("legacy_password", "=", legacy).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function matchesStoredPassword(db: Db, userId: number, password: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
  return row !== undefined && (await verifyPassword(row.password_hash, password));
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
  // A new password replaces an imported account's old one too.
  await db.updateTable("users").set({ password_hash: await hashPassword(next), legacy_password: null }).where("id", "=", userId).execute();
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

// AO3's limits on the text typed (before sanitizing).
export const PSEUD_DESCRIPTION_MAX = 500;
export const PROFILE_MAX = 2000;

function htmlLengthErrors(fieldName: string, label: string, value: string, max: number): FieldErrors {
  return value.length > max ? { [fieldName]: [t("form.too_long", { field: label, max, length: value.length })] } : {};
}

/** What the pseud forms submit. */
export interface PseudInput {
  name: string;
  description: string;
  /** Make this the user's default pseud (unticking it on the default changes nothing: one is always the default). */
  makeDefault: boolean;
}

async function pseudInputErrors(db: DbOrTrx, userId: number, input: PseudInput, exceptId: number | null): Promise<FieldErrors> {
  const errors: FieldErrors = htmlLengthErrors("pseud[description]", t("users.description"), input.description, PSEUD_DESCRIPTION_MAX);
  const problems = pseudErrors(input.name);
  if (problems.length) errors["pseud[name]"] = problems;
  else {
    const same = await findPseud(db, userId, input.name);
    if (same && same.id !== exceptId) errors["pseud[name]"] = [t("users.pseud_taken")];
  }
  return errors;
}

async function makeDefaultPseud(trx: DbOrTrx, userId: number, pseudId: number): Promise<void> {
  await trx.updateTable("pseuds").set({ is_default: 0 }).where("user_id", "=", userId).where("id", "!=", pseudId).execute();
  await trx.updateTable("pseuds").set({ is_default: 1 }).where("id", "=", pseudId).execute();
}

/** Adds a pseud to a user; its description goes through the sanitizer like every stored HTML field. */
export async function createPseud(db: Db, userId: number, name: string, description: string, makeDefault = false): Promise<CommandResult<{ id: number }>> {
  const input: PseudInput = { name, description, makeDefault };
  const errors = await pseudInputErrors(db, userId, input, null);
  if (Object.keys(errors).length) return { ok: false, errors };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("pseuds")
      .values({ user_id: userId, name: input.name, name_key: nameKey(input.name), description: cleanHtml(input.description, "profile"), is_default: 0, created_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.makeDefault) await makeDefaultPseud(trx, userId, row.id);
    return { ok: true as const, value: { id: row.id } };
  });
}

async function worksOfPseud(trx: DbOrTrx, pseudId: number): Promise<number[]> {
  return (await trx.selectFrom("work_creators").select("work_id").where("pseud_id", "=", pseudId).execute()).map((r) => r.work_id);
}

/** Changes a pseud's name, description and whether it is the default, as AO3's pseud edit form does. */
export async function updatePseud(db: Db, userId: number, pseudId: number, input: PseudInput): Promise<CommandResult<null>> {
  const errors = await pseudInputErrors(db, userId, input, pseudId);
  if (Object.keys(errors).length) return { ok: false, errors };
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("pseuds").select("name").where("id", "=", pseudId).where("user_id", "=", userId).executeTakeFirstOrThrow();
    await trx
      .updateTable("pseuds")
      .set({ name: input.name, name_key: nameKey(input.name), description: cleanHtml(input.description, "profile") })
      .where("id", "=", pseudId)
      .execute();
    if (input.makeDefault) await makeDefaultPseud(trx, userId, pseudId);
    if (before.name !== input.name) await refreshBylines(trx, await worksOfPseud(trx, pseudId));
  });
  return { ok: true, value: null };
}

/**
 * Deletes a pseud, as AO3 does: its works and series pass to the user's default pseud (a work the
 * default pseud already co-signs just loses the deleted one). The default pseud can't be deleted.
 * Bookmarks here belong to the account, not a pseud, so they stay as they are.
 */
export async function deletePseud(db: Db, userId: number, pseudId: number): Promise<CommandResult<null>> {
  return db.transaction().execute(async (trx) => {
    const pseuds = await trx.selectFrom("pseuds").select(["id", "is_default"]).where("user_id", "=", userId).execute();
    const target = pseuds.find((p) => p.id === pseudId);
    const fallback = pseuds.find((p) => p.is_default === 1);
    if (!target || !fallback || target.id === fallback.id) return { ok: false as const, errors: { pseud: [t("users.pseud.default_cannot_be_deleted")] } };
    const workIds = await worksOfPseud(trx, pseudId);
    const worksOfFallback = trx.selectFrom("work_creators").select("work_id").where("pseud_id", "=", fallback.id);
    await trx.deleteFrom("work_creators").where("pseud_id", "=", pseudId).where("work_id", "in", worksOfFallback).execute();
    await trx.updateTable("work_creators").set({ pseud_id: fallback.id }).where("pseud_id", "=", pseudId).execute();
    const seriesOfFallback = trx.selectFrom("series_creators").select("series_id").where("pseud_id", "=", fallback.id);
    await trx.deleteFrom("series_creators").where("pseud_id", "=", pseudId).where("series_id", "in", seriesOfFallback).execute();
    await trx.updateTable("series_creators").set({ pseud_id: fallback.id }).where("pseud_id", "=", pseudId).execute();
    await trx.deleteFrom("pseuds").where("id", "=", pseudId).execute();
    await refreshBylines(trx, workIds);
    return { ok: true as const, value: null };
  });
}

/** Changes a user's profile text ("About me"), sanitized. */
export async function updateProfile(db: Db, userId: number, profile: string): Promise<CommandResult<null>> {
  const errors = htmlLengthErrors("user[profile]", t("users.profile.about"), profile, PROFILE_MAX);
  if (Object.keys(errors).length) return { ok: false, errors };
  await db.updateTable("users").set({ profile: cleanHtml(profile, "profile") }).where("id", "=", userId).execute();
  return { ok: true, value: null };
}

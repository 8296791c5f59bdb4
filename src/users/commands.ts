import { redeemInvitation, type SignupMode } from "../model/archive-settings.js";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import type { Role } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { hashPassword, verifyNothing, verifyPassword } from "./passwords.js";
import { findPseud, findUserByLogin, nameKey } from "../model/users.js";
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

/** The user id for a login and password, or null; takes the same time whether or not the login exists. */
export async function authenticate(db: DbOrTrx, login: string, password: string): Promise<number | null> {
  const user = await findUserByLogin(db, login);
  if (!user) {
    await verifyNothing(password);
    return null;
  }
  return (await verifyPassword(user.password_hash, password)) ? user.id : null;
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

import type { DbOrTrx } from "../platform/db/index.js";
import { sanitizeUserHtml } from "../platform/html/sanitize.js";
import { findUserByLogin, nameKey } from "../model/users.js";
import { loginErrors } from "./schema.js";

/**
 * Accounts brought over from another archive (src/transfer): made with their old password hash
 * and no usable one, so the first log-in with the old password upgrades it (passwordLogIn) and
 * nothing else can log in meanwhile.
 */

/** The password_hash of an imported account: no password verifies against it. */
export const IMPORTED_PASSWORD_HASH = "!imported";

export interface ImportedAccount {
  login: string;
  email: string;
  /** "About me", as sanitized HTML or "" (the importer has cleaned it). */
  profile: string;
  /**
   * The old archive's hash in the form log-in knows ("md5:" and lowercase hex), or any other
   * "kind:" text log-in does not accept (the account is then claimed by email only). Never null:
   * a non-null legacy_password is what marks an imported account as not yet claimed.
   */
  legacyPassword: string;
  /** When the account was made on the old archive (ISO 8601). */
  createdAt: string;
}

/** Whether a login can be used for an imported account here: its form is valid and nobody has it. */
export async function importedLoginProblem(db: DbOrTrx, login: string): Promise<string | null> {
  const problems = loginErrors(login);
  if (problems.length) return problems.join(" ");
  return (await findUserByLogin(db, login)) ? "taken" : null;
}

/** Inserts an imported account and its default pseud (named like the login), in the caller's transaction. */
export async function insertImportedAccount(trx: DbOrTrx, account: ImportedAccount): Promise<{ id: number; pseudId: number }> {
  const user = await trx
    .insertInto("users")
    .values({
      login: account.login,
      login_key: nameKey(account.login),
      email: account.email,
      password_hash: IMPORTED_PASSWORD_HASH,
      legacy_password: account.legacyPassword,
      profile: account.profile ? sanitizeUserHtml(account.profile, "profile") : "",
      created_at: account.createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const pseud = await trx
    .insertInto("pseuds")
    .values({ user_id: user.id, name: account.login, name_key: nameKey(account.login), description: "", is_default: 1, created_at: account.createdAt })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: user.id, pseudId: pseud.id };
}

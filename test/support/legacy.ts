import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Db, DbOrTrx } from "../../src/platform/db/index.js";
import { createUser } from "../../src/users/commands.js";

/** eFiction's stored form of a password, as the importer writes it into users.legacy_password. */
export const efictionPassword = (password: string) => `md5:${createHash("md5").update(password, "utf8").digest("hex")}`;

/** What the importer leaves in password_hash: nothing any password verifies against. */
export const UNUSABLE_PASSWORD_HASH = "!imported";

/**
 * An account as the eFiction importer leaves it: made by the ordinary command, then given the
 * old MD5 password, an unusable password hash and a legacy_ids row for its eFiction uid.
 */
export async function importedAccount(db: Db, input: { login: string; oldPassword: string; uid: number; email?: string; source?: string }): Promise<number> {
  const made = await createUser(db, { login: input.login, email: input.email ?? `${input.login}@example.org`, password: "a password nobody knows 1" });
  assert.ok(made.ok);
  const id = made.value.id;
  await db.updateTable("users").set({ password_hash: UNUSABLE_PASSWORD_HASH, legacy_password: efictionPassword(input.oldPassword) }).where("id", "=", id).execute();
  await db.insertInto("legacy_ids").values({ source: input.source ?? "efiction", kind: "user", legacy_id: String(input.uid), target_id: id }).execute();
  return id;
}

/** Records what an imported number became (a legacy_ids row), as the importer does. */
export async function legacyId(db: DbOrTrx, kind: string, legacyIdText: string | number, targetId: number, source = "efiction"): Promise<void> {
  await db.insertInto("legacy_ids").values({ source, kind, legacy_id: String(legacyIdText), target_id: targetId }).execute();
}

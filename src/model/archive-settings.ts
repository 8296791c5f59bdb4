import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DbOrTrx } from "../platform/db/index.js";

/** How people may join: anyone, only with an invitation code, or nobody (admins add users). */
export type SignupMode = "open" | "invitation" | "closed";
export const SIGNUP_MODES: SignupMode[] = ["open", "invitation", "closed"];

export async function getSetting(db: DbOrTrx, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: DbOrTrx, key: string, value: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/** The archive's sign-up mode; open until an admin chooses otherwise. */
export async function signupMode(db: DbOrTrx): Promise<SignupMode> {
  const value = await getSetting(db, "signup_mode");
  return SIGNUP_MODES.includes(value as SignupMode) ? (value as SignupMode) : "open";
}

/**
 * Whether admins must log in with two-factor authentication: an admin without it is sent to set
 * it up before any admin page (src/platform/http/server.tsx asks, src/users answers). Off until an
 * admin turns it on.
 */
export async function twoFactorRequiredForAdmins(db: DbOrTrx): Promise<boolean> {
  return (await getSetting(db, "two_factor_admins")) === "required";
}

export async function setTwoFactorRequiredForAdmins(db: DbOrTrx, required: boolean): Promise<void> {
  await setSetting(db, "two_factor_admins", required ? "required" : "optional");
}

/**
 * "New tags are canonical": when on, a tag a writer types becomes canonical when a posted work
 * first uses it (src/tags/commands.ts, canonizeNewTags), so a small archive with no wranglers
 * has working filters. Off is AO3's behaviour: tags wait for a wrangler. Stored as "1"/"0";
 * absent is off, so an archive that existed before the setting keeps the behaviour it had. A
 * new archive turns it on when its first admin is created (the setup page, or `fanfold user
 * add --role admin` on an archive without an admin): see markNewArchive.
 */
export const NEW_TAGS_CANONICAL = "new_tags_canonical";

export async function newTagsCanonical(db: DbOrTrx): Promise<boolean> {
  return (await getSetting(db, NEW_TAGS_CANONICAL)) === "1";
}

export async function setNewTagsCanonical(db: DbOrTrx, on: boolean): Promise<void> {
  await setSetting(db, NEW_TAGS_CANONICAL, on ? "1" : "0");
}

/**
 * A new archive's defaults, written when its first admin is created: today only "new tags are
 * canonical", on. A setting an admin already chose is left as it is.
 */
export async function markNewArchive(db: DbOrTrx): Promise<void> {
  if ((await getSetting(db, NEW_TAGS_CANONICAL)) === undefined) await setNewTagsCanonical(db, true);
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Makes a fresh one-time token for the first-admin setup page and stores its hash.
 * Called at start-up while the archive has no admin; each start replaces the previous token.
 */
export async function issueSetupToken(db: DbOrTrx): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  await setSetting(db, "setup_token_sha256", sha256(token));
  return token;
}

/** Whether a token is the current setup token. */
export async function isSetupToken(db: DbOrTrx, token: string): Promise<boolean> {
  const stored = await getSetting(db, "setup_token_sha256");
  if (!stored || !token) return false;
  const a = Buffer.from(stored, "hex");
  const b = Buffer.from(sha256(token), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Spends the setup token once the first admin exists. */
export async function clearSetupToken(db: DbOrTrx): Promise<void> {
  await db.deleteFrom("settings").where("key", "=", "setup_token_sha256").execute();
}

// security.txt (RFC 9116): who to tell about a vulnerability, set on /admin/settings and served
// at /.well-known/security.txt. Absent until an admin fills it in.

export interface SecurityTxt {
  /** URIs, each mailto:, https: or tel:, in the admin's order. */
  contacts: string[];
  /** When the file stops being trustworthy (RFC 3339, UTC). */
  expires: string;
}

/** The archive's security.txt fields, or null when no admin has set them. */
export async function securityTxt(db: DbOrTrx): Promise<SecurityTxt | null> {
  const [contacts, expires] = await Promise.all([getSetting(db, "security_txt_contacts"), getSetting(db, "security_txt_expires")]);
  if (!contacts || !expires) return null;
  return { contacts: contacts.split("\n"), expires };
}

/** Sets the security.txt fields, or removes them (null), so the file is no longer served. */
export async function setSecurityTxt(db: DbOrTrx, value: SecurityTxt | null): Promise<void> {
  if (value === null) {
    await db.deleteFrom("settings").where("key", "in", ["security_txt_contacts", "security_txt_expires"]).execute();
    return;
  }
  await setSetting(db, "security_txt_contacts", value.contacts.join("\n"));
  await setSetting(db, "security_txt_expires", value.expires);
}

import { createHash, randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import { t } from "../platform/i18n/index.js";
import { twoFactorRequiredForAdmins } from "../model/archive-settings.js";

/**
 * Two-factor authentication: TOTP (RFC 6238: SHA-1, 6 digits, 30 seconds, what every
 * authenticator app reads) through `otpauth`, and single-use recovery codes kept as hashes.
 */
const PERIOD = 30;
// One step either side: a phone clock a little off, or a code typed as it changed.
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totpFor(secret: string, login: string): TOTP {
  return new TOTP({ issuer: t("site.name"), label: login, algorithm: "SHA1", digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app adds the account from. */
export function otpauthUri(secret: string, login: string): string {
  return totpFor(secret, login).toString();
}

export interface TotpState {
  secret: string;
  enabled: boolean;
}

export async function totpOf(db: DbOrTrx, userId: number): Promise<TotpState | undefined> {
  const row = await db.selectFrom("user_totp").select(["secret", "enabled_at"]).where("user_id", "=", userId).executeTakeFirst();
  return row ? { secret: row.secret, enabled: row.enabled_at !== null } : undefined;
}

/** Whether the user logs in with a second factor. */
export async function hasSecondFactor(db: DbOrTrx, userId: number): Promise<boolean> {
  return (await totpOf(db, userId))?.enabled === true;
}

/** Starts (or restarts) set-up with a new secret; two-factor is not on until a code confirms it. */
export async function beginTotpSetup(db: Db, userId: number): Promise<void> {
  const secret = new Secret({ size: 20 }).base32;
  await db.transaction().execute(async (trx) => {
    const current = await totpOf(trx, userId);
    if (current?.enabled) return;
    await trx.deleteFrom("user_totp").where("user_id", "=", userId).execute();
    await trx.insertInto("user_totp").values({ user_id: userId, secret, enabled_at: null, last_step: 0, created_at: nowIso() }).execute();
  });
}

/** Codes are typed with spaces or dashes sometimes; only the digits and letters count. */
function normalized(code: string): string {
  return code.replace(/[\s-]+/g, "").toLowerCase();
}

/**
 * Accepts a TOTP code for the user's secret (set up or pending) once: the step it was made for
 * must be later than the last accepted one, and the conditional update makes two requests
 * racing with one code accept it once.
 */
export async function acceptTotpCode(db: DbOrTrx, userId: number, login: string, code: string, now = Date.now()): Promise<boolean> {
  const typed = normalized(code);
  if (!/^\d{6}$/.test(typed)) return false;
  const row = await db.selectFrom("user_totp").select(["secret", "last_step"]).where("user_id", "=", userId).executeTakeFirst();
  if (!row) return false;
  const delta = totpFor(row.secret, login).validate({ token: typed, timestamp: now, window: WINDOW });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  const taken = await db.updateTable("user_totp").set({ last_step: step }).where("user_id", "=", userId).where("last_step", "<", step).executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

function hashCode(code: string): string {
  return createHash("sha256").update(normalized(code)).digest("hex");
}

// Lower-case letters and digits without the look-alikes (0/o, 1/l/i).
const CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Replaces the user's recovery codes with new ones; returns them (the only time they are seen). */
async function replaceRecoveryCodes(trx: DbOrTrx, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx.insertInto("recovery_codes").values(codes.map((code) => ({ user_id: userId, code_hash: hashCode(code), used_at: null }))).execute();
  return codes;
}

/** Spends a recovery code; false when it is not one of the user's unused codes. */
export async function spendRecoveryCode(db: DbOrTrx, userId: number, code: string): Promise<boolean> {
  const typed = normalized(code);
  if (!/^[a-z0-9]{10}$/.test(typed)) return false;
  const spent = await db.updateTable("recovery_codes").set({ used_at: nowIso() }).where("user_id", "=", userId).where("code_hash", "=", hashCode(typed)).where("used_at", "is", null).executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}

/** A code typed at log-in or to turn two-factor off: an authenticator code or a recovery code. */
export async function acceptSecondFactor(db: DbOrTrx, userId: number, login: string, code: string): Promise<boolean> {
  return (await acceptTotpCode(db, userId, login, code)) || (await spendRecoveryCode(db, userId, code));
}

/** How many recovery codes are left unused. */
export async function recoveryCodesLeft(db: DbOrTrx, userId: number): Promise<number> {
  const row = await db.selectFrom("recovery_codes").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).where("used_at", "is", null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Turns two-factor on once a code from the pending secret is right; returns the recovery codes
 * to show, or null for a wrong code (or no set-up begun).
 */
export async function enableTotp(db: Db, userId: number, login: string, code: string): Promise<string[] | null> {
  return db.transaction().execute(async (trx) => {
    const state = await totpOf(trx, userId);
    if (!state || state.enabled) return null;
    if (!(await acceptTotpCode(trx, userId, login, code))) return null;
    await trx.updateTable("user_totp").set({ enabled_at: nowIso() }).where("user_id", "=", userId).execute();
    return replaceRecoveryCodes(trx, userId);
  });
}

/** Turns two-factor off: the secret and the recovery codes are deleted. */
export async function disableTotp(db: Db, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
    await trx.deleteFrom("user_totp").where("user_id", "=", userId).execute();
  });
}

/** New recovery codes for a user with two-factor on (the old ones stop working). */
export async function renewRecoveryCodes(db: Db, userId: number): Promise<string[]> {
  return db.transaction().execute((trx) => replaceRecoveryCodes(trx, userId));
}

/**
 * Where an admin must go before an admin page: the two-factor set-up, when the archive requires
 * two-factor for admins and this one has not turned it on; otherwise null.
 */
export async function adminSecondFactorGate(db: DbOrTrx, user: { id: number; login: string }): Promise<string | null> {
  if (!(await twoFactorRequiredForAdmins(db)) || (await hasSecondFactor(db, user.id))) return null;
  return `/users/${encodeURIComponent(user.login)}/two_factor?required=admin`;
}

import { createHash, timingSafeEqual } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1: OWASP's minimum), ~50 ms here.

/** Hashes a password as an argon2id PHC string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Whether a password matches a stored hash; false for a malformed hash rather than throwing.
 * A stored value that is no argon2 hash at all (an imported account's unusable placeholder)
 * still costs one real verification, so the answer's timing does not tell such accounts apart.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (!stored.startsWith("$argon2")) {
    await verifyNothing(password);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A real hash to check against when the login does not exist, so the reply takes as long
// and an attacker cannot tell which user names exist by timing.
let decoy: Promise<string> | undefined;
/** Spends the time of one verification without a user. */
export async function verifyNothing(password: string): Promise<void> {
  decoy ??= hash("not a real password, only for timing");
  await verifyPassword(await decoy, password);
}

/**
 * Whether a password matches an imported account's old hash (users.legacy_password, written by
 * an importer as "SCHEME:DIGEST"). Only eFiction's unsalted MD5 ("md5:" and 32 lowercase hex
 * digits) is known; any other value matches nothing. The comparison takes the same time wherever
 * the digests differ. Cheap next to the argon2 check every log-in makes anyway, so whether an
 * account still has an old hash does not show in the time a wrong password takes.
 */
export function matchesLegacyPassword(legacy: string, password: string): boolean {
  const md5 = /^md5:([0-9a-f]{32})$/.exec(legacy);
  if (!md5) return false;
  const typed = createHash("md5").update(password, "utf8").digest();
  return timingSafeEqual(typed, Buffer.from(md5[1]!, "hex"));
}

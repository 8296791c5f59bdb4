import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1: OWASP's minimum), ~50 ms here.

/** Hashes a password as an argon2id PHC string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Whether a password matches a stored hash; false for a malformed hash rather than throwing. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
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

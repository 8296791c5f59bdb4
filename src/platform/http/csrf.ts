import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/*
 * CSRF tokens bound to who is asking. A token is a random salt and an HMAC, under a key derived
 * from the archive's secret, of the salt and a binding:
 * - a logged-in viewer's binding is their session (its id, the hash of the session cookie), so a
 *   token is worth nothing with any other session, and logging in or out (a new session, or none)
 *   makes every earlier token stale;
 * - a guest's binding is a random pre-session id in its own cookie, which is replaced at log-in
 *   and at log-out. A (cookie, token) pair planted by someone who can set cookies for the host
 *   therefore stops working once the victim logs in, and never works with the victim's session.
 * Nothing is stored server-side: a token is checked by recomputing its HMAC.
 */

/** The guest's pre-session id (not a secret from its holder: what matters is that it is theirs). */
export const GUEST_CSRF_COOKIE = "fanfold_csrf";

/** The key tokens are made with: derived, so the cookie-signing secret itself is never an HMAC key twice. */
export function csrfKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("fanfold csrf tokens").digest();
}

/** A new guest pre-session id. */
export function newGuestCsrfId(): string {
  return randomBytes(24).toString("base64url");
}

/** Whether a cookie value can be a guest id we made (anything else is replaced). */
export function isGuestCsrfId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{32}$/.test(value);
}

/** What a token is bound to: the session when there is one, else the guest id. */
export function csrfBinding(sessionId: string | null, guestId: string | undefined): string | null {
  if (sessionId) return `session:${sessionId}`;
  return guestId ? `guest:${guestId}` : null;
}

function mac(key: Buffer, salt: string, binding: string): string {
  return createHmac("sha256", key).update(`${salt}\n${binding}`).digest("base64url");
}

/** A fresh token for a binding (a new salt each time, so no two pages carry the same string). */
export function makeCsrfToken(key: Buffer, binding: string): string {
  const salt = randomBytes(12).toString("base64url");
  return `${salt}.${mac(key, salt, binding)}`;
}

/** Whether a submitted token was made for this binding. */
export function csrfTokenValid(key: Buffer, binding: string | null, token: string | undefined): boolean {
  if (!binding || !token || token.length > 200) return false;
  const dot = token.indexOf(".");
  if (dot <= 0) return false;
  const expected = Buffer.from(mac(key, token.slice(0, dot), binding));
  const given = Buffer.from(token.slice(dot + 1));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

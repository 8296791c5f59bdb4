import { createHash, randomBytes } from "node:crypto";

/** Every token starts so, to be recognisable in a leaked config file or a secret scanner. */
export const TOKEN_PREFIX = "fanfold_";

/** A new token: 32 random bytes, base64url, after the prefix. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** What the table stores instead of the token: a copy of the database cannot be replayed. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether a string has a token's shape (checked before any query). */
export function looksLikeToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && /^[A-Za-z0-9_-]{20,100}$/.test(value.slice(TOKEN_PREFIX.length));
}

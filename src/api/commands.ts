import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { TokenScope } from "./policy.js";
import { hashToken, newToken } from "./tokens.js";

/** Creates a token; returns it (to show once) with its id. Only its hash is stored. */
export async function createToken(db: DbOrTrx, userId: number, name: string, scope: TokenScope): Promise<{ id: number; token: string }> {
  const token = newToken();
  const row = await db
    .insertInto("api_tokens")
    .values({ user_id: userId, name, scope, token_hash: hashToken(token), created_at: nowIso(), last_used_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Revokes (deletes) one of a user's tokens; false when there was none. */
export async function revokeToken(db: DbOrTrx, userId: number, tokenId: number): Promise<boolean> {
  const gone = await db.deleteFrom("api_tokens").where("id", "=", tokenId).where("user_id", "=", userId).returning("id").executeTakeFirst();
  return gone !== undefined;
}

/** How stale "last used" may get: writing it on every request would make every read a write. */
export const LAST_USED_PRECISION_MS = 60_000;

/** Notes that a token was used, unless that was noted less than a minute ago. */
export async function noteTokenUse(db: DbOrTrx, token: { id: number; lastUsedAt: string | null }, now = new Date()): Promise<void> {
  if (token.lastUsedAt && now.getTime() - Date.parse(token.lastUsedAt) < LAST_USED_PRECISION_MS) return;
  await db.updateTable("api_tokens").set({ last_used_at: now.toISOString() }).where("id", "=", token.id).execute();
}

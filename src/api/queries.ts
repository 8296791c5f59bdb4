import type { DbOrTrx } from "../platform/db/index.js";
import type { ApiTokenRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { rolesOf } from "../model/users.js";
import { accountStanding } from "../model/sanctions.js";
import type { TokenScope } from "./policy.js";
import { hashToken, looksLikeToken } from "./tokens.js";

/** A user's tokens, newest first (never their hashes' tokens: those were shown once). */
export function tokensOf(db: DbOrTrx, userId: number): Promise<ApiTokenRow[]> {
  return db.selectFrom("api_tokens").selectAll().where("user_id", "=", userId).orderBy("id", "desc").execute();
}

export interface TokenViewer {
  viewer: Viewer;
  token: { id: number; scope: TokenScope; lastUsedAt: string | null };
}

/** The user behind a token, as a viewer with the token's scope; null when it is unknown or revoked. */
export async function viewerForToken(db: DbOrTrx, token: string): Promise<TokenViewer | null> {
  if (!looksLikeToken(token)) return null;
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["api_tokens.id as id", "api_tokens.scope as scope", "api_tokens.last_used_at as lastUsedAt", "users.id as userId", "users.login as login"])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const [roles, standing] = await Promise.all([rolesOf(db, row.userId), accountStanding(db, row.userId)]);
  return {
    viewer: { user: { id: row.userId, login: row.login, roles, sanction: standing.sanction, warnings: standing.warnings }, sessionId: null },
    token: { id: row.id, scope: row.scope as TokenScope, lastUsedAt: row.lastUsedAt },
  };
}

import { createHash, randomBytes } from "node:crypto";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import { GUEST, type Viewer } from "../platform/http/viewer.js";
import { accountStanding } from "../model/sanctions.js";

// The cookie holds a random token; the table holds only its hash.
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Starts a session for a user and returns the token for the cookie. */
export async function startSession(db: DbOrTrx, userId: number, days: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  await db
    .insertInto("sessions")
    .values({
      id: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
    })
    .execute();
  return token;
}

/** Ends one session (log out), by the viewer's session id. */
export async function endSession(db: DbOrTrx, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

/** Ends every session of a user but one (after a password change). */
export async function endOtherSessions(db: DbOrTrx, userId: number, keepSessionId: string | null): Promise<void> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepSessionId) query = query.where("id", "!=", keepSessionId);
  await query.execute();
}

/** The viewer behind a session cookie; a guest when the token is missing, unknown or expired. */
export async function loadViewer(db: Db, token: string | undefined): Promise<Viewer> {
  if (!token || token.length > 100) return GUEST;
  const id = hashToken(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.user_id as userId", "users.login as login", "sessions.expires_at as expiresAt", "sessions.last_seen_at as lastSeenAt"])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row) return GUEST;
  const now = nowIso();
  if (row.expiresAt <= now) {
    await endSession(db, id);
    return GUEST;
  }
  const [roles, standing] = await Promise.all([db.selectFrom("user_roles").select("role").where("user_id", "=", row.userId).execute(), accountStanding(db, row.userId)]);
  return { user: { id: row.userId, login: row.login, roles: roles.map((r) => r.role), sanction: standing.sanction, warnings: standing.warnings }, sessionId: id };
}

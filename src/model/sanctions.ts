import type { DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { Sanction } from "../platform/http/viewer.js";

// Reading an account's standing: the sanction in force (src/moderation writes it) and the
// admins' warnings not yet dismissed. The viewer loaders (the session's and the API token's) read
// it with every request, so the one check in the route table knows who may contribute.

/** A stored sanction row as the rule reads it. */
export interface SanctionRow {
  kind: string;
  reason: string;
  ends_at: string | null;
}

/**
 * The rule of when a sanction is in force: a ban always; a suspension until its end has passed
 * (it ends by itself, with nobody having to lift it). Null when nothing is in force.
 */
export function sanctionInForce(row: SanctionRow | undefined | null, now = nowIso()): Sanction | null {
  if (!row) return null;
  if (row.kind === "banned") return { kind: "banned", until: null, reason: row.reason };
  if (row.kind === "suspended" && row.ends_at !== null && row.ends_at > now) return { kind: "suspended", until: row.ends_at, reason: row.reason };
  return null;
}

export interface AccountStanding {
  sanction: Sanction | null;
  /** Warnings the user has not dismissed. */
  warnings: number;
}

/** A user's standing, in one query (it runs with every logged-in request). */
export async function accountStanding(db: DbOrTrx, userId: number): Promise<AccountStanding> {
  const row = await db
    .selectFrom("users")
    .leftJoin("user_sanctions", "user_sanctions.user_id", "users.id")
    .select(["user_sanctions.kind", "user_sanctions.reason", "user_sanctions.ends_at"])
    .select((eb) =>
      eb
        .selectFrom("user_warnings")
        .select((w) => w.fn.countAll<number>().as("n"))
        .where("user_warnings.user_id", "=", userId)
        .where("user_warnings.dismissed_at", "is", null)
        .as("warnings"),
    )
    .where("users.id", "=", userId)
    .executeTakeFirst();
  if (!row) return { sanction: null, warnings: 0 };
  const sanction = row.kind ? sanctionInForce({ kind: row.kind, reason: row.reason ?? "", ends_at: row.ends_at ?? null }) : null;
  return { sanction, warnings: Number(row.warnings ?? 0) };
}

import { sql } from "kysely";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import type { LoginOutcome } from "../platform/db/tables.js";
import { enqueueJob } from "../platform/jobs.js";

/**
 * Log-in protection per account, whatever address the attempts come from (the per-address
 * limits are on the routes). Wrong passwords and wrong two-factor codes count alike: after the
 * second, each one makes the account wait longer before the next attempt is checked; the
 * MAX_FAILURES-th locks it for LOCK_MS and mails its owner. The counts are rows in
 * `login_throttles`, written (and committed) before the page answers, so they hold across
 * processes and restarts.
 */
export const MAX_FAILURES = 5;
/** Failures older than this (counted from the first) are forgotten. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

/** The wait before the next attempt after `failures` wrong ones: none, then 1, 2, 4… seconds. */
export function delayAfter(failures: number): number {
  return failures < 2 ? 0 : 1000 * 2 ** (failures - 2);
}

/** The mail job queued when an account is locked. */
export const ACCOUNT_LOCKED_MAIL = "account_locked_mail";
export interface AccountLockedEvent {
  userId: number;
  lockedUntil: string;
  address: string;
}

export type AttemptGate = { open: true; failures: number } | { open: false; reason: "locked" | "too_soon"; until: string };

/** Whether an attempt on the account may be checked now; when not, until when it must wait. */
export async function attemptGate(db: DbOrTrx, userId: number, now = new Date()): Promise<AttemptGate> {
  const row = await db.selectFrom("login_throttles").select(["failures", "locked_until", "next_attempt_at"]).where("user_id", "=", userId).executeTakeFirst();
  const at = now.toISOString();
  if (row?.locked_until && row.locked_until > at) return { open: false, reason: "locked", until: row.locked_until };
  if (row?.next_attempt_at && row.next_attempt_at > at) return { open: false, reason: "too_soon", until: row.next_attempt_at };
  return { open: true, failures: row?.failures ?? 0 };
}

/**
 * Counts a wrong password or code against the account. One upsert does the counting, so
 * attempts racing in from several processes each add one. Returns whether this failure locked
 * the account (the owner's mail is queued in the same transaction, once per lock).
 */
export async function noteFailure(db: Db, userId: number, address: string, now = new Date()): Promise<{ locked: boolean }> {
  const at = now.toISOString();
  const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
  return db.transaction().execute(async (trx) => {
    // A window that has run out, or a lock that has ended, starts the count again.
    const stale = sql<boolean>`(login_throttles.window_started_at < ${windowStart} or (login_throttles.locked_until is not null and login_throttles.locked_until <= ${at}))`;
    const row = await trx
      .insertInto("login_throttles")
      .values({ user_id: userId, failures: 1, window_started_at: at, next_attempt_at: null, locked_until: null })
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet({
          failures: sql`case when ${stale} then 1 else login_throttles.failures + 1 end`,
          window_started_at: sql`case when ${stale} then ${at} else login_throttles.window_started_at end`,
          locked_until: sql`case when ${stale} then null else login_throttles.locked_until end`,
        }),
      )
      .returning(["failures", "locked_until"])
      .executeTakeFirstOrThrow();
    if (row.failures < MAX_FAILURES) {
      const wait = delayAfter(row.failures);
      await trx
        .updateTable("login_throttles")
        .set({ next_attempt_at: wait ? new Date(now.getTime() + wait).toISOString() : null })
        .where("user_id", "=", userId)
        .execute();
      return { locked: false };
    }
    const lockedUntil = new Date(now.getTime() + LOCK_MS).toISOString();
    // Only the failure that finds the account unlocked locks it (and mails): a racing one does not.
    const locking = await trx
      .updateTable("login_throttles")
      .set({ locked_until: lockedUntil, next_attempt_at: null })
      .where("user_id", "=", userId)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", at)]))
      .executeTakeFirst();
    if (Number(locking.numUpdatedRows) !== 1) return { locked: false };
    const event: AccountLockedEvent = { userId, lockedUntil, address };
    await enqueueJob(trx, ACCOUNT_LOCKED_MAIL, event, 1);
    return { locked: true };
  });
}

/** A right password (and code): the account's count starts again. */
export async function clearFailures(db: DbOrTrx, userId: number): Promise<void> {
  await db.deleteFrom("login_throttles").where("user_id", "=", userId).execute();
}

/** How many attempts each account's log keeps (the newest). */
export const LOGIN_LOG_SIZE = 50;
const MAX_AGENT_LENGTH = 300;

/** Writes an attempt into the account's log, dropping the oldest past LOGIN_LOG_SIZE. */
export async function logAttempt(db: Db, userId: number, outcome: LoginOutcome, client: { address: string; userAgent: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("login_events")
      .values({ user_id: userId, at: new Date().toISOString(), address: client.address, user_agent: client.userAgent.slice(0, MAX_AGENT_LENGTH), outcome })
      .execute();
    const cutoff = await trx.selectFrom("login_events").select("id").where("user_id", "=", userId).orderBy("id", "desc").offset(LOGIN_LOG_SIZE).limit(1).executeTakeFirst();
    if (cutoff) await trx.deleteFrom("login_events").where("user_id", "=", userId).where("id", "<=", cutoff.id).execute();
  });
}

/** The account's log, newest first. */
export function recentLogins(db: DbOrTrx, userId: number) {
  return db.selectFrom("login_events").select(["at", "address", "user_agent", "outcome"]).where("user_id", "=", userId).orderBy("id", "desc").limit(LOGIN_LOG_SIZE).execute();
}

import { createHash, randomBytes } from "node:crypto";
import { escapeHtml } from "@kitajs/html";
import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { t } from "../platform/i18n/index.js";
import { enqueueJob, type JobStep } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { hashPassword } from "./passwords.js";
import { passwordErrors } from "./schema.js";
import { endOtherSessions } from "./sessions.js";

/**
 * Claiming an imported account, as Open Doors invites the authors of an archive it moves: the
 * account's address is mailed a one-time link to set a password and take the account, for
 * authors who never come back to log in with their old password.
 *
 * One rule decides whether an account is still unclaimed: it still holds the password it was
 * imported with (users.legacy_password). Logging in with that password, or a claim link, or a
 * new password set any other way clears it, and then every claim link of the account is spent.
 * A link works once, until it expires. The table keeps only the SHA-256 of a link's token, as
 * sessions do; the token is made by the mail job as it sends the mail, so the jobs table holds
 * no secret either.
 */

/** The job that mails one claim link (payload: ClaimMailPayload). */
export const ACCOUNT_CLAIM_MAIL = "account_claim_mail";
export interface ClaimMailPayload {
  claimId: number;
}

/** How long a claim link works unless the sender says otherwise, and the longest it may. */
export const CLAIM_DAYS = 30;
export const CLAIM_DAYS_MAX = 365;

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** How many accounts still hold the password they were imported with: the unclaimed ones. */
export async function unclaimedAccountCount(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<string | number>().as("n")).where("legacy_password", "is not", null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What `queueClaims` did. */
export interface QueuedClaims {
  /** Claim emails queued (one job each). */
  queued: number;
  /** Accounts skipped because a link sent earlier still works. */
  pending: number;
  /** Accounts skipped because they have no address to write to. */
  noEmail: number;
}

/**
 * Queues a claim email for every unclaimed account (of `userIds`, when given: an importer's
 * accounts), each a claim row and its mail job in one transaction. An account whose earlier link
 * still works is skipped, so running the command again reaches only the accounts not yet
 * written to (and, once links expire, writes to them again).
 */
export async function queueClaims(db: Db, options: { userIds?: number[]; days?: number; now?: Date } = {}): Promise<QueuedClaims> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + (options.days ?? CLAIM_DAYS) * 86_400_000).toISOString();
  const done: QueuedClaims = { queued: 0, pending: 0, noEmail: 0 };
  const batches = options.userIds ? chunks(options.userIds, 500) : [null];
  for (const batch of batches) {
    if (batch && batch.length === 0) continue;
    let query = db.selectFrom("users").select(["id", "email"]).where("legacy_password", "is not", null).orderBy("id");
    if (batch) query = query.where("id", "in", batch);
    const accounts = await query.execute();
    const waiting = new Set(
      accounts.length
        ? (await db.selectFrom("account_claims").select("user_id").where("used_at", "is", null).where("expires_at", ">", at).where("user_id", "in", accounts.map((a) => a.id)).execute()).map((r) => r.user_id)
        : [],
    );
    for (const account of accounts) {
      if (!account.email.includes("@")) done.noEmail++;
      else if (waiting.has(account.id)) done.pending++;
      else {
        await db.transaction().execute(async (trx) => {
          const claim = await trx.insertInto("account_claims").values({ user_id: account.id, token_sha256: null, created_at: at, expires_at: expiresAt, sent_at: null, used_at: null }).returning("id").executeTakeFirstOrThrow();
          await enqueueJob(trx, ACCOUNT_CLAIM_MAIL, { claimId: claim.id } satisfies ClaimMailPayload, 1);
        });
        done.queued++;
      }
    }
  }
  return done;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The claim page's link for a token. */
export function claimPath(token: string): string {
  return `/claim/${encodeURIComponent(token)}`;
}

/**
 * The mail job's one step: makes the link's token, keeps its hash, and mails the link to the
 * account's address. Redone after a crash, it makes a new token (replacing the old hash) and
 * writes the same outbox file again: the latest mail's link is the one that works. Nothing is sent
 * for a claim that was used, expired or whose account was taken meanwhile.
 */
export function claimMailStep(mailer: Mailer, publicUrl: string): JobStep {
  return async (db, job) => {
    const { claimId } = JSON.parse(job.payload) as ClaimMailPayload;
    const now = nowIso();
    const claim = await db
      .selectFrom("account_claims")
      .innerJoin("users", "users.id", "account_claims.user_id")
      .select(["account_claims.id as id", "account_claims.expires_at as expiresAt", "account_claims.used_at as usedAt", "users.login as login", "users.email as email", "users.legacy_password as legacyPassword"])
      .where("account_claims.id", "=", claimId)
      .executeTakeFirst();
    if (!claim || claim.usedAt || claim.expiresAt <= now || claim.legacyPassword === null) return false;
    const token = randomBytes(32).toString("base64url");
    const stored = await db.updateTable("account_claims").set({ token_sha256: tokenHash(token), sent_at: now }).where("id", "=", claim.id).where("used_at", "is", null).executeTakeFirst();
    if (Number(stored.numUpdatedRows) !== 1) return false;
    const site = t("site.name");
    const link = `${publicUrl}${claimPath(token)}`;
    const lines: { text: string; href?: string }[] = [
      { text: t("users.claim.mail.what", { site, login: claim.login }) },
      { text: t("users.claim.mail.follow_link") },
      { text: link, href: link },
      { text: t("users.claim.mail.once", { date: claim.expiresAt.slice(0, 10) }) },
      { text: t("users.claim.mail.old_password") },
      { text: t("users.claim.mail.ignore") },
    ];
    const text = `${lines.map((line) => line.text).join("\n\n")}\n`;
    // The login is escaped like everything else.
    const html = `<!DOCTYPE html><html><body>${lines.map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`)).join("")}</body></html>`;
    await mailer.send({ key: `account-claim-${claim.id}`, to: claim.email, subject: t("users.claim.mail.subject", { site }), text, html });
    return false;
  };
}

/** What a claim link is: open (with the account it takes), spent (used, expired, or the account was taken), or unknown. */
export type ClaimLink = { kind: "open"; userId: number; login: string } | { kind: "spent" } | { kind: "unknown" };

/** Reads a claim link's token. */
export async function findClaim(db: DbOrTrx, token: string): Promise<ClaimLink> {
  if (!token || token.length > 100) return { kind: "unknown" };
  const claim = await db
    .selectFrom("account_claims")
    .innerJoin("users", "users.id", "account_claims.user_id")
    .select(["account_claims.expires_at as expiresAt", "account_claims.used_at as usedAt", "users.id as userId", "users.login as login", "users.legacy_password as legacyPassword"])
    .where("account_claims.token_sha256", "=", tokenHash(token))
    .executeTakeFirst();
  if (!claim) return { kind: "unknown" };
  if (claim.usedAt || claim.expiresAt <= nowIso() || claim.legacyPassword === null) return { kind: "spent" };
  return { kind: "open", userId: claim.userId, login: claim.login };
}

export type ClaimOutcome = { kind: "claimed"; userId: number; login: string } | { kind: "invalid"; errors: FieldErrors; login: string } | { kind: "spent" } | { kind: "unknown" };

/**
 * Takes an account with a claim link: sets its password (argon2id), clears the imported one,
 * spends this link and every other of the account's, and ends any session of the account, in one
 * transaction. The link is spent by one conditional UPDATE and the account taken by another
 * (only while it still holds its imported password): of two uses of a link, or a link racing a
 * log-in with the old password, exactly one takes the account.
 */
export async function claimAccount(db: Db, token: string, password: string, confirmation: string): Promise<ClaimOutcome> {
  const link = await findClaim(db, token);
  if (link.kind !== "open") return link;
  const problems = passwordErrors(password, confirmation);
  if (problems.length) return { kind: "invalid", errors: { "user[password]": problems }, login: link.login };
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx): Promise<ClaimOutcome> => {
    const now = nowIso();
    const spent = await trx.updateTable("account_claims").set({ used_at: now }).where("token_sha256", "=", tokenHash(token)).where("used_at", "is", null).where("expires_at", ">", now).executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return { kind: "spent" };
    const taken = await trx.updateTable("users").set({ password_hash: passwordHash, legacy_password: null }).where("id", "=", link.userId).where("legacy_password", "is not", null).executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) return { kind: "spent" };
    await trx.updateTable("account_claims").set({ used_at: now }).where("user_id", "=", link.userId).where("used_at", "is", null).execute();
    await endOtherSessions(trx, link.userId, null);
    return { kind: "claimed", userId: link.userId, login: link.login };
  });
}

/** The users capability's claim job, given where mail goes. */
export function claimJobSteps(mailer: Mailer, publicUrl: string): Record<string, JobStep> {
  return { [ACCOUNT_CLAIM_MAIL]: claimMailStep(mailer, publicUrl) };
}

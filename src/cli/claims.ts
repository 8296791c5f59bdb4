import { parseArgs } from "node:util";
import type { Db } from "../platform/db/index.js";
import { legacyTargetsOf } from "../transfer/index.js";
import { CLAIM_DAYS_MAX, queueClaims } from "../users/index.js";

/**
 * `fanfold claims send [--source NAME] [--days N]`: mails every imported account that nobody has
 * taken yet a one-time link to set its password (src/users/claims.ts). The mails are durable jobs,
 * sent by the job worker of `fanfold serve` or by `fanfold jobs run`.
 */

export const CLAIMS_USAGE = `Usage: fanfold claims send [--source NAME] [--days N]

Queues a claim email for every imported account not yet taken (never logged in with its old
password, never claimed), skipping accounts whose earlier link still works.
  --source NAME   only the accounts this importer made (e.g. efiction)
  --days N        how long the links work (default 30)
The emails go out with the background jobs (\`fanfold serve\` or \`fanfold jobs run\`).`;

/** A refusal or bad input, for one `fanfold: ...` line and exit code 1. */
export class ClaimsCliError extends Error {}

/** Runs `fanfold claims ...` on an open, current database; returns the lines to print. */
export async function claimsCommand(db: Db, args: string[]): Promise<string[]> {
  if (!args[0] || args[0] === "help" || args[0] === "--help") return [CLAIMS_USAGE];
  if (args[0] !== "send") throw new ClaimsCliError(`Unknown claims command "${args[0]}" (the command is \`fanfold claims send [--source NAME] [--days N]\`).`);
  const { values, positionals } = parseArgs({ args: args.slice(1), allowPositionals: true, options: { source: { type: "string" }, days: { type: "string" } } });
  if (positionals.length) throw new ClaimsCliError(`Unexpected argument "${positionals[0]}": ${CLAIMS_USAGE.split("\n")[0]}.`);
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > CLAIM_DAYS_MAX)) throw new ClaimsCliError(`--days must be a whole number from 1 to ${CLAIM_DAYS_MAX}, not "${values.days}".`);
  let userIds: number[] | undefined;
  if (values.source !== undefined) {
    userIds = await legacyTargetsOf(db, values.source, "user");
    if (!userIds.length) throw new ClaimsCliError(`No accounts were imported from "${values.source}".`);
  }
  const done = await queueClaims(db, { userIds, days });
  const lines = [`Queued ${done.queued} claim email${done.queued === 1 ? "" : "s"}.`];
  if (done.pending) lines.push(`Skipped ${done.pending} account${done.pending === 1 ? "" : "s"} whose earlier link still works.`);
  if (done.noEmail) lines.push(`Skipped ${done.noEmail} account${done.noEmail === 1 ? "" : "s"} without an email address.`);
  if (done.queued) lines.push("They are sent by the background jobs (`fanfold serve` or `fanfold jobs run`).");
  return lines;
}

import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { escapeHtml } from "@kitajs/html";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import type { TakeoutRow } from "../platform/db/tables.js";
import { advanceJob, enqueueJob, type JobStep, WORKER_ID } from "../platform/jobs.js";
import type { Mailer } from "../platform/mail.js";
import { t } from "../platform/i18n/index.js";
import { findUserById } from "../model/users.js";
import { writeTakeout } from "./takeout-zip.js";

// The takeout: a user asks for a zip of everything of theirs; a durable job builds it into the data
// folder and mails them a link; the link works while they are logged in, for TAKEOUT_DAYS days,
// after which the file is removed. One takeout per user is built at a time.

export const TAKEOUT_JOB = "takeout";
/** How long a finished takeout can be downloaded. */
export const TAKEOUT_DAYS = 7;
const DAY_MS = 86_400_000;

/** Where takeout files live: DATA_DIR/takeouts. */
export function takeoutFolder(dataDir: string): string {
  return join(dataDir, "takeouts");
}

export interface TakeoutStatus {
  id: number;
  state: TakeoutRow["state"];
  createdAt: string;
  readyAt: string | null;
  expiresAt: string | null;
  size: number;
  /** Works written so far and in all, while it is being built. */
  done: number;
  total: number;
}

/** The unfinished states: a takeout in one of them is "the running one". */
const UNFINISHED = ["queued", "running"] as const;

/**
 * Asks for a takeout: a new one queued (with its job, in the same transaction), or, when one is
 * already queued or being built, that one (`created: false`). Race-free on either database: the
 * partial unique index lets only one unfinished takeout per user exist, so of two requests at once
 * one inserts and the other, finding the conflict, returns the first one's row.
 */
export async function requestTakeout(db: Db, userId: number): Promise<{ takeout: TakeoutRow; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const outcome = await db.transaction().execute(async (trx) => {
      await releaseAbandoned(trx, userId);
      const inserted = await trx
        .insertInto("takeouts")
        .values({ user_id: userId, job_id: null, state: "queued", file: null, created_at: nowIso(), ready_at: null, expires_at: null })
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) {
        const running = await trx.selectFrom("takeouts").selectAll().where("user_id", "=", userId).where("state", "in", UNFINISHED).executeTakeFirst();
        return running ? { takeout: running, created: false } : null;
      }
      const works = await trx
        .selectFrom("work_creators")
        .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
        .select((eb) => eb.fn.count<number>("work_creators.work_id").distinct().as("n"))
        .where("pseuds.user_id", "=", userId)
        .executeTakeFirst();
      const jobId = await enqueueJob(trx, TAKEOUT_JOB, { takeoutId: inserted.id }, Number(works?.n ?? 0));
      await trx.updateTable("takeouts").set({ job_id: jobId }).where("id", "=", inserted.id).execute();
      return { takeout: await trx.selectFrom("takeouts").selectAll().where("id", "=", inserted.id).executeTakeFirstOrThrow(), created: true };
    });
    // Null: the running one finished between the conflict and the look-up; ask again.
    if (outcome) return outcome;
  }
  throw new Error(`could not queue a takeout for user ${userId}`);
}

/** An unfinished takeout whose job gave up (failed after its retries) no longer holds the user's place. */
async function releaseAbandoned(trx: DbOrTrx, userId: number): Promise<void> {
  await trx
    .updateTable("takeouts")
    .set({ state: "failed" })
    .where("user_id", "=", userId)
    .where("state", "in", UNFINISHED)
    .where((eb) => eb.or([eb("job_id", "is", null), eb("job_id", "in", eb.selectFrom("jobs").select("id").where("state", "=", "failed"))]))
    .execute();
}

/** The user's latest takeout and how far it got, or undefined when they never asked for one. */
export async function latestTakeout(db: DbOrTrx, userId: number): Promise<TakeoutStatus | undefined> {
  const row = await db
    .selectFrom("takeouts")
    .leftJoin("jobs", "jobs.id", "takeouts.job_id")
    .select(["takeouts.id", "takeouts.state", "takeouts.created_at", "takeouts.ready_at", "takeouts.expires_at", "takeouts.size", "jobs.state as jobState", "jobs.done_count", "jobs.total"])
    .where("takeouts.user_id", "=", userId)
    .orderBy("takeouts.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  // The job gave up: shown as failed now, released for a new request at the next one.
  const state = (UNFINISHED as readonly string[]).includes(row.state) && row.jobState === "failed" ? "failed" : row.state;
  return {
    id: row.id,
    state,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    expiresAt: row.expires_at,
    size: Number(row.size),
    done: Number(row.done_count ?? 0),
    total: Number(row.total ?? 0),
  };
}

/** A ready takeout of this user that can still be downloaded, with its file's path. */
export async function downloadableTakeout(db: DbOrTrx, dataDir: string, userId: number, takeoutId: number): Promise<{ path: string; row: TakeoutRow } | undefined> {
  const row = await db.selectFrom("takeouts").selectAll().where("id", "=", takeoutId).where("user_id", "=", userId).where("state", "=", "ready").executeTakeFirst();
  if (!row || !row.file || !row.expires_at || row.expires_at <= nowIso()) return undefined;
  return { path: join(takeoutFolder(dataDir), row.file), row };
}

function removeFile(dataDir: string, file: string | null): void {
  // Only names the archive made: never a path out of the folder.
  if (file && /^[\w.-]+$/.test(file)) rmSync(join(takeoutFolder(dataDir), file), { force: true });
}

/** Removes takeout files (after the rows that named them are gone), e.g. when an account is deleted. */
export function removeTakeoutFiles(dataDir: string, files: string[]): void {
  for (const file of files) removeFile(dataDir, file);
}

/**
 * Expired takeouts lose their files (the row stays, as "expired"), and temporary files left by a
 * build that crashed are removed after a day. Run after each build and whenever a takeout page is
 * shown, so files never outlive their links for long on an archive that is used.
 */
export async function sweepTakeouts(db: Db, dataDir: string): Promise<number> {
  const expired = await db.updateTable("takeouts").set({ state: "expired" }).where("state", "=", "ready").where("expires_at", "<=", nowIso()).returning("file").execute();
  for (const row of expired) removeFile(dataDir, row.file);
  await db.updateTable("takeouts").set({ file: null }).where("state", "=", "expired").where("file", "is not", null).execute();
  const folder = takeoutFolder(dataDir);
  let names: string[] = [];
  try {
    names = readdirSync(folder);
  } catch {
    return expired.length;
  }
  for (const name of names.filter((n) => n.endsWith(".tmp"))) {
    try {
      if (Date.now() - statSync(join(folder, name)).mtimeMs > DAY_MS) rmSync(join(folder, name), { force: true });
    } catch {
      // Gone already (another process swept it).
    }
  }
  return expired.length;
}

export interface TakeoutJobOptions {
  dataDir: string;
  publicUrl: string;
}

/** The download address of a takeout (behind log-in: the guard sends a guest to log in first). */
export function takeoutDownloadPath(login: string, takeoutId: number): string {
  return `/users/${encodeURIComponent(login)}/takeout/${takeoutId}/download`;
}

export function takeoutPagePath(login: string): string {
  return `/users/${encodeURIComponent(login)}/takeout`;
}

async function mailReady(mailer: Mailer, options: TakeoutJobOptions, takeout: TakeoutRow, user: { login: string; email: string }): Promise<void> {
  const link = `${options.publicUrl}${takeoutDownloadPath(user.login, takeout.id)}`;
  const until = t("leaving.takeout.utc", { date: takeout.expires_at!.slice(0, 10), time: takeout.expires_at!.slice(11, 16) });
  const lines: { text: string; href?: string }[] = [
    { text: t("leaving.takeout.mail.ready", { login: user.login, site: t("site.name") }) },
    { text: link, href: link },
    { text: t("leaving.takeout.mail.until", { until }) },
    { text: t("leaving.takeout.mail.not_you") },
  ];
  const text = `${lines.map((line) => line.text).join("\n\n")}\n`;
  const html = `<!DOCTYPE html><html><body>${lines.map((line) => (line.href ? `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>` : `<p>${escapeHtml(line.text)}</p>`)).join("")}</body></html>`;
  // Named by the takeout: a step redone after a crash writes the same message again, not a second.
  await mailer.send({ key: `takeout-${takeout.id}`, to: user.email, subject: t("leaving.takeout.mail.subject", { site: t("site.name") }), text, html });
}

/**
 * The job's one step: builds the zip (streamed to a temporary file, renamed into place when
 * complete), marks the takeout ready, mails its owner, and sweeps expired files. A crash or
 * restart mid-build loses the partial file; the job is taken up again and builds from the start.
 * Each written work moves the job's progress, which also keeps the job claimed while it runs.
 */
export function takeoutStep(mailer: Mailer, options: TakeoutJobOptions): JobStep {
  return async (db, job) => {
    const { takeoutId } = JSON.parse(job.payload) as { takeoutId: number };
    const takeout = await db.selectFrom("takeouts").selectAll().where("id", "=", takeoutId).executeTakeFirst();
    const user = takeout ? await findUserById(db, takeout.user_id) : undefined;
    if (!takeout || !user) return false;
    // Built before a crash that came before its mail: the mail (same key) is all that is left.
    if (takeout.state === "ready") {
      await mailReady(mailer, options, takeout, user);
      return false;
    }
    if (takeout.state !== "queued" && takeout.state !== "running") return false;
    await db.updateTable("takeouts").set({ state: "running" }).where("id", "=", takeoutId).where("state", "in", UNFINISHED).execute();
    // A build taken up again starts its count again.
    await db.updateTable("jobs").set({ done_count: 0, cursor: 0 }).where("id", "=", job.id).where("locked_by", "=", WORKER_ID).execute();

    const folder = takeoutFolder(options.dataDir);
    mkdirSync(folder, { recursive: true });
    const file = `takeout-${takeoutId}-${randomBytes(12).toString("hex")}.zip`;
    const temp = join(folder, `.${file}.tmp`);
    const archive = { name: t("site.name"), publicUrl: options.publicUrl };
    try {
      const out = createWriteStream(temp);
      await writeTakeout(db, user, archive, out, (workId) => advanceJob(db, job.id, workId, 1));
      await finished(out);
      renameSync(temp, join(folder, file));
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const size = statSync(join(folder, file)).size;
    const readyAt = nowIso();
    const expiresAt = new Date(Date.parse(readyAt) + TAKEOUT_DAYS * DAY_MS).toISOString();
    const superseded = await db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable("takeouts")
        .set({ state: "ready", file, size, ready_at: readyAt, expires_at: expiresAt })
        .where("id", "=", takeoutId)
        .where("state", "in", UNFINISHED)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) return null;
      // One file per user: an older ready takeout is replaced by this one.
      return trx.updateTable("takeouts").set({ state: "expired", file: null }).where("user_id", "=", user.id).where("state", "=", "ready").where("id", "!=", takeoutId).returning("file").execute();
    });
    if (superseded === null) {
      // The account was deleted (or the takeout dropped) while it was built.
      removeFile(options.dataDir, file);
      return false;
    }
    for (const row of superseded) removeFile(options.dataDir, row.file);
    const ready = await db.selectFrom("takeouts").selectAll().where("id", "=", takeoutId).executeTakeFirstOrThrow();
    await mailReady(mailer, options, ready, user);
    await sweepTakeouts(db, options.dataDir);
    return false;
  };
}

/** The leaving capability's job kinds and their steps. */
export function leavingJobSteps(mailer: Mailer, options: TakeoutJobOptions): Record<string, JobStep> {
  return { [TAKEOUT_JOB]: takeoutStep(mailer, options) };
}

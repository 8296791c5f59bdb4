import { type Db, type DbOrTrx, dialectOf } from "../platform/db/index.js";
import { deleteWorkIn } from "../works/index.js";
import { deleteSeriesIn } from "../series/index.js";
import { forgetResponsesOfUser } from "../responses/index.js";
import { dropSubscriptionsTo } from "../subscriptions/index.js";
import { replaceSeriesCreators, replaceWorkCreators } from "./creators.js";
import { OrphanAccountNameTaken, orphanAccount, orphanPseud } from "./orphan-account.js";

// Every write of leaving the archive: orphaning works, and deleting an account. Each runs in one
// transaction with its side effects (bylines, sort keys, search fields, change-feed rows).

/** What to orphan: some of the user's works, or all of them (and their series, as AO3's "orphan all" does). */
export type OrphanTarget = { kind: "works"; workIds: number[] } | { kind: "all" };

export interface OrphanOutcome {
  /** The works now credited to the orphan account. */
  works: number[];
  series: number[];
}

/** The user's pseuds, by id. */
async function pseudsOfUser(trx: DbOrTrx, userId: number): Promise<Map<number, string>> {
  const rows = await trx.selectFrom("pseuds").select(["id", "name"]).where("user_id", "=", userId).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Each work the user co-signs, with whether it is posted and whether anyone else signs it too. */
async function worksOfUser(trx: DbOrTrx, userId: number): Promise<{ id: number; posted: boolean; shared: boolean }[]> {
  const rows = await trx
    .selectFrom("work_creators as mine")
    .innerJoin("pseuds as my_pseud", "my_pseud.id", "mine.pseud_id")
    .innerJoin("works", "works.id", "mine.work_id")
    .innerJoin("work_creators as all_creators", "all_creators.work_id", "mine.work_id")
    .innerJoin("pseuds as their_pseud", "their_pseud.id", "all_creators.pseud_id")
    .select(["works.id as id", "works.posted as posted", "their_pseud.user_id as creatorId"])
    .where("my_pseud.user_id", "=", userId)
    .orderBy("works.id")
    .execute();
  const byWork = new Map<number, { id: number; posted: boolean; shared: boolean }>();
  for (const row of rows) {
    const entry = byWork.get(row.id) ?? { id: row.id, posted: row.posted === 1, shared: false };
    if (row.creatorId !== userId) entry.shared = true;
    byWork.set(row.id, entry);
  }
  return [...byWork.values()];
}

/** Each series the user co-signs, with whether anyone else signs it too. */
async function seriesOfUser(trx: DbOrTrx, userId: number): Promise<{ id: number; shared: boolean }[]> {
  const rows = await trx
    .selectFrom("series_creators as mine")
    .innerJoin("pseuds as my_pseud", "my_pseud.id", "mine.pseud_id")
    .innerJoin("series_creators as all_creators", "all_creators.series_id", "mine.series_id")
    .innerJoin("pseuds as their_pseud", "their_pseud.id", "all_creators.pseud_id")
    .select(["mine.series_id as id", "their_pseud.user_id as creatorId"])
    .where("my_pseud.user_id", "=", userId)
    .orderBy("mine.series_id")
    .execute();
  const bySeries = new Map<number, { id: number; shared: boolean }>();
  for (const row of rows) {
    const entry = bySeries.get(row.id) ?? { id: row.id, shared: false };
    if (row.creatorId !== userId) entry.shared = true;
    bySeries.set(row.id, entry);
  }
  return [...bySeries.values()];
}

/**
 * Credits the user's pseuds on these works and series to the orphan account: each pseud becomes
 * the orphan account's pseud of the same name (`keepNames`) or its default pseud. Co-creators
 * keep their place.
 */
async function passToOrphanAccount(trx: DbOrTrx, userId: number, workIds: number[], seriesIds: number[], keepNames: boolean): Promise<OrphanOutcome> {
  if (workIds.length === 0 && seriesIds.length === 0) return { works: [], series: [] };
  const orphan = await orphanAccount(trx);
  const mine = await pseudsOfUser(trx, userId);
  const made = new Map<number, number>();
  const replace = async (pseudId: number) => {
    if (!keepNames) return orphan.defaultPseudId;
    let id = made.get(pseudId);
    if (id === undefined) made.set(pseudId, (id = await orphanPseud(trx, orphan.userId, mine.get(pseudId)!)));
    return id;
  };
  const leaving = new Set(mine.keys());
  return {
    works: await replaceWorkCreators(trx, workIds, leaving, replace),
    series: await replaceSeriesCreators(trx, seriesIds, leaving, replace),
  };
}

export type OrphanResult = { ok: true; value: OrphanOutcome } | { ok: false; problem: "not_yours" | "draft" | "nothing" | "orphan_name_taken" };

/** Runs a command, answering "orphan_name_taken" (everything rolled back) when the orphan account's name belongs to someone. */
async function unlessNameTaken<T>(run: () => Promise<T>): Promise<T | { ok: false; problem: "orphan_name_taken" }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OrphanAccountNameTaken) return { ok: false, problem: "orphan_name_taken" };
    throw error;
  }
}

/**
 * Orphans works of a user, as AO3 does: they stay posted, with their kudos, comments, bookmarks
 * and places in series, credited to the orphan account. Drafts cannot be orphaned (nobody could
 * ever post or see them again); "all" passes over them, and orphans the user's series too.
 */
export async function orphanWorks(db: Db, userId: number, target: OrphanTarget, keepNames: boolean): Promise<OrphanResult> {
  return unlessNameTaken(() => db.transaction().execute(async (trx): Promise<OrphanResult> => {
    const works = await worksOfUser(trx, userId);
    if (target.kind === "all") {
      const posted = works.filter((w) => w.posted).map((w) => w.id);
      const series = (await seriesOfUser(trx, userId)).map((s) => s.id);
      if (posted.length === 0 && series.length === 0) return { ok: false, problem: "nothing" };
      return { ok: true, value: await passToOrphanAccount(trx, userId, posted, series, keepNames) };
    }
    const byId = new Map(works.map((w) => [w.id, w]));
    const asked = [...new Set(target.workIds)];
    if (asked.length === 0) return { ok: false, problem: "nothing" };
    if (asked.some((id) => !byId.has(id))) return { ok: false, problem: "not_yours" };
    if (asked.some((id) => !byId.get(id)!.posted)) return { ok: false, problem: "draft" };
    return { ok: true, value: await passToOrphanAccount(trx, userId, asked, [], keepNames) };
  }));
}

/** What deleting an account does with its works: orphan them (keeping or removing the pseuds' names), or delete them. */
export type WorksChoice = "orphan_keep" | "orphan_remove" | "delete";
export const WORKS_CHOICES: readonly WorksChoice[] = ["orphan_keep", "orphan_remove", "delete"];

export interface DeletedAccount {
  orphanedWorks: number;
  deletedWorks: number;
  /** Works shared with co-creators, which the user simply left. */
  leftWorks: number;
  /** Takeout files to remove from the data folder once the deletion is committed. */
  takeoutFiles: string[];
}

export type DeleteResult = { ok: true; value: DeletedAccount } | { ok: false; problem: "gone" | "last_admin" | "orphan_name_taken" };

/**
 * Deletes an account and everything that is only its own, in one transaction:
 *
 * - works: orphaned (posted ones; co-created ones too, the user's pseuds replaced) or deleted. A
 *   work someone else co-signs is never deleted under them: the user only leaves it. Drafts are
 *   deleted either way (nobody could see an orphaned draft), unless shared, when the user leaves them.
 * - series: orphaned with the works, or deleted when only the user signed them (their works stay,
 *   out of the series); shared series are left.
 * - comments the user wrote stay in their threads, shown as from a deleted account (AO3 keeps them
 *   too); kudos and bookmarks go, with the works' counters; reading history, subscriptions (theirs and
 *   others' to them), blocks, mutes, sessions, API tokens, two-factor secrets, log-in records, roles,
 *   pseuds and takeouts go (the rows keyed to the user go with it, ON DELETE CASCADE).
 *
 * The last superadmin cannot delete their account (the archive would be left without one).
 */
export async function deleteAccount(db: Db, userId: number, choice: WorksChoice): Promise<DeleteResult> {
  return unlessNameTaken(() => db.transaction().execute(async (trx): Promise<DeleteResult> => {
    // The user's row first: a second request for the same deletion waits here, then finds nothing.
    const locked = await trx.updateTable("users").set((eb) => ({ email: eb.ref("email") })).where("id", "=", userId).executeTakeFirst();
    if (Number(locked.numUpdatedRows) !== 1) return { ok: false, problem: "gone" };
    if (await isLastSuperadmin(trx, userId)) return { ok: false, problem: "last_admin" };

    const works = await worksOfUser(trx, userId);
    const orphaning = choice !== "delete";
    const toOrphan = orphaning ? works.filter((w) => w.posted).map((w) => w.id) : [];
    const toDelete = works.filter((w) => !w.shared && !(orphaning && w.posted)).map((w) => w.id);
    const toLeave = works.filter((w) => w.shared && !(orphaning && w.posted)).map((w) => w.id);
    for (const workId of toDelete) await deleteWorkIn(trx, workId);

    // Series after the works: a series of the user's that lost all its works is not worth orphaning.
    const series = await seriesOfUser(trx, userId);
    const emptySeries = new Set(
      series.length
        ? (await trx.selectFrom("series").select("id").where("id", "in", series.map((s) => s.id)).where((eb) => eb.not(eb.exists(eb.selectFrom("serial_works").select("work_id").whereRef("serial_works.series_id", "=", "series.id")))).execute()).map((s) => s.id)
        : [],
    );
    const seriesToOrphan = orphaning ? series.filter((s) => !emptySeries.has(s.id) || s.shared).map((s) => s.id) : [];
    const seriesToDelete = series.filter((s) => !s.shared && (!orphaning || emptySeries.has(s.id))).map((s) => s.id);
    const seriesToLeave = orphaning ? [] : series.filter((s) => s.shared).map((s) => s.id);
    for (const seriesId of seriesToDelete) await deleteSeriesIn(trx, seriesId);

    const orphaned = await passToOrphanAccount(trx, userId, toOrphan, seriesToOrphan, choice === "orphan_keep");
    const mine = new Set((await pseudsOfUser(trx, userId)).keys());
    const takeOff = async () => null;
    await replaceWorkCreators(trx, toLeave, mine, takeOff);
    await replaceSeriesCreators(trx, seriesToLeave, mine, takeOff);

    await forgetResponsesOfUser(trx, userId);
    await dropSubscriptionsTo(trx, "user", userId);
    // Kept in their threads, from "a deleted account" (the foreign key would do it; said here).
    await trx.updateTable("comments").set({ user_id: null }).where("user_id", "=", userId).execute();
    const takeouts = await trx.selectFrom("takeouts").select("file").where("user_id", "=", userId).where("file", "is not", null).execute();
    await trx.deleteFrom("takeouts").where("user_id", "=", userId).execute();
    await trx.deleteFrom("pseuds").where("user_id", "=", userId).execute();
    await trx.deleteFrom("users").where("id", "=", userId).execute();
    return {
      ok: true,
      value: { orphanedWorks: orphaned.works.length, deletedWorks: toDelete.length, leftWorks: toLeave.length, takeoutFiles: takeouts.map((t) => t.file!) },
    };
  }));
}

/**
 * Whether the user is the archive's only superadmin. On PostgreSQL the superadmins' rows are locked
 * first, so two superadmins deleting their accounts at once cannot both pass this check.
 */
async function isLastSuperadmin(trx: DbOrTrx, userId: number): Promise<boolean> {
  const isAdmin = await trx.selectFrom("user_roles").select("user_id").where("user_id", "=", userId).where("role", "=", "admin").executeTakeFirst();
  if (!isAdmin) return false;
  let query = trx.selectFrom("user_roles").select("user_id").where("role", "=", "admin").orderBy("user_id");
  if (dialectOf(trx) === "postgres") query = query.forUpdate();
  const admins = (await query.execute()).map((row) => row.user_id);
  return admins.includes(userId) && admins.length === 1;
}

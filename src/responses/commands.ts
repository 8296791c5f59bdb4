import { shiftWorkCounter, shiftWorkCounters } from "../platform/changes.js";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { type KudosGiver, kudosRefusal } from "./policy.js";
import { blockedByAny } from "../blocking/index.js";
import type { Viewer } from "../platform/http/viewer.js";
import type { WorkAccess } from "../model/visibility.js";
import type { BookmarkInput } from "./schema.js";

// Every write of kudos and bookmarks, each in one transaction with its side effects: the work's
// counter (works.kudos_count, works.bookmarks_count) and a change-feed row, so the browse index
// re-sorts listings by kudos and bookmarks at once.

/** Leaves kudos; "already" (and nothing written) when this user or address already has. */
export async function leaveKudos(db: Db, workId: number, giver: KudosGiver): Promise<"left" | "already"> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .insertInto("kudos")
      .values({
        work_id: workId,
        user_id: "userId" in giver ? giver.userId : null,
        guest_ip: "guestIp" in giver ? giver.guestIp : null,
        created_at: nowIso(),
      })
      // The unique indexes (work, user) and (work, address) decide, even for two requests at once.
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return "already";
    await shiftWorkCounter(trx, workId, "kudos_count", 1);
    return "left";
  });
}

/** What leaving kudos came to: given, given before, or refused (one's own work, a draft, a creator who blocked the viewer). */
export type KudosOutcome = "left" | "already" | "own" | "draft" | "blocked";

/**
 * The kudos use case every front-end calls (the work page's button and the API): the policy,
 * then the command. The caller has checked the viewer may read the work (`readWork`).
 */
export async function giveKudos(db: Db, viewer: Viewer, work: WorkAccess & { id: number }, giver: KudosGiver): Promise<KudosOutcome> {
  const refusal = kudosRefusal(viewer, work, await blockedByAny(db, work.creatorUserIds, viewer));
  if (refusal !== "ok") return refusal;
  return leaveKudos(db, work.id, giver);
}

/** Public bookmarks are the ones counted: a private bookmark must not show even as a number. */
const counted = (isPrivate: boolean) => (isPrivate ? 0 : 1);

async function writeTags(trx: DbOrTrx, bookmarkId: number, tags: string[]) {
  await trx.deleteFrom("bookmark_tags").where("bookmark_id", "=", bookmarkId).execute();
  if (tags.length) await trx.insertInto("bookmark_tags").values(tags.map((name, position) => ({ bookmark_id: bookmarkId, position, name }))).execute();
}

/** A work's public bookmarks are counted on the work (series count theirs when shown). */
async function shiftBookmarkCount(trx: DbOrTrx, workId: number | null, delta: number) {
  if (delta === 0 || workId === null) return;
  await shiftWorkCounter(trx, workId, "bookmarks_count", delta);
}

/** Deletes every bookmark of a series (the series is being deleted), in its transaction. Series bookmarks are not counted on any work. */
export async function deleteBookmarksOfSeries(trx: DbOrTrx, seriesId: number): Promise<void> {
  await trx.deleteFrom("bookmark_tags").where("bookmark_id", "in", trx.selectFrom("bookmarks").select("id").where("series_id", "=", seriesId)).execute();
  await trx.deleteFrom("bookmarks").where("series_id", "=", seriesId).execute();
}

/** Bookmarks a work; "already" (nothing written) when this user has a bookmark of it. */
export function createBookmark(db: Db, userId: number, workId: number, input: BookmarkInput): Promise<{ created: true; id: number } | { created: false }> {
  return insertBookmark(db, userId, { workId, seriesId: null }, input);
}

/** Bookmarks a series; "already" (nothing written) when this user has a bookmark of it. */
export function createSeriesBookmark(db: Db, userId: number, seriesId: number, input: BookmarkInput): Promise<{ created: true; id: number } | { created: false }> {
  return insertBookmark(db, userId, { workId: null, seriesId }, input);
}

async function insertBookmark(db: Db, userId: number, target: { workId: number | null; seriesId: number | null }, input: BookmarkInput): Promise<{ created: true; id: number } | { created: false }> {
  const { workId } = target;
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const row = await trx
      .insertInto("bookmarks")
      .values({ work_id: workId, series_id: target.seriesId, user_id: userId, notes: input.notes, private: input.private ? 1 : 0, rec: input.rec ? 1 : 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) return { created: false as const };
    await writeTags(trx, row.id, input.tags);
    await shiftBookmarkCount(trx, workId, counted(input.private));
    return { created: true as const, id: row.id };
  });
}

/** Changes a bookmark (its owner checked by the caller's policy, and again in the WHERE). */
export async function updateBookmark(db: Db, userId: number, bookmarkId: number, input: BookmarkInput): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom("bookmarks").select(["work_id", "private"]).where("id", "=", bookmarkId).where("user_id", "=", userId).executeTakeFirst();
    if (!old) return false;
    await trx
      .updateTable("bookmarks")
      .set({ notes: input.notes, private: input.private ? 1 : 0, rec: input.rec ? 1 : 0, updated_at: nowIso() })
      .where("id", "=", bookmarkId)
      .where("user_id", "=", userId)
      .execute();
    await writeTags(trx, bookmarkId, input.tags);
    await shiftBookmarkCount(trx, old.work_id, counted(input.private) - counted(old.private === 1));
    return true;
  });
}

/** Deletes a bookmark of this user; false when there was none. */
export async function deleteBookmark(db: Db, userId: number, bookmarkId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom("bookmarks").where("id", "=", bookmarkId).where("user_id", "=", userId).returning(["work_id", "private"]).executeTakeFirst();
    if (!gone) return false;
    await shiftBookmarkCount(trx, gone.work_id, -counted(gone.private === 1));
    return true;
  });
}

/**
 * Forgets a user's kudos, bookmarks and reading history (their account is being deleted), in the
 * caller's transaction: each work's kudos and public-bookmark counters go down by what was taken
 * away, with the change-feed rows, so listings sorted by them hear of it.
 */
export async function forgetResponsesOfUser(trx: DbOrTrx, userId: number): Promise<void> {
  const kudos = await trx.deleteFrom("kudos").where("user_id", "=", userId).returning("work_id").execute();
  await shiftWorkCounters(trx, "kudos_count", new Map(kudos.map((k) => [k.work_id, -1])));
  const bookmarks = await trx.selectFrom("bookmarks").select(["id", "work_id", "private"]).where("user_id", "=", userId).execute();
  const ids = bookmarks.map((b) => b.id);
  for (let i = 0; i < ids.length; i += 1000) {
    const slice = ids.slice(i, i + 1000);
    await trx.deleteFrom("bookmark_tags").where("bookmark_id", "in", slice).execute();
    await trx.deleteFrom("bookmarks").where("id", "in", slice).execute();
  }
  const counts = new Map<number, number>();
  for (const b of bookmarks) if (b.work_id !== null && counted(b.private === 1)) counts.set(b.work_id, (counts.get(b.work_id) ?? 0) - 1);
  await shiftWorkCounters(trx, "bookmarks_count", counts);
  await trx.deleteFrom("readings").where("user_id", "=", userId).execute();
  await trx.deleteFrom("reading_preferences").where("user_id", "=", userId).execute();
}

import { mutedUserIds, worksOfUsers } from "../blocking/index.js";
import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import type { BookmarkRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { seriesWithVisibleWorks } from "../model/series.js";
import { findTagByName } from "../model/tags.js";
import { listableWorkIds } from "../model/visibility.js";
import type { BookmarkSearch } from "./bookmark-search.js";

/** Names shown in a work's kudos line; past this the rest are counted ("and 40 more users"). */
export const KUDOS_NAMES_SHOWN = 100;

export interface KudosSummary {
  /** Logins of the users who left kudos, oldest first, at most KUDOS_NAMES_SHOWN. */
  users: string[];
  userCount: number;
  guestCount: number;
  /** Whether this viewer (by account, or by address for a guest) already left kudos. */
  given: boolean;
}

/** A work's kudos line and whether the viewer has given, in three queries whatever the counts. */
export async function kudosSummary(db: DbOrTrx, workId: number, viewer: Viewer, guestIp: string): Promise<KudosSummary> {
  const [names, counts, mine] = await Promise.all([
    db
      .selectFrom("kudos")
      .innerJoin("users", "users.id", "kudos.user_id")
      .select("users.login")
      .where("kudos.work_id", "=", workId)
      .orderBy("kudos.id")
      .limit(KUDOS_NAMES_SHOWN)
      .execute(),
    db
      .selectFrom("kudos")
      .select((eb) => [eb.fn.count<number>("kudos.user_id").as("users"), eb.fn.count<number>("kudos.guest_ip").as("guests")])
      .where("kudos.work_id", "=", workId)
      .executeTakeFirst(),
    db
      .selectFrom("kudos")
      .select("id")
      .where("work_id", "=", workId)
      .where((eb) => (viewer.user ? eb("user_id", "=", viewer.user.id) : eb("guest_ip", "=", guestIp)))
      .executeTakeFirst(),
  ]);
  return { users: names.map((n) => n.login), userCount: Number(counts?.users ?? 0), guestCount: Number(counts?.guests ?? 0), given: mine !== undefined };
}

export interface Bookmark extends BookmarkRow {
  tags: string[];
  login: string;
}

/** The tags of many bookmarks in one query. */
async function tagsOfBookmarks(db: DbOrTrx, ids: number[]): Promise<Map<number, string[]>> {
  const byId = new Map<number, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db.selectFrom("bookmark_tags").select(["bookmark_id", "name"]).where("bookmark_id", "in", ids).orderBy("bookmark_id").orderBy("position").execute();
  for (const row of rows) byId.get(row.bookmark_id)?.push(row.name);
  return byId;
}

async function withTags(db: DbOrTrx, rows: (BookmarkRow & { login: string })[]): Promise<Bookmark[]> {
  const tags = await tagsOfBookmarks(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [] }));
}

/** One bookmark with its owner and tags, whatever its visibility (callers apply the policy). */
export async function findBookmark(db: DbOrTrx, id: number): Promise<Bookmark | undefined> {
  const row = await db.selectFrom("bookmarks").innerJoin("users", "users.id", "bookmarks.user_id").selectAll("bookmarks").select("users.login").where("bookmarks.id", "=", id).executeTakeFirst();
  return row ? (await withTags(db, [row]))[0] : undefined;
}

/** The viewer's own bookmark of a series, if any. */
export function bookmarkOfSeries(db: DbOrTrx, userId: number, seriesId: number): Promise<Bookmark | undefined> {
  return ownBookmark(db, userId, "series_id", seriesId);
}

/** How many public bookmarks a series has (works keep theirs in works.bookmarks_count). */
export async function publicBookmarksCount(db: DbOrTrx, target: { seriesId: number }): Promise<number> {
  const row = await db.selectFrom("bookmarks").select((eb) => eb.fn.countAll<number>().as("n")).where("series_id", "=", target.seriesId).where("private", "=", 0).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The viewer's own bookmark of a work, if any. */
export function bookmarkOf(db: DbOrTrx, userId: number, workId: number): Promise<Bookmark | undefined> {
  return ownBookmark(db, userId, "work_id", workId);
}

/** A user's one bookmark of a work or of a series. */
async function ownBookmark(db: DbOrTrx, userId: number, column: "work_id" | "series_id", id: number): Promise<Bookmark | undefined> {
  const row = await db
    .selectFrom("bookmarks")
    .innerJoin("users", "users.id", "bookmarks.user_id")
    .selectAll("bookmarks")
    .select("users.login")
    .where("bookmarks.user_id", "=", userId)
    .where(`bookmarks.${column}`, "=", id)
    .executeTakeFirst();
  return row ? (await withTags(db, [row]))[0] : undefined;
}

export const BOOKMARKS_PER_PAGE = 20;

/** Which bookmarks a listing shows: one user's, those of one work or one series, or those a bookmark search finds. */
export type BookmarkScope = { userId: number } | { workId: number } | { seriesId: number } | { search: BookmarkSearch };

/**
 * A page of bookmarks this viewer may see, newest first: of works the viewer may see listed (the
 * works capability's one predicate: never drafts, never registered-only works for guests) or of
 * series in which the viewer may see at least one work, and not private unless they are the
 * viewer's own. Scoped to one user's, one work's or one series' bookmarks.
 */
export async function listBookmarks(db: DbOrTrx, viewer: Viewer, scope: BookmarkScope, page: number): Promise<{ total: number; bookmarks: Bookmark[] }> {
  // Muted users are left out, count included: their bookmarks, and their works among someone's
  // bookmarks. A muted user's own bookmarks page, visited on purpose, still lists them.
  const muted = (await mutedUserIds(db, viewer)).filter((id) => !("userId" in scope) || id !== scope.userId);
  let base = db
    .selectFrom("bookmarks")
    .innerJoin("users", "users.id", "bookmarks.user_id")
    .where((eb) => eb.or([eb("bookmarks.work_id", "in", listableWorkIds(db, viewer)), eb("bookmarks.series_id", "in", seriesWithVisibleWorks(db, viewer))]))
    .where((eb) => (viewer.user ? eb.or([eb("bookmarks.private", "=", 0), eb("bookmarks.user_id", "=", viewer.user.id)]) : eb("bookmarks.private", "=", 0)))
    .where((eb) =>
      "search" in scope
        ? eb.and([])
        : "userId" in scope
          ? eb("bookmarks.user_id", "=", scope.userId)
          : "workId" in scope
            ? eb("bookmarks.work_id", "=", scope.workId)
            : eb("bookmarks.series_id", "=", scope.seriesId),
    );
  if ("search" in scope) {
    const found = await searched(db, viewer, scope.search);
    if (found === "nothing") return { total: 0, bookmarks: [] };
    base = found(base);
  }
  if (muted.length) {
    base = base.where("bookmarks.user_id", "not in", muted).where((eb) => eb.or([eb("bookmarks.work_id", "is", null), eb("bookmarks.work_id", "not in", worksOfUsers(db, muted))]));
  }
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    base
      .selectAll("bookmarks")
      .select("users.login")
      .orderBy("bookmarks.id", "desc")
      .limit(BOOKMARKS_PER_PAGE)
      .offset((page - 1) * BOOKMARKS_PER_PAGE)
      .execute(),
  ]);
  return { total: Number(count?.n ?? 0), bookmarks: await withTags(db, rows) };
}

/** "Contains this text", case folded, LIKE's own wildcards in the text matching themselves. */
function contains(column: string, text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

type BookmarkQuery = ReturnType<typeof bookmarksBase>;
function bookmarksBase(db: DbOrTrx) {
  return db.selectFrom("bookmarks").innerJoin("users", "users.id", "bookmarks.user_id");
}

/**
 * The bookmark search's fields as conditions on the bookmarks listing (whose visibility rules
 * stay as they are: private bookmarks of others and bookmarks of works the viewer may not see are
 * never found, nor counted). "nothing" when a named work tag does not exist, so nothing matches.
 */
async function searched(db: DbOrTrx, viewer: Viewer, search: BookmarkSearch): Promise<"nothing" | ((q: BookmarkQuery) => BookmarkQuery)> {
  // A work tag is found as the works listing finds it: a synonym stands for its canonical tag,
  // whose works are those with it in their filter set (with its synonyms and subtags); a tag
  // nobody has wrangled has the works tagged with it.
  const workTagSets: number[][] = [];
  for (const name of search.workTags) {
    const tag = await findTagByName(db, name);
    if (!tag) return "nothing";
    workTagSets.push([tag.merger_id ?? tag.id]);
  }
  const visible = listableWorkIds(db, viewer);
  return (q) => {
    let query = q;
    if (search.bookmarker) {
      const key = search.bookmarker.toLowerCase();
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn("lower", ["users.login"]), "=", key),
          eb("bookmarks.user_id", "in", db.selectFrom("pseuds").select("pseuds.user_id").where((p) => p(p.fn("lower", ["pseuds.name"]), "=", key))),
        ]),
      );
    }
    // Notes are stored as sanitized HTML; each word or phrase must occur in them.
    for (const words of search.notes) query = query.where(contains("bookmarks.notes", words));
    for (const name of search.bookmarkTags) {
      query = query.where("bookmarks.id", "in", db.selectFrom("bookmark_tags").select("bookmark_tags.bookmark_id").where((eb) => eb(eb.fn("lower", ["bookmark_tags.name"]), "=", name.toLowerCase())));
    }
    if (search.rec) query = query.where("bookmarks.rec", "=", 1);
    for (const [tagId] of workTagSets) {
      const tagged = db
        .selectFrom("work_filters")
        .select("work_filters.work_id")
        .where("work_filters.tag_id", "=", tagId!)
        .union(db.selectFrom("work_tags").select("work_tags.work_id").where("work_tags.tag_id", "=", tagId!));
      const seen = db.selectFrom("works").select("works.id").where("works.id", "in", tagged).where("works.id", "in", visible);
      // A series is found by the tags of the works in it the viewer may see.
      query = query.where((eb) => eb.or([eb("bookmarks.work_id", "in", seen), eb("bookmarks.series_id", "in", db.selectFrom("serial_works").select("serial_works.series_id").where("serial_works.work_id", "in", seen))]));
    }
    return query;
  };
}

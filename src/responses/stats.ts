import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import { workIdsOfUser } from "../model/works.js";

// Creators' stats: each posted work's counters (kept by this capability as responses happen) and
// figures per UTC day for the chart: hits from work_hits_daily, kudos from kudos' timestamps.

export interface WorkStats {
  id: number;
  title: string;
  words: number;
  hits: number;
  kudos: number;
  comments: number;
  bookmarks: number;
}

export const STATS_SORTS = ["hits", "kudos", "comments", "bookmarks", "words", "title"] as const;
export type StatsSort = (typeof STATS_SORTS)[number];

const SORT_COLUMN = {
  hits: "works.hits_count",
  kudos: "works.kudos_count",
  comments: "works.comments_count",
  bookmarks: "works.bookmarks_count",
  words: "works.word_count",
  title: "works.title_sort",
} as const;

/** A user's posted works with their figures (drafts have none to show), in one query. */
export async function statsOfWorks(db: DbOrTrx, userId: number, sort: StatsSort): Promise<WorkStats[]> {
  const rows = await db
    .selectFrom("works")
    .select(["works.id", "works.title", "works.word_count", "works.hits_count", "works.kudos_count", "works.comments_count", "works.bookmarks_count"])
    .where("works.id", "in", workIdsOfUser(db, userId))
    .where("works.posted", "=", 1)
    .orderBy(SORT_COLUMN[sort], sort === "title" ? "asc" : "desc")
    .orderBy("works.id", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, words: r.word_count, hits: r.hits_count, kudos: r.kudos_count, comments: r.comments_count, bookmarks: r.bookmarks_count }));
}

export interface DayFigures {
  /** YYYY-MM-DD, UTC. */
  day: string;
  hits: number;
  kudos: number;
}

/** The UTC days from `days - 1` days before `today` to `today`, oldest first. */
export function lastDays(today: Date, days: number): string[] {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Hits and kudos per day over `days` (every day present, zeros included) for these works: one of
 * the user's works, or all of them. Two grouped queries whatever the number of works or days.
 */
export async function figuresPerDay(db: DbOrTrx, userId: number, workId: number | null, days: string[]): Promise<DayFigures[]> {
  const first = days[0]!;
  const ids = workId === null ? workIdsOfUser(db, userId) : db.selectFrom("works").select("works.id").where("works.id", "=", workId).where("works.id", "in", workIdsOfUser(db, userId));
  const kudosDay = sql<string>`substr(kudos.created_at, 1, 10)`;
  const [hits, kudos] = await Promise.all([
    db
      .selectFrom("work_hits_daily")
      .select(["day", (eb) => eb.fn.sum<number>("hits").as("n")])
      .where("work_id", "in", ids)
      .where("day", ">=", first)
      .groupBy("day")
      .execute(),
    db
      .selectFrom("kudos")
      .select([kudosDay.as("day"), (eb) => eb.fn.countAll<number>().as("n")])
      .where("kudos.work_id", "in", ids)
      .where("kudos.created_at", ">=", first)
      .groupBy(kudosDay)
      .execute(),
  ]);
  const hitsByDay = new Map(hits.map((r) => [r.day, Number(r.n)]));
  const kudosByDay = new Map(kudos.map((r) => [r.day, Number(r.n)]));
  return days.map((day) => ({ day, hits: hitsByDay.get(day) ?? 0, kudos: kudosByDay.get(day) ?? 0 }));
}

import { sql } from "kysely";
import type { Bitmap } from "../browse/work-index.js";
import { type DbOrTrx, dialectOf } from "../platform/db/index.js";
import type { ParsedQuery } from "./query-language.js";
import { FTS_SCORE, relevanceTexts, tsAnyWord, tsRanked } from "./query.js";

/** How best match picks its strategy; tests force each one to check them against SQL. */
export interface BestMatchTuning {
  /** Below this many matching works, only theirs are scored; from it on, the best are ranked in SQLite. */
  scoreEachBelow?: number;
  /** How many ranked works are asked first (then eight times as many each time). */
  firstAsk?: (count: number) => number;
}

type Compare = (a: number, b: number) => number;

/**
 * The first `count` of the matching works in best-match order: the same scores as the SQL
 * listing's `relevance` (query.ts), higher first, then `tieBreak` (the most recently updated,
 * then the highest id); works whose own fields lack the words score 0. null when no word can score
 * (only fields like `tags:`): the caller orders by the tie-break alone.
 *
 * Scoring costs little per work in the database (bm25 about 0.4 µs in SQLite), but handing every
 * score to JavaScript costs more (a common word's 79,000 scores took 130 ms on the search
 * benchmark's 100,000 works). So:
 * - few matching works: only theirs are scored;
 * - many: the database ranks the scored works and hands over the best few hundred; when enough of
 *   the ones scoring strictly above the last one handed over are among the matches, those are
 *   exactly the first ones (ties at the cut are left out, so no order between equals is guessed).
 *   Otherwise eight times as many are asked, and at the end all of them.
 */
export async function firstByBestMatch(db: DbOrTrx, query: ParsedQuery, matching: Bitmap, count: number, tieBreak: Compare, tuning: BestMatchTuning = {}): Promise<number[] | null> {
  const texts = relevanceTexts(dialectOf(db), query);
  if (texts.length === 0) return null;
  const scoring = scoreQueries(db, texts);
  const byScore = (scores: Map<number, number>): Compare => (a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || tieBreak(a, b);

  if (matching.size < (tuning.scoreEachBelow ?? 5000)) {
    const { rows } = await scoring.of(Array.from(matching.toUint32Array())).execute(db);
    return firstInOrder(matching.toUint32Array(), count, byScore(scoresOf(rows)));
  }
  for (let limit = tuning.firstAsk?.(count) ?? count * 2 + 100; ; limit *= 8) {
    const all = limit > matching.size * 2;
    const { rows } = await scoring.best(all ? null : limit).execute(db);
    const cut = all || rows.length < limit ? Number.NEGATIVE_INFINITY : Number(rows[rows.length - 1]!.score);
    const above = rows.filter((r) => Number(r.score) > cut && matching.has(Number(r.work_id)));
    const scores = scoresOf(above);
    const first = firstInOrder(Uint32Array.from(scores.keys()), count, byScore(scores));
    if (first.length === count) return first;
    if (cut === Number.NEGATIVE_INFINITY) {
      // Every scored work is known and too few match: the rest of the page scores 0.
      const unscored = matching.clone();
      unscored.removeMany(Array.from(scores.keys()));
      return [...first, ...firstInOrder(unscored.toUint32Array(), count - first.length, tieBreak)];
    }
  }
}

type ScoreRow = { work_id: number; score: number };

/**
 * The two questions best match asks, in each dialect: the scores of some works, and the works
 * with the best scores (all of them when `limit` is null). SQLite: bm25 over search_works' MATCH;
 * the ids filter its rows (`rowid + 0`, so SQLite does not start one MATCH per id). PostgreSQL:
 * ts_rank of every work with one of the words.
 */
function scoreQueries(db: DbOrTrx, texts: string[]) {
  if (dialectOf(db) === "sqlite") {
    const match = texts.join(" OR ");
    return {
      of: (ids: number[]) =>
        sql<ScoreRow>`select rowid as work_id, ${FTS_SCORE} as score from search_works
          where search_works match ${match} and rowid + 0 in (select value from json_each(${JSON.stringify(ids)}))`,
      best: (limit: number | null) =>
        sql<ScoreRow>`select rowid as work_id, ${FTS_SCORE} as score from search_works where search_works match ${match} order by score desc limit ${limit ?? -1}`,
    };
  }
  const scored = sql`select work_id, ts_rank(everything, ${tsRanked(texts)}) as score from search_works where everything @@ ${tsAnyWord(texts)}`;
  return {
    of: (ids: number[]) => sql<ScoreRow>`${scored} and work_id = any(${ids}::integer[])`,
    best: (limit: number | null) => sql<ScoreRow>`${scored} order by score desc${limit === null ? sql`` : sql` limit ${limit}`}`,
  };
}

function scoresOf(rows: { work_id: number; score: number }[]): Map<number, number> {
  return new Map(rows.map((r) => [Number(r.work_id), Number(r.score)]));
}

/**
 * The first `count` ids in the order `compare` gives, without sorting them all: a sorted buffer of
 * the best so far, which a later id enters only if it beats the buffer's last (rare once it is
 * full, so about one comparison an id). For a deep page (a large `count`) entering the buffer
 * costs too much: then all are sorted.
 */
export function firstInOrder(ids: Uint32Array, count: number, compare: Compare): number[] {
  const best: number[] = [];
  if (count <= 0) return best;
  if (count > 2000) return Array.from(ids).sort(compare).slice(0, count);
  for (const id of ids) {
    if (best.length === count && compare(id, best[count - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(best[mid]!, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, id);
    if (best.length > count) best.pop();
  }
  return best;
}

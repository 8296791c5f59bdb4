import { sql } from "kysely";
import type { Bitmap } from "../listing/index.js";
import { type DbOrTrx, dialectOf } from "../platform/db/index.js";
import type { ParsedQuery } from "./query-language.js";
import { FTS_SCORE, relevanceTexts, tsAnyWord, tsRanked } from "./query.js";

/** How best match picks its strategy; tests force each one to check them against SQL. */
export interface BestMatchTuning {
  /** Below this many matching works, only theirs are scored; from it on, the best are ranked in the database. */
  scoreEachBelow?: number;
  /** How many ranked works are asked first (then as many as the share of matches says, at least eight times as many). */
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
 *   Otherwise as many more as the share of matches among them says are needed (at least eight
 *   times as many), and at the end all of them.
 */
export async function firstByBestMatch(db: DbOrTrx, query: ParsedQuery, matching: Bitmap, count: number, tieBreak: Compare, tuning: BestMatchTuning = {}): Promise<number[] | null> {
  const texts = relevanceTexts(dialectOf(db), query);
  if (texts.length === 0) return null;
  const scoring = scoreQueries(db, texts);
  const byScore = (scores: Map<number, number>): Compare => (a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || tieBreak(a, b);

  if (matching.size < (tuning.scoreEachBelow ?? 5000)) {
    const ids = matching.toUint32Array();
    const { rows } = await scoring.of(Array.from(ids)).execute(db);
    return firstInOrder(ids, count, byScore(scoresOf(rows)));
  }
  for (let limit = tuning.firstAsk?.(count) ?? count * 2 + 100; ; ) {
    const all = limit > matching.size * 2 || !Number.isFinite(limit);
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
    // Ask again for as many as this share of matches says are needed (at least eight times as many).
    limit = above.length === 0 ? Number.POSITIVE_INFINITY : Math.max(limit * 8, Math.ceil(((limit * count) / above.length) * 1.5));
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
          where search_works match ${match} and rowid + 0 in (${sql.join(ids)})`,
      best: (limit: number | null) =>
        sql<ScoreRow>`select rowid as work_id, ${FTS_SCORE} as score from search_works where search_works match ${match} order by score desc limit ${limit ?? -1}`,
    };
  }
  const scored = sql`select work_id, ts_rank(everything, ${tsRanked(texts)}) as score from search_works where everything @@ ${tsAnyWord(texts)}`;
  return {
    of: (ids: number[]) => sql<ScoreRow>`${scored} and work_id in (${sql.join(ids)})`,
    best: (limit: number | null) => sql<ScoreRow>`${scored} order by score desc${limit === null ? sql`` : sql` limit ${limit}`}`,
  };
}

function scoresOf(rows: { work_id: number; score: number }[]): Map<number, number> {
  return new Map(rows.map((r) => [Number(r.work_id), Number(r.score)]));
}

/**
 * The first `count` ids in the order `compare` gives, without sorting them all: a heap of the best
 * `count` so far with the worst of them on top, which a later id replaces only if it beats it
 * (about n log count comparisons, whatever order the ids come in), sorted at the end.
 */
export function firstInOrder(ids: Uint32Array, count: number, compare: Compare): number[] {
  if (count <= 0) return [];
  const heap: number[] = [];
  const worse = (i: number, j: number) => compare(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  for (const id of ids) {
    if (heap.length < count) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (compare(id, heap[0]!) < 0) {
      heap[0] = id;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let top = i;
        if (left < heap.length && worse(left, top)) top = left;
        if (right < heap.length && worse(right, top)) top = right;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort(compare);
}

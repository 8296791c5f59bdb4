/**
 * `fanfold bench generate --works N [--seed S]`: fills an empty, migrated archive with an
 * AO3-shaped synthetic archive, the data the browse index and its benchmark run on.
 *
 * Shapes (docs/…/scale-and-performance.md §2.2 and the listing benchmark's method notes):
 * ratings, 1–2 archive warnings, 0–2 categories, languages, completion, registered-only works and
 * drafts in AO3's proportions; fandoms Zipf(1.0) over a universe that grows with N (50,000 at a
 * million works), ~1.27 fandoms per work with ~14 % crossovers; characters (0–10) and
 * relationships (0–4) mostly from the work's own fandom's pool; freeforms (0–16) Zipf over
 * 300,000 at a million; ~8–9 % of tag uses are non-canonical (synonyms merged into a canonical
 * tag, or unwrangled tags); metatags over several levels (a franchise "- All Media Types" over a
 * fandom over one film; "Alternate Universe" over "Alternate Universe - Modern Setting" over
 * "Alternate Universe - Coffee Shops & Cafés"); Media parents for fandoms; lognormal word counts
 * and kudos, hits from kudos, zero-inflated comments and bookmarks; dates over 15 years with the
 * archive's growth; creators ~N/10 users with Zipf-many works each.
 *
 * Each work's filter set (work_filters) and crossover flag are computed here exactly as
 * src/tags/filters.ts defines them (its isCrossover is called as is); the tests compare them
 * with computeFilterSets on both databases.
 *
 * Speed: rows are generated in one pass, in batches (memory stays flat whatever N is). SQLite
 * gets prepared multi-row inserts in large transactions on a better-sqlite3 connection of its
 * own (synchronous=OFF, no rollback journal during the load); PostgreSQL gets multi-row
 * `insert … select * from unnest($1::int[], …)` statements of tens of thousands of rows,
 * pipelined so the database inserts one batch while the next is generated. The secondary
 * indexes of the loaded tables are dropped first and re-created afterwards from their own saved
 * definitions (so they are exactly what the migrations made), then ANALYZE.
 *
 * Everything is a function of the seed and N (and of the ids the archive starts from), so two
 * runs give the same archive on either database: the printed checksum says so.
 */
import { performance } from "node:perf_hooks";
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../platform/config.js";
import { dialectOf, openDatabase } from "../platform/db/index.js";
import { pendingMigrations } from "../platform/db/migrate.js";
import { isCrossover } from "../tags/index.js";
import { tagKey } from "../model/vocabulary.js";
import { findLanguage } from "../model/languages.js";
import { creatorsSortKey, titleSortKey } from "../model/sort-keys.js";
import { breathe, endProgress, fmt, progressLine, round, say } from "./bench-output.js";
import { Random } from "./random.js";

const USAGE = `Usage: fanfold bench generate --works N [--seed S] [--database URL] [--json]

Fills an empty archive with N synthetic works shaped like AO3's (ratings, warnings, fandoms,
characters, relationships, freeforms with synonyms, unwrangled tags and metatags, languages,
word counts, kudos/hits/comments/bookmarks, 15 years of dates, ~1 % drafts, ~13 % registered-only),
for browsing and its benchmark. The same seed and N give the same archive on SQLite and PostgreSQL.

  --works N        how many works (required; 1,000,000 takes a few minutes)
  --seed S         generator seed (default 1)
  --database URL   sqlite:PATH or postgres://… (default: DATABASE_URL, as the server uses)
  --json           also print the summary as one JSON object, the last line of standard output

The database must be migrated (\`fanfold migrate\`) and hold no works yet. Also created: one
chapter per work (its text is a one-line placeholder), users and pseuds (~N/10, no usable
password), the tag graph. Not done: the full-text search index (run \`fanfold search reindex\` if
search is wanted; the text is placeholder anyway), change-feed rows, kudos/comment rows (only the
counters on each work). While loading, the tables' secondary indexes are dropped (and foreign keys
are not checked); they are re-created at the end, then ANALYZE. An interrupted run (Ctrl-C) stops
after the current batch and still finishes the indexes; a killed one leaves a database to throw away.`;

export class GenerateError extends Error {}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** The generator's random numbers for a seed (and an independent stream per purpose). */
function randomFor(seed: number, stream = 0): Random {
  return new Random({ a: 0xa0761d65 ^ stream, b: 0xe7037ed1, c: seed >>> 0, d: (Math.floor(seed / 4294967296) ^ 0x8ebc6af0) | 0 }, 20);
}

/**
 * Exact discrete sampling from any weights (Zipf and others): the cumulative distribution plus
 * a guide table, so a draw is one lookup and on average about one comparison.
 */
export class Sampler {
  readonly probabilities: Float64Array;
  private readonly cdf: Float64Array;
  private readonly guide: Uint32Array;
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    this.probabilities = new Float64Array(n);
    this.cdf = new Float64Array(n);
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      this.probabilities[i] = weights[i]! / total;
      cumulative += this.probabilities[i]!;
      this.cdf[i] = cumulative;
    }
    this.cdf[n - 1] = 1; // u < 1 always stops at the last rank
    this.guide = new Uint32Array(n);
    for (let k = 0, i = 0; k < n; k++) {
      while (this.cdf[i]! <= k / n) i++;
      this.guide[k] = i;
    }
  }
  sample(rng: Random): number {
    const u = rng.next();
    let i = this.guide[Math.floor(u * this.guide.length)]!;
    while (this.cdf[i]! <= u) i++;
    return i;
  }
}

/** Zipf–Mandelbrot weights 1/(rank + 1 + q)^s for ranks 0..n-1 (q = 0: plain Zipf). */
export function zipf(n: number, s = 1, q = 0): Sampler {
  const weights = new Float64Array(n);
  for (let r = 0; r < n; r++) weights[r] = 1 / (r + 1 + q) ** s;
  return new Sampler(weights);
}

/** A categorical choice among a few options with given shares. */
function categorical<T>(options: [T, number][]): { values: T[]; sampler: Sampler } {
  return { values: options.map((o) => o[0]), sampler: new Sampler(options.map((o) => o[1])) };
}

/** A 64-bit checksum (two 32-bit lanes) over everything written, in writing order. */
class Checksum {
  private h1 = 0x9e3779b9;
  private h2 = 0x85ebca6b;
  num(x: number): void {
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193) ^ hi;
    this.h2 = Math.imul(this.h2 ^ hi, 0x5bd1e995) ^ lo;
    this.h2 = (this.h2 << 13) | (this.h2 >>> 19);
  }
  str(s: string): void {
    let a = this.h1;
    let b = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0xcc9e2d51);
    }
    this.h1 = a ^ s.length;
    this.h2 = (b << 15) | (b >>> 17);
  }
  hex(): string {
    const mix = (h: number) => {
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, "0");
    };
    return mix(this.h1 ^ this.h2) + mix(this.h2 + this.h1);
  }
}

// ---------------------------------------------------------------------------------------------
// Names. Every generated name is unique by construction, so no name has to be remembered:
// - encoded names start with two vocabulary words that encode the tag's id (a bijection), and
//   whatever follows is fixed text made of words the vocabulary never holds;
// - synonym names are their canonical tag's name plus a marker no canonical name ends with;
// - unwrangled names are 3+ lowercase vocabulary words ending in the two that encode a serial
//   number, and no other name is made of 3+ vocabulary words only.

const FANDOM_SUFFIXES = ["", "", "", " (TV)", " (Anime)", " (Movies)", " (Video Game)", " (Comics)", " (Books)", " (Cartoon)", " (Web Series)", " (Band)"];
const FANDOM_MEDIA: Record<string, string[]> = {
  "": ["Books & Literature", "TV Shows", "Movies", "Video Games", "Anime & Manga", "Other Media"],
  " (TV)": ["TV Shows"],
  " (Anime)": ["Anime & Manga"],
  " (Movies)": ["Movies"],
  " (Video Game)": ["Video Games"],
  " (Comics)": ["Cartoons & Comics & Graphic Novels"],
  " (Books)": ["Books & Literature"],
  " (Cartoon)": ["Cartoons & Comics & Graphic Novels"],
  " (Web Series)": ["Other Media"],
  " (Band)": ["Music & Bands"],
};
const FRANCHISE_SUFFIX = " - All Media Types";
const FRANCHISE_CHILDREN = [" (TV)", " (Movies)", " (Comics)", " (Video Game)", " (Books)", " (Anime)"];
const SYNONYM_MARKERS: Record<string, string[]> = {
  Fandom: [" (Fandom)", " - Fandom", " (Series)"],
  Character: [" (Character)", " - Character", " (mentioned)"],
  Relationship: [" (Relationship)"],
  Freeform: [" (Freeform)", " - Freeform", " (tag)"],
};

/** The most used freeforms, by rank, as AO3's are; the rest are generated names. */
const TOP_FREEFORMS = [
  "Fluff",
  "Angst",
  "Hurt/Comfort",
  "Romance",
  "Alternate Universe",
  "Humor",
  "Alternate Universe - Canon Divergence",
  "Established Relationship",
  "Friendship",
  "Family",
  "Sexual Content",
  "Smut",
  "Angst with a Happy Ending",
  "Canon Compliant",
  "Slow Burn",
  "Fluff and Angst",
  "Alternate Universe - Modern Setting",
  "Minor Character Death",
  "Tooth-Rotting Fluff",
  "Crack",
  "Drama",
  "Pining",
  "Mutual Pining",
  "Kissing",
  "Happy Ending",
  "Introspection",
  "Domestic Fluff",
  "Alternate Universe - Soulmates",
  "Porn Without Plot",
  "Eventual Smut",
  "Alternate Universe - High School",
  "Alternate Universe - College/University",
  "Alternate Universe - Coffee Shops & Cafés",
  "Enemies to Lovers",
  "Friends to Lovers",
  "Alternate Universe - Fantasy",
  "Alternate Universe - Soulmate-Identifying Marks",
  "Heavy Angst",
  "Whump",
  "Found Family",
];
/** [sub, meta] among TOP_FREEFORMS: three levels under "Alternate Universe" and "Sexual Content". */
const TOP_FREEFORM_METAS: [string, string][] = [
  ["Alternate Universe - Canon Divergence", "Alternate Universe"],
  ["Alternate Universe - Modern Setting", "Alternate Universe"],
  ["Alternate Universe - Soulmates", "Alternate Universe"],
  ["Alternate Universe - High School", "Alternate Universe"],
  ["Alternate Universe - College/University", "Alternate Universe"],
  ["Alternate Universe - Fantasy", "Alternate Universe"],
  ["Alternate Universe - Coffee Shops & Cafés", "Alternate Universe - Modern Setting"],
  ["Alternate Universe - Soulmate-Identifying Marks", "Alternate Universe - Soulmates"],
  ["Tooth-Rotting Fluff", "Fluff"],
  ["Domestic Fluff", "Fluff"],
  ["Heavy Angst", "Angst"],
  ["Angst with a Happy Ending", "Angst"],
  ["Smut", "Sexual Content"],
  ["Porn Without Plot", "Smut"],
  ["Eventual Smut", "Smut"],
  ["Mutual Pining", "Pining"],
];

const FIXED_NAMES = [
  "Not Rated General Audiences Teen And Up Audiences Mature Explicit",
  "Creator Chose Not To Use Archive Warnings No Archive Warnings Apply Graphic Depictions Of Violence Major Character Death Rape/Non-Con Underage Sex",
  "Gen F/M M/M F/F Multi Other No Fandom",
  "Anime & Manga Books & Literature Cartoons & Comics & Graphic Novels Celebrities & Real People Movies Music & Bands Other Media Theater TV Shows Video Games Uncategorized Fandoms No Media",
];
/** Words the vocabulary must not hold, so generated names never meet fixed text. */
const RESERVED_WORDS = new Set(
  [...FIXED_NAMES, ...FANDOM_SUFFIXES, FRANCHISE_SUFFIX, ...FRANCHISE_CHILDREN, ...Object.values(SYNONYM_MARKERS).flat(), ...TOP_FREEFORMS, "Movie Generated chapter words a an the"]
    .join(" ")
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean),
);

const ONSETS = ["", "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sl", "sn", "st", "sw", "t", "th", "tr", "v", "w", "wh", "y", "z"];
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ee", "ie", "oa", "ou", "oo", "y"];
const CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "d", "th", "nd", "st", "ck", "ng", "rk", "lt", "sh"];
const VOCABULARY_BITS = 15;
const VOCABULARY_SIZE = 1 << VOCABULARY_BITS;

/** 32,768 distinct made-up words (short ones first), the same for every seed. */
function makeVocabulary(): { words: string[]; capitalized: string[] } {
  const rng = randomFor(0x5eed, 7);
  const seen = new Set<string>();
  const words: string[] = [];
  const pick = (list: string[]) => list[rng.int(list.length)]!;
  while (words.length < VOCABULARY_SIZE) {
    const rank = words.length;
    const syllables = rank < 200 ? 1 : rank < 4000 ? 1 + rng.int(2) : 2 + rng.int(2);
    let word = "";
    for (let i = 0; i < syllables; i++) word += pick(ONSETS) + pick(VOWELS) + (i === syllables - 1 || rng.chance(0.3) ? pick(CODAS) : "");
    if (word.length < 2 || seen.has(word) || RESERVED_WORDS.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return { words, capitalized: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)) };
}
const VOCABULARY = makeVocabulary();

/** A bijection of [0, 2^30) (odd multiplier, then xorshift), keyed by the seed and a purpose. */
function scramble(n: number, key: number): number {
  let x = (Math.imul((n + key) & 0x3fffffff, 0x2545f491) >>> 0) & 0x3fffffff;
  x ^= x >>> 15;
  x = (Math.imul(x, 0x1b873593) >>> 0) & 0x3fffffff;
  x ^= x >>> 13;
  return x;
}
/** Two vocabulary words that encode n (< 2^30) under a key. */
function encode(n: number, key: number, capitalized: boolean): [string, string] {
  const x = scramble(n, key);
  const list = capitalized ? VOCABULARY.capitalized : VOCABULARY.words;
  return [list[x >>> VOCABULARY_BITS]!, list[x & (VOCABULARY_SIZE - 1)]!];
}

// ---------------------------------------------------------------------------------------------
// Shares (AO3; see the module comment)

const RATINGS = categorical([
  ["Not Rated", 10.9],
  ["General Audiences", 27.8],
  ["Teen And Up Audiences", 29.9],
  ["Mature", 15.1],
  ["Explicit", 16.3],
]);
const FIRST_WARNING = categorical([
  ["No Archive Warnings Apply", 54],
  ["Creator Chose Not To Use Archive Warnings", 34],
  ["Graphic Depictions Of Violence", 6.5],
  ["Major Character Death", 3],
  ["Rape/Non-Con", 1.25],
  ["Underage Sex", 1.25],
]);
const MORE_WARNINGS = categorical([
  ["Graphic Depictions Of Violence", 50],
  ["Major Character Death", 30],
  ["Rape/Non-Con", 10],
  ["Underage Sex", 10],
]);
/** Each category independently (a work has 0–2): M/M 49 %, F/M 24 %, Gen 19 % of works. */
const CATEGORY_SHARES: [string, number][] = [
  ["M/M", 0.5],
  ["F/M", 0.245],
  ["Gen", 0.215],
  ["F/F", 0.07],
  ["Multi", 0.05],
  ["Other", 0.03],
];
const LANGUAGE_SHARES: [string, number][] = [
  ["en", 90.6],
  ["zh-Hans", 4.4],
  ["zh-Hant", 0.21],
  ["ru", 1.88],
  ["es", 0.97],
  ["fr", 0.44],
  ["it", 0.33],
  ["id", 0.22],
  ["pt-BR", 0.21],
  ["de", 0.2],
  ["pl", 0.2],
  ["tr", 0.04],
  ["ja", 0.03],
  ["ko", 0.03],
  ["vi", 0.03],
  ["uk", 0.03],
  ["nl", 0.02],
  ["sv", 0.02],
  ["fi", 0.02],
  ["cs", 0.02],
  ["pt-PT", 0.01],
  ["hu", 0.01],
  ["da", 0.01],
  ["nb", 0.01],
  ["el", 0.01],
  ["he", 0.01],
  ["ar", 0.01],
  ["th", 0.01],
  ["ca", 0.01],
  ["ro", 0.01],
];
for (const [code] of LANGUAGE_SHARES) if (findLanguage(code)?.code !== code) throw new Error(`bench generate: unknown language ${code}`);
const LANGUAGES = categorical(LANGUAGE_SHARES);
/** Fandoms per work: 1 (80 %) … 5; mean 1.27. */
const FANDOM_COUNTS = categorical([
  [1, 80],
  [2, 15],
  [3, 3.5],
  [4, 1],
  [5, 0.5],
]);
const COMMENT_PERMISSIONS = categorical([
  ["all", 90],
  ["registered", 8],
  ["none", 2],
]);
/** Share of each type's uses that are a non-canonical tag (synonym or unwrangled). */
const NON_CANONICAL = { Fandom: 0.04, Relationship: 0.08, Character: 0.06, Freeform: 0.12 } as const;
/** A non-canonical use of a tag with synonyms is one of them this often (else unwrangled). */
const SYNONYM_SHARE = 0.45;
/** An unwrangled use reuses a recent unwrangled tag of its type this often (else a new one). */
const REUSE_UNWRANGLED = 0.35;
/** A second fandom comes from the first one's franchise this often (not a crossover then). */
const RELATED_FANDOM = 0.6;

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const YEARS = 15;
const SPAN_DAYS = YEARS * 365.25;
/** Yearly growth of new works: ×10 over 15 years (AO3: 0.2 M in 2011, ~2 M in 2025). */
const GROWTH = Math.log(10) / YEARS;
const START = NOW - SPAN_DAYS * DAY;
const CREATED = new Date(START).toISOString();

// ---------------------------------------------------------------------------------------------
// Loading: one interface, a SQLite and a PostgreSQL implementation

type ColumnType = "int" | "text";
interface TableSpec {
  name: string;
  columns: [string, ColumnType][];
}
const TABLES = {
  users: { name: "users", columns: [["id", "int"], ["login", "text"], ["login_key", "text"], ["email", "text"], ["password_hash", "text"], ["created_at", "text"]] },
  pseuds: { name: "pseuds", columns: [["id", "int"], ["user_id", "int"], ["name", "text"], ["name_key", "text"], ["is_default", "int"], ["created_at", "text"]] },
  tags: {
    name: "tags",
    columns: [["id", "int"], ["name", "text"], ["name_key", "text"], ["type", "text"], ["canonical", "int"], ["merger_id", "int"], ["unwrangleable", "int"], ["created_at", "text"]],
  },
  tag_meta: { name: "tag_meta", columns: [["sub_id", "int"], ["meta_id", "int"]] },
  tag_parents: { name: "tag_parents", columns: [["child_id", "int"], ["parent_id", "int"]] },
  works: {
    name: "works",
    columns: [
      ["id", "int"],
      ["title", "text"],
      ["summary", "text"],
      ["language", "text"],
      ["word_count", "int"],
      ["expected_chapters", "int"],
      ["complete", "int"],
      ["posted", "int"],
      ["restricted", "int"],
      ["comment_permission", "text"],
      ["published_on", "text"],
      ["revised_at", "text"],
      ["crossover", "int"],
      ["kudos_count", "int"],
      ["hits_count", "int"],
      ["comments_count", "int"],
      ["bookmarks_count", "int"],
      ["title_sort", "text"],
      ["creators_sort", "text"],
      ["created_at", "text"],
      ["updated_at", "text"],
    ],
  },
  chapters: {
    name: "chapters",
    columns: [["id", "int"], ["work_id", "int"], ["position", "int"], ["content", "text"], ["word_count", "int"], ["posted", "int"], ["published_on", "text"], ["created_at", "text"], ["updated_at", "text"]],
  },
  work_creators: { name: "work_creators", columns: [["work_id", "int"], ["pseud_id", "int"], ["position", "int"]] },
  work_tags: { name: "work_tags", columns: [["work_id", "int"], ["tag_id", "int"], ["position", "int"]] },
  work_filters: { name: "work_filters", columns: [["work_id", "int"], ["tag_id", "int"], ["inherited", "int"]] },
} satisfies Record<string, TableSpec>;
type TableName = keyof typeof TABLES;
/** Insert order (parents before children), also the flush order. */
const TABLE_ORDER: TableName[] = ["users", "pseuds", "tags", "tag_meta", "tag_parents", "works", "chapters", "work_creators", "work_tags", "work_filters"];
/** Tables whose identity sequences must move past the explicit ids (PostgreSQL). */
const ID_TABLES = ["users", "pseuds", "tags", "works", "chapters"];

/** Rows waiting to be written, one flat array of values per table. */
class Buffers {
  readonly values = new Map<TableName, unknown[]>(TABLE_ORDER.map((t) => [t, []]));
  readonly rowsWritten = new Map<TableName, number>(TABLE_ORDER.map((t) => [t, 0]));
  row(table: TableName, ...values: unknown[]): void {
    const list = this.values.get(table)!;
    for (const v of values) list.push(v);
  }
  rows(table: TableName): number {
    return this.values.get(table)!.length / TABLES[table].columns.length;
  }
  take(table: TableName): unknown[] {
    const list = this.values.get(table)!;
    this.values.set(table, []);
    this.rowsWritten.set(table, this.rowsWritten.get(table)! + list.length / TABLES[table].columns.length);
    return list;
  }
}

interface Loader {
  readonly dialect: "sqlite" | "postgres";
  /** Drops secondary indexes, relaxes durability for the load. */
  prepare(): Promise<void>;
  /** Writes what the buffers hold (PostgreSQL: only tables with at least `min` rows, pipelined). */
  write(buffers: Buffers, final: boolean): Promise<void>;
  /** Re-creates the indexes (calling back per index), restores settings. */
  finish(onIndex: (name: string, seconds: number) => void): Promise<void>;
  analyze(): Promise<void>;
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

const LOADED_TABLES = TABLE_ORDER as string[];

class SqliteLoader implements Loader {
  readonly dialect = "sqlite" as const;
  private readonly db: SqliteDatabase.Database;
  private indexes: { name: string; sql: string }[] = [];
  private journalMode = "wal";
  private readonly single = new Map<TableName, SqliteDatabase.Statement>();
  private readonly multi = new Map<TableName, { rows: number; statement: SqliteDatabase.Statement }>();

  constructor(private readonly path: string) {
    this.db = new SqliteDatabase(path);
    for (const table of TABLE_ORDER) {
      const spec = TABLES[table];
      const columns = spec.columns.map((c) => c[0]).join(", ");
      const one = `(${spec.columns.map(() => "?").join(", ")})`;
      this.single.set(table, this.db.prepare(`insert into ${spec.name} (${columns}) values ${one}`));
      const rows = Math.max(1, Math.floor(256 / spec.columns.length) * 4); // ~1,000 values a statement
      this.multi.set(table, { rows, statement: this.db.prepare(`insert into ${spec.name} (${columns}) values ${Array(rows).fill(one).join(", ")}`) });
    }
  }

  async prepare(): Promise<void> {
    this.journalMode = String(this.db.pragma("journal_mode", { simple: true }));
    // No rollback journal and no fsync while loading: a crash midway means generating again.
    // Leaving WAL needs the only connection; when another is open (tests), WAL stays.
    try {
      this.db.pragma("journal_mode = OFF");
    } catch {
      /* stays as it was */
    }
    this.db.pragma("synchronous = OFF");
    this.db.pragma("foreign_keys = OFF");
    this.db.pragma("cache_size = -1000000");
    this.db.pragma("temp_store = MEMORY");
    this.db.pragma("threads = 2");
    const marks = LOADED_TABLES.map(() => "?").join(", ");
    this.indexes = this.db.prepare(`select name, sql from sqlite_schema where type = 'index' and sql is not null and tbl_name in (${marks}) order by name`).all(...LOADED_TABLES) as { name: string; sql: string }[];
    for (const index of this.indexes) this.db.exec(`drop index "${index.name}"`);
  }

  async write(buffers: Buffers): Promise<void> {
    this.db.transaction(() => {
      for (const table of TABLE_ORDER) {
        const width = TABLES[table].columns.length;
        const values = buffers.take(table);
        const { rows, statement } = this.multi.get(table)!;
        const chunk = rows * width;
        let at = 0;
        for (; at + chunk <= values.length; at += chunk) statement.run(values.slice(at, at + chunk));
        const one = this.single.get(table)!;
        for (; at < values.length; at += width) one.run(values.slice(at, at + width));
      }
    })();
  }

  async finish(onIndex: (name: string, seconds: number) => void): Promise<void> {
    for (const index of this.indexes) {
      const started = performance.now();
      this.db.exec(index.sql);
      onIndex(index.name, (performance.now() - started) / 1000);
      await breathe();
    }
    this.indexes = [];
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("synchronous = FULL");
    if (String(this.db.pragma("journal_mode", { simple: true })) !== this.journalMode) this.db.pragma(`journal_mode = ${this.journalMode}`);
  }

  async analyze(): Promise<void> {
    this.db.exec("analyze");
    if (this.journalMode === "wal") this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  async sizeBytes(): Promise<number> {
    const pages = this.db.pragma("page_count", { simple: true }) as number;
    const size = this.db.pragma("page_size", { simple: true }) as number;
    let wal = 0;
    try {
      wal = statSync(`${this.path}-wal`).size;
    } catch {
      /* no WAL file */
    }
    return pages * size + wal;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

class PostgresLoader implements Loader {
  readonly dialect = "postgres" as const;
  private readonly client: pg.Client;
  private indexes: { name: string; sql: string }[] = [];
  private readonly inflight: Promise<void>[] = [];
  private failure: Error | null = null;
  /** Rows per insert statement. */
  static readonly ROWS = 40_000;

  constructor(url: string) {
    this.client = new pg.Client({ connectionString: url });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async prepare(): Promise<void> {
    await this.client.query("set synchronous_commit = off");
    await this.client.query("set maintenance_work_mem = '1GB'");
    // Foreign keys are checked by triggers; a superuser can skip them for the load (the data is
    // consistent by construction). Without the right, the load is slower but just as correct.
    try {
      await this.client.query("set session_replication_role = replica");
    } catch {
      say("  (not a superuser: foreign keys are checked during the load, which is slower)");
    }
    for (const table of LOADED_TABLES) await this.client.query(`alter table ${table} set (autovacuum_enabled = false)`);
    const { rows } = await this.client.query<{ name: string; sql: string }>(
      `select indexname as name, indexdef as sql from pg_indexes
       where schemaname = current_schema() and tablename = any($1)
         and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))
       order by indexname`,
      [LOADED_TABLES],
    );
    this.indexes = rows;
    for (const index of rows) await this.client.query(`drop index "${index.name}"`);
  }

  /** Statements run one after another (a pg client takes one query at a time), without waiting for them here. */
  private chain: Promise<void> = Promise.resolve();

  private send(text: string, params: unknown[]): void {
    this.chain = this.chain
      .then(async () => {
        if (!this.failure) await this.client.query(text, params);
      })
      .catch((error: Error) => {
        this.failure ??= error;
      });
    this.inflight.push(this.chain);
  }

  async write(buffers: Buffers, final: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    for (const table of TABLE_ORDER) {
      const rows = buffers.rows(table);
      if (rows === 0 || (!final && rows < PostgresLoader.ROWS)) continue;
      const spec = TABLES[table];
      const width = spec.columns.length;
      const values = buffers.take(table);
      const columns: unknown[][] = spec.columns.map(() => new Array(rows));
      for (let r = 0, at = 0; r < rows; r++) for (let c = 0; c < width; c++, at++) columns[c]![r] = values[at];
      const arrays = spec.columns.map(([, type], i) => `$${i + 1}::${type === "int" ? "int4" : "text"}[]`).join(", ");
      this.send(`insert into ${spec.name} (${spec.columns.map((c) => c[0]).join(", ")}) select * from unnest(${arrays})`, columns);
    }
    // Generation goes on while the server inserts; never more than a few statements ahead.
    while (this.inflight.length > (final ? 0 : 3)) await this.inflight.shift();
    if (this.failure) throw this.failure;
  }

  async finish(onIndex: (name: string, seconds: number) => void): Promise<void> {
    while (this.inflight.length) await this.inflight.shift();
    if (this.failure) throw this.failure;
    for (const index of this.indexes) {
      const started = performance.now();
      await this.client.query(index.sql);
      onIndex(index.name, (performance.now() - started) / 1000);
    }
    this.indexes = [];
    for (const table of ID_TABLES) {
      await this.client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`);
    }
    for (const table of LOADED_TABLES) await this.client.query(`alter table ${table} reset (autovacuum_enabled)`);
    await this.client.query("set session_replication_role = default").catch(() => {});
  }

  async analyze(): Promise<void> {
    // VACUUM too: it sets the visibility map, so index-only scans work from the first query.
    await this.client.query(`vacuum (analyze) ${LOADED_TABLES.join(", ")}`);
  }

  async sizeBytes(): Promise<number> {
    const { rows } = await this.client.query<{ bytes: string }>("select pg_database_size(current_database()) as bytes");
    return Number(rows[0]!.bytes);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inflight);
    await this.client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The tag universe

interface Universe {
  fandoms: number;
  freeforms: number;
  users: number;
}

/** Sizes for N works: the tag universe grows like N^0.6 (50,000 fandoms and 300,000 freeforms at a million works). */
export function universeFor(works: number): Universe {
  const scale = (works / 1_000_000) ** 0.6;
  return {
    fandoms: Math.max(30, Math.round(50_000 * scale)),
    freeforms: Math.max(TOP_FREEFORMS.length + 60, Math.round(300_000 * scale)),
    users: Math.max(20, Math.round(works / 10)),
  };
}

/** Where one type's canonical tags sit: ids base..base+count-1, by popularity rank. */
interface Pools {
  start: Int32Array;
  count: Int32Array;
}

interface Graph {
  fandomBase: number;
  fandomCount: number;
  fandomSampler: Sampler;
  /** Members of each fandom's franchise (ranks), for related second fandoms. */
  family: Map<number, number[]>;
  familyOf: Int32Array;
  characters: Pools;
  relationships: Pools;
  freeformBase: number;
  freeformSampler: Sampler;
  /** Per canonical tag id: its synonyms' first id and count. */
  synonymFirst: Map<number, number>;
  synonymCount: Map<number, number>;
  /** Every metatag above a tag, transitively (only tags that have one). */
  closure: Map<number, number[]>;
  closureSets: Map<number, Set<number>>;
  nextId: number;
  canonical: number;
  synonyms: number;
  metaLinks: number;
  parentLinks: number;
}

interface Context {
  rng: Random;
  seed: number;
  buffers: Buffers;
  loader: Loader;
  checksum: Checksum;
  fixed: Map<string, number>;
  /** Name keys already in the archive (the fixed tags, anything a wrangler made). */
  existingTags: Set<string>;
  existingLogins: Set<string>;
}

/** A tag row (and its checksum). */
function addTag(ctx: Context, id: number, name: string, type: string, canonical: number, mergerId: number | null, unwrangleable = 0, createdAt = CREATED): void {
  let key = tagKey(name);
  if (ctx.existingTags.has(key)) {
    name = `${name} (bench ${id})`;
    key = tagKey(name);
  }
  ctx.buffers.row("tags", id, name, key, type, canonical, mergerId, unwrangleable, createdAt);
  ctx.checksum.num(id);
  ctx.checksum.str(name);
  ctx.checksum.num(mergerId ?? -1);
}

async function flushIfLarge(ctx: Context): Promise<void> {
  let rows = 0;
  for (const table of TABLE_ORDER) rows += ctx.buffers.rows(table);
  if (rows >= 100_000) await ctx.loader.write(ctx.buffers, true);
}

/**
 * Writes the canonical tags, their synonyms, metatag links and parents; returns what the works
 * need to pick tags. Ids are contiguous per type, in popularity order.
 */
async function buildGraph(ctx: Context, works: number, firstId: number): Promise<Graph> {
  const { rng } = ctx;
  const size = universeFor(works);
  const F = size.fandoms;
  const fandomSampler = zipf(F, 1.0);
  const fandomBase = firstId;

  // Character and relationship pools per fandom, in proportion to the fandom's expected works.
  const meanFandoms = 1.27;
  const characters: Pools = { start: new Int32Array(F), count: new Int32Array(F) };
  const relationships: Pools = { start: new Int32Array(F), count: new Int32Array(F) };
  let next = fandomBase + F;
  for (let r = 0; r < F; r++) {
    const expected = works * meanFandoms * fandomSampler.probabilities[r]!;
    characters.start[r] = next;
    characters.count[r] = 2 + Math.floor(expected / 40);
    next += characters.count[r]!;
  }
  for (let r = 0; r < F; r++) {
    const expected = works * meanFandoms * fandomSampler.probabilities[r]!;
    const c = characters.count[r]!;
    relationships.start[r] = next;
    relationships.count[r] = Math.min(1 + Math.floor(expected / 60), c * (c - 1)); // a "/" and a "&" per pair
    next += relationships.count[r]!;
  }
  const freeformBase = next;
  const FF = size.freeforms;
  // Zipf–Mandelbrot (s = 1, q = 4): the top freeform is on ~15 % of works, as AO3's are.
  const freeformSampler = zipf(FF, 1.0, 4);
  next += FF;
  const canonicalEnd = next;
  const key = ctx.seed * 7919;

  // Franchises: a fandom "X - All Media Types" over "X (TV)", "X (Movies)"… over "X (Movie 2)".
  const familyOf = new Int32Array(F).fill(-1);
  const role = new Int32Array(F).fill(-1); // -1 plain, -2 franchise, 0..k child suffix, 1000+n film
  const family = new Map<number, number[]>();
  const meta = new Map<number, number[]>(); // sub id → meta ids
  const link = (sub: number, above: number) => {
    const list = meta.get(sub);
    if (list) list.push(above);
    else meta.set(sub, [above]);
  };
  const pickFree = (after: number, taken: Int32Array): number => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const candidate = after + 1 + rng.logUniform(F - after - 1);
      if (candidate < F && taken[candidate] === -1) return candidate;
    }
    return -1;
  };
  for (let r = 0; r < F - 1; r++) {
    if (familyOf[r] !== -1) continue;
    const p = r < F * 0.02 ? 0.4 : r < F * 0.2 ? 0.1 : 0.01;
    if (!rng.chance(p)) continue;
    familyOf[r] = r;
    role[r] = -2;
    const members = [r];
    let films = 0;
    const children = 2 + rng.int(4);
    for (let j = 0; j < children; j++) {
      const child = pickFree(r, familyOf);
      if (child < 0) continue;
      familyOf[child] = r;
      role[child] = j;
      members.push(child);
      link(fandomBase + child, fandomBase + r);
      if (!rng.chance(0.3)) continue;
      for (let k = 1 + rng.int(3); k > 0; k--) {
        const film = pickFree(child, familyOf);
        if (film < 0) continue;
        familyOf[film] = r;
        role[film] = 1000 + ++films;
        members.push(film);
        link(fandomBase + film, fandomBase + child);
      }
    }
    if (members.length < 2) {
      familyOf[r] = -1;
      role[r] = -1;
    } else family.set(r, members);
  }

  // Synonym ids follow the canonical ones; each canonical tag knows its synonyms.
  let synonymNext = canonicalEnd;
  const synonymFirst = new Map<number, number>();
  const synonymCount = new Map<number, number>();
  let synonyms = 0;
  const addSynonyms = (id: number, name: string, type: string, count: number, names?: string[]) => {
    if (count <= 0) return;
    synonymFirst.set(id, synonymNext);
    synonymCount.set(id, count);
    const markers = SYNONYM_MARKERS[type]!;
    for (let k = 0; k < count; k++) {
      addTag(ctx, synonymNext++, names?.[k] ?? name + markers[k % markers.length], type, 0, id);
      synonyms++;
    }
  };
  /** How many synonyms a canonical tag of this popularity rank has. */
  const synonymsFor = (rank: number, of: number) => {
    const share = rank / of;
    if (share < 0.01) return 2 + rng.int(2);
    if (share < 0.1) return rng.chance(0.7) ? 1 + rng.int(2) : 0;
    return rng.chance(0.12) ? 1 : 0;
  };

  let parentLinks = 0;
  const parent = (child: number, parentId: number) => {
    ctx.buffers.row("tag_parents", child, parentId);
    parentLinks++;
  };
  const media = (name: string) => ctx.fixed.get(`Media:${name}`)!;

  // Fandoms.
  for (let r = 0; r < F; r++) {
    const id = fandomBase + r;
    const root = familyOf[r]!;
    const base = encode(root >= 0 ? fandomBase + root : id, key, true).join(" ");
    let name: string;
    let mediaNames: string[];
    if (role[r] === -2) {
      name = base + FRANCHISE_SUFFIX;
      mediaNames = ["Movies", "TV Shows"];
    } else if (role[r]! >= 1000) {
      name = `${base} (Movie ${role[r]! - 1000})`;
      mediaNames = ["Movies"];
    } else if (role[r]! >= 0) {
      const suffix = FRANCHISE_CHILDREN[role[r]!]!;
      name = base + suffix;
      mediaNames = FANDOM_MEDIA[suffix]!;
    } else {
      const suffix = FANDOM_SUFFIXES[rng.int(FANDOM_SUFFIXES.length)]!;
      name = base + suffix;
      const choices = FANDOM_MEDIA[suffix]!;
      mediaNames = [choices[rng.int(choices.length)]!];
    }
    addTag(ctx, id, name, "Fandom", 1, null);
    for (const m of mediaNames) parent(id, media(m));
    addSynonyms(id, name, "Fandom", synonymsFor(r, F));
    if (r % 4096 === 4095) await flushIfLarge(ctx);
  }
  // Characters: "First Last", under their fandom.
  for (let r = 0; r < F; r++) {
    for (let j = 0; j < characters.count[r]!; j++) {
      const id = characters.start[r]! + j;
      const name = encode(id, key, true).join(" ");
      addTag(ctx, id, name, "Character", 1, null);
      parent(id, fandomBase + r);
      addSynonyms(id, name, "Character", rng.chance(j < 3 ? 0.5 : 0.12) ? 1 : 0);
    }
    if (r % 1024 === 1023) await flushIfLarge(ctx);
  }
  // Relationships: pairs of the fandom's characters, the popular ones first; "A/B" then "A & B".
  for (let r = 0; r < F; r++) {
    for (let j = 0; j < relationships.count[r]!; j++) {
      const id = relationships.start[r]! + j;
      const pair = j >> 1;
      const b = Math.floor((1 + Math.sqrt(1 + 8 * pair)) / 2);
      const a = pair - (b * (b - 1)) / 2;
      const idA = characters.start[r]! + a;
      const idB = characters.start[r]! + b;
      const nameA = encode(idA, key, true).join(" ");
      const nameB = encode(idB, key, true).join(" ");
      const separator = j % 2 === 0 ? "/" : " & ";
      const name = nameA + separator + nameB;
      addTag(ctx, id, name, "Relationship", 1, null);
      parent(id, fandomBase + r);
      parent(id, idA);
      parent(id, idB);
      // The reversed order is the usual synonym ("B/A" for "A/B").
      if (rng.chance(j < 4 ? 0.6 : 0.15)) addSynonyms(id, name, "Relationship", 1, [nameB + separator + nameA]);
    }
    if (r % 1024 === 1023) await flushIfLarge(ctx);
  }
  // Freeforms: AO3's most used at the top, then generated names; a few metatag families.
  const freeformByName = new Map<string, number>();
  for (let r = 0; r < FF; r++) {
    const id = freeformBase + r;
    const name = r < TOP_FREEFORMS.length ? TOP_FREEFORMS[r]! : encode(id, key, true).join(" ");
    if (r < TOP_FREEFORMS.length) freeformByName.set(name, id);
    addTag(ctx, id, name, "Freeform", 1, null);
    addSynonyms(id, name, "Freeform", synonymsFor(r, FF));
    if (r % 4096 === 4095) await flushIfLarge(ctx);
  }
  for (const [sub, above] of TOP_FREEFORM_METAS) link(freeformByName.get(sub)!, freeformByName.get(above)!);
  const takenFreeform = new Int32Array(FF).fill(-1);
  for (let r = 0; r < TOP_FREEFORMS.length; r++) takenFreeform[r] = 0;
  for (let r = TOP_FREEFORMS.length; r < FF * 0.05; r++) {
    if (takenFreeform[r] !== -1 || !rng.chance(0.02)) continue;
    takenFreeform[r] = r;
    for (let k = 2 + rng.int(3); k > 0; k--) {
      const candidate = r + 1 + rng.logUniform(FF - r - 1);
      if (candidate >= FF || takenFreeform[candidate] !== -1) continue;
      takenFreeform[candidate] = r;
      link(freeformBase + candidate, freeformBase + r);
    }
  }

  // Metatag links, and every tag's metatags transitively (the graph has no cycles by construction).
  let metaLinks = 0;
  for (const [sub, metas] of meta) {
    for (const m of metas) {
      ctx.buffers.row("tag_meta", sub, m);
      ctx.checksum.num(sub);
      ctx.checksum.num(m);
      metaLinks++;
    }
  }
  const closure = new Map<number, number[]>();
  const above = (id: number): number[] => {
    const known = closure.get(id);
    if (known) return known;
    const all = new Set<number>();
    for (const m of meta.get(id) ?? []) {
      all.add(m);
      for (const a of above(m)) all.add(a);
    }
    const list = [...all];
    closure.set(id, list);
    return list;
  };
  for (const sub of meta.keys()) above(sub);
  for (const [id, list] of closure) if (list.length === 0) closure.delete(id);
  const closureSets = new Map([...closure].map(([id, list]) => [id, new Set(list)]));
  await ctx.loader.write(ctx.buffers, true);

  return {
    fandomBase,
    fandomCount: F,
    fandomSampler,
    family,
    familyOf,
    characters,
    relationships,
    freeformBase,
    freeformSampler,
    synonymFirst,
    synonymCount,
    closure,
    closureSets,
    nextId: synonymNext,
    canonical: canonicalEnd - firstId,
    synonyms,
    metaLinks,
    parentLinks,
  };
}

// ---------------------------------------------------------------------------------------------
// Users

interface Creators {
  pseudIds: Int32Array;
  pseudNames: string[];
  sampler: Sampler;
}

async function buildCreators(ctx: Context, count: number, firstUser: number, firstPseud: number): Promise<Creators> {
  const { rng } = ctx;
  const key = ctx.seed * 104729 + 17;
  // Zipf–Mandelbrot over users (q = 50): the most prolific has ~0.25 % of all works, most a few.
  const sampler = zipf(count, 1.0, 50);
  const pseudIds = new Int32Array(count);
  const pseudNames: string[] = new Array(count);
  let pseudId = firstPseud;
  for (let i = 0; i < count; i++) {
    const userId = firstUser + i;
    const [a, b] = encode(i, key, false);
    let login = `${a}_${b}`;
    if (ctx.existingLogins.has(login)) login = `${login}_${i}`;
    // Unique by construction: the underscore never occurs in a vocabulary word.
    ctx.buffers.row("users", userId, login, login, `${login}@bench.invalid`, "-", CREATED);
    ctx.checksum.num(userId);
    ctx.checksum.str(login);
    // Every user has a default pseud (their login); some post under a second one.
    pseudIds[i] = pseudId;
    pseudNames[i] = login;
    ctx.buffers.row("pseuds", pseudId++, userId, login, login, 1, CREATED);
    if (rng.chance(0.05)) {
      const name = encode(i, key + 1, true).join(" ");
      ctx.buffers.row("pseuds", pseudId, userId, name, name.toLowerCase(), 0, CREATED);
      if (rng.chance(0.5)) {
        pseudIds[i] = pseudId;
        pseudNames[i] = name;
      }
      pseudId++;
    }
    if (i % 20_000 === 19_999) await flushIfLarge(ctx);
  }
  await ctx.loader.write(ctx.buffers, true);
  return { pseudIds, pseudNames, sampler };
}

// ---------------------------------------------------------------------------------------------
// Works

export interface GenerateSummary {
  dialect: "sqlite" | "postgres";
  seed: number;
  works: number;
  drafts: number;
  restricted: number;
  complete: number;
  crossovers: number;
  users: number;
  pseuds: number;
  tags: { canonical: number; synonyms: number; unwrangled: number; metaLinks: number; parentLinks: number };
  workTags: number;
  nonCanonicalUses: number;
  workFilters: number;
  inheritedFilters: number;
  firstWorkId: number;
  lastWorkId: number;
  interrupted: boolean;
  seconds: { total: number; load: number; indexes: number; analyze: number };
  databaseBytes: number;
  checksum: string;
}

export interface GenerateOptions {
  works: number;
  seed: number;
  /** Progress lines (the CLI prints them on standard error). */
  progress?: (text: string, force?: boolean) => void;
  /** Asked between batches; true stops generating (the indexes are still finished). */
  stopRequested?: () => boolean;
}

const BATCH = 2_000;

interface WorkCounters {
  drafts: number;
  restricted: number;
  complete: number;
  crossovers: number;
  workTags: number;
  nonCanonical: number;
  filters: number;
  inherited: number;
  unwrangled: number;
}

/** Generates and writes works firstWork..firstWork+n-1 (with their chapters, creators, tags, filters). */
async function generateWorks(ctx: Context, graph: Graph, creators: Creators, n: number, firstWork: number, firstChapter: number, options: GenerateOptions, started: number): Promise<{ counters: WorkCounters; written: number }> {
  const { rng, buffers, checksum } = ctx;
  const V = VOCABULARY;
  const titleWords = zipf(8000, 1.0, 10);
  const ratingIds = RATINGS.values.map((name) => ctx.fixed.get(`Rating:${name}`)!);
  const firstWarningIds = FIRST_WARNING.values.map((name) => ctx.fixed.get(`ArchiveWarning:${name}`)!);
  const moreWarningIds = MORE_WARNINGS.values.map((name) => ctx.fixed.get(`ArchiveWarning:${name}`)!);
  const categoryIds = CATEGORY_SHARES.map(([name, p]) => [ctx.fixed.get(`Category:${name}`)!, p] as const);
  const nawa = ctx.fixed.get("ArchiveWarning:No Archive Warnings Apply")!;
  const unwrangledKey = ctx.seed * 31337 + 5;
  const counters: WorkCounters = { drafts: 0, restricted: 0, complete: 0, crossovers: 0, workTags: 0, nonCanonical: 0, filters: 0, inherited: 0, unwrangled: 0 };
  // Recently created unwrangled tags per type, for the few that get used more than once.
  const recent: Record<string, Int32Array> = { Fandom: new Int32Array(256), Relationship: new Int32Array(256), Character: new Int32Array(256), Freeform: new Int32Array(256) };
  const recentCount: Record<string, number> = { Fandom: 0, Relationship: 0, Character: 0, Freeform: 0 };
  let nextTag = graph.nextId;

  const tagIds: number[] = [];
  const direct: number[] = [];
  const fandomFilters: number[] = [];
  const fandomRanks: number[] = [];
  let createdAt = "";

  /** Adds one use of a canonical tag, or (sometimes) of a synonym or an unwrangled tag instead; false when the work had it already. */
  const use = (canonicalId: number, type: keyof typeof NON_CANONICAL): boolean => {
    let tagId = canonicalId;
    let filter: number | null = canonicalId;
    if (rng.next() < NON_CANONICAL[type]) {
      const synonyms = graph.synonymCount.get(canonicalId) ?? 0;
      if (synonyms > 0 && rng.chance(SYNONYM_SHARE)) {
        tagId = graph.synonymFirst.get(canonicalId)! + rng.int(synonyms);
      } else {
        filter = null;
        const ring = recent[type]!;
        if (recentCount[type]! > 0 && rng.chance(REUSE_UNWRANGLED)) {
          tagId = ring[rng.int(Math.min(ring.length, recentCount[type]!))]!;
        } else {
          tagId = nextTag++;
          const serial = tagId;
          const [a, b] = encode(serial, unwrangledKey, false);
          let name = "";
          for (let k = 1 + rng.int(3); k > 0; k--) name += `${V.words[rng.int(6000)]} `;
          name += `${a} ${b}`;
          addTag(ctx, tagId, name, type, 0, null, rng.chance(0.05) ? 1 : 0, createdAt);
          ring[recentCount[type]! % ring.length] = tagId;
          recentCount[type]!++;
          counters.unwrangled++;
        }
      }
    }
    if (tagIds.includes(tagId)) return false;
    tagIds.push(tagId);
    if (filter === null) counters.nonCanonical++;
    else if (tagId !== filter) counters.nonCanonical++;
    if (type === "Fandom") fandomFilters.push(filter ?? tagId); // unwrangled fandoms still count for crossover
    if (filter !== null && !direct.includes(filter)) direct.push(filter);
    return true;
  };
  const fixedUse = (tagId: number) => {
    if (tagIds.includes(tagId)) return;
    tagIds.push(tagId);
    direct.push(tagId);
  };

  let written = 0;
  for (let first = 0; first < n; first += BATCH) {
    const last = Math.min(n, first + BATCH);
    for (let i = first; i < last; i++) {
      const workId = firstWork + i;
      tagIds.length = 0;
      direct.length = 0;
      fandomFilters.length = 0;
      fandomRanks.length = 0;

      // Dates: created over 15 years with exponential growth; some works updated later.
      const years = Math.log(1 + rng.next() * (Math.exp(GROWTH * YEARS) - 1)) / GROWTH;
      const createdMs = Math.min(NOW - 1000, Math.floor(START + years * 365.25 * DAY));
      const revisedMs = rng.chance(0.3) ? Math.min(NOW - 1000, createdMs + Math.floor(rng.lognormal(20, 1.5) * DAY)) : createdMs;
      createdAt = new Date(createdMs).toISOString();
      const revisedAt = revisedMs === createdMs ? createdAt : new Date(revisedMs).toISOString();
      const publishedOn = createdAt.slice(0, 10);

      const posted = rng.chance(0.01) ? 0 : 1;
      const restricted = rng.chance(0.13) ? 1 : 0;
      const complete = rng.chance(0.84) ? 1 : 0;
      // One chapter per work: complete means 1/1 (what refreshWorkStats derives), else 1/? or 1/k.
      const expected = complete ? 1 : rng.chance(0.4) ? null : 2 + rng.int(30);
      const words = Math.max(1, Math.min(5_000_000, Math.round(rng.lognormal(3000, 1.3))));
      const language = LANGUAGES.values[LANGUAGES.sampler.sample(rng)]!;

      // Responses: kudos lognormal(46, 1.61); the others follow kudos loosely.
      const zKudos = rng.normal();
      const kudos = posted ? Math.floor(46 * Math.exp(1.61 * zKudos)) : 0;
      const hits = posted ? Math.floor((kudos + rng.next()) * (10 + 15 * rng.next())) : 0;
      const comments = posted && !rng.chance(0.3) ? Math.floor(10 * Math.exp(1.35 * (0.6 * zKudos + 0.8 * rng.normal()))) : 0;
      const bookmarks = posted && !rng.chance(0.25) ? Math.floor(5 * Math.exp(1.5 * (0.7 * zKudos + 0.71 * rng.normal()))) : 0;

      // Title and summary.
      let title = "";
      const titleLength = 1 + Math.min(5, Math.floor(rng.lognormal(1.6, 0.6)));
      const titleCase = rng.chance(0.6);
      for (let k = 0; k < titleLength; k++) {
        const rank = titleWords.sample(rng);
        title += (k ? " " : "") + (k === 0 || titleCase ? V.capitalized[rank] : V.words[rank]);
      }
      const lead = rng.next();
      if (lead < 0.08) title = `The ${title}`;
      else if (lead < 0.11) title = `A ${title}`;
      else if (lead < 0.13) title = `\u201c${title}\u201d`;
      let summary = "<p>";
      for (let k = 6 + rng.int(15); k > 0; k--) summary += `${summary.length === 3 ? V.capitalized[titleWords.sample(rng)] : V.words[titleWords.sample(rng)]}${k === 1 ? "." : " "}`;
      summary += "</p>";

      // Creators: one pseud, sometimes two.
      const creator = creators.sampler.sample(rng);
      const byline = [creator];
      if (rng.chance(0.05)) {
        const other = creators.sampler.sample(rng);
        if (other !== creator) byline.push(other);
      }
      const names = byline.map((c) => creators.pseudNames[c]!);

      // Required tags.
      fixedUse(ratingIds[RATINGS.sampler.sample(rng)]!);
      const warning = firstWarningIds[FIRST_WARNING.sampler.sample(rng)]!;
      fixedUse(warning);
      if (warning !== nawa && rng.chance(0.12)) fixedUse(moreWarningIds[MORE_WARNINGS.sampler.sample(rng)]!);
      let categories = 0;
      for (const [id, p] of categoryIds) if (categories < 2 && rng.chance(p)) (fixedUse(id), categories++);

      // Fandoms: Zipf; a second one from the same franchise sometimes.
      const fandomCount = FANDOM_COUNTS.values[FANDOM_COUNTS.sampler.sample(rng)]!;
      for (let k = 0; k < fandomCount; k++) {
        let rank = graph.fandomSampler.sample(rng);
        if (k > 0 && rng.chance(RELATED_FANDOM)) {
          const root = graph.familyOf[fandomRanks[0]!]!;
          if (root >= 0) {
            const members = graph.family.get(root)!;
            rank = members[rng.int(members.length)]!;
          }
        }
        if (fandomRanks.includes(rank)) continue;
        fandomRanks.push(rank);
        use(graph.fandomBase + rank, "Fandom");
      }
      // Relationships (0–4) and characters (0–10): 90 % from one of the work's fandoms.
      const poolOf = () => (rng.chance(0.9) ? fandomRanks[rng.int(fandomRanks.length)]! : graph.fandomSampler.sample(rng));
      // A draw the work already has is drawn again (twice as many tries as tags wanted), so small
      // pools still give the asked-for counts where they can.
      for (let k = rng.int(5), tries = 2 * k; k > 0 && tries > 0; tries--) {
        const r = poolOf();
        if (use(graph.relationships.start[r]! + rng.logUniform(graph.relationships.count[r]!), "Relationship")) k--;
      }
      for (let k = rng.int(11), tries = 2 * k; k > 0 && tries > 0; tries--) {
        const r = poolOf();
        if (use(graph.characters.start[r]! + rng.logUniform(graph.characters.count[r]!), "Character")) k--;
      }
      for (let k = rng.int(17), tries = 2 * k; k > 0 && tries > 0; tries--) if (use(graph.freeformBase + graph.freeformSampler.sample(rng), "Freeform")) k--;

      // The filter set, exactly as src/tags/filters.ts computes it.
      const crossover = isCrossover(fandomFilters, graph.closureSets) ? 1 : 0;
      const directCount = direct.length;
      for (let d = 0; d < directCount; d++) {
        const metas = graph.closure.get(direct[d]!);
        if (metas) for (const m of metas) if (!direct.includes(m)) direct.push(m);
      }

      const titleSort = titleSortKey(title);
      const creatorsSort = creatorsSortKey(names);
      const commentPermission = COMMENT_PERMISSIONS.values[COMMENT_PERMISSIONS.sampler.sample(rng)]!;
      buffers.row(
        "works",
        workId,
        title,
        summary,
        language,
        words,
        expected,
        complete,
        posted,
        restricted,
        commentPermission,
        publishedOn,
        revisedAt,
        crossover,
        kudos,
        hits,
        comments,
        bookmarks,
        titleSort,
        creatorsSort,
        createdAt,
        revisedAt,
      );
      buffers.row("chapters", firstChapter + i, workId, 1, `<p>Generated chapter: ${words} words.</p>`, words, posted, publishedOn, createdAt, revisedAt);
      for (let k = 0; k < byline.length; k++) buffers.row("work_creators", workId, creators.pseudIds[byline[k]!]!, k);
      for (let k = 0; k < tagIds.length; k++) buffers.row("work_tags", workId, tagIds[k]!, k);
      for (let k = 0; k < direct.length; k++) buffers.row("work_filters", workId, direct[k]!, k < directCount ? 0 : 1);

      checksum.num(workId);
      checksum.str(title);
      checksum.str(language);
      checksum.num(words);
      checksum.num(createdMs);
      checksum.num(revisedMs);
      checksum.num(posted * 8 + restricted * 4 + complete * 2 + crossover);
      checksum.num(expected ?? -1);
      checksum.num(kudos);
      checksum.num(hits);
      checksum.num(comments);
      checksum.num(bookmarks);
      for (const c of byline) checksum.num(creators.pseudIds[c]!);
      for (const t of tagIds) checksum.num(t);
      checksum.num(-directCount);
      for (const t of direct) checksum.num(t);

      counters.drafts += 1 - posted;
      counters.restricted += restricted;
      counters.complete += complete;
      counters.crossovers += crossover;
      counters.workTags += tagIds.length;
      counters.filters += direct.length;
      counters.inherited += direct.length - directCount;
    }
    await ctx.loader.write(buffers, false);
    written = last;
    const seconds = (performance.now() - started) / 1000;
    options.progress?.(`generating works ${fmt(last)}/${fmt(n)} (${round(seconds)} s, ${fmt(Math.round(last / seconds))} works/s)`, last === n);
    await breathe();
    if (options.stopRequested?.()) break;
  }
  await ctx.loader.write(buffers, true);
  return { counters, written };
}

// ---------------------------------------------------------------------------------------------

/** Generates the archive into the database at `url` (migrated, without works). */
export async function generateArchive(url: string, options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const { works, seed } = options;
  const progress = options.progress ?? (() => {});

  // Checks and starting points, through the app's own connection.
  const db = openDatabase(url);
  let dialect: "sqlite" | "postgres";
  let fixed: Map<string, number>;
  let existingTags: Set<string>;
  let existingLogins: Set<string>;
  const maxId: Record<string, number> = {};
  try {
    dialect = dialectOf(db);
    const pending = await pendingMigrations(db);
    if (pending.length) throw new GenerateError(`the database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
    const existing = await db.selectFrom("works").select("id").limit(1).execute();
    if (existing.length) throw new GenerateError("the archive already holds works; bench generate fills an empty archive (migrate a new database first).");
    for (const table of ID_TABLES) {
      const row = await sql<{ max: number | null }>`select max(id) as max from ${sql.table(table)}`.execute(db);
      maxId[table] = Number(row.rows[0]?.max ?? 0);
    }
    const tags = await db.selectFrom("tags").select(["id", "name_key", "type", "name"]).where("id", "<=", 100_000).execute();
    fixed = new Map(tags.map((t) => [`${t.type}:${t.name}`, t.id]));
    existingTags = new Set(tags.map((t) => t.name_key));
    const count = await db.selectFrom("tags").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    if (Number(count.n) > tags.length) throw new GenerateError("the archive holds too many tags already; bench generate fills a new archive.");
    existingLogins = new Set((await db.selectFrom("users").select("login_key").execute()).map((u) => u.login_key));
    for (const name of [...RATINGS.values, ...FIRST_WARNING.values].map((n) => n)) {
      if (!fixed.has(`Rating:${name}`) && !fixed.has(`ArchiveWarning:${name}`)) throw new GenerateError(`the fixed tag "${name}" is missing.`);
    }
  } finally {
    await db.destroy();
  }

  let loader: Loader;
  if (dialect === "sqlite") loader = new SqliteLoader(url.slice("sqlite:".length));
  else {
    const pgLoader = new PostgresLoader(url);
    await pgLoader.connect();
    loader = pgLoader;
  }
  try {
    await loader.prepare();
    const ctx: Context = { rng: randomFor(seed), seed, buffers: new Buffers(), loader, checksum: new Checksum(), fixed, existingTags, existingLogins };
    ctx.checksum.num(seed);
    ctx.checksum.num(works);

    progress("building the tag graph", true);
    const graph = await buildGraph(ctx, works, maxId.tags! + 1);
    const size = universeFor(works);
    progress(`creating ${fmt(size.users)} users`, true);
    const creators = await buildCreators(ctx, size.users, maxId.users! + 1, maxId.pseuds! + 1);
    const pseuds = ctx.buffers.rowsWritten.get("pseuds")!;
    const { counters, written } = await generateWorks(ctx, graph, creators, works, maxId.works! + 1, maxId.chapters! + 1, options, started);
    const loaded = performance.now();
    endProgress();

    await loader.finish((name, seconds) => {
      progress(`re-creating indexes: ${name} (${round(seconds)} s)`);
    });
    const indexed = performance.now();
    endProgress();
    progress(dialect === "sqlite" ? "ANALYZE" : "VACUUM (ANALYZE)", true);
    await loader.analyze();
    const analyzed = performance.now();
    endProgress();

    const checksum = ctx.checksum.hex();
    const summary: GenerateSummary = {
      dialect,
      seed,
      works: written,
      drafts: counters.drafts,
      restricted: counters.restricted,
      complete: counters.complete,
      crossovers: counters.crossovers,
      users: size.users,
      pseuds,
      tags: { canonical: graph.canonical, synonyms: graph.synonyms, unwrangled: counters.unwrangled, metaLinks: graph.metaLinks, parentLinks: graph.parentLinks },
      workTags: counters.workTags,
      nonCanonicalUses: counters.nonCanonical,
      workFilters: counters.filters,
      inheritedFilters: counters.inherited,
      firstWorkId: maxId.works! + 1,
      lastWorkId: maxId.works! + written,
      interrupted: written < works,
      seconds: { total: round((analyzed - started) / 1000, 2), load: round((loaded - started) / 1000, 2), indexes: round((indexed - loaded) / 1000, 2), analyze: round((analyzed - indexed) / 1000, 2) },
      databaseBytes: await loader.sizeBytes(),
      checksum,
    };
    // Recorded in the archive, so a benchmark can tell what it runs on.
    const marker = openDatabase(url);
    try {
      const value = JSON.stringify({ seed, works: written, checksum, generated: new Date().toISOString() });
      await marker.insertInto("settings").values({ key: "bench_generate", value }).onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
    } finally {
      await marker.destroy();
    }
    return summary;
  } finally {
    await loader.close();
  }
}

/** The one-line summary the command prints. */
export function summaryLine(s: GenerateSummary): string {
  const gb = (bytes: number) => `${round(bytes / 1e9, 2)} GB`;
  const pct = (part: number) => `${round((100 * part) / Math.max(1, s.works))} %`;
  return (
    `${s.interrupted ? "interrupted after" : "generated"} ${fmt(s.works)} works (${s.dialect}, seed ${s.seed}; drafts ${pct(s.drafts)}, restricted ${pct(s.restricted)}, ` +
    `crossovers ${pct(s.crossovers)}), ${fmt(s.users)} users, ${fmt(s.tags.canonical)} canonical tags + ${fmt(s.tags.synonyms)} synonyms + ${fmt(s.tags.unwrangled)} unwrangled, ` +
    `${fmt(s.workTags)} work tags (${round((100 * s.nonCanonicalUses) / Math.max(1, s.workTags))} % non-canonical), ${fmt(s.workFilters)} filters (${fmt(s.inheritedFilters)} inherited) ` +
    `in ${s.seconds.total} s (${fmt(Math.round(s.works / Math.max(0.001, s.seconds.total)))} works/s; load ${s.seconds.load} s, indexes ${s.seconds.indexes} s, analyze ${s.seconds.analyze} s); ` +
    `database ${gb(s.databaseBytes)}; checksum ${s.checksum}`
  );
}

/** Runs `fanfold bench generate`; returns the exit code. */
export async function benchGenerate(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        works: { type: "string" },
        seed: { type: "string", default: "1" },
        database: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`fanfold: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const whole = (name: string, value: string, min: number, max: number) => {
    const n = Number(value.replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < min || n > max) throw new GenerateError(`--${name} must be a whole number from ${fmt(min)} to ${fmt(max)}, not "${value}".`);
    return n;
  };
  let stop = false;
  const interrupted = () => {
    if (stop) process.exit(130);
    stop = true;
    endProgress();
    say("bench generate: stopping after this batch (Ctrl-C again to quit at once, leaving a broken database)");
  };
  try {
    if (values.works === undefined) throw new GenerateError(`--works N is required.\n\n${USAGE}`);
    const works = whole("works", values.works, 1, 100_000_000);
    const seed = whole("seed", values.seed!, 0, 2 ** 32 - 1);
    const url = values.database ?? loadConfig().databaseUrl;
    if (!/^sqlite:|^postgres(ql)?:\/\//.test(url)) throw new GenerateError(`--database must start with sqlite: or postgres://, not "${url}".`);
    const shown = url.startsWith("sqlite:") ? url : url.replace(/\/\/[^@/]*@/, "//…@");
    say(`bench generate: ${fmt(works)} works, seed ${seed} into ${shown}`);
    process.on("SIGINT", interrupted);
    const summary = await generateArchive(url, { works, seed, progress: progressLine, stopRequested: () => stop });
    console.log(summaryLine(summary));
    if (values.json) console.log(JSON.stringify(summary));
    return summary.interrupted ? 130 : 0;
  } catch (error) {
    endProgress();
    if (error instanceof GenerateError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off("SIGINT", interrupted);
  }
}

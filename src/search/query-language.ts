/**
 * The work search box's query language (AO3's, otwarchive-behaviour.md §3): what a reader types
 * becomes a validated ParsedQuery (a text tree plus filters and a sort). The database layer
 * compiles that to SQLite FTS5 or PostgreSQL tsquery. This module is pure: no database, no I/O,
 * and it never throws: bad input is `{ ok: false, message, position }`.
 *
 * Syntax and the decisions behind it:
 * - Precedence NOT > AND > OR. A space is AND, the same as `AND` or `&&`, so `a b OR c` is
 *   `(a AND b) OR c`. `OR` and `||` are OR. `NOT x` and `-x` negate; `NOT NOT x` is `x`.
 *   AND, OR and NOT are operators only in capitals: `and`, `or`, `not` are words.
 *   A `-` negates only what starts right after it: before a space, `-`, `)` or something with
 *   no words (`-...`, `-""`) it is punctuation; inside a word it splits (`x-men` → x AND men).
 * - Parentheses group and nest (at most 10 deep). `field:(...)` applies the field to the group.
 * - `"phrase"`; curly quotes “ ” work too (phones type them). Inside a phrase `*` is punctuation.
 * - Fields: title; creator, creators, author, authors → creators; summary; notes; endnotes,
 *   end_notes; tag, tags; fandom, character, relationship, freeform (singular or plural: tag
 *   names of that type only); series; text, body → text (chapter bodies). `field:word`,
 *   `field:"phrase"`, `field:(group)`; a space after the colon is allowed. An empty field
 *   (`title:` at the end, or before an operator or `)`) is an error. Unknown `xyz:abc` is plain
 *   words (xyz AND abc).
 * - Words: NFKC-normalised and lower-cased; letters, marks and digits of any script are kept.
 *   Apostrophes (' ’ ‘) between letters are dropped, as the word counter and the index
 *   (text.ts) do ("don't" → "dont").
 *   Every other punctuation mark (hyphen, slash, colon, dot, underscore...) splits, and the
 *   pieces of one typed token are ANDed: `harry/draco` → harry AND draco. Text in scripts written
 *   without spaces (Han, Hiragana, Katakana, Thai, by Script_Extensions, so ー stays in) is split
 *   from neighbouring Latin text but otherwise kept as written: `一个简单` is one term, and the
 *   database layer splits it into characters. Values keep accents; text.ts folds them.
 * - Bare `m/m`, `f/f`, `f/m`, `m/f` (any case) become the phrase "m m" etc.
 * - Wildcards: only a trailing `*` ("drag*", a prefix search; `**` is one). `*` at the start or
 *   in the middle of a word, or with fewer than 2 letters before it (so `*` alone), is an error
 *   saying so. At most 5 wildcard words per search.
 * - Counts: `words>1000`, `words:1000-5000`, `kudos:>10`, `hits<50`, `comments=3`,
 *   `bookmarks_count>=5`, `chapters:1-3` (singular or plural, optional `_count`, optional `:`
 *   before the operator, operators < <= > >= = :, N or N-M; no spaces inside). Commas, periods
 *   and underscores in numbers are removed, as AO3 does: "1,000" and "1.000" are 1000. Ranges are
 *   inclusive whole numbers: `>10` is min 11, `<50` is max 49; N-M with N > M is swapped. Two
 *   conditions on one count intersect; a contradiction is an error.
 * - Dates on the updated date: `updated<7 days` (within the last 7 days), `updated>2 weeks`
 *   (longer ago than 2 weeks), `date:13-21 months` (between 21 and 13 months ago),
 *   `updated:2 months ago` or `updated:2 months` (that whole calendar period: the UTC hour, day,
 *   Monday-started week, month or year). Heads `updated`, `date`, `revised`, with `_at` too; units
 *   hour/day/week/month/year, singular or plural. Computed from `options.now` (default: the
 *   current time) in UTC; months and years clamp the day (31 March − 1 month = 29 February).
 *   `updated.after`/`before` are inclusive ISO 8601 instants (`toISOString()`).
 * - Filters: `complete:`, `crossover:`, `single_chapter:` take true/false/yes/no/t/f/1/0;
 *   `language:` (or `language_id:`, `lang:`) takes a BCP 47 code or a language name
 *   ("German", "Deutsch") and yields the archive's code ("pt-BR"); `rating:` takes a rating's
 *   name in any case and spacing, or general/teen/mature/explicit/notrated, and yields the
 *   archive's name ("Teen And Up Audiences"). Unknown values are errors.
 * - Sort: `sort:kudos`, `sort:>words` (> ascending, < descending), `sort:title descending`,
 *   `sorted by: date posted ascending`, `sort:"word count"`. Direction defaults to descending,
 *   ascending for creator and title.
 * - Counts, dates, filters and sorts apply to the whole search, so they may sit anywhere that is
 *   only ANDed with the rest (even in parentheses) but not under NOT or beside OR (an error).
 *   The same filter or sort twice with different values is an error.
 * - Punctuation-only tokens and empty phrases are ignored (`a ... b` is a AND b).
 * - Bounds: at most 1,000 characters, 50 words and phrases (a phrase counts once, so a pasted
 *   passage works), parentheses 10 deep, 5 wildcards. Positions in errors are 0-based UTF-16
 *   offsets into the input.
 *
 * The text tree is normalised for compilers: `and`/`or` have at least two children and never a
 * child of their own kind; `not` never wraps a `not`. A `not` may stand alone or under `or`
 * (`-foo`, `a OR NOT b`); the compiler has to handle those (for example with NOT IN).
 */
import { defaultDirection as columnDirection, type SearchRangeName, type SearchSortName, WORK_COLUMNS } from "../listing/index.js";
import { RATINGS } from "../model/vocabulary.js";
import { findLanguage, languageFromLabel } from "../model/languages.js";
import { type MessageKey, t } from "../platform/i18n/index.js";

export type TextField = "any" | "title" | "creators" | "summary" | "notes" | "endnotes" | "tags" | TagTypeField | "series" | "text";
/** Tag names of one type: `fandom:`, `character:`, `relationship:`, `freeform:` (AO3 has no such fields). */
export type TagTypeField = "fandoms" | "characters" | "relationships" | "freeforms";
/** The tag type each typed tag field searches. */
export const TAG_TYPE_FIELDS: Record<TagTypeField, "Fandom" | "Character" | "Relationship" | "Freeform"> = {
  fandoms: "Fandom",
  characters: "Character",
  relationships: "Relationship",
  freeforms: "Freeform",
};
export type Node =
  | { kind: "term"; field: TextField; value: string; prefix: boolean }
  | { kind: "phrase"; field: TextField; words: string[] }
  | { kind: "and"; children: Node[] }
  | { kind: "or"; children: Node[] }
  | { kind: "not"; child: Node };
/** The listing columns' count ranges (src/listing/columns.ts), and the number of posted chapters. */
export type RangeField = SearchRangeName | "chapters";
/** Inclusive bounds. */
export interface Range {
  min?: number;
  max?: number;
}
/** Best match, or one of the listing columns' sorts (src/listing/columns.ts). */
export type SortColumn = "best" | SearchSortName;
export interface ParsedQuery {
  /** null when the query has only filters (or nothing). */
  text: Node | null;
  ranges: Partial<Record<RangeField, Range>>;
  /** Inclusive ISO 8601 instants on the work's updated date. */
  updated?: { after?: string; before?: string };
  filters: { complete?: boolean; crossover?: boolean; singleChapter?: boolean; language?: string; rating?: string };
  sort?: { column: SortColumn; direction: "asc" | "desc" };
}
export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; message: string; position: number };

export const SEARCH_LIMITS = { maxLength: 1000, maxTerms: 50, maxDepth: 10, maxWildcards: 5, minPrefixLength: 2 } as const;

// ---------------------------------------------------------------------------------------------
// Words

const W = String.raw`\p{L}\p{M}\p{N}`;
const UNSPACED = String.raw`\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Thai}`;
/** A typed word: word characters, with apostrophes allowed between letters (as text.ts indexes). */
const PIECE = new RegExp(String.raw`[${W}](?:[${W}]|(?<=\p{L}\p{M}*)['\u2019\u2018](?=\p{L}))*`, "uy");
const WORD_AT = new RegExp(`[${W}]`, "uy");
const WORD_RUNS = new RegExp(`[${W}]+`, "gu");
const SCRIPT_RUNS = new RegExp(`[${UNSPACED}]+|(?:(?![${UNSPACED}])[${W}])+`, "gu");
const APOSTROPHES = /['\u2019\u2018]/g;

interface Piece {
  value: string;
  prefix: boolean;
  pos: number;
}

/** One typed word as search words: folded, re-split after NFKC, and split between scripts. */
function foldWord(raw: string): string[] {
  const folded = raw.replace(APOSTROPHES, "").normalize("NFKC").toLowerCase().normalize("NFKC");
  const out: string[] = [];
  for (const run of folded.matchAll(WORD_RUNS)) for (const part of run[0].matchAll(SCRIPT_RUNS)) out.push(part[0]);
  return out;
}

/**
 * The words of `raw` (which starts at `base` in the input). With `stars`, a `*` right after a
 * word makes it a prefix and a `*` anywhere else is an error; without, `*` is punctuation.
 */
function splitWords(raw: string, base: number, stars: boolean): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < raw.length) {
    PIECE.lastIndex = i;
    const m = PIECE.exec(raw);
    if (m) {
      let j = i + m[0].length;
      const starAt = j;
      let prefix = false;
      if (stars && raw[j] === "*") {
        while (raw[j] === "*") j++;
        WORD_AT.lastIndex = j;
        if (WORD_AT.test(raw)) throw new QueryError(MESSAGES.midStar, base + starAt);
        prefix = true;
      }
      const words = foldWord(m[0]);
      if (prefix && [...(words[words.length - 1] ?? "")].length < SEARCH_LIMITS.minPrefixLength) {
        throw new QueryError(MESSAGES.shortPrefix, base + starAt);
      }
      words.forEach((value, k) => out.push({ value, prefix: prefix && k === words.length - 1, pos: base + i }));
      i = j;
      continue;
    }
    if (stars && raw[i] === "*") {
      let j = i;
      while (raw[j] === "*") j++;
      WORD_AT.lastIndex = j;
      throw new QueryError(WORD_AT.test(raw) ? MESSAGES.midStar : MESSAGES.shortPrefix, base + i);
    }
    i += (raw.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Vocabularies

/** rec[key] for the record's own keys only ("constructor" is not a field). */
const own = <T>(rec: Record<string, T>, key: string): T | undefined => (Object.hasOwn(rec, key) ? rec[key] : undefined);

const TEXT_FIELDS: Record<string, TextField> = {
  title: "title",
  creator: "creators",
  creators: "creators",
  author: "creators",
  authors: "creators",
  summary: "summary",
  notes: "notes",
  endnotes: "endnotes",
  end_notes: "endnotes",
  tag: "tags",
  tags: "tags",
  // A reader who types `fandom:` means the tag (on AO3 it silently finds nothing).
  fandom: "fandoms",
  fandoms: "fandoms",
  character: "characters",
  characters: "characters",
  relationship: "relationships",
  relationships: "relationships",
  freeform: "freeforms",
  freeforms: "freeforms",
  series: "series",
  text: "text",
  body: "text",
};
/** How each field is written back (a name TEXT_FIELDS reads). */
const FIELD_NAMES: Record<TextField, string> = {
  any: "",
  title: "title:",
  creators: "creators:",
  summary: "summary:",
  notes: "notes:",
  endnotes: "endnotes:",
  tags: "tags:",
  fandoms: "fandoms:",
  characters: "characters:",
  relationships: "relationships:",
  freeforms: "freeforms:",
  series: "series:",
  text: "text:",
};

/** Count ranges by their singular (`word`, `kudo`...): `words>10`, `kudos_count:1-5` and `chapter=2` all read. */
const RANGE_FIELDS: Record<string, RangeField> = {
  ...Object.fromEntries(WORK_COLUMNS.filter((c) => "range" in c.search).map((c) => [c.search.name.replace(/s$/, ""), c.search.name as RangeField])),
  chapter: "chapters",
};
/** Ranges in a query's summary: the word count first, then the counters by name, then chapters. */
const RANGE_ORDER: RangeField[] = [...Object.values(RANGE_FIELDS)].sort((a, b) => rangeRank(a) - rangeRank(b) || a.localeCompare(b));
function rangeRank(field: RangeField): number {
  return field === "words" ? 0 : field === "chapters" ? 2 : 1;
}

const SORTS: { column: SortColumn; label: MessageKey; names: readonly string[]; direction: "asc" | "desc" }[] = [
  { column: "best", label: "listing.search.best", names: ["best", "best match", "relevance", "score"], direction: "desc" },
  ...WORK_COLUMNS.map((c) => ({ column: c.search.name, label: c.search.label, names: [c.search.name, ...c.search.aliases], direction: columnDirection(c.column) })),
];
const SORT_LABELS = Object.fromEntries(SORTS.map((s) => [s.column, s.label])) as Record<SortColumn, MessageKey>;
const SORT_ALIASES = new Map<string, SortColumn>(SORTS.flatMap((s) => s.names.map((n) => [n, s.column] as const)));
const DIRECTIONS: Record<string, "asc" | "desc"> = { asc: "asc", ascending: "asc", desc: "desc", descending: "desc" };
const defaultDirection = (column: SortColumn) => SORTS.find((s) => s.column === column)!.direction;
/** Lower case, punctuation to single spaces: "Word_Count" → "word count". */
const nameKey = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, " ").trim();

const RATING_SHORT: Record<string, string> = {
  notrated: "Not Rated",
  general: "General Audiences",
  teen: "Teen And Up Audiences",
  teenandup: "Teen And Up Audiences",
  mature: "Mature",
  explicit: "Explicit",
};
const RATING_NAMES = new Map<string, string>([
  ...Object.entries(RATING_SHORT).filter(([, name]) => RATINGS.some((r) => r.name === name)),
  ...RATINGS.map((r) => [r.name.toLowerCase().replace(/[^a-z]/g, ""), r.name] as [string, string]),
]);

const BOOLEANS: Record<string, boolean> = { true: true, yes: true, t: true, y: true, "1": true, false: false, no: false, f: false, n: false, "0": false };

// ---------------------------------------------------------------------------------------------
// Messages

// In the archive's language: each message is read when a search fails, never at load.
const MESSAGES = {
  get internal() { return t("search.q.internal"); },
  get midStar() { return t("search.q.mid_star"); },
  get shortPrefix() { return t("search.q.short_prefix", { min: SEARCH_LIMITS.minPrefixLength }); },
  get unclosedQuote() { return t("search.q.unclosed_quote"); },
  get unclosedParen() { return t("search.q.unclosed_paren"); },
  get unmatchedParen() { return t("search.q.unmatched_paren"); },
  get emptyParens() { return t("search.q.empty_parens"); },
  tooLong: (n: number) => t("search.q.too_long", { length: n.toLocaleString("en-US"), max: SEARCH_LIMITS.maxLength.toLocaleString("en-US") }),
  get tooManyTerms() { return t("search.q.too_many_terms", { max: SEARCH_LIMITS.maxTerms }); },
  get tooDeep() { return t("search.q.too_deep", { max: SEARCH_LIMITS.maxDepth }); },
  get tooManyWildcards() { return t("search.q.too_many_wildcards", { max: SEARCH_LIMITS.maxWildcards }); },
  needsAfter: (op: string) => (op === "-" ? t("search.q.minus_needs_after") : t("search.q.needs_after", { op })),
  needsBefore: (op: string) => t("search.q.needs_before", { op }),
  emptyField: (name: string) => t("search.q.empty_field", { name }),
  filterInOr: (raw: string) => t("search.q.filter_in_or", { raw }),
  filterNegated: (raw: string, hint: string) => t("search.q.filter_negated", { raw, hint }),
  rangeValue: (raw: string, field: RangeField) => t("search.q.range_value", { raw, field }),
  dateValue: (raw: string) => t("search.q.date_value", { raw }),
  tooLarge: (raw: string) => t("search.q.too_large", { raw }),
  neverMatches: (raw: string) => t("search.q.never_matches", { raw }),
  contradicts: (raw: string, earlier: string) => t("search.q.contradicts", { raw, earlier }),
  boolValue: (name: string) => t("search.q.bool_value", { name }),
  languageValue: (value: string) => t("search.q.language_value", { value }),
  ratingValue: (value: string) => t("search.q.rating_value", { value }),
  emptyFilter: (name: string) => t("search.q.empty_filter", { name }),
  get emptySort() { return t("search.q.empty_sort"); },
  sortColumn: (value: string) => t("search.q.sort_column", { value, columns: SORTS.slice(0, -1).map((s) => t(s.label)).join(", "), last: t(SORTS.at(-1)!.label) }),
  sortDirections: (raw: string) => t("search.q.sort_directions", { raw }),
};

class QueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

type FilterValue =
  | { kind: "range"; field: RangeField; min?: number; max?: number }
  | { kind: "date"; after?: number; before?: number }
  | { kind: "bool"; key: "complete" | "crossover" | "singleChapter"; value: boolean }
  | { kind: "language"; code: string }
  | { kind: "rating"; name: string }
  | { kind: "sort"; column: SortColumn; direction: "asc" | "desc" };

type FilterTok = { t: "filter"; pos: number; raw: string; f: FilterValue };
type FieldTok = { t: "field"; pos: number; field: TextField; name: string; value: Tok | null };
type Tok =
  | { t: "(" | ")" | "eof"; pos: number }
  | { t: "and" | "or" | "not"; pos: number; text: string }
  | { t: "words"; pos: number; pieces: Piece[] }
  | { t: "phrase"; pos: number; words: string[] }
  | FieldTok
  | FilterTok;

const QUOTES = '"\u201C\u201D';
const SPACE = /\s/;
const isQuote = (c: string | undefined) => c !== undefined && QUOTES.includes(c);
const OPERATOR_WORDS: Record<string, "and" | "or" | "not"> = { AND: "and", OR: "or", NOT: "not" };
const M_SLASH = /^[mf]\/[mf]$/i;
const FIELD_PREFIX = /^([A-Za-z_]+):/;

const END = String.raw`(?=$|[\s()"\u201C\u201D]|\|\||&&)`;
const NUM = String.raw`(\d[\d,._]*)`;
const SORT_HEAD = /sort(?:ed)?(?:[ _]?by)?\s*:/iy;
const RANGE_HEAD = new RegExp(String.raw`(${Object.keys(RANGE_FIELDS).join("|")})s?(?:_?count)?(?=[:<>=])`, "iy");
const RANGE_VALUE = new RegExp(String.raw`:?(?:(<=|>=|<|>)${NUM}|=?${NUM}(?:-${NUM})?)${END}`, "y");
const DATE_HEAD = /(?:updated|revised|date)(?:_at)?(?=[:<>=])/iy;
const DATE_VALUE = new RegExp(String.raw`:?(<=|>=|<|>|=)?${NUM}(?:-${NUM})?\s*(hour|day|week|month|year)s?(?:\s+ago)?${END}`, "iy");
const FILTER_HEAD = /(complete|completed|crossovers?|single_?chapter|language_id|language|lang|rating)(?=:)/iy;

/** 0001-01-01T00:00:00Z: dates never go earlier, so ISO strings keep four-digit years. */
const MIN_TIME = new Date(0).setUTCFullYear(1, 0, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** End of the run of plain characters starting at p. */
function runEnd(s: string, p: number): number {
  let j = p;
  while (j < s.length) {
    const c = s[j]!;
    if (c === "(" || c === ")" || isQuote(c) || SPACE.test(c)) break;
    if ((c === "|" && s[j + 1] === "|") || (c === "&" && s[j + 1] === "&")) break;
    j++;
  }
  return j;
}

function skipSpace(s: string, p: number): number {
  while (p < s.length && SPACE.test(s[p]!)) p++;
  return p;
}

/** Digits with , . _ removed; null when too large to be a count. */
function number(text: string): number | null {
  const digits = text.replace(/[,._]/g, "").replace(/^0+(?=\d)/, "");
  return digits.length > 15 ? null : Number(digits);
}

type Unit = "hour" | "day" | "week" | "month" | "year";

/** `now` minus n units (calendar months and years, day clamped), never before year 1. */
function subtract(now: number, n: number, unit: Unit): number {
  if (unit === "hour" || unit === "day" || unit === "week") {
    const t = now - n * (unit === "hour" ? HOUR : unit === "day" ? DAY : 7 * DAY);
    return Math.max(t, MIN_TIME);
  }
  const d = new Date(now);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - n * (unit === "year" ? 12 : 1);
  const year = Math.floor(total / 12);
  if (!Number.isFinite(year) || year < 1) return MIN_TIME;
  const month = total - year * 12;
  const out = new Date(0);
  out.setUTCFullYear(year, month + 1, 0); // last day of the target month
  out.setUTCFullYear(year, month, Math.min(d.getUTCDate(), out.getUTCDate()));
  out.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return Math.max(out.getTime(), MIN_TIME);
}

/** The start of the hour, day, Monday-started week, month or year containing t (UTC). */
function periodStart(t: number, unit: Unit): number {
  const d = new Date(t);
  switch (unit) {
    case "hour":
      return t - (((t % HOUR) + HOUR) % HOUR);
    case "day":
      return t - (((t % DAY) + DAY) % DAY);
    case "week": {
      const day = t - (((t % DAY) + DAY) % DAY);
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case "month":
    case "year": {
      const out = new Date(0);
      out.setUTCFullYear(d.getUTCFullYear(), unit === "month" ? d.getUTCMonth() : 0, 1);
      return out.getTime();
    }
  }
}

class Lexer {
  private p = 0;
  private buf: Tok | null = null;
  /** The token after a `-`, lexed early to see whether the `-` negates anything. */
  private pending: Tok | null = null;

  constructor(
    private readonly s: string,
    private readonly now: number,
  ) {}

  peek(): Tok {
    if (!this.buf) {
      const pending = this.pending;
      this.pending = null;
      this.buf = pending ?? this.lex();
    }
    return this.buf;
  }

  next(): Tok {
    const t = this.peek();
    this.buf = null;
    return t;
  }

  /** The value after a `field:` that had nothing after its colon. Call with nothing peeked. */
  fieldValue(field: FieldTok): Tok {
    if (this.buf || this.pending) throw new QueryError(MESSAGES.internal, field.pos);
    const s = this.s;
    const p = (this.p = skipSpace(s, this.p));
    const fail = () => new QueryError(MESSAGES.emptyField(field.name), field.pos);
    const c = s[p];
    if (c === undefined || c === ")" || s.startsWith("||", p) || s.startsWith("&&", p)) throw fail();
    if (c === "(") {
      this.p++;
      return { t: "(", pos: p };
    }
    let value: Tok | null;
    if (isQuote(c)) value = this.phrase();
    else {
      const end = runEnd(s, p);
      const run = s.slice(p, end);
      if (own(OPERATOR_WORDS, run)) throw fail();
      this.p = end;
      value = this.wordsToken(run, p);
    }
    if (!value) throw fail();
    return value;
  }

  private lex(): Tok {
    const s = this.s;
    for (;;) {
      const p = (this.p = skipSpace(s, this.p));
      const c = s[p];
      if (c === undefined) return { t: "eof", pos: p };
      if (c === "(" || c === ")") {
        this.p++;
        return { t: c, pos: p };
      }
      if (isQuote(c)) {
        const phrase = this.phrase();
        if (phrase) return phrase;
        continue;
      }
      if (s.startsWith("||", p) || s.startsWith("&&", p)) {
        this.p += 2;
        return { t: c === "|" ? "or" : "and", pos: p, text: s.slice(p, p + 2) };
      }
      if (c === "-") {
        this.p++;
        const d = s[p + 1];
        if (d === undefined || d === "-" || d === ")" || SPACE.test(d)) continue;
        // "-foo" negates; "-..." or '-""' hold no words and the minus goes with them.
        const after = this.lex();
        if (after.pos !== p + 1) return after;
        this.pending = after;
        return { t: "not", pos: p, text: "-" };
      }
      const filter = this.filter();
      if (filter) return filter;
      const end = runEnd(s, p);
      const run = s.slice(p, end);
      this.p = end;
      const op = own(OPERATOR_WORDS, run);
      if (op) return { t: op, pos: p, text: run };
      const fm = FIELD_PREFIX.exec(run);
      const field = fm ? own(TEXT_FIELDS, fm[1]!.toLowerCase()) : undefined;
      if (fm && field) {
        const tok: FieldTok = { t: "field", pos: p, field, name: fm[0], value: null };
        const rest = run.slice(fm[0].length);
        if (rest) {
          tok.value = this.wordsToken(rest, p + fm[0].length);
          if (!tok.value) throw new QueryError(MESSAGES.emptyField(fm[0]), p);
        }
        return tok;
      }
      const words = this.wordsToken(run, p);
      if (words) return words;
    }
  }

  /** A quoted phrase starting at this.p; null when it holds no words. */
  private phrase(): Tok | null {
    const s = this.s;
    const p = this.p;
    let j = p + 1;
    while (j < s.length && !isQuote(s[j])) j++;
    if (j >= s.length) throw new QueryError(MESSAGES.unclosedQuote, p);
    this.p = j + 1;
    const words = splitWords(s.slice(p + 1, j), p + 1, false).map((w) => w.value);
    return words.length ? { t: "phrase", pos: p, words } : null;
  }

  private wordsToken(run: string, pos: number): Tok | null {
    if (M_SLASH.test(run)) return { t: "phrase", pos, words: [run[0]!.toLowerCase(), run[2]!.toLowerCase()] };
    const pieces = splitWords(run, pos, true);
    return pieces.length ? { t: "words", pos, pieces } : null;
  }

  private filter(): FilterTok | null {
    const s = this.s;
    const p = this.p;
    const at = (re: RegExp) => {
      re.lastIndex = p;
      return re.exec(s);
    };
    let m: RegExpExecArray | null;
    if ((m = at(SORT_HEAD))) return this.sort(p, p + m[0].length);
    if ((m = at(RANGE_HEAD))) return this.range(p, p + m[0].length, own(RANGE_FIELDS, m[1]!.toLowerCase())!);
    if ((m = at(DATE_HEAD))) return this.date(p, p + m[0].length);
    if ((m = at(FILTER_HEAD))) return this.named(p, p + m[0].length, m[1]!.toLowerCase());
    return null;
  }

  private token(p: number, end: number, f: FilterValue): FilterTok {
    this.p = end;
    return { t: "filter", pos: p, raw: this.s.slice(p, end), f };
  }

  private range(p: number, q: number, field: RangeField): FilterTok {
    const s = this.s;
    RANGE_VALUE.lastIndex = q;
    const m = RANGE_VALUE.exec(s);
    const raw = () => s.slice(p, runEnd(s, p));
    if (!m) throw new QueryError(MESSAGES.rangeValue(raw(), field), p);
    const [, op, single, low, high] = m;
    const a = number(single ?? low!);
    const b = high === undefined ? a : number(high);
    if (a === null || b === null) throw new QueryError(MESSAGES.tooLarge(raw()), p);
    let range: { min?: number; max?: number };
    if (op === "<") range = { max: a - 1 };
    else if (op === "<=") range = { max: a };
    else if (op === ">") range = { min: a + 1 };
    else if (op === ">=") range = { min: a };
    else range = { min: Math.min(a, b!), max: Math.max(a, b!) };
    const tok = this.token(p, q + m[0].length, { kind: "range", field, ...range });
    if (range.max !== undefined && range.max < 0) throw new QueryError(MESSAGES.neverMatches(tok.raw), p);
    return tok;
  }

  private date(p: number, q: number): FilterTok {
    const s = this.s;
    DATE_VALUE.lastIndex = q;
    const m = DATE_VALUE.exec(s);
    const raw = () => s.slice(p, runEnd(s, p));
    if (!m || (m[3] !== undefined && m[1] !== undefined && m[1] !== "=")) throw new QueryError(MESSAGES.dateValue(raw()), p);
    const [, op, first, second, unitText] = m;
    const unit = unitText!.toLowerCase() as Unit;
    const a = number(first!);
    const b = second === undefined ? a : number(second);
    if (a === null || b === null) throw new QueryError(MESSAGES.tooLarge(raw()), p);
    const now = this.now;
    let f: FilterValue;
    if (op === "<" || op === "<=") f = { kind: "date", after: subtract(now, a, unit) };
    else if (op === ">" || op === ">=") f = { kind: "date", before: subtract(now, a, unit) };
    else if (second !== undefined) f = { kind: "date", after: subtract(now, Math.max(a, b!), unit), before: subtract(now, Math.min(a, b!), unit) };
    else {
      const start = periodStart(subtract(now, a, unit), unit);
      const next = subtract(start, -1, unit);
      f = { kind: "date", after: Math.max(start, MIN_TIME), before: Math.max(next - 1, MIN_TIME) };
    }
    return this.token(p, q + m[0].length, f);
  }

  /** complete:, crossover:, single_chapter:, language:, rating: */
  private named(p: number, q: number, head: string): FilterTok {
    const s = this.s;
    const v = skipSpace(s, q + 1);
    let value: string;
    let end: number;
    if (isQuote(s[v])) {
      let j = v + 1;
      while (j < s.length && !isQuote(s[j])) j++;
      if (j >= s.length) throw new QueryError(MESSAGES.unclosedQuote, v);
      value = s.slice(v + 1, j).trim();
      end = j + 1;
    } else {
      end = s.startsWith("||", v) || s.startsWith("&&", v) ? v : runEnd(s, v);
      value = s.slice(v, end);
    }
    const name = s.slice(p, q);
    if (!value) throw new QueryError(MESSAGES.emptyFilter(name), p);
    let f: FilterValue;
    if (head === "language" || head === "language_id" || head === "lang") {
      const code = languageCode(value);
      if (!code) throw new QueryError(MESSAGES.languageValue(value), p);
      f = { kind: "language", code };
    } else if (head === "rating") {
      const rating = RATING_NAMES.get(value.toLowerCase().replace(/[^a-z]/g, ""));
      if (!rating) throw new QueryError(MESSAGES.ratingValue(value), p);
      f = { kind: "rating", name: rating };
    } else {
      const flag = own(BOOLEANS, value.toLowerCase());
      if (flag === undefined) throw new QueryError(MESSAGES.boolValue(name), p);
      const key = head.startsWith("complete") ? "complete" : head.startsWith("crossover") ? "crossover" : "singleChapter";
      f = { kind: "bool", key, value: flag };
    }
    return this.token(p, end, f);
  }

  private sort(p: number, q: number): FilterTok {
    const s = this.s;
    q = skipSpace(s, q);
    let arrow: "asc" | "desc" | undefined;
    if (s[q] === ">" || s[q] === "<") {
      arrow = s[q] === ">" ? "asc" : "desc";
      q = skipSpace(s, q + 1);
    }
    let column: SortColumn | undefined;
    let typed: string;
    if (isQuote(s[q])) {
      let j = q + 1;
      while (j < s.length && !isQuote(s[j])) j++;
      if (j >= s.length) throw new QueryError(MESSAGES.unclosedQuote, q);
      typed = s.slice(q + 1, j).trim();
      if (!typed) throw new QueryError(MESSAGES.emptySort, p);
      column = SORT_ALIASES.get(nameKey(typed));
      q = j + 1;
    } else {
      const end = s.startsWith("||", q) || s.startsWith("&&", q) ? q : runEnd(s, q);
      typed = s.slice(q, end);
      if (!typed) throw new QueryError(MESSAGES.emptySort, p);
      const q2 = skipSpace(s, end);
      const end2 = runEnd(s, q2);
      const two = q2 > end && end2 > q2 ? SORT_ALIASES.get(nameKey(`${typed} ${s.slice(q2, end2)}`)) : undefined;
      if (two) {
        column = two;
        q = end2;
      } else {
        column = SORT_ALIASES.get(nameKey(typed));
        q = end;
      }
    }
    if (!column) throw new QueryError(MESSAGES.sortColumn(typed), p);
    const q3 = skipSpace(s, q);
    const end3 = runEnd(s, q3);
    const word = q3 > q ? own(DIRECTIONS, s.slice(q3, end3).toLowerCase()) : undefined;
    if (word) q = end3;
    if (word && arrow && word !== arrow) throw new QueryError(MESSAGES.sortDirections(s.slice(p, q)), p);
    return this.token(p, q, { kind: "sort", column, direction: word ?? arrow ?? defaultDirection(column) });
  }
}

/** The archive's code for a language code or name, or a well-formed BCP 47 tag; else null. */
function languageCode(value: string): string | null {
  try {
    // languageFromLabel looks names up in a plain object, so "constructor" must not reach it.
    const label = value.trim();
    const inherited = label in Object.prototype || label.toLowerCase() in Object.prototype;
    const known = (inherited ? undefined : languageFromLabel(label)) ?? findLanguage(label.replace(/_/g, "-"));
    if (known) return known.code;
    const [tag] = Intl.getCanonicalLocales(value.replace(/_/g, "-"));
    return tag && /^[a-z]{2,3}(?:-|$)/.test(tag) ? tag : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

interface Part {
  node: Node | null;
  filters: FilterTok[];
}

function makeAnd(nodes: Node[]): Node | null {
  const children = nodes.flatMap((n) => (n.kind === "and" ? n.children : [n]));
  return children.length === 0 ? null : children.length === 1 ? children[0]! : { kind: "and", children };
}

function makeOr(nodes: Node[]): Node {
  const children = nodes.flatMap((n) => (n.kind === "or" ? n.children : [n]));
  return children.length === 1 ? children[0]! : { kind: "or", children };
}

const makeNot = (child: Node): Node => (child.kind === "not" ? child.child : { kind: "not", child });

const BOOL_FILTER_NAMES = { complete: "complete", crossover: "crossover", singleChapter: "single_chapter" } as const;

class Parser {
  private depth = 0;
  private terms = 0;
  private wildcards = 0;

  constructor(private readonly lx: Lexer) {}

  query(): Part {
    const part = this.or("any");
    const t = this.lx.peek();
    if (t.t === ")") throw new QueryError(MESSAGES.unmatchedParen, t.pos);
    return part;
  }

  private startsOperand(t: Tok): boolean {
    return t.t === "(" || t.t === "words" || t.t === "phrase" || t.t === "field" || t.t === "filter" || t.t === "not";
  }

  private or(field: TextField): Part {
    const first = this.and(field);
    if (!first.node && !first.filters.length) {
      const t = this.lx.peek();
      if (t.t === "or") throw new QueryError(MESSAGES.needsBefore(t.text), t.pos);
      return first;
    }
    const branches = [first];
    while (this.lx.peek().t === "or") {
      const op = this.lx.next() as { text: string; pos: number };
      if (!this.startsOperand(this.lx.peek())) throw new QueryError(MESSAGES.needsAfter(op.text), op.pos);
      branches.push(this.and(field));
    }
    if (branches.length === 1) return first;
    const filter = branches.flatMap((b) => b.filters)[0];
    if (filter) throw new QueryError(MESSAGES.filterInOr(filter.raw), filter.pos);
    return { node: makeOr(branches.map((b) => b.node!)), filters: [] };
  }

  private and(field: TextField): Part {
    const nodes: Node[] = [];
    const filters: FilterTok[] = [];
    let any = false;
    for (;;) {
      const t = this.lx.peek();
      if (t.t === "and") {
        if (!any) throw new QueryError(MESSAGES.needsBefore(t.text), t.pos);
        this.lx.next();
        if (!this.startsOperand(this.lx.peek())) throw new QueryError(MESSAGES.needsAfter(t.text), t.pos);
        continue;
      }
      if (!this.startsOperand(t)) break;
      const part = this.unary(field);
      any = true;
      if (part.node) nodes.push(part.node);
      filters.push(...part.filters);
    }
    return { node: makeAnd(nodes), filters };
  }

  private unary(field: TextField): Part {
    let negations = 0;
    let first: { text: string; pos: number } | null = null;
    while (this.lx.peek().t === "not") {
      const op = this.lx.next() as { text: string; pos: number };
      first ??= op;
      negations++;
      if (!this.startsOperand(this.lx.peek())) throw new QueryError(MESSAGES.needsAfter(op.text), op.pos);
    }
    const part = this.primary(field);
    if (!first) return part;
    const filter = part.filters[0];
    if (filter) {
      const hint = filter.f.kind === "bool" ? `; use ${BOOL_FILTER_NAMES[filter.f.key]}:${!filter.f.value} instead` : "";
      throw new QueryError(MESSAGES.filterNegated(filter.raw, hint), filter.pos);
    }
    let node = part.node!;
    for (let i = 0; i < negations; i++) node = makeNot(node);
    return { node, filters: [] };
  }

  private primary(field: TextField): Part {
    const t = this.lx.next();
    switch (t.t) {
      case "(":
        return this.group(t.pos, field);
      case "words":
        return { node: makeAnd(t.pieces.map((p) => this.term(field, p))), filters: [] };
      case "phrase":
        this.count(t.pos);
        return { node: { kind: "phrase", field, words: t.words }, filters: [] };
      case "field": {
        const value = t.value ?? this.lx.fieldValue(t);
        if (value.t === "(") return this.group(value.pos, t.field);
        if (value.t === "words") return { node: makeAnd(value.pieces.map((p) => this.term(t.field, p))), filters: [] };
        if (value.t === "phrase") {
          this.count(value.pos);
          return { node: { kind: "phrase", field: t.field, words: value.words }, filters: [] };
        }
        throw new QueryError(MESSAGES.emptyField(t.name), t.pos);
      }
      case "filter":
        return { node: null, filters: [t] };
      default:
        // startsOperand() was checked by every caller.
        throw new QueryError(MESSAGES.internal, t.pos);
    }
  }

  private group(pos: number, field: TextField): Part {
    if (++this.depth > SEARCH_LIMITS.maxDepth) throw new QueryError(MESSAGES.tooDeep, pos);
    const inner = this.or(field);
    const close = this.lx.peek();
    if (close.t !== ")") throw new QueryError(MESSAGES.unclosedParen, pos);
    if (!inner.node && !inner.filters.length) throw new QueryError(MESSAGES.emptyParens, pos);
    this.lx.next();
    this.depth--;
    return inner;
  }

  private count(pos: number) {
    if (++this.terms > SEARCH_LIMITS.maxTerms) throw new QueryError(MESSAGES.tooManyTerms, pos);
  }

  private term(field: TextField, piece: Piece): Node {
    this.count(piece.pos);
    if (piece.prefix && ++this.wildcards > SEARCH_LIMITS.maxWildcards) throw new QueryError(MESSAGES.tooManyWildcards, piece.pos);
    return { kind: "term", field, value: piece.value, prefix: piece.prefix };
  }
}

/** Applies the filter tokens, in the order typed, to a query. */
function assemble(text: Node | null, tokens: FilterTok[]): ParsedQuery {
  const query: ParsedQuery = { text, ranges: {}, filters: {} };
  const earlier = new Map<string, string>();
  let after: number | undefined;
  let before: number | undefined;
  const conflict = (key: string, tok: FilterTok, same: boolean) => {
    const prev = earlier.get(key);
    if (prev !== undefined && !same) throw new QueryError(MESSAGES.contradicts(tok.raw, prev), tok.pos);
    earlier.set(key, tok.raw);
  };
  for (const tok of tokens) {
    const f = tok.f;
    switch (f.kind) {
      case "range": {
        const old = query.ranges[f.field] ?? {};
        const min = old.min === undefined ? f.min : f.min === undefined ? old.min : Math.max(old.min, f.min);
        const max = old.max === undefined ? f.max : f.max === undefined ? old.max : Math.min(old.max, f.max);
        conflict(`range:${f.field}`, tok, min === undefined || max === undefined || min <= max);
        query.ranges[f.field] = { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
        break;
      }
      case "date": {
        const a = after === undefined ? f.after : f.after === undefined ? after : Math.max(after, f.after);
        const b = before === undefined ? f.before : f.before === undefined ? before : Math.min(before, f.before);
        conflict("date", tok, a === undefined || b === undefined || a <= b);
        after = a;
        before = b;
        break;
      }
      case "bool":
        conflict(f.key, tok, query.filters[f.key] === undefined || query.filters[f.key] === f.value);
        query.filters[f.key] = f.value;
        break;
      case "language":
        conflict("language", tok, query.filters.language === undefined || query.filters.language === f.code);
        query.filters.language = f.code;
        break;
      case "rating":
        conflict("rating", tok, query.filters.rating === undefined || query.filters.rating === f.name);
        query.filters.rating = f.name;
        break;
      case "sort": {
        const old = query.sort;
        conflict("sort", tok, !old || (old.column === f.column && old.direction === f.direction));
        query.sort = { column: f.column, direction: f.direction };
        break;
      }
    }
  }
  if (after !== undefined || before !== undefined) {
    query.updated = {
      ...(after !== undefined && { after: new Date(after).toISOString() }),
      ...(before !== undefined && { before: new Date(before).toISOString() }),
    };
  }
  return query;
}

/**
 * Parses what a reader typed into the search box. Never throws: a syntax error, an unknown
 * filter value or a query over the bounds is `{ ok: false }` with a message for the reader and
 * the 0-based offset of the trouble in `input`. Relative dates are computed from `options.now`.
 */
export function parseSearchQuery(input: string, options?: { now?: Date }): ParseResult {
  try {
    const text = typeof input === "string" ? input : "";
    if (text.length > SEARCH_LIMITS.maxLength) return { ok: false, message: MESSAGES.tooLong(text.length), position: SEARCH_LIMITS.maxLength };
    const given = options?.now instanceof Date ? options.now.getTime() : NaN;
    const now = Number.isFinite(given) ? given : Date.now();
    const part = new Parser(new Lexer(text, now)).query();
    return { ok: true, query: assemble(part.node, part.filters) };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, message: error.message, position: error.position };
    return { ok: false, message: MESSAGES.internal, position: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Writing queries back

/** The text tree in the query language; parsing the result gives the same tree. */
export function formatNode(node: Node): string {
  switch (node.kind) {
    case "term":
      return `${FIELD_NAMES[node.field]}${node.value}${node.prefix ? "*" : ""}`;
    case "phrase": {
      const slash = node.words.length === 2 && node.words.every((w) => w === "m" || w === "f");
      return `${FIELD_NAMES[node.field]}${slash ? node.words.join("/") : `"${node.words.join(" ")}"`}`;
    }
    case "and":
      return node.children.map((c) => (c.kind === "or" ? `(${formatNode(c)})` : formatNode(c))).join(" ");
    case "or":
      return node.children.map(formatNode).join(" OR ");
    case "not":
      return `NOT ${node.child.kind === "term" || node.child.kind === "phrase" ? formatNode(node.child) : `(${formatNode(node.child)})`}`;
  }
}

const grouped = (n: number) => n.toLocaleString("en-US");

/**
 * A short plain-text summary for the results heading, e.g.
 * `dragon* title:"the end", kudos ≥ 100, complete, sorted by hits`; "all works" when empty.
 */
export function describeQuery(q: ParsedQuery): string {
  const parts: string[] = [];
  if (q.text) parts.push(formatNode(q.text));
  for (const field of RANGE_ORDER) {
    const r = q.ranges[field];
    if (!r || (r.min === undefined && r.max === undefined)) continue;
    if (r.min !== undefined && r.max !== undefined)
      parts.push(r.min === r.max ? `${field} = ${grouped(r.min)}` : `${field} ${grouped(r.min)}–${grouped(r.max)}`);
    else if (r.min !== undefined) parts.push(`${field} ≥ ${grouped(r.min)}`);
    else parts.push(`${field} ≤ ${grouped(r.max!)}`);
  }
  const day = (iso: string) => iso.slice(0, 10);
  const { after, before } = q.updated ?? {};
  if (after && before) parts.push(t("search.d.updated_between", { after: day(after), before: day(before) }));
  else if (after) parts.push(t("search.d.updated_since", { after: day(after) }));
  else if (before) parts.push(t("search.d.updated_before", { before: day(before) }));
  const f = q.filters;
  if (f.complete !== undefined) parts.push(f.complete ? t("search.d.complete") : t("search.d.in_progress"));
  if (f.crossover !== undefined) parts.push(f.crossover ? t("search.d.crossovers_only") : t("search.d.no_crossovers"));
  if (f.singleChapter !== undefined) parts.push(f.singleChapter ? t("search.d.single_chapter") : t("search.d.multi_chapter"));
  if (f.language) parts.push(t("search.d.language", { language: findLanguage(f.language)?.name ?? f.language }));
  if (f.rating) parts.push(t("search.d.rated", { rating: f.rating }));
  if (q.sort) {
    const { column, direction } = q.sort;
    const order = direction === defaultDirection(column) ? "" : direction === "asc" ? t("search.d.ascending") : t("search.d.descending");
    parts.push(t("search.d.sorted_by", { column: t(SORT_LABELS[column]), order }));
  }
  return parts.length ? parts.join(", ") : t("search.d.all_works");
}

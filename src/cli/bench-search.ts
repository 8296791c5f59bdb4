/**
 * `fanfold bench search`: how fast the search page answers on a big archive.
 *
 * It generates an archive into a fresh database (a temp SQLite file, a throwaway PostgreSQL
 * database, or DATABASE_URL when given): N works of generated chapter text, W words each on
 * average, from a Zipf-distributed vocabulary so there are very common and very rare words,
 * with ~2% Chinese and ~2% Russian works, titles, summaries, notes, creators and tags. Inserts are
 * multi-row, in big transactions; then the search index is built with `reindexAll` (what
 * `fanfold search reindex` runs), timed on its own. Then a fixed mix of queries runs through the
 * search page's code path (parse, searchWorks with the archive's browse index, chaptersFound),
 * each several times, after the same mix all in SQL (the baseline), and it prints p50/p95 over
 * all timed runs of each, the index size and the build time; both must find the same.
 * Everything is deterministic for a seed, so two runs (say, before and after a change to
 * src/search/query.ts) can be compared: the "results digest" is a hash of every query's total,
 * page of works, matched chapters and snippets, and must not change when only speed should.
 *
 * See bench/README.md ("Search") for the figures on the project's machine.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { type Insertable, sql } from "kysely";
import { BrowseIndex } from "../listing/index.js";
import { type Db, dialectOf, openDatabase } from "../platform/db/index.js";
import { migrateToLatest } from "../platform/db/migrate.js";
import type { ChaptersTable, WorkCreatorsTable, WorksTable } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { searchWorksWithSql } from "../oracles/search-sql.js";
import { chaptersFound, parseSearchQuery, reindexAll, searchWorks } from "../search/index.js";
import { tagKey } from "../model/vocabulary.js";
import { breathe, endProgress, fmt, progressLine as progress, round, say } from "./bench-output.js";
import { Random } from "./random.js";
import { createScratchPostgres } from "./bench-postgres.js";

const USAGE = `Usage: fanfold bench search [--works N] [--words-per-work W] [--dialect sqlite|postgres] [--json]
                           [--runs R] [--seed S] [--keep] [--reuse [--reindex]]

  --works N            works to generate (default 100000)
  --words-per-work W   average words of chapter text per work (default 5000)
  --dialect D          sqlite (a temp file) or postgres (a throwaway database); default sqlite.
                       DATABASE_URL, when set, names the database to fill instead (kept afterwards)
  --runs R             timed runs of each query (default 5), after one untimed warm-up run
  --seed S             generator seed (default 1)
  --json               the last line of standard output is one JSON object
  --keep               keep the generated temp database and print its URL
  --reuse              with DATABASE_URL: skip generating, query an archive a --keep run left
  --reindex            with --reuse: rebuild the search index first (timed: build_seconds), as
                       after a migration that changes it

PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).`;

class BenchError extends Error {}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: a small-state generator (sfc32) and Zipf samplers by lookup table.

/** The generator's random numbers for a seed. */
function randomFor(seed: number): Random {
  return new Random({ a: 0x9e3779b9, b: 0x243f6a88, c: seed >>> 0, d: 1 }, 16);
}

const TABLE_BITS = 22;
/**
 * Ranks 0..n-1 with Zipf–Mandelbrot weights 1/(rank + q)^s, as a table of 2^22 slots each
 * holding a rank in proportion to its weight: sampling is one lookup. With n = 30,000 even the
 * rarest word gets a dozen slots.
 */
function zipfTable(n: number, s = 1.0, q = 2.7): Uint16Array {
  const weights = Array.from({ length: n }, (_, r) => 1 / (r + q) ** s);
  const total = weights.reduce((x, y) => x + y, 0);
  const size = 1 << TABLE_BITS;
  const table = new Uint16Array(size);
  let rank = 0;
  let cumulative = weights[0]! / total;
  for (let i = 0; i < size; i++) {
    const u = (i + 0.5) / size;
    while (u > cumulative && rank < n - 1) cumulative += weights[++rank]! / total;
    table[i] = rank;
  }
  return table;
}
const sample = (rng: Random, table: Uint16Array) => table[rng.u32() >>> (32 - TABLE_BITS)]!;

// ---------------------------------------------------------------------------------------------
// Vocabularies

const LATIN_ONSETS = ["", "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sl", "sn", "st", "sw", "t", "th", "tr", "v", "w", "wh", "y", "z"];
const LATIN_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ee", "ie", "oa", "ou", "oo", "y"];
const LATIN_CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "d", "th", "nd", "st", "ck", "ng", "rk", "lt", "sh"];
const CYRILLIC_ONSETS = ["", "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц", "ч", "ш", "щ", "бр", "гр", "др", "кр", "пр", "ст", "тр", "св", "зв", "сн"];
const CYRILLIC_VOWELS = ["а", "е", "и", "о", "у", "ы", "я", "ю", "ё", "э"];
const CYRILLIC_CODAS = ["", "", "н", "р", "с", "л", "м", "т", "й", "к", "ть", "ст"];
// Words PostgreSQL's English configuration drops as stop words; the generated vocabulary avoids
// them so a query for a generated word means the same on both databases.
const STOP_WORDS = new Set(
  "a about above after again against all am an and any are as at be because been before being below between both but by can did do does doing don down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own s same she should so some such t than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with you your yours yourself yourselves".split(
    " ",
  ),
);

function makeWords(rng: Random, n: number, onsets: string[], vowels: string[], codas: string[], syllables: (rank: number) => number): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < n) {
    const count = syllables(words.length);
    let word = "";
    for (let i = 0; i < count; i++) word += rng.pick(onsets) + rng.pick(vowels) + (i === count - 1 || rng.chance(0.3) ? rng.pick(codas) : "");
    if (word.length < 2 || seen.has(word) || STOP_WORDS.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}

interface Vocabulary {
  latin: string[];
  latinCapitalized: string[];
  latinTable: Uint16Array;
  cyrillic: string[];
  cyrillicCapitalized: string[];
  cyrillicTable: Uint16Array;
  han: string[];
  hanTable: Uint16Array;
}

const LATIN_WORDS = 30_000;
const CYRILLIC_WORDS = 8_000;
const HAN_CHARACTERS = 3_000;
const capitalize = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

function makeVocabulary(seed: number): Vocabulary {
  const rng = randomFor(seed * 7919 + 1);
  // Short words are the common ones, as in real languages.
  const latin = makeWords(rng, LATIN_WORDS, LATIN_ONSETS, LATIN_VOWELS, LATIN_CODAS, (r) => (r < 150 ? 1 : r < 3000 ? 1 + rng.int(2) : r < 15000 ? 2 + rng.int(2) : 2 + rng.int(3)));
  const cyrillic = makeWords(rng, CYRILLIC_WORDS, CYRILLIC_ONSETS, CYRILLIC_VOWELS, CYRILLIC_CODAS, (r) => (r < 100 ? 1 : 2 + rng.int(2)));
  const han = new Set<string>();
  while (han.size < HAN_CHARACTERS) han.add(String.fromCodePoint(0x4e00 + rng.int(0x9fa5 - 0x4e00)));
  return {
    latin,
    latinCapitalized: latin.map(capitalize),
    latinTable: zipfTable(LATIN_WORDS),
    cyrillic,
    cyrillicCapitalized: cyrillic.map(capitalize),
    cyrillicTable: zipfTable(CYRILLIC_WORDS),
    han: [...han],
    hanTable: zipfTable(HAN_CHARACTERS, 0.9),
  };
}

// ---------------------------------------------------------------------------------------------
// Text

type Script = "latin" | "cyrillic" | "han";

/** Paragraphs of sentences of `words` words (for Han: characters, one word each). */
function prose(rng: Random, v: Vocabulary, script: Script, words: number): string {
  const paragraphs: string[] = [];
  let left = words;
  if (script === "han") {
    while (left > 0) {
      const size = Math.min(left, 60 + rng.int(200));
      let p = "<p>";
      for (let i = 0, clause = 4 + rng.int(12); i < size; i++) {
        p += v.han[sample(rng, v.hanTable)];
        if (--clause === 0 || i === size - 1) {
          p += i === size - 1 || rng.chance(0.4) ? "。" : "，";
          clause = 4 + rng.int(12);
        }
      }
      paragraphs.push(`${p}</p>`);
      left -= size;
    }
    return paragraphs.join("\n");
  }
  const [plain, capital, table] = script === "latin" ? [v.latin, v.latinCapitalized, v.latinTable] : [v.cyrillic, v.cyrillicCapitalized, v.cyrillicTable];
  while (left > 0) {
    const size = Math.min(left, 30 + rng.int(150));
    let p = "<p>";
    let sentence = 0;
    for (let i = 0; i < size; i++) {
      const rank = sample(rng, table);
      if (sentence === 0) {
        sentence = 3 + rng.int(22);
        p += (i ? " " : "") + capital[rank];
      } else p += ` ${plain[rank]}`;
      const r = rng.u32();
      if (script === "latin" && (r & 127) === 0) p += "\u2019s";
      if (--sentence === 0 || i === size - 1) {
        p += (r & 0x700) === 0 ? "?" : (r & 0x700) === 0x100 ? "!" : ".";
        sentence = 0;
      } else if ((r & 0xf000) === 0) p += ",";
    }
    paragraphs.push(`${p}</p>`);
    left -= size;
  }
  return paragraphs.join("\n");
}

/** A few words of ordinary frequency, for titles and tag names. */
function phraseOf(rng: Random, v: Vocabulary, words: number, from = 30, to = 8000): string {
  return Array.from({ length: words }, () => v.latinCapitalized[from + rng.int(to - from)]).join(" ");
}

// ---------------------------------------------------------------------------------------------
// The archive

const NOW = new Date("2026-01-01T00:00:00.000Z");
const DAY = 86_400_000;
const YEARS = 10;

interface Tags {
  ratings: number[];
  warnings: number[];
  fandoms: number[];
  characters: number[];
  relationships: number[];
  freeforms: number[];
}

async function insertTags(db: Db, rng: Random, v: Vocabulary): Promise<Tags> {
  const created = NOW.toISOString();
  const names = new Map<string, { name: string; type: string }>();
  const add = (type: string, count: number, make: () => string) => {
    let made = 0;
    while (made < count) {
      const name = make();
      if (names.has(tagKey(name))) continue;
      names.set(tagKey(name), { name, type });
      made++;
    }
  };
  const suffixes = ["", "", "", " Chronicles", " Saga", " Academy", " (Anime)", " - All Media Types", " Online", " (TV)"];
  add("Fandom", 150, () => phraseOf(rng, v, 1 + rng.int(3)) + rng.pick(suffixes));
  const characters: string[] = [];
  add("Character", 300, () => {
    const name = phraseOf(rng, v, 2, 200, 12000);
    characters.push(name);
    return name;
  });
  add("Relationship", 100, () => `${rng.pick(characters)}/${rng.pick(characters)}`);
  add("Freeform", 300, () => phraseOf(rng, v, 1 + rng.int(3), 30, 5000));
  const rows = [...names.values()];
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto("tags")
      .values(rows.slice(i, i + 200).map((r) => ({ name: r.name, name_key: tagKey(r.name), type: r.type, canonical: 1, created_at: created })))
      .execute();
  }
  const all = await db.selectFrom("tags").select(["id", "type"]).orderBy("id").execute();
  const ofType = (type: string) => all.filter((t) => t.type === type).map((t) => t.id);
  return {
    ratings: ofType("Rating"),
    warnings: ofType("ArchiveWarning"),
    fandoms: ofType("Fandom").filter((id) => id > all.find((t) => t.type === "Fandom")!.id), // not "No Fandom"
    characters: ofType("Character"),
    relationships: ofType("Relationship"),
    freeforms: ofType("Freeform"),
  };
}

async function insertCreators(db: Db, rng: Random, v: Vocabulary, count: number): Promise<number[]> {
  const created = NOW.toISOString();
  const logins = new Set<string>();
  while (logins.size < count) logins.add(`${v.latin[100 + rng.int(10000)]}${v.latin[100 + rng.int(10000)]}${rng.chance(0.3) ? rng.int(100) : ""}`);
  const pseuds: number[] = [];
  const list = [...logins];
  for (let i = 0; i < list.length; i += 200) {
    const users = await db
      .insertInto("users")
      .values(list.slice(i, i + 200).map((login) => ({ login, login_key: login, email: `${login}@bench.invalid`, password_hash: "-", created_at: created })))
      .returning(["id", "login"])
      .execute();
    const rows = await db
      .insertInto("pseuds")
      .values(users.map((u) => ({ user_id: u.id, name: u.login, name_key: u.login, description: "", is_default: 1, created_at: created })))
      .returning("id")
      .execute();
    pseuds.push(...rows.map((r) => r.id));
  }
  return pseuds;
}

interface Generated {
  works: number;
  chapters: number;
  words: number;
  seconds: number;
}

async function generate(db: Db, n: number, wordsPerWork: number, seed: number): Promise<Generated> {
  const started = performance.now();
  const v = makeVocabulary(seed);
  const rng = randomFor(seed);
  const tags = await insertTags(db, rng, v);
  const pseuds = await insertCreators(db, rng, v, 800);
  const zipfSmall = (count: number) => zipfTable(count, 1.0, 1.5);
  const pickers = {
    pseud: zipfSmall(pseuds.length),
    fandom: zipfSmall(tags.fandoms.length),
    character: zipfSmall(tags.characters.length),
    relationship: zipfSmall(tags.relationships.length),
    freeform: zipfSmall(tags.freeforms.length),
  };
  const from = (table: Uint16Array, ids: number[]) => ids[sample(rng, table)]!;
  // Lognormal work lengths with the asked-for mean: exp(mu + sigma²/2) = W.
  const sigma = 0.9;
  const mu = Math.log(wordsPerWork) - (sigma * sigma) / 2;
  const created = NOW.toISOString();

  const PER_TRANSACTION = 1000;
  let chapterId = 0;
  let totalWords = 0;
  for (let first = 1; first <= n; first += PER_TRANSACTION) {
    const last = Math.min(n, first + PER_TRANSACTION - 1);
    const works: Insertable<WorksTable>[] = [];
    const chapters: Insertable<ChaptersTable>[] = [];
    const creators: Insertable<WorkCreatorsTable>[] = [];
    const workTags: { work_id: number; tag_id: number; position: number }[] = [];
    for (let id = first; id <= last; id++) {
      const roll = rng.next();
      const script: Script = roll < 0.02 ? "han" : roll < 0.04 ? "cyrillic" : "latin";
      const length = Math.max(20, Math.round(Math.exp(mu + sigma * rng.normal())));
      const chapterCount = Math.min(1 + rng.int(5), Math.max(1, Math.floor(length / 100)));
      const posted = rng.chance(0.99) ? 1 : 0;
      // Some works in progress have a draft chapter at the end that search must not see.
      const draftChapter = posted && chapterCount > 1 && rng.chance(0.05);
      const publishedAt = NOW.getTime() - rng.int(YEARS * 365) * DAY - rng.int(DAY);
      let revisedAt = publishedAt;
      let wordCount = 0;
      for (let c = 1; c <= chapterCount; c++) {
        const words = c < chapterCount ? Math.floor(length / chapterCount) : length - Math.floor(length / chapterCount) * (chapterCount - 1);
        const chapterPosted = posted && !(draftChapter && c === chapterCount) ? 1 : 0;
        const at = c === 1 ? publishedAt : Math.min(NOW.getTime() - 1000, revisedAt + rng.int(60) * DAY + rng.int(DAY));
        if (chapterPosted) {
          revisedAt = at;
          wordCount += words;
        }
        chapters.push({
          id: ++chapterId,
          work_id: id,
          position: c,
          title: rng.chance(0.3) ? phraseOf(rng, v, 1 + rng.int(3)) : "",
          summary: "",
          notes: rng.chance(0.1) ? prose(rng, v, "latin", 10 + rng.int(20)) : "",
          endnotes: "",
          content: prose(rng, v, script, words),
          word_count: words,
          posted: chapterPosted,
          published_on: new Date(at).toISOString().slice(0, 10),
          created_at: new Date(at).toISOString(),
          updated_at: new Date(at).toISOString(),
        });
      }
      totalWords += wordCount;
      const titleWords = 1 + rng.int(4);
      works.push({
        id,
        title: script === "latin" ? phraseOf(rng, v, titleWords) : prose(rng, v, script, titleWords).replace(/<\/?p>|[.。!?，,]/g, ""),
        summary: prose(rng, v, script, 15 + rng.int(50)),
        notes: rng.chance(0.3) ? prose(rng, v, "latin", 10 + rng.int(30)) : "",
        endnotes: rng.chance(0.1) ? prose(rng, v, "latin", 10 + rng.int(30)) : "",
        language: script === "han" ? "zh" : script === "cyrillic" ? "ru" : "en",
        word_count: wordCount,
        expected_chapters: rng.chance(0.8) ? chapterCount + (draftChapter ? 0 : rng.int(2)) : null,
        complete: draftChapter ? 0 : rng.chance(0.7) ? 1 : 0,
        posted,
        restricted: rng.chance(0.1) ? 1 : 0,
        comment_permission: "all",
        published_on: new Date(publishedAt).toISOString().slice(0, 10),
        backdated: 0,
        revised_at: new Date(revisedAt).toISOString(),
        crossover: 0,
        import_headers: null,
        created_at: new Date(publishedAt).toISOString(),
        updated_at: new Date(revisedAt).toISOString(),
      });
      const byline = new Set([from(pickers.pseud, pseuds)]);
      if (rng.chance(0.05)) byline.add(from(pickers.pseud, pseuds));
      let position = 0;
      for (const pseud_id of byline) creators.push({ work_id: id, pseud_id, position: position++ });
      const own = new Set<number>([rng.pick(tags.ratings), rng.pick(tags.warnings), from(pickers.fandom, tags.fandoms)]);
      if (rng.chance(0.08)) own.add(from(pickers.fandom, tags.fandoms));
      const fandomCount = own.size - 2;
      works[works.length - 1]!.crossover = fandomCount > 1 ? 1 : 0;
      for (let i = rng.int(4); i > 0; i--) own.add(from(pickers.character, tags.characters));
      if (rng.chance(0.5)) own.add(from(pickers.relationship, tags.relationships));
      for (let i = rng.int(5); i > 0; i--) own.add(from(pickers.freeform, tags.freeforms));
      position = 0;
      for (const tag_id of own) workTags.push({ work_id: id, tag_id, position: position++ });
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < works.length; i += 250) await trx.insertInto("works").values(works.slice(i, i + 250)).execute();
      for (let i = 0; i < chapters.length; i += 100) await trx.insertInto("chapters").values(chapters.slice(i, i + 100)).execute();
      for (let i = 0; i < creators.length; i += 1000) await trx.insertInto("work_creators").values(creators.slice(i, i + 1000)).execute();
      for (let i = 0; i < workTags.length; i += 1000) await trx.insertInto("work_tags").values(workTags.slice(i, i + 1000)).execute();
      // Every generated tag is canonical and none has a metatag, so each work's filter set is its
      // own tags (what refreshFilterSets would compute), written directly.
      const filters = workTags.map((t) => ({ work_id: t.work_id, tag_id: t.tag_id, inherited: 0 }));
      for (let i = 0; i < filters.length; i += 1000) await trx.insertInto("work_filters").values(filters.slice(i, i + 1000)).execute();
    });
    const seconds = (performance.now() - started) / 1000;
    await breathe();
    progress(`generating works ${fmt(last)}/${fmt(n)} (${fmt(Math.round(totalWords / 1e6))}M words, ${round(seconds)} s)`, last === n);
  }
  endProgress();
  if (dialectOf(db) === "postgres") {
    // Works and chapters were inserted with their ids: move the identity sequences past them.
    for (const table of ["works", "chapters"]) await sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`).execute(db);
  }
  return { works: n, chapters: chapterId, words: totalWords, seconds: round((performance.now() - started) / 1000, 2) };
}

// ---------------------------------------------------------------------------------------------
// Databases

interface BenchDb {
  db: Db;
  url: string;
  dialect: "sqlite" | "postgres";
  /** Closes the connection and (unless kept) removes the database. */
  close(): Promise<void>;
}


async function openBenchDb(dialect: "sqlite" | "postgres", keep: boolean): Promise<BenchDb> {
  const given = process.env.DATABASE_URL;
  if (given) {
    const db = openDatabase(given);
    return { db, url: given, dialect: dialectOf(db), close: () => db.destroy() };
  }
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-bench-search-"));
    const url = `sqlite:${join(dir, "bench.sqlite")}`;
    const db = openDatabase(url);
    return {
      db,
      url,
      dialect,
      close: async () => {
        await db.destroy();
        if (!keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchPostgres("search", (message) => new BenchError(message));
  const db = openDatabase(scratch.url);
  return {
    db,
    url: scratch.url,
    dialect,
    close: async () => {
      await db.destroy().catch(() => {});
      await scratch.drop({ keep });
    },
  };
}

/** Bytes of the search index: the FTS5 tables' shadow tables, or the PostgreSQL tables with their indexes. */
async function indexBytes(db: Db): Promise<{ index: number; database: number }> {
  if (dialectOf(db) === "sqlite") {
    const index = await sql<{ bytes: number }>`select coalesce(sum(pgsize), 0) as bytes from dbstat
      where name in (select name from sqlite_schema where tbl_name like 'search\_%' escape '\\')`.execute(db);
    const pages = await sql<{ bytes: number }>`select (select page_count from pragma_page_count) * (select page_size from pragma_page_size) as bytes`.execute(db);
    return { index: Number(index.rows[0]!.bytes), database: Number(pages.rows[0]!.bytes) };
  }
  const index = await sql<{ bytes: number }>`select (pg_total_relation_size('search_works') + pg_total_relation_size('search_chapters') + pg_total_relation_size('search_tags'))::bigint as bytes`.execute(db);
  const database = await sql<{ bytes: number }>`select pg_database_size(current_database())::bigint as bytes`.execute(db);
  return { index: Number(index.rows[0]!.bytes), database: Number(database.rows[0]!.bytes) };
}

// ---------------------------------------------------------------------------------------------
// The query mix

interface BenchQuery {
  label: string;
  query: string;
  viewer: "guest" | "member";
  page: number;
}

/**
 * The queries, shaped like real use. Words are picked by their rank in the vocabulary (rank 0 is
 * the most common); phrases, names and CJK text are read from the archive itself, so every
 * query that should find something does.
 */
async function queryMix(db: Db, seed: number): Promise<BenchQuery[]> {
  const v = makeVocabulary(seed);
  const w = (rank: number) => v.latin[rank]!;
  const words = (html: string) => html.replace(/<[^>]*>/g, " ").split(/[^\p{L}]+/u).filter(Boolean);
  const chapterOf = async (language: string, nth: number) => {
    const row = await db
      .selectFrom("chapters")
      .innerJoin("works", "works.id", "chapters.work_id")
      .select(["chapters.content"])
      .where("works.language", "=", language)
      .where("works.posted", "=", 1)
      .where("works.restricted", "=", 0)
      .where("works.hidden_by_admin", "=", 0)
      .where("chapters.posted", "=", 1)
      .orderBy("chapters.id")
      .offset(nth)
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new BenchError(`the archive has no ${language} chapters; generate more works`);
    return row.content;
  };
  const english = words(await chapterOf("en", 7));
  const rarePhrase = english.slice(40, 43).join(" ").toLowerCase();
  const chinese = (await chapterOf("zh", 3)).replace(/<[^>]*>|[，。]/g, "");
  const russian = words(await chapterOf("ru", 2));
  const title = await db.selectFrom("works").select("title").where("language", "=", "en").where("posted", "=", 1).where("restricted", "=", 0).where("hidden_by_admin", "=", 0).orderBy("id").offset(11).limit(1).executeTakeFirstOrThrow();
  const titleWord = title.title.split(" ").at(-1)!.toLowerCase();
  // A prolific creator (Zipf-picked) and one with a handful of works.
  const creators = await db
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .select(["pseuds.name", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("pseuds.name")
    .orderBy("n", "desc")
    .orderBy("pseuds.name")
    .execute();
  const topTag = async (type: string, nth: number) =>
    (
      await db
        .selectFrom("work_tags")
        .innerJoin("tags", "tags.id", "work_tags.tag_id")
        .select(["tags.name", (eb) => eb.fn.countAll<number>().as("n")])
        .where("tags.type", "=", type)
        .groupBy("tags.name")
        .orderBy("n", "desc")
        .orderBy("tags.name")
        .offset(nth)
        .limit(1)
        .executeTakeFirstOrThrow()
    ).name;
  const fandom = await topTag("Fandom", 0);
  const smallFandom = await topTag("Fandom", 60);
  const character = await topTag("Character", 3);
  const prefix = (rank: number, letters: number) => `${w(rank).slice(0, letters)}*`;
  const q = (label: string, query: string, viewer: "guest" | "member" = "guest", page = 1): BenchQuery => ({ label, query, viewer, page });
  return [
    q("most common word", w(0)),
    q("common word", w(4)),
    q("mid-frequency word", w(300)),
    q("rare word", w(20000)),
    q("rarest words", w(29990)),
    q("two common words", `${w(2)} ${w(9)}`),
    q("two mid words", `${w(800)} ${w(2500)}`),
    q("common AND rare", `${w(1)} ${w(12000)}`),
    q("OR", `${w(3000)} OR ${w(9000)}`),
    q("OR with ||, common", `${w(0)} || ${w(1)}`),
    q("NOT a rare word", `${w(10)} -${w(25000)}`),
    q("NOT a common word", `${w(400)} NOT ${w(3)}`),
    q("parentheses", `(${w(20)} OR ${w(21)}) ${w(600)}`),
    q("phrase of 2 common words", `"${w(0)} ${w(1)}"`),
    q("phrase of 3 words from a chapter", `"${rarePhrase}"`),
    q("prefix wildcard, short", prefix(40, 2)),
    q("prefix wildcard, longer", prefix(5000, 4)),
    q("title:word", `title:${titleWord}`),
    q("title:word + text", `title:${w(100)} ${w(7)}`),
    q("creators: prolific", `creators:${creators[0]!.name}`),
    q("creators: + word", `creators:${creators[Math.min(200, creators.length - 1)]!.name} ${w(50)}`),
    q("tags: big fandom", `tags:"${fandom}"`),
    q("tags: small fandom + word", `tags:"${smallFandom}" ${w(200)}`),
    q("tags: character, sort:words", `tags:"${character}" sort:words`),
    q("summary:", `summary:${w(150)}`),
    q("words>N + word", `words>20000 ${w(60)}`),
    q("words range + word", `words:1000-3000 ${w(700)}`),
    q("word, sort:words", `${w(30)} sort:words`),
    q("word, sort:>words", `${w(3500)} sort:>words`),
    q("filters: complete, language", `${w(60)} complete:true language:en`),
    q("rating + word", `rating:teen ${w(15)}`),
    q("single chapter + word", `single_chapter:true ${w(300)}`),
    q("updated<30 days + word", `updated<30 days ${w(5)}`),
    q("text: field", `text:${w(900)}`),
    q("CJK, two characters", chinese.slice(30, 32)),
    q("CJK, common character", v.han[0]!),
    q("Cyrillic word", russian[20]!.toLowerCase()),
    q("Cyrillic, capitalized", capitalize(v.cyrillic[3]!)),
    q("matches nothing", "qqzzxv"),
    q("common word AND nothing", `${w(0)} qqzzxv`),
    q("page 50 of a common word", w(2), "guest", 50),
    q("common word, logged in", w(6), "member"),
    q("common word, guest", w(6), "guest"),
    q("filters only: words>50000", "words>50000"),
  ];
}

interface QueryResult {
  label: string;
  query: string;
  viewer: string;
  page: number;
  total: number;
  shown: number;
  times: number[];
  digest: string;
}

/** One search, as `/works/search` runs it (without rendering the page). */
async function runSearch(db: Db, browse: BrowseIndex | undefined, q: BenchQuery, viewers: Record<"guest" | "member", Viewer>): Promise<{ total: number; shown: number; fingerprint: unknown }> {
  const parsed = parseSearchQuery(q.query, { now: NOW });
  if (!parsed.ok) throw new BenchError(`the benchmark's query ${JSON.stringify(q.query)} does not parse: ${parsed.message}`);
  const viewer = viewers[q.viewer];
  const { total, blurbs } = browse ? await searchWorks(db, viewer, parsed.query, q.page, browse) : await searchWorksWithSql(db, viewer, parsed.query, q.page);
  const found = await chaptersFound(db, blurbs.map((b) => b.work.id), parsed.query);
  const snippets = [...found].map(([workId, c]) => [workId, c.position, c.snippet]);
  return { total, shown: blurbs.length, fingerprint: [total, blurbs.map((b) => b.work.id), snippets] };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The mix, through the browse index as the site runs it, or (browse undefined) all in SQL: the baseline. */
async function runMix(db: Db, seed: number, runs: number, browse: BrowseIndex | undefined): Promise<QueryResult[]> {
  const mix = await queryMix(db, seed);
  const member = await db.selectFrom("users").select(["id", "login"]).orderBy("id").limit(1).executeTakeFirstOrThrow();
  const viewers = { guest: { user: null, sessionId: null }, member: { user: { id: member.id, login: member.login, roles: [] }, sessionId: null } };
  const results: QueryResult[] = mix.map((q) => ({ ...q, total: 0, shown: 0, times: [], digest: "" }));
  // One untimed warm-up run of each, then the timed runs in rounds over the whole mix, so a
  // query never benefits from having run a moment before.
  for (let round = 0; round <= runs; round++) {
    for (const [i, q] of mix.entries()) {
      progress(`${browse ? "" : "SQL baseline, "}${round === 0 ? "warming up" : `run ${round}/${runs}`}: ${q.label}`);
      const started = performance.now();
      const outcome = await runSearch(db, browse, q, viewers);
      const ms = performance.now() - started;
      await breathe();
      const result = results[i]!;
      const digest = createHash("sha256").update(JSON.stringify(outcome.fingerprint)).digest("hex").slice(0, 12);
      if (round === 0) Object.assign(result, { total: outcome.total, shown: outcome.shown, digest });
      else {
        if (digest !== result.digest) throw new BenchError(`query ${JSON.stringify(q.query)} gave different results on two runs`);
        result.times.push(ms);
      }
    }
  }
  endProgress();
  return results;
}

// ---------------------------------------------------------------------------------------------

const MARKER = "bench_search";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]! + cell.length - [...cell].length) : cell.padStart(widths[c]!))).join("  ").trimEnd()).join("\n");
}

/** Runs `fanfold bench search`; returns the exit code. */
export async function benchSearch(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        works: { type: "string", default: "100000" },
        "words-per-work": { type: "string", default: "5000" },
        dialect: { type: "string", default: "sqlite" },
        runs: { type: "string", default: "5" },
        seed: { type: "string", default: "1" },
        json: { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        reuse: { type: "boolean", default: false },
        reindex: { type: "boolean", default: false },
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
  const whole = (name: string, value: string, min: number) => {
    const n = Number(value.replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < min) throw new BenchError(`--${name} must be a whole number of at least ${min}, not "${value}".`);
    return n;
  };
  let bench: BenchDb | undefined;
  const interrupted = () => {
    endProgress();
    say("bench: interrupted; removing the benchmark database");
    void (bench?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  try {
    const works = whole("works", values.works!, 100);
    const wordsPerWork = whole("words-per-work", values["words-per-work"]!, 20);
    const runs = whole("runs", values.runs!, 1);
    const seed = whole("seed", values.seed!, 0);
    if (values.dialect !== "sqlite" && values.dialect !== "postgres") throw new BenchError(`--dialect must be sqlite or postgres, not "${values.dialect}".`);
    if (values.reuse && !process.env.DATABASE_URL) throw new BenchError("--reuse needs DATABASE_URL naming an archive a --keep run generated.");
    if (values.reindex && !values.reuse) throw new BenchError("--reindex goes with --reuse (a fresh archive's index is always built).");

    process.once("SIGINT", interrupted);
    bench = await openBenchDb(values.dialect, values.keep!);
    const { db } = bench;
    if (process.env.DATABASE_URL && bench.dialect !== values.dialect && args.includes("--dialect")) {
      throw new BenchError(`DATABASE_URL is a ${bench.dialect} database but --dialect says ${values.dialect}.`);
    }
    say(`bench search: ${bench.dialect}, ${fmt(works)} works × ~${fmt(wordsPerWork)} words, seed ${seed} (${bench.url})`);

    let generated: Generated;
    let buildSeconds = 0;
    const buildIndex = async () => {
      const started = performance.now();
      await reindexAll(db, (done, total) => progress(`building the search index: ${fmt(done)}/${fmt(total)} works (${round((performance.now() - started) / 1000)} s)`, done === total));
      buildSeconds = round((performance.now() - started) / 1000, 2);
      endProgress();
      say(`  built the search index in ${buildSeconds} s`);
      // PostgreSQL's autovacuum would gather statistics on the fresh tables soon; SQLite has no
      // such thing and the archive never runs ANALYZE, so neither does the benchmark.
      if (bench!.dialect === "postgres") await sql`analyze`.execute(db);
      else await sql`pragma wal_checkpoint(truncate)`.execute(db);
    };
    const saveMarker = async () => {
      await db.deleteFrom("settings").where("key", "=", MARKER).execute();
      await db.insertInto("settings").values({ key: MARKER, value: JSON.stringify({ generated, buildSeconds, seed }) }).execute();
    };
    if (values.reuse) {
      await migrateToLatest(db);
      const marker = await db.selectFrom("settings").select("value").where("key", "=", MARKER).executeTakeFirst();
      if (!marker) throw new BenchError("this database holds no generated benchmark archive (run with --keep first).");
      ({ generated, buildSeconds } = JSON.parse(marker.value) as { generated: Generated; buildSeconds: number });
      if (generated.works !== works) say(`  (reusing an archive of ${fmt(generated.works)} works; --works is ignored)`);
      if (values.reindex) {
        await buildIndex();
        await saveMarker();
      }
    } else {
      await migrateToLatest(db);
      const existing = await db.selectFrom("works").select("id").limit(1).execute();
      if (existing.length) throw new BenchError("the database already holds works; the benchmark needs an empty one.");
      generated = await generate(db, works, wordsPerWork, seed);
      say(`  generated ${fmt(generated.works)} works, ${fmt(generated.chapters)} chapters, ${fmt(generated.words)} words in ${generated.seconds} s`);
      await buildIndex();
      await saveMarker();
    }
    const sizes = await indexBytes(db);
    say(`  search index: ${fmt(sizes.index)} bytes (database: ${fmt(sizes.database)} bytes)`);

    const browseStarted = performance.now();
    const browse = await BrowseIndex.build(db);
    const browseSeconds = round((performance.now() - browseStarted) / 1000, 1);
    say(`  browse index: ${fmt(browse.index.size)} listed works in ${browseSeconds} s`);

    const loadBefore = loadavg();
    // The baseline first: the same searches all in SQL (searchWithSql), which must find the same.
    const baseline = await runMix(db, seed, runs, undefined);
    const results = await runMix(db, seed, runs, browse);
    const loadAfter = loadavg();
    await browse.stop();
    const differing = results.filter((r, i) => r.digest !== baseline[i]!.digest);
    if (differing.length) throw new BenchError(`the browse index and SQL found different results for: ${differing.map((r) => r.query).join(" | ")}`);
    const timesOf = (rs: QueryResult[]) => rs.flatMap((r) => r.times).sort((a, b) => a - b);
    const all = timesOf(results);
    const p50 = round(percentile(all, 50));
    const p95 = round(percentile(all, 95));
    const sqlTimes = timesOf(baseline);
    const sqlP50 = round(percentile(sqlTimes, 50));
    const sqlP95 = round(percentile(sqlTimes, 95));
    const digest = createHash("sha256")
      .update(results.map((r) => r.digest).join(","))
      .digest("hex")
      .slice(0, 16);

    const median = (times: number[]) => round(percentile([...times].sort((a, b) => a - b), 50));
    const rows = [["query", "search", "viewer", "page", "total", "median ms", "max ms", "SQL median ms"]];
    for (const [i, r] of results.entries()) {
      const sorted = [...r.times].sort((a, b) => a - b);
      rows.push([r.label, r.query.length > 48 ? `${r.query.slice(0, 47)}…` : r.query, r.viewer, String(r.page), fmt(r.total), String(median(r.times)), String(round(sorted.at(-1)!)), String(median(baseline[i]!.times))]);
    }
    const out = [
      "",
      `Search on ${fmt(generated.works)} works (${fmt(generated.words)} words of chapter text, ${fmt(generated.chapters)} chapters), ${bench.dialect}`,
      table(rows),
      "",
      `queries: ${results.length} × ${runs} timed runs; p50 ${p50} ms, p95 ${p95} ms, max ${round(all.at(-1)!)} ms`,
      `baseline, the same searches all in SQL: p50 ${sqlP50} ms, p95 ${sqlP95} ms, max ${round(sqlTimes.at(-1)!)} ms (same results)`,
      `browse index: built in ${browseSeconds} s`,
      `index: ${fmt(sizes.index)} bytes (database ${fmt(sizes.database)} bytes); build ${buildSeconds} s; generation ${generated.seconds} s`,
      `load average (1 min) before/after the queries: ${round(loadBefore[0]!, 2)} / ${round(loadAfter[0]!, 2)}; results digest ${digest}`,
    ];
    console.log(out.join("\n"));
    if (values.keep && !process.env.DATABASE_URL) say(`  kept the database: DATABASE_URL=${bench.url} fanfold bench search --reuse`);
    if (values.json) {
      console.log(
        JSON.stringify({
          works: generated.works,
          p50,
          p95,
          index_bytes: sizes.index,
          build_seconds: buildSeconds,
          dialect: bench.dialect,
          words_per_work: wordsPerWork,
          words: generated.words,
          chapters: generated.chapters,
          seed,
          runs,
          queries: results.length,
          max: round(all.at(-1)!),
          baseline_sql: { p50: sqlP50, p95: sqlP95, max: round(sqlTimes.at(-1)!) },
          browse_index_seconds: browseSeconds,
          database_bytes: sizes.database,
          generate_seconds: generated.seconds,
          load_average: { before: round(loadBefore[0]!, 2), after: round(loadAfter[0]!, 2) },
          results_digest: digest,
          per_query: results.map((r) => ({ label: r.label, query: r.query, viewer: r.viewer, page: r.page, total: r.total, median: median(r.times), sql_median: median(baseline[results.indexOf(r)]!.times), digest: r.digest })),
        }),
      );
    }
    return 0;
  } catch (error) {
    endProgress();
    if (error instanceof BenchError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off("SIGINT", interrupted);
    await bench?.close();
  }
}

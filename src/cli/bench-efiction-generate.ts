/**
 * `fanfold bench efiction-generate --stories N --out DIR [--seed S]`: writes a synthetic
 * eFiction 3.5 archive the way a real one is handed over: a mysqldump of its database
 * (`DIR/efiction.sql`, in eFiction 3.5.8's exact schema, see efiction-schema.ts) and its
 * `stories/<uid>/<chapid>.txt` folder of chapter texts (CRLF line ends, no newline at the end,
 * as eFiction saves them). It feeds `fanfold bench efiction-import`.
 *
 * Shapes (an eFiction archive of a single fandom community, scaled to N stories):
 * - members ≈ N/5 authors (who posts is Zipf-distributed, so a few authors write a lot and most
 *   one or two stories) plus ≈ N/3 readers who only review and favourite, and the admin (uid 1);
 *   passwords are unsalted md5 of `<penname>pass`, as eFiction keeps them;
 * - two levels of categories (≈ N/250 fandoms, some with sub-categories), characters per fandom,
 *   the five ratings, two classification types (genres, warnings);
 * - stories with 1–3 categories, 0–4 characters, genres and warnings mixed in `classes`,
 *   ≈ 3 % with co-authors, ≈ 2 % awaiting validation, ≈ 1 % featured, some with `????` where
 *   eFiction's utf8mb3 connection lost an emoji; ids in posting order;
 * - ≈ 4N chapters (35 % one-shots, the rest a long tail), their ids interleaved across stories by
 *   posting time; bodies ≈ 2,500 words on average (lognormal): 70 % HTML paragraphs, 10 % HTML
 *   with `<br />` lines, 20 % plain text with blank lines; smart quotes, em dashes, accents, some
 *   emoji; 3 % of stories in Greek and 3 % in Chinese;
 * - series (with a few sub-series and open series holding other authors' stories), reviews
 *   (≈ 2 per story, 10 % anonymous, 40 % without stars, some with the author's response),
 *   favourites of stories, authors and series, hit counters, unix-time dates from 2005 to 2025.
 *
 * Counters (`wordcount`, `reviews`, `rating`, `count`, `numitems`, the stats row) agree with the
 * rows, as eFiction keeps them. Everything is a function of the seed and the counts: the same
 * arguments give byte-identical output (each chapter's text has its own random stream, so it does
 * not depend on the order of writing).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { endProgress, fmt, progressLine, round, say } from "./bench-output.js";
import { Sampler, zipf } from "./bench-generate.js";
import { DumpWriter, type DumpValue, type InsertStyle } from "./efiction-dump.js";
import { Random } from "./random.js";

const USAGE = `Usage: fanfold bench efiction-generate --out DIR [--stories N] [--chapters C] [--seed S]
                                     [--words-per-chapter W] [--store files|mysql] [--insert-style mariadb|mysql]

Writes a synthetic eFiction 3.5.8 archive: DIR/efiction.sql (a mysqldump) and DIR/stories/.

  --out DIR                 where to write (created; must not already hold an efiction.sql)
  --stories N               stories (default 10000)
  --chapters C              chapters in all, at least N (default 4 × N)
  --seed S                  generator seed (default 1)
  --words-per-chapter W     average words of a chapter's text (default 2500)
  --store files|mysql       eFiction's "store" setting: chapter texts in stories/ (default) or in
                            chapters.storytext inside the dump
  --insert-style S          mariadb (one row per line, as the fixture's MariaDB mysqldump writes;
                            default) or mysql (each INSERT on one line, as MySQL's mysqldump writes)
  --json                    the last line of standard output is the summary as one JSON object`;

export class EfictionGenerateError extends Error {}

export interface EfictionGenerateOptions {
  stories: number;
  chapters?: number;
  seed?: number;
  wordsPerChapter?: number;
  store?: "files" | "mysql";
  insertStyle?: InsertStyle;
  /** Called now and then with the chapters written so far. */
  onProgress?: (chaptersWritten: number, chapters: number) => void;
}

export interface EfictionGenerateSummary {
  stories: number;
  chapters: number;
  seed: number;
  words_per_chapter: number;
  store: "files" | "mysql";
  insert_style: InsertStyle;
  /** Rows per table (without the prefix). */
  rows: Record<string, number>;
  words: number;
  authors_with_stories: number;
  dump_bytes: number;
  story_file_bytes: number;
  longest_insert_bytes: number;
  /** sha256 of the dump, to tell that two runs made the same archive. */
  dump_sha256: string;
  seconds: number;
}

/** The file beside the dump that says what a folder holds (read by `bench efiction-import` to reuse it). */
export const SUMMARY_FILE = "generated.json";
export const DUMP_FILE = "efiction.sql";
export const STORIES_DIR = "stories";

// ---------------------------------------------------------------------------------------------
// Time: unix seconds. The archive opened on 2005-01-01 and was dumped on 2026-01-01.

const OPENED = 1_104_537_600;
const DUMPED = 1_767_225_600;
const DAY = 86_400;

// ---------------------------------------------------------------------------------------------
// Words. Ordered roughly by frequency: the samplers are Zipf over these lists.

const ENGLISH = (
  "the and to a of was he she her his it in that you I had with for as at on but not they him said " +
  "be all what from so there were one would could out up this back like just then me them into have " +
  "about know when were did no if now over an down way looked eyes time only even their too more " +
  "before again something thought by or hand around than head through face think right still door " +
  "never room away little much long well other because who turned see want made felt going last " +
  "other after how why something where night voice light moment while across against young small " +
  "smile quiet morning window hair breath heart other kitchen letter always nothing everything " +
  "enough house someone dark bright tea rain river wall street table coffee fire cold warm silence " +
  "slowly softly finally almost perhaps instead together behind between beneath toward under " +
  "remember asked answered whispered laughed sighed waited walked watched turned opened closed " +
  "stared reached held pulled pushed leaned shook nodded frowned smiled glanced murmured replied " +
  "garden tower castle forest library market harbour bridge field shadow storm winter summer " +
  "autumn spring candle book page sword cloak ring letter map key glass stone silver golden " +
  "old new first other same different hard soft careful certain strange familiar tired broken " +
  "promise secret answer question reason memory dream story friend brother sister mother father " +
  "stranger captain teacher healer keeper traveller"
).split(" ");
const ACCENTED = ["café", "naïve", "déjà", "façade", "rôle", "fiancée", "crème", "brûlée", "résumé", "piñata", "jalapeño", "señor", "Zürich", "smörgåsbord", "über", "coöperate", "élan", "soirée"];
const GREEK = "και η ο το της του στη με για από δεν θα ήταν είπε θάλασσα ουρανός φως νύχτα καρδιά δρόμος σπίτι ήλιος φεγγάρι άνεμος πόλη ποτάμι λόγος χρόνος ψυχή όνειρο φίλος σιωπή μνήμη ελπίδα αλήθεια ιστορία θεά σοφία ταξίδι".split(" ");
const CHINESE = "的 了 是 在 他 她 我 你 们 这 那 说 有 不 人 一 个 上 来 到 时 大 地 为 子 中 道 着 看 心 月 光 茶 馆 河 山 风 雨 夜 梦 花 水 天 门 路 书 声 手 眼 笑 走 想 知 回 家 城 春 秋".split(" ");
const EMOJI = ["☕", "🐉", "✨", "💔", "🌙", "🔥", "🌸"];

const FIRST_NAMES = ["Anna", "Ben", "Clara", "Daniel", "Elena", "Felix", "Greta", "Hugo", "Iris", "Jonas", "Kira", "Leo", "Mara", "Nico", "Olive", "Pavel", "Quinn", "Rosa", "Sami", "Tomas", "Una", "Viktor", "Wren", "Yara", "Zoë", "Søren", "Ægir", "José", "Łukasz", "Amélie", "Björn", "Chloë", "Νίκος", "Ελένη", "林美", "王伟", "Ingrid", "Mateo", "Hana", "Aiko"];
const LAST_NAMES = ["Archer", "Blackwood", "Carter", "Dubois", "Evans", "Fischer", "García", "Hale", "Ivanova", "Jensen", "Keller", "Lindqvist", "Moreau", "Novak", "Ortega", "Petrov", "Quist", "Rossi", "Schmidt", "Thorne", "Ullmann", "Vance", "Weber", "Young", "Zhang", "Ångström", "Müller", "Ñúñez", "Παπαδόπουλος", "陈", "Okafor", "Tanaka", "Byrne", "Costa"];
const FANDOM_WORDS = ["Crown", "Star", "Shadow", "River", "Iron", "Glass", "Silver", "Moon", "Storm", "Dragon", "Winter", "Ember", "Raven", "Tide", "Ash", "Rose", "Wolf", "Lantern", "Thorn", "Salt"];
const FANDOM_SHAPES = ["The {0} Chronicles", "{0} & {1}", "Tales of the {0}", "{0}fall", "The {0} Academy", "House of {0}", "{0} Saga", "Children of the {0}", "{0} and {1}: Légendes", "Μύθοι του {0}"];
const ERAS = ["Pre-Series", "Post-Series", "Alternate Universe", "Missing Scenes", "Next Generation", "Crossovers", "Époque moderne", "Canon Era"];

const GENRES = ["Action/Adventure", "Angst", "Drama", "Fluff", "Humor", "Hurt/Comfort", "Romance", "Mystery", "Horror", "Tragedy", "Friendship", "Parody", "Poetry", "Sci-Fi", "Fantasy"];
const WARNINGS = ["None", "Violence", "Character Death", "Sexual Content", "Language", "Self-Harm", "Abuse"];
const RATINGS: [name: string, ratingwarning: string, warningtext: string, share: number][] = [
  ["G", "0", "", 20],
  ["PG", "0", "", 25],
  ["PG-13", "0", "", 30],
  ["R", "1", "This story contains mature themes.", 15],
  ["NC-17", "7", "Adults only (18+). Explicit content.", 10],
];

// ---------------------------------------------------------------------------------------------
// Text

type Script = "latin" | "greek" | "han";
type BodyFormat = "paragraphs" | "breaks" | "plain";

/** Word pickers, shared by every text (they are tables; the random numbers are the caller's). */
const englishWords = zipf(ENGLISH.length, 1.05, 2);
const greekWords = zipf(GREEK.length, 1, 1);
const chineseChars = zipf(CHINESE.length, 1, 1);

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

/**
 * `count` words of prose in one of the scripts, as sentences. `names` are the story's characters,
 * dropped in now and then. Chinese has no spaces: a "word" there is 1–3 characters.
 */
function sentences(rng: Random, script: Script, count: number, names: readonly string[]): string {
  const parts: string[] = [];
  let left = count;
  while (left > 0) {
    const length = Math.min(left, 4 + rng.int(16));
    left -= length;
    if (script === "han") {
      let s = "";
      for (let i = 0; i < length; i++) {
        for (let k = 1 + rng.int(3); k > 0; k--) s += CHINESE[chineseChars.sample(rng)];
        if (i < length - 1 && rng.chance(0.12)) s += "，";
      }
      parts.push(s + (rng.chance(0.85) ? "。" : "！"));
      continue;
    }
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      let word: string;
      if (names.length && rng.chance(0.04)) word = rng.pick(names);
      else if (script === "greek") word = GREEK[greekWords.sample(rng)]!;
      else if (rng.chance(0.004)) word = rng.pick(ACCENTED);
      else word = ENGLISH[englishWords.sample(rng)]!;
      if (i < length - 1 && rng.chance(0.07)) word += ",";
      words.push(word);
    }
    words[0] = capitalize(words[0]!);
    const end = rng.next();
    let sentence = words.join(" ") + (end < 0.8 ? "." : end < 0.88 ? "?" : end < 0.95 ? "!" : "…");
    if (rng.chance(0.2)) sentence = `“${sentence}”`;
    else if (rng.chance(0.03)) sentence = sentence.replace(/ (\S+) /, " $1 — ");
    if (rng.chance(0.003)) sentence += ` ${rng.pick(EMOJI)}`;
    parts.push(sentence);
  }
  return parts.join(script === "han" ? "" : " ");
}

/**
 * A chapter's text as eFiction stores it (after its strip_tags): CRLF line ends, no trailing
 * newline; `words` words of prose in paragraphs of 30–150 words.
 */
function chapterBody(rng: Random, script: Script, format: BodyFormat, words: number, names: readonly string[]): string {
  const paragraphs: string[] = [];
  let left = words;
  while (left > 0) {
    const length = Math.min(left, 30 + rng.int(120));
    left -= length;
    let text = sentences(rng, script, length, names);
    if (format !== "plain" && rng.chance(0.05)) text = text.replace(/ ([^ ,.?!…“”]+) /, " <em>$1</em> ");
    if (format !== "plain" && rng.chance(0.01)) text = text.replace(/ ([^ ,.?!…“”]+) /, " <strong>$1</strong> ");
    if (rng.chance(0.005)) text = text.replace(/ and /, " &amp; ");
    paragraphs.push(text);
  }
  const sceneBreak = () => (format === "plain" ? "* * *" : rng.chance(0.5) ? "<hr>" : "<center>* * *</center>");
  const out: string[] = [];
  for (const [i, text] of paragraphs.entries()) {
    if (i > 0 && rng.chance(0.03)) out.push(sceneBreak());
    if (format === "paragraphs") out.push(rng.chance(0.02) ? `<blockquote><p>${text}</p></blockquote>` : `<p>${text}</p>`);
    else if (format === "breaks") out.push(`${text}<br />`);
    else out.push(text);
  }
  // Plain text and <br /> texts separate paragraphs with a blank line; <p> texts are typed one a
  // line, some with a blank line between.
  const separator = format === "paragraphs" && !rng.chance(0.5) ? "\r\n" : "\r\n\r\n";
  return out.join(separator);
}

// ---------------------------------------------------------------------------------------------
// The archive's rows

interface Member {
  uid: number;
  penname: string;
  realname: string;
  email: string;
  bio: string | null;
  date: number;
  level: number;
  stories: number;
  ip: string;
}

interface Category {
  catid: number;
  parent: number;
  name: string;
  description: string;
  leveldown: number;
  displayorder: number;
  stories: number;
  /** charids of this category's characters */
  characters: number[];
  /** For a sub-category, its fandom's characters are used. */
  fandom: number;
}

interface Story {
  sid: number;
  uid: number;
  title: string;
  summary: string;
  storynotes: string;
  catids: number[];
  classes: number[];
  charids: number[];
  rid: number;
  date: number;
  updated: number;
  coauthors: number[];
  featured: string;
  validated: string;
  completed: string;
  script: Script;
  format: BodyFormat;
  chapters: Chapter[];
  wordcount: number;
  reviews: number;
  stars: number[];
  count: number;
}

interface Chapter {
  chapid: number;
  story: Story;
  inorder: number;
  title: string;
  notes: string;
  endnotes: string;
  words: number;
  time: number;
  reviews: number;
  stars: number[];
  count: number;
}

interface Series {
  seriesid: number;
  title: string;
  summary: string;
  uid: number;
  isopen: number;
  /** sid or -(sub-series id), in order, with `confirmed` */
  parts: { sid: number; subseriesid: number; confirmed: number }[];
  reviews: number;
  stars: number[];
}

interface Review {
  reviewid: number;
  item: number;
  chapid: number;
  reviewer: string;
  uid: number;
  review: string;
  date: number;
  rating: number;
  respond: string;
  type: "ST" | "SE";
}

/** Streams of random numbers, one per purpose, so adding a draw to one leaves the others alone. */
function streamFor(seed: number, stream: number, index = 0): Random {
  return new Random({ a: 0x3c6ef372 ^ stream, b: (0xbb67ae85 + index) | 0, c: seed >>> 0, d: (Math.floor(seed / 4294967296) ^ 0x510e527f) | 0 }, 12);
}

const STREAM = { members: 1, categories: 2, stories: 3, chapters: 4, series: 5, reviews: 6, favorites: 7, body: 8 } as const;

function uniqueName(rng: Random, taken: Set<string>, make: () => string): string {
  for (;;) {
    const name = make();
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

const SYLLABLES = ["ka", "ri", "mo", "la", "ven", "tor", "sil", "ae", "dra", "mi", "no", "sha", "el", "fin", "ra", "bel", "quin", "zo", "ly", "th"];

function makeMembers(rng: Random, authors: number, readers: number): Member[] {
  const taken = new Set<string>(["admin"]);
  const members: Member[] = [{ uid: 1, penname: "ArchiveAdmin", realname: "", email: "admin@archive.invalid", bio: null, date: OPENED, level: 1, stories: 0, ip: "127.0.0.1" }];
  for (let i = 0; i < authors + readers; i++) {
    // eFiction's pennames: ^[a-z0-9-_ ]{3,30}$ (its registration form checks it).
    const penname = uniqueName(rng, taken, () => {
      let name = "";
      for (let k = 2 + rng.int(3); k > 0; k--) name += rng.pick(SYLLABLES);
      const style = rng.next();
      if (style < 0.25) name += String(rng.int(1000));
      else if (style < 0.35) name += `_${rng.pick(SYLLABLES)}`;
      else if (style < 0.4) name += ` ${rng.pick(SYLLABLES)}`;
      else if (style < 0.45) name = `${rng.pick(SYLLABLES)}-${name}`;
      return name.slice(0, 30);
    });
    const real = rng.chance(0.6) ? `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}` : "";
    const bio = rng.chance(0.5) ? (rng.chance(0.3) ? `Fan of <b>${rng.pick(ENGLISH)}</b> stories. ${rng.pick(ACCENTED)}!` : sentences(rng, "latin", 8 + rng.int(30), [])) : rng.chance(0.5) ? "" : null;
    members.push({
      uid: members.length + 1,
      penname,
      realname: real,
      email: `${penname.replace(/ /g, ".")}@example.invalid`,
      bio,
      date: OPENED + rng.int(DUMPED - OPENED - 365 * DAY),
      level: 0,
      stories: 0,
      // Registration IPs as INET6_ATON keeps them (4 bytes). Kept under 128 per byte, so the raw
      // bytes mysqldump writes are valid UTF-8; 0, 10, 13, 34, 39, 92 and 26 come out escaped.
      ip: `10.${rng.int(128)}.${rng.int(128)}.${1 + rng.int(127)}`,
    });
  }
  return members;
}

function makeCategories(rng: Random, stories: number): Category[] {
  const fandoms = Math.max(4, Math.min(60, Math.round(stories / 250)));
  const taken = new Set<string>();
  const categories: Category[] = [];
  for (let f = 0; f < fandoms; f++) {
    const name = uniqueName(rng, taken, () => rng.pick(FANDOM_SHAPES).replace("{0}", rng.pick(FANDOM_WORDS)).replace("{1}", rng.pick(FANDOM_WORDS)));
    const fandom: Category = { catid: categories.length + 1, parent: -1, name, description: `Stories set in <em>${name}</em>.`, leveldown: 0, displayorder: f + 1, stories: 0, characters: [], fandom: 0 };
    fandom.fandom = fandom.catid;
    categories.push(fandom);
    const subs = rng.chance(0.4) ? 0 : 1 + rng.int(5);
    const eras = [...ERAS];
    for (let s = 0; s < subs; s++) {
      const era = eras.splice(rng.int(eras.length), 1)[0]!;
      categories.push({ catid: categories.length + 1, parent: fandom.catid, name: era, description: `${era} — ${name}.`, leveldown: 1, displayorder: s + 1, stories: 0, characters: [], fandom: fandom.catid });
    }
  }
  return categories;
}

interface CharacterRow {
  charid: number;
  catid: number;
  charname: string;
  bio: string;
}

function makeCharacters(rng: Random, categories: Category[]): CharacterRow[] {
  const rows: CharacterRow[] = [];
  for (const fandom of categories.filter((c) => c.parent === -1)) {
    const taken = new Set<string>();
    for (let k = 4 + rng.int(22); k > 0; k--) {
      const charname = uniqueName(rng, taken, () => (rng.chance(0.8) ? `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}` : rng.pick(FIRST_NAMES)));
      const row = { charid: rows.length + 1, catid: fandom.catid, charname, bio: rng.chance(0.5) ? sentences(rng, "latin", 5 + rng.int(10), []) : "" };
      rows.push(row);
      fandom.characters.push(row.charid);
    }
  }
  return rows;
}

/** How many chapters each story has: exactly `total` in all, one at least, a long tail. */
function chapterCounts(rng: Random, stories: number, total: number): number[] {
  const counts = new Array<number>(stories).fill(1);
  const weights = new Float64Array(stories);
  for (let i = 0; i < stories; i++) weights[i] = rng.chance(0.35) ? 0 : rng.lognormal(1, 0.9);
  if (total > stories && weights.every((w) => w === 0)) weights[0] = 1;
  const sampler = new Sampler(weights);
  for (let extra = total - stories; extra > 0; extra--) counts[sampler.sample(rng)]!++;
  return counts;
}

const listOf = (ids: readonly number[]) => ids.join(",");
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
/** An IPv4 address as INET6_ATON stores it: 4 raw bytes (here as a latin-1 string). */
const inet6Aton = (ip: string) => String.fromCharCode(...ip.split(".").map(Number));
const average = (stars: number[]) => (stars.length ? Math.round(stars.reduce((a, b) => a + b, 0) / stars.length) : 0);

/** Generates the archive into `dir` (created); returns what it wrote. */
export function generateEfictionArchive(dir: string, options: EfictionGenerateOptions): EfictionGenerateSummary {
  const started = performance.now();
  const n = options.stories;
  const totalChapters = options.chapters ?? 4 * n;
  const seed = options.seed ?? 1;
  const wordsPerChapter = options.wordsPerChapter ?? 2500;
  const store = options.store ?? "files";
  const insertStyle = options.insertStyle ?? "mariadb";
  if (!Number.isInteger(n) || n < 1) throw new EfictionGenerateError(`--stories must be a whole number of at least 1, not ${n}.`);
  if (!Number.isInteger(totalChapters) || totalChapters < n) throw new EfictionGenerateError(`--chapters must be a whole number of at least the number of stories (${n}), not ${totalChapters}.`);
  if (existsSync(join(dir, DUMP_FILE))) throw new EfictionGenerateError(`${join(dir, DUMP_FILE)} already exists; give an empty folder.`);
  mkdirSync(join(dir, STORIES_DIR), { recursive: true });

  // --- Members, categories, characters
  const authorCount = Math.max(1, Math.ceil(n / 5));
  const members = makeMembers(streamFor(seed, STREAM.members), authorCount, Math.ceil(n / 3));
  const authors = members.slice(1, 1 + authorCount);
  const crng = streamFor(seed, STREAM.categories);
  const categories = makeCategories(crng, n);
  const characters = makeCharacters(crng, categories);
  const charname = (charid: number) => characters[charid - 1]!.charname;

  // --- Stories, in posting order (sids grow with time)
  const rng = streamFor(seed, STREAM.stories);
  const authorPicker = zipf(authors.length, 1.1, 1);
  const categoryPicker = zipf(categories.length, 0.9, 2);
  const ratingPicker = new Sampler(RATINGS.map((r) => r[3]));
  const genrePicker = zipf(GENRES.length, 0.8, 1);
  const counts = chapterCounts(rng, n, totalChapters);
  const dates = Array.from({ length: n }, () => 0).map(() => OPENED + Math.floor((DUMPED - OPENED - 30 * DAY) * Math.sqrt(rng.next())));
  dates.sort((a, b) => a - b);
  const titleTaken = new Set<string>();
  const stories: Story[] = [];
  for (let i = 0; i < n; i++) {
    const owner = authors[authorPicker.sample(rng)]!;
    owner.stories++;
    // An author joined before their first story (sids stay in posting order).
    const date = dates[i]!;
    owner.date = Math.max(OPENED, Math.min(owner.date, date - DAY - rng.int(60 * DAY)));
    const roll = rng.next();
    const script: Script = roll < 0.03 ? "greek" : roll < 0.06 ? "han" : "latin";
    const formatRoll = rng.next();
    const format: BodyFormat = formatRoll < 0.7 ? "paragraphs" : formatRoll < 0.8 ? "breaks" : "plain";
    const catids = new Set([categories[categoryPicker.sample(rng)]!.catid]);
    if (rng.chance(0.05)) catids.add(categories[categoryPicker.sample(rng)]!.catid);
    if (rng.chance(0.01)) catids.add(categories[categoryPicker.sample(rng)]!.catid);
    for (const catid of catids) categories[catid - 1]!.stories++;
    const pool = [...catids].flatMap((catid) => categories[categories[catid - 1]!.fandom - 1]!.characters);
    const charids = new Set<number>();
    for (let k = rng.int(5); k > 0 && pool.length; k--) charids.add(pool[Math.min(pool.length - 1, Math.floor(pool.length * rng.next() ** 2))]!);
    const classes = new Set<number>();
    for (let k = 1 + rng.int(3); k > 0; k--) classes.add(1 + genrePicker.sample(rng));
    if (rng.chance(0.5)) classes.add(GENRES.length + 1);
    else for (let k = 1 + rng.int(2); k > 0; k--) classes.add(GENRES.length + 2 + rng.int(WARNINGS.length - 1));
    const names = [...charids].map(charname);
    let title = uniqueName(rng, titleTaken, () => {
      if (script === "han") return sentences(rng, "han", 2 + rng.int(3), []).replace(/[。！，]/g, "");
      const words = sentences(rng, script, 1 + rng.int(4), names).replace(/[“”.?!…,]/g, "");
      return rng.chance(0.1) ? `The ${words}` : words;
    });
    let summary = sentences(rng, script, 15 + rng.int(45), names);
    if (rng.chance(0.3)) summary = summary.replace(/ (\S+) /, " <em>$1</em> ");
    // eFiction's utf8mb3 connection turns a 4-byte character into ????.
    if (rng.chance(0.01)) {
      title += " ????";
      summary += " Emoji: ????";
    }
    const coauthors = new Set<number>();
    if (rng.chance(0.03)) for (let k = rng.chance(0.2) ? 2 : 1; k > 0; k--) {
      const co = authors[rng.int(authors.length)]!.uid;
      if (co !== owner.uid) coauthors.add(co);
    }
    stories.push({
      sid: i + 1,
      uid: owner.uid,
      title,
      summary,
      storynotes: rng.chance(0.25) ? sentences(rng, "latin", 5 + rng.int(30), []) : "",
      catids: [...catids],
      classes: [...classes].sort(() => rng.next() - 0.5),
      charids: [...charids],
      rid: 1 + ratingPicker.sample(rng),
      date,
      updated: date,
      coauthors: [...coauthors],
      featured: rng.chance(0.01) ? (rng.chance(0.5) ? "1" : "2") : "0",
      validated: rng.chance(0.02) ? "0" : "1",
      completed: rng.chance(0.6) ? "1" : "0",
      script,
      format,
      chapters: [],
      wordcount: 0,
      reviews: 0,
      stars: [],
      count: Math.round(rng.lognormal(120, 1.2)),
    });
  }

  // --- Chapters: posted over time; chapids in posting order across the archive
  const chrng = streamFor(seed, STREAM.chapters);
  const sigma = 0.7;
  const mu = Math.log(wordsPerChapter) - (sigma * sigma) / 2;
  const chapters: Chapter[] = [];
  for (const [i, story] of stories.entries()) {
    let time = story.date;
    for (let inorder = 1; inorder <= counts[i]!; inorder++) {
      if (inorder > 1) time = Math.min(DUMPED - 1, time + DAY + chrng.int(40 * DAY));
      const titleRoll = chrng.next();
      const chapter: Chapter = {
        chapid: 0,
        story,
        inorder,
        title: counts[i] === 1 ? story.title : titleRoll < 0.4 ? `Chapter ${inorder}` : titleRoll < 0.9 ? sentences(chrng, story.script, 1 + chrng.int(4), []).replace(/[“”.?!…,。！，]/g, "") : `Chapter ${inorder}: ${sentences(chrng, story.script, 2, []).replace(/[“”.?!…,。！，]/g, "")}`,
        notes: chrng.chance(0.15) ? sentences(chrng, "latin", 5 + chrng.int(40), []) : "",
        endnotes: chrng.chance(0.1) ? sentences(chrng, "latin", 5 + chrng.int(30), []) : "",
        words: Math.max(50, Math.round(chrng.lognormal(Math.exp(mu), sigma))),
        time,
        reviews: 0,
        stars: [],
        count: Math.round(story.count / inorder ** 0.7),
      };
      story.chapters.push(chapter);
      story.wordcount += chapter.words;
      chapters.push(chapter);
    }
    story.updated = time;
  }
  chapters.sort((a, b) => a.time - b.time || a.story.sid - b.story.sid || a.inorder - b.inorder);
  for (const [i, chapter] of chapters.entries()) chapter.chapid = i + 1;

  // --- Series: an author's stories in order; a few open series take others' stories, a few hold a sub-series
  const srng = streamFor(seed, STREAM.series);
  const byAuthor = new Map<number, Story[]>();
  for (const story of stories) byAuthor.set(story.uid, [...(byAuthor.get(story.uid) ?? []), story]);
  const prolific = [...byAuthor.entries()].filter(([, s]) => s.length >= 2);
  const seriesCount = prolific.length ? Math.max(1, Math.round(n / 25)) : 0;
  const seriesList: Series[] = [];
  const seriesOf = new Map<number, Series[]>();
  const prolificPicker = prolific.length ? new Sampler(prolific.map(([, s]) => s.length - 1)) : undefined;
  for (let s = 0; s < seriesCount; s++) {
    const [uid, own] = prolific[prolificPicker!.sample(srng)]!;
    const size = Math.min(own.length, 2 + srng.int(5));
    const first = srng.int(own.length - size + 1);
    const series: Series = {
      seriesid: s + 1,
      title: sentences(srng, "latin", 1 + srng.int(3), []).replace(/[“”.?!…,]/g, "") + (srng.chance(0.5) ? " Series" : ""),
      summary: sentences(srng, "latin", 10 + srng.int(30), []),
      uid,
      isopen: srng.chance(0.05) ? 1 : 0,
      parts: own.slice(first, first + size).map((story) => ({ sid: story.sid, subseriesid: 0, confirmed: 1 })),
      reviews: 0,
      stars: [],
    };
    if (series.isopen) for (let k = 1 + srng.int(3); k > 0; k--) series.parts.push({ sid: 1 + srng.int(n), subseriesid: 0, confirmed: srng.chance(0.8) ? 1 : 0 });
    const earlier = seriesOf.get(uid);
    if (earlier && srng.chance(0.1)) series.parts.push({ sid: 0, subseriesid: srng.pick(earlier).seriesid, confirmed: 1 });
    // inseries' primary key is (sid, seriesid, subseriesid): a story once per series.
    const seen = new Set<string>();
    series.parts = series.parts.filter((p) => !seen.has(`${p.sid}/${p.subseriesid}`) && seen.add(`${p.sid}/${p.subseriesid}`));
    seriesList.push(series);
    seriesOf.set(uid, [...(earlier ?? []), series]);
  }

  // --- Reviews: popular stories get more; some anonymous, some without stars, some answered
  const rrng = streamFor(seed, STREAM.reviews);
  const reviewerPicker = zipf(members.length, 0.9, 5);
  const reviews: Review[] = [];
  const reviewText = (script: Script) => {
    const text = sentences(rrng, rrng.chance(0.7) ? "latin" : script, 8 + rrng.int(60), []);
    return rrng.chance(0.2) ? `<b>${text.split(" ").slice(0, 2).join(" ")}</b> ${text}` : text;
  };
  for (const story of stories) {
    const wanted = Math.min(200, Math.floor(rrng.lognormal(1.2, 1.1) * Math.min(3, story.count / 120)));
    for (let k = 0; k < wanted; k++) {
      const chapter = story.chapters[rrng.int(story.chapters.length)]!;
      const anonymous = rrng.chance(0.1);
      const reviewer = anonymous ? undefined : members[reviewerPicker.sample(rrng)]!;
      if (reviewer && reviewer.uid === story.uid) continue;
      const rating = rrng.chance(0.4) ? -1 : Math.max(1, Math.min(10, Math.round(10 - Math.abs(rrng.normal()) * 2.5)));
      const answered = !anonymous && rrng.chance(0.1);
      let review = reviewText(story.script);
      // eFiction appends the author's response to the review's own text.
      if (answered) review += `<br><br><i>Author's Response:</i> ${sentences(rrng, "latin", 5 + rrng.int(20), [])}`;
      reviews.push({
        reviewid: 0,
        item: story.sid,
        chapid: chapter.chapid,
        reviewer: reviewer ? reviewer.penname : rrng.chance(0.5) ? `${rrng.pick(FIRST_NAMES)} (guest)` : rrng.pick(FIRST_NAMES),
        uid: reviewer?.uid ?? 0,
        review,
        date: Math.min(DUMPED - 1, chapter.time + rrng.int(200 * DAY)),
        rating,
        respond: answered ? "1" : "0",
        type: "ST",
      });
      story.reviews++;
      chapter.reviews++;
      if (rating > 0) {
        story.stars.push(rating);
        chapter.stars.push(rating);
      }
    }
  }
  for (const series of seriesList) {
    if (!rrng.chance(0.1)) continue;
    const reviewer = members[reviewerPicker.sample(rrng)]!;
    const rating = rrng.chance(0.5) ? -1 : 6 + rrng.int(5);
    reviews.push({ reviewid: 0, item: series.seriesid, chapid: 0, reviewer: reviewer.penname, uid: reviewer.uid, review: reviewText("latin"), date: DUMPED - 1 - rrng.int(365 * DAY), rating, respond: "0", type: "SE" });
    series.reviews++;
    if (rating > 0) series.stars.push(rating);
  }
  reviews.sort((a, b) => a.date - b.date);
  for (const [i, review] of reviews.entries()) review.reviewid = i + 1;

  // --- Favourites of stories (by hits), authors and series
  const frng = streamFor(seed, STREAM.favorites);
  const favorites: { uid: number; item: number; type: "ST" | "AU" | "SE"; comments: string }[] = [];
  const favoriteSeen = new Set<string>();
  const storyPicker = new Sampler(stories.map((s) => s.count + 1));
  const favourite = (uid: number, item: number, type: "ST" | "AU" | "SE") => {
    const key = `${uid}/${type}/${item}`;
    if (favoriteSeen.has(key)) return;
    favoriteSeen.add(key);
    favorites.push({ uid, item, type, comments: frng.chance(0.1) ? (frng.chance(0.3) ? "Mon préféré ☕" : sentences(frng, "latin", 3 + frng.int(12), [])) : "" });
  };
  const favouriter = () => members[1 + frng.int(members.length - 1)]!.uid;
  for (let k = Math.round(n * 1.5); k > 0; k--) favourite(favouriter(), stories[storyPicker.sample(frng)]!.sid, "ST");
  for (let k = Math.round(n * 0.3); k > 0; k--) favourite(favouriter(), authors[authorPicker.sample(frng)]!.uid, "AU");
  for (let k = seriesList.length ? Math.round(n * 0.05) : 0; k > 0; k--) favourite(favouriter(), 1 + frng.int(seriesList.length), "SE");

  // --- The dump, tables in mysqldump's (alphabetical) order
  const dumpPath = join(dir, DUMP_FILE);
  const out = new DumpWriter(dumpPath, insertStyle);
  const rowCounts: Record<string, number> = {};
  const table = (name: string, nextId: number, rows: Iterable<readonly DumpValue[]>) => {
    out.beginTable(name, nextId);
    let count = 0;
    for (const row of rows) {
      out.row(row);
      count++;
    }
    out.endTable();
    rowCounts[name] = count;
  };
  out.header(`eFiction 3.5.8 archive generated by fanfold bench efiction-generate (seed ${seed}, ${n} stories, ${totalChapters} chapters), in the shape of MariaDB 10.11's mysqldump`);
  table("authorfields", 1, []);
  table("authorinfo", 1, []);
  table(
    "authorprefs",
    1,
    members.map((m) => [m.uid, 0, 0, m.uid % 3 === 0 ? 1 : 0, 0, 0, 0, 0, m.stories ? 1 : 0, "default", m.level, "0", m.uid % 4 === 0 ? 1 : 0, m.stories]),
  );
  table(
    "authors",
    members.length + 1,
    members.map((m) => [m.uid, m.penname, m.realname, m.email, m.bio, "", m.date, "0", md5(`${m.penname}pass`)]),
  );
  table("blocks", 1, []);
  table(
    "categories",
    categories.length + 1,
    categories.map((c) => [c.catid, c.parent, c.name, c.description, "", "0", c.leveldown, c.displayorder, c.stories]),
  );

  // Chapters: each text from its own random stream, into its file (store=files) or its row.
  const storiesDir = join(dir, STORIES_DIR);
  const madeDirs = new Set<number>();
  let storyFileBytes = 0;
  let written = 0;
  const namesOf = new Map<Story, string[]>();
  const chapterRows = function* (): Generator<DumpValue[]> {
    for (const chapter of chapters) {
      const story = chapter.story;
      let names = namesOf.get(story);
      if (!names) namesOf.set(story, (names = story.charids.map(charname).map((name) => name.split(" ")[0]!)));
      const body = chapterBody(streamFor(seed, STREAM.body, chapter.chapid), story.script, story.format, chapter.words, names);
      if (store === "files") {
        // The file is under the chapter's uid: the story's owner, also for co-authored stories.
        if (!madeDirs.has(story.uid)) {
          mkdirSync(join(storiesDir, String(story.uid)), { recursive: true });
          madeDirs.add(story.uid);
        }
        const bytes = Buffer.from(body, "utf8");
        writeFileSync(join(storiesDir, String(story.uid), `${chapter.chapid}.txt`), bytes);
        storyFileBytes += bytes.length;
      }
      if (++written % 500 === 0) options.onProgress?.(written, chapters.length);
      yield [chapter.chapid, chapter.title, chapter.inorder, chapter.notes, store === "mysql" ? body : null, chapter.endnotes, story.validated, chapter.words, average(chapter.stars), chapter.reviews, story.sid, story.uid, chapter.count];
    }
  };
  table("chapters", chapters.length + 1, chapterRows());
  options.onProgress?.(written, chapters.length);
  table(
    "characters",
    characters.length + 1,
    characters.map((c) => [c.charid, c.catid, c.charname, c.bio, ""]),
  );
  table(
    "classes",
    GENRES.length + WARNINGS.length + 1,
    [...GENRES.map((name, i) => [i + 1, 1, name]), ...WARNINGS.map((name, i) => [GENRES.length + i + 1, 2, name])],
  );
  table("classtypes", 3, [
    [1, "genres", "Genres"],
    [2, "warnings", "Warnings"],
  ]);
  table(
    "coauthors",
    1,
    stories.flatMap((s) => s.coauthors.map((uid) => [s.sid, uid])),
  );
  table("codeblocks", 1, []);
  table("comments", 1, []);
  table(
    "favorites",
    1,
    favorites.map((f) => [f.uid, f.item, f.type, f.comments]),
  );
  table(
    "inseries",
    1,
    seriesList.flatMap((s) => s.parts.map((p, i) => [s.seriesid, p.sid, p.subseriesid, p.confirmed, i + 1])),
  );
  table(
    "log",
    members.length,
    members.slice(1).map((m, i) => [i + 1, `${m.penname} (${m.uid}) registered from IP address ${m.ip}.`, m.uid, inet6Aton(m.ip), m.date, "RG"]),
  );
  table("messages", 1, []);
  table("modules", 1, []);
  table("news", 1, []);
  table("pagelinks", 1, []);
  table("panels", 1, []);
  table(
    "ratings",
    RATINGS.length + 1,
    RATINGS.map(([rating, warning, text], i) => [i + 1, rating, warning, text]),
  );
  table(
    "reviews",
    reviews.length + 1,
    reviews.map((r) => [r.reviewid, r.item, r.chapid, r.reviewer, r.uid, r.review, r.date, r.rating, r.respond, r.type]),
  );
  const seriesStories = (s: Series) => s.parts.filter((p) => p.sid > 0).map((p) => stories[p.sid - 1]!);
  table(
    "series",
    seriesList.length + 1,
    seriesList.map((s) => {
      const parts = seriesStories(s);
      const union = (pick: (story: Story) => number[]) => listOf([...new Set(parts.flatMap(pick))].sort((a, b) => a - b));
      const stars = [...s.stars, ...parts.flatMap((p) => p.stars)];
      return [s.seriesid, s.title, s.summary, s.uid, s.isopen, union((p) => p.catids), average(stars), "", union((p) => p.charids), s.reviews + parts.reduce((a, p) => a + p.reviews, 0), s.parts.length, ""];
    }),
  );
  table("settings", 1, [
    [
      `bench${seed}`, "Generated Archive", "A generated eFiction archive", "http://efiction.example.invalid", "admin@archive.invalid", "", "default", "", "en", 0, STORIES_DIR, store, 1, 1, 0, 0, 0, 200, 200, 0, 2, 0,
      "<b><i><u><center><hr><p><br /><br><blockquote><ol><ul><li><img><strong><em>", 1, 1, 0, 1, 0, 0, 0, "d/m/y", "- h:i a", 7, 1, 25, 0, 0, 0, 0, 0, 5, 1, 1, 1, 0, 0, 1, 0, 0, 0, null, "3.5.8", "", "", "",
    ],
  ]);
  const words = stories.reduce((a, s) => a + s.wordcount, 0);
  const reviewers = new Set(reviews.filter((r) => r.uid > 0).map((r) => r.uid)).size;
  table("stats", 1, [[`bench${seed}`, n, chapters.length, seriesList.length, reviews.length, words, members.filter((m) => m.stories > 0).length, members.length, reviewers, members.length]]);
  table(
    "stories",
    n + 1,
    stories.map((s) => [s.sid, s.title, s.summary, s.storynotes, listOf(s.catids), listOf(s.classes), listOf(s.charids), String(s.rid), s.date, s.updated, s.uid, s.coauthors.length ? 1 : 0, s.featured, s.validated, s.completed, "0", s.wordcount, average(s.stars), s.reviews, s.count]),
  );
  out.close();

  const summary: EfictionGenerateSummary = {
    stories: n,
    chapters: chapters.length,
    seed,
    words_per_chapter: wordsPerChapter,
    store,
    insert_style: insertStyle,
    rows: rowCounts,
    words,
    authors_with_stories: members.filter((m) => m.stories > 0).length,
    dump_bytes: out.bytes,
    story_file_bytes: storyFileBytes,
    longest_insert_bytes: out.longestStatement,
    dump_sha256: "",
    seconds: 0,
  };
  summary.dump_sha256 = sha256OfFile(dumpPath);
  summary.seconds = round((performance.now() - started) / 1000, 2);
  writeFileSync(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function sha256OfFile(path: string): string {
  const hash = createHash("sha256");
  // Read in parts: a dump with its texts inside can be bigger than one Buffer should be.
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(64 << 20);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** A whole number from the command line (`10_000` and `10,000` allowed). */
export function wholeArgument(name: string, value: string, min: number): number {
  const n = Number(value.replace(/[_,]/g, ""));
  if (!/^\s*[\d_,]+\s*$/.test(value) || !Number.isInteger(n) || n < min) throw new EfictionGenerateError(`--${name} must be a whole number of at least ${min}, not "${value}".`);
  return n;
}

export function generateSummaryLine(s: EfictionGenerateSummary): string {
  const mb = (bytes: number) => `${fmt(round(bytes / 1e6))} MB`;
  return (
    `${fmt(s.stories)} stories, ${fmt(s.chapters)} chapters (${fmt(s.words)} words), ${fmt(s.rows.authors ?? 0)} members (${fmt(s.authors_with_stories)} with stories), ` +
    `${fmt(s.rows.series ?? 0)} series, ${fmt(s.rows.reviews ?? 0)} reviews, ${fmt(s.rows.favorites ?? 0)} favourites; ` +
    `dump ${mb(s.dump_bytes)}, story files ${mb(s.story_file_bytes)}; ${s.seconds} s`
  );
}

export async function benchEfictionGenerate(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        out: { type: "string" },
        stories: { type: "string", default: "10000" },
        chapters: { type: "string" },
        seed: { type: "string", default: "1" },
        "words-per-chapter": { type: "string", default: "2500" },
        store: { type: "string", default: "files" },
        "insert-style": { type: "string", default: "mariadb" },
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
  try {
    if (!values.out) throw new EfictionGenerateError("--out DIR is required (the folder to write the dump and stories/ into).");
    const stories = wholeArgument("stories", values.stories!, 1);
    const chapters = values.chapters === undefined ? undefined : wholeArgument("chapters", values.chapters, stories);
    const seed = wholeArgument("seed", values.seed!, 0);
    const wordsPerChapter = wholeArgument("words-per-chapter", values["words-per-chapter"]!, 50);
    if (values.store !== "files" && values.store !== "mysql") throw new EfictionGenerateError(`--store must be files or mysql, not "${values.store}".`);
    const insertStyle = values["insert-style"];
    if (insertStyle !== "mariadb" && insertStyle !== "mysql") throw new EfictionGenerateError(`--insert-style must be mariadb or mysql, not "${insertStyle}".`);
    say(`bench efiction-generate: ${fmt(stories)} stories, seed ${seed}, into ${values.out}`);
    const summary = generateEfictionArchive(values.out, {
      stories,
      chapters,
      seed,
      wordsPerChapter,
      store: values.store,
      insertStyle,
      onProgress: (done, total) => progressLine(`writing chapters ${fmt(done)}/${fmt(total)}`, done === total),
    });
    endProgress();
    console.log(generateSummaryLine(summary));
    if (values.json) console.log(JSON.stringify(summary));
    return 0;
  } catch (error) {
    endProgress();
    if (error instanceof EfictionGenerateError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "ENOSPC" || code === "ENOTDIR" || code === "EEXIST") {
      console.error(`fanfold: cannot write ${values.out}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

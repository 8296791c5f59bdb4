import { DumpError, type DumpTable, readMysqlDump, type SqlValue } from "./mysql-dump.js";
import { repairMojibake } from "./text-repair.js";

/**
 * An eFiction 3.x archive as its database dump holds it: the rows the importer uses, typed, with
 * the dump's quirks settled here once (the table prefix, the store mode, unix-int or DATETIME
 * dates, comma-separated lists, latin1 mojibake). Nothing here touches Fanfold's database.
 */

export interface EfictionSettings {
  siteUrl: string;
  tablePrefix: string;
  /** "files": chapter text in <stories>/<uid>/<chapid>.txt; "mysql": in chapters.storytext. */
  store: "files" | "mysql";
  storiesPath: string;
  version: string | null;
  /** The site's language code ("en"); eFiction has no per-story language. */
  language: string;
  /** Whether guests could review (settings.anonreviews). */
  anonymousReviews: boolean;
}

export interface EfictionAuthor {
  uid: number;
  penname: string;
  realname: string;
  email: string;
  bio: string;
  /** ISO 8601 UTC; null when the dump has none. */
  joined: string | null;
  /** The unsalted md5 hex digest eFiction keeps, lower case; null when it is not one. */
  md5: string | null;
  /** authorprefs.level: 0 a member, 1 the superadmin, 2-4 lesser admins. */
  level: number;
  line: number;
}

export interface EfictionCategory {
  catid: number;
  parentId: number | null;
  name: string;
  description: string;
}

export interface EfictionCharacter {
  charid: number;
  catid: number;
  name: string;
}

export interface EfictionClass {
  classId: number;
  /** The class type's name ("genres", "warnings", or an archive's own). */
  typeName: string;
  typeTitle: string;
  name: string;
}

export interface EfictionRating {
  rid: number;
  name: string;
  /** `ratingwarning`: 1 a warning, 2 age consent, 4 registered users only (bits). */
  flags: number;
}

export interface EfictionStory {
  sid: number;
  title: string;
  summary: string;
  notes: string;
  catids: number[];
  classIds: number[];
  charids: number[];
  rid: number | null;
  published: string | null;
  updated: string | null;
  uid: number;
  coauthorUids: number[];
  validated: boolean;
  completed: boolean;
  hits: number;
  line: number;
}

export interface EfictionChapter {
  chapid: number;
  sid: number;
  uid: number;
  title: string;
  order: number;
  notes: string;
  endnotes: string;
  /** chapters.storytext: the text when the archive stores it in the database (store = mysql). */
  storytext: string | null;
  validated: boolean;
  line: number;
}

export interface EfictionSeries {
  seriesid: number;
  title: string;
  summary: string;
  uid: number;
  isOpen: boolean;
  line: number;
}

export interface EfictionSeriesEntry {
  seriesid: number;
  sid: number;
  subseriesid: number;
  order: number;
  confirmed: boolean;
  line: number;
}

export interface EfictionReview {
  reviewid: number;
  /** The story (type ST) or series (SE) reviewed. */
  item: number;
  type: string;
  chapid: number;
  reviewer: string;
  uid: number;
  text: string;
  date: string | null;
  /** Stars given, 1-10 (or 1-5); -1 or 0: none. */
  rating: number;
  line: number;
}

export interface EfictionFavorite {
  uid: number;
  item: number;
  /** ST story, AU author, SE series. */
  type: string;
  comments: string;
  line: number;
}

export interface EfictionArchive {
  settings: EfictionSettings;
  authors: EfictionAuthor[];
  categories: EfictionCategory[];
  characters: EfictionCharacter[];
  classes: EfictionClass[];
  ratings: EfictionRating[];
  stories: EfictionStory[];
  chapters: EfictionChapter[];
  series: EfictionSeries[];
  seriesEntries: EfictionSeriesEntry[];
  reviews: EfictionReview[];
  favorites: EfictionFavorite[];
  /**
   * Whether text values were latin1 mojibake (UTF-8 bytes read as latin1), and how many were
   * repaired; `undecodable`: values holding bytes that are not UTF-8 at all (read as U+FFFD).
   */
  mojibake: { detected: boolean; repaired: number; leftAsIs: number; undecodable: number };
}

/** The eFiction tables read, by their name after the prefix, and the columns each must have. */
const TABLES = {
  settings: ["sitekey", "url", "tableprefix", "store", "storiespath"],
  authors: ["uid", "penname", "realname", "email", "bio", "date", "password"],
  authorprefs: ["uid", "level"],
  categories: ["catid", "parentcatid", "category", "description"],
  characters: ["charid", "catid", "charname"],
  classtypes: ["classtype_id", "classtype_name", "classtype_title"],
  classes: ["class_id", "class_type", "class_name"],
  ratings: ["rid", "rating"],
  stories: ["sid", "title", "summary", "storynotes", "catid", "classes", "charid", "rid", "date", "updated", "uid", "coauthors", "validated", "completed", "count"],
  chapters: ["chapid", "title", "inorder", "notes", "storytext", "endnotes", "validated", "sid", "uid"],
  coauthors: ["sid", "uid"],
  series: ["seriesid", "title", "summary", "uid", "isopen"],
  inseries: ["seriesid", "sid", "subseriesid", "confirmed", "inorder"],
  reviews: ["reviewid", "item", "chapid", "reviewer", "uid", "review", "date", "rating", "type"],
  favorites: ["uid", "item", "type", "comments"],
} as const;
type TableKey = keyof typeof TABLES;
/** Tables an archive may lack (older 3.x dumps, or features never switched on). */
const OPTIONAL: TableKey[] = ["authorprefs", "coauthors", "favorites", "inseries", "series", "reviews"];
const TABLE_KEYS = Object.keys(TABLES) as TableKey[];

type Row = { values: SqlValue[]; line: number };
interface Collected {
  table: DumpTable;
  rows: Row[];
}

/** Reads the dump at `path` as an eFiction archive; throws DumpError naming the table and line it cannot read. */
export async function readEfictionDump(path: string): Promise<EfictionArchive> {
  // Rows of every table whose name ends in an eFiction table name, grouped by prefix: which
  // prefix is this archive's is known only once the settings table has been read.
  const byPrefix = new Map<string, Map<TableKey, Collected>>();
  const keyOf = (name: string): { prefix: string; key: TableKey } | null => {
    const match = /^(.*)fanfiction_([a-z]+)$/i.exec(name);
    if (!match || !TABLE_KEYS.includes(match[2]!.toLowerCase() as TableKey)) return null;
    return { prefix: match[1]!, key: match[2]!.toLowerCase() as TableKey };
  };
  await readMysqlDump(path, {
    wants: (name) => keyOf(name) !== null,
    table(table) {
      const found = keyOf(table.name);
      if (!found) return;
      if (!byPrefix.has(found.prefix)) byPrefix.set(found.prefix, new Map());
      byPrefix.get(found.prefix)!.set(found.key, { table, rows: [] });
    },
    row(table, values, line) {
      const found = keyOf(table.name)!;
      const collected = byPrefix.get(found.prefix)?.get(found.key);
      if (!collected) throw new DumpError(table.name, line, "rows before the table's CREATE TABLE");
      // An INSERT naming its own columns: put the values in the CREATE TABLE's order.
      if (table !== collected.table && table.columns.some((c, i) => collected.table.columns[i]?.name !== c.name)) {
        const reordered: SqlValue[] = collected.table.columns.map((c) => {
          const at = table.columns.findIndex((own) => own.name === c.name);
          return at < 0 ? null : values[at]!;
        });
        collected.rows.push({ values: reordered, line });
      } else collected.rows.push({ values, line });
    },
  });
  return archiveFrom(choosePrefix(byPrefix));
}

function choosePrefix(byPrefix: Map<string, Map<TableKey, Collected>>): Map<TableKey, Collected> {
  const withStories = [...byPrefix.entries()].filter(([, tables]) => tables.has("stories"));
  if (withStories.length === 0) throw new DumpError(null, 0, "the dump has no eFiction stories table (a table named …fanfiction_stories): it is not an eFiction 3.x database dump");
  if (withStories.length === 1) {
    const [prefix, tables] = withStories[0]!;
    // The settings table may carry its own prefix ($settingsprefix): take it from wherever it is.
    if (!tables.has("settings")) {
      const settings = [...byPrefix.values()].find((t) => t.has("settings"))?.get("settings");
      if (settings) tables.set("settings", settings);
    }
    void prefix;
    return tables;
  }
  // Several archives share the database: the settings row names the one it belongs to.
  for (const tables of byPrefix.values()) {
    const settings = tables.get("settings");
    if (!settings) continue;
    const at = settings.table.columns.findIndex((c) => c.name === "tableprefix");
    const prefix = at >= 0 ? String(settings.rows[0]?.values[at] ?? "") : "";
    const chosen = byPrefix.get(prefix);
    if (chosen?.has("stories")) {
      chosen.set("settings", settings);
      return chosen;
    }
  }
  throw new DumpError(null, 0, `the dump holds several eFiction archives (table prefixes ${withStories.map(([p]) => `"${p}"`).join(", ")}) and no settings row says which one to import`);
}

/** A row as an object of column name → value, for the typed conversions below. */
type Record_ = { get(column: string): SqlValue; line: number; table: string };

function rowsOf(tables: Map<TableKey, Collected>, key: TableKey, repair: (value: SqlValue) => SqlValue): Record_[] {
  const collected = tables.get(key);
  if (!collected) {
    if (OPTIONAL.includes(key)) return [];
    throw new DumpError(null, 0, `the dump has no fanfiction_${key} table: it is not an eFiction 3.x database dump`);
  }
  const index = new Map(collected.table.columns.map((c, i) => [c.name.toLowerCase(), i]));
  for (const column of TABLES[key]) {
    if (!index.has(column)) {
      throw new DumpError(collected.table.name, collected.table.line, `the table has no column \`${column}\`: this is not an eFiction 3.x table (another version, or another program's)`);
    }
  }
  return collected.rows.map((row) => ({
    line: row.line,
    table: collected.table.name,
    // A column an older dump lacks (and the list above does not require) reads as NULL.
    get: (column: string) => {
      const at = index.get(column);
      return at === undefined ? null : repair(row.values[at] ?? null);
    },
  }));
}

function archiveFrom(tables: Map<TableKey, Collected>): EfictionArchive {
  const mojibake = detectMojibake(tables);
  const repair = (value: SqlValue): SqlValue => {
    if (!mojibake.detected || typeof value !== "string") return value;
    return repairMojibake(value) ?? value;
  };
  const rows = (key: TableKey) => rowsOf(tables, key, repair);
  const settingsRow = rows("settings")[0];
  if (!settingsRow) throw new DumpError(tables.get("settings")?.table.name ?? null, 0, "the settings table has no row");
  const store = text(settingsRow.get("store")).toLowerCase();
  const settings: EfictionSettings = {
    siteUrl: text(settingsRow.get("url")).replace(/\/+$/, ""),
    tablePrefix: text(settingsRow.get("tableprefix")),
    store: store === "mysql" ? "mysql" : "files",
    storiesPath: text(settingsRow.get("storiespath")) || "stories",
    version: text(settingsRow.get("version")) || null,
    language: text(settingsRow.get("language")) || "en",
    anonymousReviews: text(settingsRow.get("anonreviews")) === "1",
  };

  const levels = new Map(rows("authorprefs").map((r) => [int(r, "uid"), int(r, "level")]));
  const authors = rows("authors").map((r): EfictionAuthor => {
    const password = text(r.get("password")).trim().toLowerCase();
    return {
      uid: int(r, "uid"),
      penname: text(r.get("penname")),
      realname: text(r.get("realname")),
      email: text(r.get("email")).trim(),
      bio: text(r.get("bio")),
      joined: date(r, "date"),
      md5: /^[0-9a-f]{32}$/.test(password) ? password : null,
      level: levels.get(int(r, "uid")) ?? 0,
      line: r.line,
    };
  });
  const categories = rows("categories").map((r): EfictionCategory => {
    const parent = int(r, "parentcatid");
    return { catid: int(r, "catid"), parentId: parent > 0 ? parent : null, name: text(r.get("category")), description: text(r.get("description")) };
  });
  const characters = rows("characters").map((r): EfictionCharacter => ({ charid: int(r, "charid"), catid: int(r, "catid"), name: text(r.get("charname")) }));
  const classTypes = new Map(rows("classtypes").map((r) => [int(r, "classtype_id"), { name: text(r.get("classtype_name")), title: text(r.get("classtype_title")) }]));
  const classes = rows("classes").map((r): EfictionClass => {
    const type = classTypes.get(int(r, "class_type"));
    return { classId: int(r, "class_id"), typeName: type?.name ?? "", typeTitle: type?.title ?? "", name: text(r.get("class_name")) };
  });
  const ratings = rows("ratings").map((r): EfictionRating => ({ rid: int(r, "rid"), name: text(r.get("rating")), flags: int(r, "ratingwarning") }));
  const coauthors = new Map<number, number[]>();
  for (const r of rows("coauthors")) {
    const sid = int(r, "sid");
    coauthors.set(sid, [...(coauthors.get(sid) ?? []), int(r, "uid")]);
  }
  const stories = rows("stories").map((r): EfictionStory => {
    const sid = int(r, "sid");
    const rid = list(r.get("rid"))[0];
    return {
      sid,
      title: text(r.get("title")),
      summary: text(r.get("summary")),
      notes: text(r.get("storynotes")),
      catids: list(r.get("catid")),
      classIds: list(r.get("classes")),
      charids: list(r.get("charid")),
      rid: rid ?? null,
      published: date(r, "date"),
      updated: date(r, "updated"),
      uid: int(r, "uid"),
      // stories.coauthors is only a flag; the join table says who.
      coauthorUids: (coauthors.get(sid) ?? []).filter((uid) => uid !== int(r, "uid")),
      validated: text(r.get("validated")) !== "0",
      completed: text(r.get("completed")) === "1",
      hits: int(r, "count"),
      line: r.line,
    };
  });
  const chapters = rows("chapters").map((r): EfictionChapter => {
    const storytext = r.get("storytext");
    return {
      chapid: int(r, "chapid"),
      sid: int(r, "sid"),
      uid: int(r, "uid"),
      title: text(r.get("title")),
      order: int(r, "inorder"),
      notes: text(r.get("notes")),
      endnotes: text(r.get("endnotes")),
      storytext: storytext === null ? null : text(storytext),
      validated: text(r.get("validated")) !== "0",
      line: r.line,
    };
  });
  const series = rows("series").map((r): EfictionSeries => ({
    seriesid: int(r, "seriesid"),
    title: text(r.get("title")),
    summary: text(r.get("summary")),
    uid: int(r, "uid"),
    isOpen: int(r, "isopen") > 0,
    line: r.line,
  }));
  const seriesEntries = rows("inseries").map((r): EfictionSeriesEntry => ({
    seriesid: int(r, "seriesid"),
    sid: int(r, "sid"),
    subseriesid: int(r, "subseriesid"),
    order: int(r, "inorder"),
    confirmed: int(r, "confirmed") > 0,
    line: r.line,
  }));
  const reviews = rows("reviews").map((r): EfictionReview => ({
    reviewid: int(r, "reviewid"),
    item: int(r, "item"),
    type: text(r.get("type")).toUpperCase(),
    chapid: int(r, "chapid"),
    reviewer: text(r.get("reviewer")),
    uid: int(r, "uid"),
    text: text(r.get("review")),
    date: date(r, "date"),
    rating: int(r, "rating"),
    line: r.line,
  }));
  const favorites = rows("favorites").map((r): EfictionFavorite => ({
    uid: int(r, "uid"),
    item: int(r, "item"),
    type: text(r.get("type")).toUpperCase(),
    comments: text(r.get("comments")),
    line: r.line,
  }));
  return { settings, authors, categories, characters, classes, ratings, stories, chapters, series, seriesEntries, reviews, favorites, mojibake };
}

/**
 * Whether the archive's text is mojibake: UTF-8 bytes stored in latin1 tables by a connection that
 * said latin1, so that "é" comes out of the dump as "Ã©". Decided over every non-ASCII value the
 * importer reads: it is mojibake when some values read back as valid UTF-8 and those are at least
 * half of the non-ASCII ones (real latin1 text such as "café" does not read back as UTF-8). Each
 * value is then repaired only if it reads back; the others are kept as they are and counted.
 */
function detectMojibake(tables: Map<TableKey, Collected>): EfictionArchive["mojibake"] {
  let nonAscii = 0;
  let repairable = 0;
  let undecodable = 0;
  for (const { rows } of tables.values()) {
    for (const row of rows) {
      for (const value of row.values) {
        if (typeof value !== "string" || !/[^\x00-\x7f]/.test(value)) continue;
        nonAscii++;
        if (value.includes("\uFFFD")) undecodable++;
        if (repairMojibake(value) !== null) repairable++;
      }
    }
  }
  const detected = repairable > 0 && repairable * 2 >= nonAscii;
  return { detected, repaired: detected ? repairable : 0, leftAsIs: detected ? nonAscii - repairable : 0, undecodable };
}

function text(value: SqlValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return new TextDecoder().decode(value);
}

function int(row: Record_, column: string): number {
  const value = row.get(column);
  if (value === null || value === "") return 0;
  const number = typeof value === "number" ? value : Number(text(value).trim());
  if (!Number.isFinite(number)) throw new DumpError(row.table, row.line, `\`${column}\` should be a number, not ${JSON.stringify(text(value).slice(0, 30))}`);
  return Math.trunc(number);
}

/** A comma-separated list of ids ("1,2" or "0" for none), as eFiction keeps lists in columns. */
function list(value: SqlValue): number[] {
  return text(value)
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** A date column as ISO 8601 UTC: unix seconds (3.5.6 and later) or DATETIME text (older 3.x). */
function date(row: Record_, column: string): string | null {
  const value = row.get(column);
  if (value === null || value === 0 || value === "") return null;
  if (typeof value === "number" || /^\d+$/.test(text(value))) {
    const seconds = Number(value);
    return seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?/.exec(text(value));
  if (!match) throw new DumpError(row.table, row.line, `\`${column}\` is not a date: ${JSON.stringify(text(value).slice(0, 30))}`);
  if (match[1] === "0000") return null;
  // DATETIME has no zone; the dump sets TIME_ZONE='+00:00', so it is read as UTC.
  return new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +(match[4] ?? 0), +(match[5] ?? 0), +(match[6] ?? 0))).toISOString();
}

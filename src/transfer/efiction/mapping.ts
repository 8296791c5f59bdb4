import { CATEGORIES, DEFAULT_WARNING, MAX_TAG_LENGTH, RATINGS, WARNINGS } from "../../model/vocabulary.js";
import type { EfictionArchive, EfictionStory } from "./archive.js";
import type { ImportedWork } from "../imported-work.js";

/**
 * eFiction's ratings, classes (genres, warnings, an archive's own types), categories and
 * characters mapped to AO3-style tags: a default an admin can print (`--dry-run`), edit as a CSV
 * file and hand back (`--map`). One eFiction item may map to several tags (one row each) or to
 * none (ao3_type "none").
 */

/** What a row maps: a rating, a class (any class type), a category or a character, by its eFiction id. */
export type MapKind = "rating" | "class" | "category" | "character";
export const MAP_KINDS: readonly MapKind[] = ["rating", "class", "category", "character"];
/** The tag types a row may map to; "none" drops the item. */
export const AO3_TYPES = ["Rating", "ArchiveWarning", "Category", "Fandom", "Relationship", "Character", "Freeform", "none"] as const;
export type Ao3Type = (typeof AO3_TYPES)[number];

export interface MapRow {
  kind: MapKind;
  efictionId: number;
  efictionName: string;
  ao3Type: Ao3Type;
  ao3Tag: string;
}

export const MAP_HEADER = ["kind", "efiction_id", "efiction_name", "ao3_type", "ao3_tag"] as const;

/** eFiction's usual rating names (any archive may name its own) → AO3's ratings. */
function defaultRating(name: string): string | null {
  const key = name.trim().toLowerCase().replace(/\s+/g, "");
  if (/^(g|k|gen|general|allages|everyone|pg|k\+)$/.test(key)) return "General Audiences";
  if (/^(pg-?13|pg-?15|t|teen|teens|13\+|15\+)$/.test(key)) return "Teen And Up Audiences";
  if (/^(r|m|mature|16\+|17\+|nc-?16)$/.test(key)) return "Mature";
  if (/^(nc-?17|nc-?18|x|xx|xxx|ma|explicit|adult|adults|18\+)$/.test(key)) return "Explicit";
  return null;
}

/** eFiction warning class names → AO3's archive warnings, where one matches. */
function defaultWarning(name: string): string | null {
  const key = name.trim().toLowerCase();
  if (/^(none|no warnings?|no archive warnings apply|n\/a)$/.test(key)) return "No Archive Warnings Apply";
  if (/death/.test(key)) return "Major Character Death";
  if (/violence|gore/.test(key)) return "Graphic Depictions Of Violence";
  if (/rape|non-?con/.test(key)) return "Rape/Non-Con";
  if (/underage/.test(key)) return "Underage Sex";
  return null;
}

const isWarningType = (typeName: string, typeTitle: string) => /warn/i.test(typeName) || /warn/i.test(typeTitle);

/**
 * The default mapping of every item the archive defines:
 * - ratings by their usual names (G and PG → General Audiences, PG-13 → Teen And Up, R → Mature,
 *   NC-17 → Explicit); a name not known → Not Rated;
 * - classes of a warnings type → the AO3 warning they name, else an additional (freeform) tag;
 *   classes of any other type (genres …) → additional tags;
 * - a top-level category → a fandom; a subcategory → its top-level category's fandom and an
 *   additional tag of its own name (eFiction's subcategories are mostly eras, pairings or
 *   sections within one fandom; an archive whose subcategories are fandoms edits the rows);
 * - characters → character tags.
 */
export function defaultMapping(archive: EfictionArchive): MapRow[] {
  const rows: MapRow[] = [];
  for (const rating of archive.ratings) {
    rows.push({ kind: "rating", efictionId: rating.rid, efictionName: rating.name, ao3Type: "Rating", ao3Tag: defaultRating(rating.name) ?? "Not Rated" });
  }
  for (const cls of archive.classes) {
    const warning = isWarningType(cls.typeName, cls.typeTitle) ? defaultWarning(cls.name) : null;
    rows.push({ kind: "class", efictionId: cls.classId, efictionName: cls.name, ao3Type: warning ? "ArchiveWarning" : "Freeform", ao3Tag: warning ?? tagName(cls.name) });
  }
  const byId = new Map(archive.categories.map((c) => [c.catid, c]));
  const rootOf = (catid: number) => {
    let category = byId.get(catid)!;
    const seen = new Set<number>();
    while (category.parentId !== null && byId.has(category.parentId) && !seen.has(category.catid)) {
      seen.add(category.catid);
      category = byId.get(category.parentId)!;
    }
    return category;
  };
  for (const category of archive.categories) {
    const root = rootOf(category.catid);
    rows.push({ kind: "category", efictionId: category.catid, efictionName: category.name, ao3Type: "Fandom", ao3Tag: tagName(root.name) });
    if (root !== category) rows.push({ kind: "category", efictionId: category.catid, efictionName: category.name, ao3Type: "Freeform", ao3Tag: tagName(category.name) });
  }
  for (const character of archive.characters) {
    rows.push({ kind: "character", efictionId: character.charid, efictionName: character.name, ao3Type: "Character", ao3Tag: tagName(character.name) });
  }
  return rows;
}

/** A name as a tag: one line, no comma (the tag fields' separator), at most the tag length. */
function tagName(name: string): string {
  return name.replace(/\s+/g, " ").replace(/,/g, " ").replace(/ +/g, " ").trim().slice(0, MAX_TAG_LENGTH);
}

/** The mapping as CSV (RFC 4180), the file an admin edits. */
export function mappingToCsv(rows: readonly MapRow[]): string {
  const cell = (value: string | number) => {
    const s = String(value);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [MAP_HEADER.join(","), ...rows.map((r) => [r.kind, r.efictionId, r.efictionName, r.ao3Type, r.ao3Tag].map(cell).join(","))].join("\n") + "\n";
}

export type MappingParse = { ok: true; rows: MapRow[] } | { ok: false; line: number; message: string };

/**
 * Reads an edited mapping. Every row must name an item the archive has (kind and id; the name
 * column is for the reader and not checked) and a tag of a known type; ratings and warnings must
 * be AO3's own. Items the file leaves out keep their default rows.
 */
export function parseMappingCsv(text: string, archive: EfictionArchive): MappingParse {
  const records = parseCsv(text.replace(/^\uFEFF/, ""));
  if (!records.ok) return records;
  const [header, ...body] = records.rows;
  if (!header || header.cells.map((c) => c.trim().toLowerCase()).join(",") !== MAP_HEADER.join(",")) {
    return { ok: false, line: 1, message: `the first line must be the header "${MAP_HEADER.join(",")}"` };
  }
  const known: Record<MapKind, Set<number>> = {
    rating: new Set(archive.ratings.map((r) => r.rid)),
    class: new Set(archive.classes.map((c) => c.classId)),
    category: new Set(archive.categories.map((c) => c.catid)),
    character: new Set(archive.characters.map((c) => c.charid)),
  };
  const rows: MapRow[] = [];
  for (const { cells, line } of body) {
    if (cells.every((c) => !c.trim())) continue;
    if (cells.length !== MAP_HEADER.length) return { ok: false, line, message: `expected ${MAP_HEADER.length} columns (${MAP_HEADER.join(",")}), found ${cells.length}` };
    const [kind, id, name, type, tag] = cells.map((c) => c.trim()) as [string, string, string, string, string];
    if (!MAP_KINDS.includes(kind as MapKind)) return { ok: false, line, message: `kind "${kind}" is not one of ${MAP_KINDS.join(", ")}` };
    const efictionId = Number(id);
    if (!/^\d+$/.test(id) || !known[kind as MapKind].has(efictionId)) return { ok: false, line, message: `the archive has no ${kind} with id ${id}` };
    if (!AO3_TYPES.includes(type as Ao3Type)) return { ok: false, line, message: `ao3_type "${type}" is not one of ${AO3_TYPES.join(", ")}` };
    const fixed = type === "Rating" ? RATINGS : type === "ArchiveWarning" ? WARNINGS : type === "Category" ? CATEGORIES : null;
    let ao3Tag = tag;
    if (fixed) {
      const match = fixed.find((f) => f.name.toLowerCase() === tag.toLowerCase());
      if (!match) return { ok: false, line, message: `"${tag}" is not an AO3 ${type === "ArchiveWarning" ? "archive warning" : type.toLowerCase()}; expected one of: ${fixed.map((f) => f.name).join(", ")}` };
      ao3Tag = match.name;
    } else if (type !== "none") {
      if (!tag) return { ok: false, line, message: "ao3_tag is empty (use ao3_type none to drop an item)" };
      if (tag.includes(",")) return { ok: false, line, message: `"${tag}": a tag name cannot hold a comma` };
      if (tag.length > MAX_TAG_LENGTH) return { ok: false, line, message: `"${tag.slice(0, 40)}…" is longer than ${MAX_TAG_LENGTH} characters` };
    }
    rows.push({ kind: kind as MapKind, efictionId, efictionName: name, ao3Type: type as Ao3Type, ao3Tag });
  }
  return { ok: true, rows };
}

/** The mapping in force: the file's rows for the items it names, the default rows for the rest. */
export function mappingInForce(archive: EfictionArchive, given: readonly MapRow[] | null): MapRow[] {
  const defaults = defaultMapping(archive);
  if (!given) return defaults;
  const named = new Set(given.map((r) => `${r.kind}:${r.efictionId}`));
  return [...given, ...defaults.filter((r) => !named.has(`${r.kind}:${r.efictionId}`))];
}

/** A story's tags, in the ImportedWork's own fields. */
export interface StoryTags extends Pick<ImportedWork, "rating" | "warnings" | "categories" | "fandoms" | "relationships" | "characters" | "freeforms"> {
  /** Ids the story names that the archive does not define (a deleted class or character). */
  unknown: string[];
}

/** The tags one story gets under a mapping. */
export function tagsOfStory(story: EfictionStory, index: MappingIndex): StoryTags {
  const tags: StoryTags = { rating: null, warnings: [], categories: [], fandoms: [], relationships: [], characters: [], freeforms: [], unknown: [] };
  const add = (kind: MapKind, id: number) => {
    const rows = index.get(`${kind}:${id}`);
    if (!rows) {
      tags.unknown.push(`${kind} ${id}`);
      return;
    }
    for (const row of rows) {
      const list =
        row.ao3Type === "ArchiveWarning" ? tags.warnings
        : row.ao3Type === "Category" ? tags.categories
        : row.ao3Type === "Fandom" ? tags.fandoms
        : row.ao3Type === "Relationship" ? tags.relationships
        : row.ao3Type === "Character" ? tags.characters
        : row.ao3Type === "Freeform" ? tags.freeforms
        : null;
      if (row.ao3Type === "Rating") tags.rating = strongerRating(tags.rating, row.ao3Tag);
      else if (list && !list.some((t) => t.toLowerCase() === row.ao3Tag.toLowerCase())) list.push(row.ao3Tag);
    }
  };
  if (story.rid !== null) add("rating", story.rid);
  for (const id of story.classIds) add("class", id);
  for (const id of story.catids) add("category", id);
  for (const id of story.charids) add("character", id);
  // "No Archive Warnings Apply" says no other warning does: it goes when another is there.
  if (tags.warnings.length > 1) tags.warnings = tags.warnings.filter((w) => w !== "No Archive Warnings Apply");
  if (tags.warnings.length === 0) tags.warnings = [DEFAULT_WARNING];
  return tags;
}

/** Of two ratings, the one for the older audience (a story has one). */
function strongerRating(a: string | null, b: string): string {
  if (a === null) return b;
  const order = ["General Audiences", "Teen And Up Audiences", "Mature", "Explicit", "Not Rated"];
  return order.indexOf(b) > order.indexOf(a) ? b : a;
}

export type MappingIndex = Map<string, MapRow[]>;

export function indexMapping(rows: readonly MapRow[]): MappingIndex {
  const index: MappingIndex = new Map();
  for (const row of rows) {
    const key = `${row.kind}:${row.efictionId}`;
    index.set(key, [...(index.get(key) ?? []), row]);
  }
  return index;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Each record keeps its first line. */
function parseCsv(text: string): { ok: true; rows: { cells: string[]; line: number }[] } | { ok: false; line: number; message: string } {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      rows.push({ cells, line: recordLine });
      cells = [];
      cell = "";
      line++;
      recordLine = line;
    } else cell += c;
    i++;
  }
  if (quoted) return { ok: false, line: recordLine, message: "a quoted field is not closed" };
  if (cell !== "" || cells.length) {
    cells.push(cell);
    rows.push({ cells, line: recordLine });
  }
  return { ok: true, rows };
}

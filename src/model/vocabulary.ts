import { t } from "../platform/i18n/index.js";
/** Tag types in the order a work shows them. */
export const TAG_TYPES = ["Rating", "ArchiveWarning", "Category", "Fandom", "Relationship", "Character", "Freeform"] as const;
export type TagType = (typeof TAG_TYPES)[number];

/** The types a creator types in freely; at most MAX_USER_TAGS of them per work. */
export const USER_TAG_TYPES = ["Fandom", "Relationship", "Character", "Freeform"] as const;
export type UserTagType = (typeof USER_TAG_TYPES)[number];
export const MAX_USER_TAGS = 75;
export const MAX_TAG_LENGTH = 150;

/** Human labels per type, singular and plural, as AO3 prints them. */
export const TYPE_LABELS: Record<TagType, { one: string; many: string; css: string }> = {
  Rating: { one: "Rating", many: "Rating", css: "rating" },
  ArchiveWarning: { one: "Archive Warning", many: "Archive Warnings", css: "warning" },
  Category: { one: "Category", many: "Categories", css: "category" },
  Fandom: { one: "Fandom", many: "Fandoms", css: "fandom" },
  Relationship: { one: "Relationship", many: "Relationships", css: "relationship" },
  Character: { one: "Character", many: "Characters", css: "character" },
  Freeform: { one: "Additional Tags", many: "Additional Tags", css: "freeform" },
};

/**
 * A tag type as a page shows it, in the archive's language: "Additional Tags" for Freeform, and
 * "Media" for the type above fandoms. TYPE_LABELS stays English, because it also names tags
 * (a "Name - Character" tag made to avoid a clash) and the command line's output.
 */
export function tagTypeLabel(type: string, plural = false): string {
  switch (type) {
    case "Rating": return t("tags.type.rating");
    case "ArchiveWarning": return plural ? t("tags.type.warnings") : t("tags.type.warning");
    case "Category": return plural ? t("tags.type.categories") : t("tags.type.category");
    case "Fandom": return plural ? t("tags.type.fandoms") : t("tags.type.fandom");
    case "Relationship": return plural ? t("tags.type.relationships") : t("tags.type.relationship");
    case "Character": return plural ? t("tags.type.characters") : t("tags.type.character");
    case "Freeform": return t("tags.type.freeforms");
    case "Media": return t("tags.type.media");
    default: return type;
  }
}

export interface FixedTag {
  name: string;
  /** The CSS class of its symbol in a blurb's required-tags square. */
  symbol: string;
  /** A short mark drawn inside the square, so the symbol does not rely on colour alone. */
  mark: string;
}

export const RATINGS: FixedTag[] = [
  { name: "Not Rated", symbol: "rating-notrated", mark: "?" },
  { name: "General Audiences", symbol: "rating-general-audience", mark: "G" },
  { name: "Teen And Up Audiences", symbol: "rating-teen", mark: "T" },
  { name: "Mature", symbol: "rating-mature", mark: "M" },
  { name: "Explicit", symbol: "rating-explicit", mark: "E" },
];
/** Ratings behind the adult-content notice (AO3 treats Not Rated as possibly adult too). */
export const ADULT_RATINGS = new Set(["Not Rated", "Mature", "Explicit"]);

export const WARNINGS: FixedTag[] = [
  { name: "Creator Chose Not To Use Archive Warnings", symbol: "warning-choosenotto", mark: "?" },
  { name: "No Archive Warnings Apply", symbol: "warning-no", mark: "·" },
  { name: "Graphic Depictions Of Violence", symbol: "warning-yes", mark: "!" },
  { name: "Major Character Death", symbol: "warning-yes", mark: "!" },
  { name: "Rape/Non-Con", symbol: "warning-yes", mark: "!" },
  { name: "Underage Sex", symbol: "warning-yes", mark: "!" },
];

export const CATEGORIES: FixedTag[] = [
  { name: "Gen", symbol: "category-gen", mark: "G" },
  { name: "F/M", symbol: "category-het", mark: "FM" },
  { name: "M/M", symbol: "category-slash", mark: "MM" },
  { name: "F/F", symbol: "category-femslash", mark: "FF" },
  { name: "Multi", symbol: "category-multi", mark: "+" },
  { name: "Other", symbol: "category-other", mark: "O" },
];

export const DEFAULT_FANDOM = "No Fandom";
export const DEFAULT_RATING = "Not Rated";
export const DEFAULT_WARNING = "Creator Chose Not To Use Archive Warnings";

// Tag names cannot hold these (AO3's list); commas separate tags in a field.
/** The characters a tag name cannot hold, for other descriptions of the rule (the API's schema). */
export const TAG_FORBIDDEN_CHARS = ",，、*<>^{}=`\\%";
const FORBIDDEN = /[,，、*<>^{}=`\\%]/u;

/** Problems with one tag name, or [] when it is fine. */
export function tagNameProblem(name: string): { kind: "length" | "chars"; detail: string } | null {
  if (name.length > MAX_TAG_LENGTH) return { kind: "length", detail: String(MAX_TAG_LENGTH) };
  const bad = name.match(FORBIDDEN);
  if (bad) return { kind: "chars", detail: bad[0] };
  return null;
}

/** Splits a comma-separated tag field into trimmed, de-duplicated names (case-insensitively). */
export function splitTagField(value: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const raw of value.split(",")) {
    const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
    const key = tagKey(name);
    if (name && !seen.has(key)) {
      seen.add(key);
      names.push(name);
    }
  }
  return names;
}

/** The key under which tag names are one tag: case and Unicode form do not make a new tag. */
export function tagKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

// AO3 escapes the characters that would break a path segment or a query in tag URLs.
const ESCAPES: [string, string][] = [
  ["/", "*s*"],
  ["&", "*a*"],
  [".", "*d*"],
  ["?", "*q*"],
  ["#", "*h*"],
];

/** A tag name as it appears in `/tags/NAME` (then percent-encoded). */
export function tagToParam(name: string): string {
  let out = name;
  for (const [from, to] of ESCAPES) out = out.split(from).join(to);
  return out;
}

/** The tag name behind a `/tags/NAME` segment (already percent-decoded). */
export function tagFromParam(param: string): string {
  let out = param;
  for (const [from, to] of ESCAPES) out = out.split(to).join(from);
  return out;
}

/** The path of a tag's page. */
export function tagPath(name: string): string {
  return `/tags/${encodeURIComponent(tagToParam(name))}`;
}

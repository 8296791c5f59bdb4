import type { Db } from "../platform/db/index.js";
import { todayIso } from "../platform/db/index.js";
import { type HtmlField, sanitizeUserHtml } from "../platform/html/sanitize.js";
import { CATEGORIES, DEFAULT_FANDOM, DEFAULT_RATING, DEFAULT_WARNING, RATINGS, WARNINGS } from "../model/vocabulary.js";
import { findLanguage, languageFromLabel } from "../model/languages.js";
import { lookUpPseud } from "../model/pseud-names.js";
import { pseudRefs } from "../model/users.js";
import { membershipsOfWork, seriesOwnedBy } from "../model/series.js";
import { type ChapterInput, createWork, parseChapter, parseWork, type SeriesJoin, TAG_FIELD_NAMES, type WorkFormValues, type WorkInput } from "../works/index.js";
import { type GiftRecipient, resolveGiftRecipients } from "../gifts/index.js";
import { SERIES_LIMITS } from "../series/index.js";

/**
 * A work as an import source describes it, before it is stored: the one shape every importer
 * (work-text files, AO3 downloads in HTML and EPUB, FanFicFare e-books, eFiction stories) produces,
 * and the one function that stores it (`saveImportedWork`, beside this type), so that what an
 * import keeps is decided in one place.
 *
 * Names, not ids: a file names its creators, series and gift recipients as text; saving resolves
 * them (a co-creator or recipient that is a pseud here is linked, otherwise kept as a name).
 * HTML fields are as the source gave them; saving passes them through the one sanitizer.
 */
export interface ImportedWork {
  title: string;
  /** Rating, warnings and categories by their archive names ("Teen And Up Audiences", "F/M"). */
  rating: string | null;
  warnings: string[];
  categories: string[];
  fandoms: string[];
  relationships: string[];
  characters: string[];
  freeforms: string[];
  /** A language name or code as the source wrote it ("English", "en"); null: not given. */
  language: string | null;
  summary: string;
  notes: string;
  endnotes: string;
  /** YYYY-MM-DD; null: not given. */
  publishedOn: string | null;
  /** "Date Updated" / "Completed", YYYY-MM-DD; null: not given. */
  revisedOn: string | null;
  /** Null: "?" (the creator does not know yet). */
  expectedChapters: number | null;
  /** Registered users only (AO3's "restricted"); null: not given (public). */
  restricted: boolean | null;
  /** "all" | "registered" | "none"; null: not given. */
  commentPermission: "all" | "registered" | "none" | null;
  /** Creator names in byline order (pseud names, or "Pseud (login)" as AO3 writes them). */
  creators: string[];
  /** Series this work is part of, with its part number when the source says. */
  series: { title: string; part: number | null }[];
  /** Names the work is a gift for. */
  giftsFor: string[];
  /** Where the work was first published (AO3 work URL, old archive URL); null: not known. */
  originalUrl: string | null;
  chapters: ImportedChapter[];
}

export interface ImportedChapter {
  title: string;
  summary: string;
  notes: string;
  endnotes: string;
  /** The chapter's text as HTML. */
  content: string;
  /** YYYY-MM-DD; null: the work's date. */
  publishedOn: string | null;
}

/** What an import could not carry over, to tell the user (on stderr, in a report). */
export interface ImportLoss {
  /** Where: a file line, a header label, a table and row. */
  where: string;
  message: string;
  /** The ImportedWork field it concerns (`creators`, `chapters[1].publishedOn`), when saving found it: an importer maps it to its own line or label. */
  field?: string;
}

// ---- Saving an imported work ----------------------------------------------------------------

/** How to save: whose work it is, posted or draft, and the file's own header lines (work-text). */
export interface SaveImportOptions {
  /** The importing user's pseud(s), credited first, in this order. */
  pseudIds: number[];
  /** Save as a draft instead of posting. */
  draft: boolean;
  /** Header lines of a work-text file, kept so the work's export gives them back unchanged. */
  importHeaders?: { label: string; value: string }[];
}

/** A value the posting form would refuse: the ImportedWork field (`rating`, `chapters[2].content`) and why. */
export interface ImportRefusal {
  ok: false;
  field: string;
  message: string;
}

/** The checked work, ready for createWork, and the archive's defaults it needed ("Rating: Not Rated"). */
export type ImportCheck = { ok: true; input: WorkInput; chapters: ChapterInput[]; defaults: string[] } | ImportRefusal;

export type SavedImport =
  | { ok: true; workId: number; chapterIds: number[]; losses: ImportLoss[]; defaults: string[]; held: boolean }
  | ImportRefusal;

// Which posting-form field is which ImportedWork field, so a refusal names what the source gave.
const FORM_FIELDS: Record<string, keyof ImportedWork> = {
  "work[title]": "title",
  "work[pseud_ids][]": "creators",
  "work[rating]": "rating",
  "work[warnings][]": "warnings",
  "work[categories][]": "categories",
  [TAG_FIELD_NAMES.Fandom]: "fandoms",
  [TAG_FIELD_NAMES.Relationship]: "relationships",
  [TAG_FIELD_NAMES.Character]: "characters",
  [TAG_FIELD_NAMES.Freeform]: "freeforms",
  "work[language]": "language",
  "work[summary]": "summary",
  "work[notes]": "notes",
  "work[endnotes]": "endnotes",
  "work[comment_permission]": "commentPermission",
  "work[expected_chapters]": "expectedChapters",
  "work[published_on]": "publishedOn",
};

// A source may say "Choose Not To Use Archive Warnings", as AO3 stores the tag.
const WARNING_ALIASES: Record<string, string> = { "choose not to use archive warnings": DEFAULT_WARNING };

function matchFixed(names: string[], value: string): string | undefined {
  const key = value.trim().toLowerCase();
  return names.find((n) => n.toLowerCase() === key) ?? WARNING_ALIASES[key];
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/**
 * Checks an imported work through the posting form's own validation (parseWork, parseChapter),
 * with the archive's defaults for what the source left out. Touches no database, so a batch can
 * check every file before saving any. HTML fields are kept as the source gave them and only pass
 * the sanitizer (an importer whose source is loose text runs `cleanHtml` itself first), so a
 * work-text file's exact paragraphs survive.
 */
export function checkImportedWork(imported: ImportedWork, options: Pick<SaveImportOptions, "pseudIds">): ImportCheck {
  const defaults: string[] = [];
  const fixed = (label: string, field: keyof ImportedWork, list: { name: string }[], given: string[], fallback: string | null): { ok: true; names: string[] } | ImportRefusal => {
    if (given.length === 0) {
      if (fallback) defaults.push(`${label}: ${fallback}`);
      return { ok: true, names: fallback ? [fallback] : [] };
    }
    const names: string[] = [];
    for (const value of given) {
      const name = matchFixed(list.map((e) => e.name), value);
      if (!name) return { ok: false, field, message: `"${value}" is not a known ${label}; expected one of: ${list.map((e) => e.name).join(", ")}` };
      names.push(name);
    }
    return { ok: true, names };
  };
  const rating = fixed("Rating", "rating", RATINGS, imported.rating ? [imported.rating] : [], DEFAULT_RATING);
  if (!rating.ok) return rating;
  const warnings = fixed("Archive Warning", "warnings", WARNINGS, imported.warnings, DEFAULT_WARNING);
  if (!warnings.ok) return warnings;
  const categories = fixed("Category", "categories", CATEGORIES, imported.categories, null);
  if (!categories.ok) return categories;
  if (imported.fandoms.length === 0) defaults.push(`Fandom: ${DEFAULT_FANDOM}`);
  const language = imported.language ? languageFromLabel(imported.language) : findLanguage("en");
  if (!language) return { ok: false, field: "language", message: `"${imported.language}" is not a language this archive knows; expected a name such as English or a code such as en.` };
  if (!imported.language) defaults.push("Language: English");
  if (imported.chapters.length === 0) return { ok: false, field: "chapters", message: "A work needs at least one chapter." };

  // Tag lists go through the form's own field, so they are read as the form reads them: a comma
  // inside a name separates two tags there too (no archive allows one in a tag name).
  const form: WorkFormValues = {
    title: imported.title,
    pseudIds: options.pseudIds.map(String),
    rating: rating.names[0]!,
    warnings: warnings.names,
    categories: categories.names,
    tags: {
      Fandom: (imported.fandoms.length ? imported.fandoms : [DEFAULT_FANDOM]).join(", "),
      Relationship: imported.relationships.join(", "),
      Character: imported.characters.join(", "),
      Freeform: imported.freeforms.join(", "),
    },
    language: language.code,
    summary: imported.summary,
    notes: imported.notes,
    endnotes: imported.endnotes,
    restricted: imported.restricted ?? false,
    // The posting form's default.
    commentPermission: imported.commentPermission ?? "registered",
    expectedChapters: imported.expectedChapters === null ? "?" : String(imported.expectedChapters),
    backdate: imported.publishedOn !== null,
    publishedOn: imported.publishedOn ?? "",
  };
  const checked = parseWork(form, { ownPseudIds: options.pseudIds, isAdmin: false, chapterCount: imported.chapters.length, today: todayIso() });
  if (!checked.ok) {
    const [name, messages] = Object.entries(checked.errors)[0]!;
    return { ok: false, field: FORM_FIELDS[name] ?? name, message: messages.join(" ") };
  }
  const chapters: ChapterInput[] = [];
  for (const [i, chapter] of imported.chapters.entries()) {
    const check = parseChapter({ title: chapter.title, summary: chapter.summary, notes: chapter.notes, endnotes: chapter.endnotes, content: chapter.content });
    if (!check.ok) {
      const [name, messages] = Object.entries(check.errors)[0]!;
      const field = /^chapter\[(\w+)\]$/.exec(name)?.[1] ?? name;
      return { ok: false, field: `chapters[${i}].${field}`, message: `Chapter ${i + 1}: ${messages.join(" ")}` };
    }
    chapters.push({
      title: check.value.title,
      summary: sanitizeOrEmpty(chapter.summary, "summary"),
      notes: sanitizeOrEmpty(chapter.notes, "notes"),
      endnotes: sanitizeOrEmpty(chapter.endnotes, "endnotes"),
      content: sanitizeUserHtml(chapter.content, "content"),
    });
  }
  const input: WorkInput = {
    ...checked.value,
    summary: sanitizeOrEmpty(imported.summary, "summary"),
    notes: sanitizeOrEmpty(imported.notes, "notes"),
    endnotes: sanitizeOrEmpty(imported.endnotes, "endnotes"),
  };
  return { ok: true, input, chapters, defaults };
}

function sanitizeOrEmpty(html: string, field: HtmlField): string {
  return html.trim() ? sanitizeUserHtml(html, field) : "";
}

/**
 * Stores an imported work with everything the ImportedWork holds, through the posting command
 * (createWork: one transaction for the work, its chapters and dates, tags, creators, series and
 * gifts). What it cannot apply is returned as losses, never silently dropped:
 *
 * - Creators: the importing user's pseuds come first. Every other name that is a pseud here is
 *   credited as a co-creator at once, not invited: an import is the archive operator's act (the
 *   `fanfold` command, an archive being brought over), restoring a byline that already existed.
 *   A web upload by an ordinary user must not reach this function with other people's names.
 *   A name that is no pseud here (or several users') is a loss.
 * - Gifts: through the gifts capability's own rules (resolveGiftRecipients, one name at a time):
 *   a pseud here is linked, any other name is kept as a name-only gift; a name it refuses (a
 *   creator of the work, a user who blocked a creator) is a loss.
 * - Series: found by title (case aside) among the series of the users credited on the work, else
 *   created for the importer's pseuds; the work goes in at its part number when the series has
 *   room for it there, otherwise at the end (a loss says where it went).
 * - Dates: the work's published date backdates it; each chapter keeps its own date; "revised"
 *   is the source's, else the latest chapter date. A date that is not a real date is a loss.
 * - The original URL is kept when it is an http(s) address.
 */
export async function saveImportedWork(db: Db, imported: ImportedWork, options: SaveImportOptions): Promise<SavedImport> {
  const losses: ImportLoss[] = [];
  const lose = (field: string, where: string, message: string) => losses.push({ where, message, field });

  // Dates first: a chapter's date may stand in for the work's.
  const chapterDates = imported.chapters.map((chapter, i) => {
    if (chapter.publishedOn === null) return null;
    if (isDate(chapter.publishedOn) && chapter.publishedOn <= todayIso()) return chapter.publishedOn;
    lose(`chapters[${i}].publishedOn`, `chapter ${i + 1} date`, `"${chapter.publishedOn}" is not a past date (YYYY-MM-DD); the chapter takes the work's date.`);
    return null;
  });
  const publishedOn = imported.publishedOn ?? chapterDates[0] ?? null;
  const checked = checkImportedWork({ ...imported, publishedOn }, options);
  if (!checked.ok) return checked;
  const work = checked.input;
  const workDate = work.publishedOn ?? todayIso();

  let revisedOn: string | undefined;
  if (imported.revisedOn !== null && !isDate(imported.revisedOn)) lose("revisedOn", "revised date", `"${imported.revisedOn}" is not a date (YYYY-MM-DD); not applied.`);
  else if (imported.revisedOn !== null) revisedOn = imported.revisedOn;
  else {
    const latest = chapterDates.reduce<string | null>((max, d) => (d !== null && (max === null || d > max) ? d : max), null);
    if (latest !== null && latest > workDate) revisedOn = latest;
  }

  let originalUrl: string | null = null;
  if (imported.originalUrl !== null) {
    if (/^https?:\/\/[^\s]+$/i.test(imported.originalUrl.trim())) originalUrl = imported.originalUrl.trim();
    else lose("originalUrl", "original URL", `"${imported.originalUrl}" is not an http(s) address; not kept.`);
  }

  // Creators: the importer's pseuds, then every other name that is a pseud here.
  const importer = await pseudRefs(db, options.pseudIds);
  const importerUserIds = [...new Set([...importer.values()].map((p) => p.userId))];
  const writerUserId = importer.get(options.pseudIds[0]!)?.userId;
  if (writerUserId === undefined) return { ok: false, field: "creators", message: "The importing pseud does not exist." };
  const pseudIds = [...options.pseudIds];
  const creatorUserIds = [...importerUserIds];
  for (const name of imported.creators) {
    if (!name.trim()) continue;
    const found = await lookUpPseud(db, name);
    if (found.kind === "found") {
      if (!pseudIds.includes(found.pseud.id)) pseudIds.push(found.pseud.id);
      if (!creatorUserIds.includes(found.pseud.userId)) creatorUserIds.push(found.pseud.userId);
    } else if (![...importer.values()].some((p) => p.name.toLowerCase() === name.trim().toLowerCase())) {
      const why = found.kind === "ambiguous" ? "several users here have a pseud of that name" : "no pseud here has that name";
      lose("creators", `creator "${name}"`, `not credited: ${why}.`);
    }
  }

  // Gifts, one name at a time so that one refused name does not cost the others.
  const gifts: GiftRecipient[] = [];
  const giftKeys = new Set<string>();
  for (const name of imported.giftsFor) {
    if (!name.trim()) continue;
    const checkedGift = await resolveGiftRecipients(db, name.replace(/[,，、]/gu, " "), { writerUserId, creatorUserIds, workId: null });
    if (!checkedGift.ok) {
      lose("giftsFor", `gift for "${name}"`, `not given: ${checkedGift.errors.join(" ")}`);
      continue;
    }
    for (const recipient of checkedGift.value) {
      const key = recipient.kind === "pseud" ? `p:${recipient.pseudId}` : `n:${recipient.name.toLowerCase()}`;
      if (!giftKeys.has(key)) gifts.push(recipient);
      giftKeys.add(key);
    }
  }

  // Series: the credited users' own series by title, else a new one.
  const owned = (await Promise.all(creatorUserIds.map((id) => seriesOwnedBy(db, id)))).flat();
  const joins: SeriesJoin[] = [];
  const wanted: { title: string; part: number | null; seriesId: number | null }[] = [];
  for (const { title, part } of imported.series) {
    const name = title.replace(/\s+/g, " ").trim();
    if (!name) continue;
    if (name.length > SERIES_LIMITS.title) {
      lose("series", `series "${name.slice(0, 40)}…"`, `not joined: a series title is at most ${SERIES_LIMITS.title} characters.`);
      continue;
    }
    const existing = owned.filter((s) => s.title.toLowerCase() === name.toLowerCase()).sort((a, b) => a.id - b.id)[0];
    if (existing && joins.some((j) => j.choice.kind === "existing" && j.choice.seriesId === existing.id)) continue;
    joins.push({ choice: existing ? { kind: "existing", seriesId: existing.id, position: part } : { kind: "new", title: name }, creatorPseudIds: options.pseudIds });
    wanted.push({ title: name, part, seriesId: existing?.id ?? null });
  }

  const saved = await createWork(
    db,
    { ...work, pseudIds, associations: gifts.length ? { invite: { pseudIds: [], byUserId: writerUserId }, cancelInvitationIds: [], gifts } : undefined },
    checked.chapters,
    { draft: options.draft, importHeaders: options.importHeaders, revisedOn, chapterDates, originalUrl, series: joins },
  );

  // Where the work went in each series, against the part the source gave.
  const memberships = await membershipsOfWork(db, saved.workId);
  for (const want of wanted) {
    if (want.part === null) continue;
    const place = memberships.find((m) => (want.seriesId === null ? m.title === want.title : m.seriesId === want.seriesId));
    if (place && place.position !== want.part) {
      lose("series", `series "${want.title}"`, `placed as part ${place.position}, not part ${want.part}: the series has no part ${want.part - 1} here.`);
    }
  }
  return { ok: true, workId: saved.workId, chapterIds: saved.chapterIds, losses, defaults: checked.defaults, held: saved.held };
}

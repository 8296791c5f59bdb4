import type { Db } from "../platform/db/index.js";
import { todayIso } from "../platform/db/index.js";
import { sanitizeUserHtml } from "../platform/html/sanitize.js";
import { formatNumber } from "../platform/i18n/index.js";
import { CATEGORIES, DEFAULT_FANDOM, DEFAULT_RATING, DEFAULT_WARNING, RATINGS, WARNINGS } from "../model/vocabulary.js";
import { createWork, type ChapterInput, parseChapter, parseWork, TAG_FIELD_NAMES, type WorkFormValues } from "../works/index.js";
import { seriesPlacesForDownload } from "../model/series.js";
import { findLanguage, languageFromLabel } from "../model/languages.js";
import { chaptersOf, chaptersShown, findWork, tagsOfWork } from "../model/works.js";
import { type HeaderLabel, HEADER_LABELS, parseWorkText, serializeWorkText, splitHeaderList, type WorkText, type WorkTextHeader } from "../formats/work-text.js";

/**
 * The work-text format mapped onto the archive: importing a parsed file as a work (through the
 * same validation and command as the posting form) and exporting a stored work.
 */

export type ImportResult =
  | { ok: true; workId: number; defaults: string[]; warnings: string[] }
  | { ok: false; line: number; message: string };

export type PreparedImport =
  | { ok: true; run: (db: Db) => Promise<number>; defaults: string[]; warnings: string[] }
  | { ok: false; line: number; message: string };

// Which header fills which form field, so a validation message can name the file's line.
const FIELD_LABELS: Record<string, HeaderLabel> = {
  "work[rating]": "Rating",
  "work[warnings][]": "Archive Warning",
  "work[categories][]": "Category",
  [TAG_FIELD_NAMES.Fandom]: "Fandom",
  [TAG_FIELD_NAMES.Relationship]: "Relationship",
  [TAG_FIELD_NAMES.Character]: "Character",
  [TAG_FIELD_NAMES.Freeform]: "Additional Tags",
  "work[language]": "Language",
  "work[published_on]": "Published",
  "work[expected_chapters]": "Chapters",
};

// The file may say "Choose Not To Use Archive Warnings", as AO3 stores the tag.
const WARNING_ALIASES: Record<string, string> = { "choose not to use archive warnings": DEFAULT_WARNING };

function matchFixed(names: string[], value: string): string | undefined {
  const key = value.trim().toLowerCase();
  return names.find((n) => n.toLowerCase() === key) ?? WARNING_ALIASES[key];
}

/**
 * Parses and validates a work-text file for a creator's pseud. Nothing touches the database
 * until `run` is called, so a batch can check every file before importing any.
 */
export function prepareImport(text: string, pseudId: number, options: { draft: boolean }): PreparedImport {
  const parsed = parseWorkText(text);
  if (!parsed.ok) return { ok: false, line: parsed.error.line, message: `${parsed.error.message} (expected ${parsed.error.expected})` };
  const { work, headerLines } = parsed;
  const lineOf = (label: HeaderLabel) => headerLines[work.headers.findIndex((h) => h.label === label)] ?? 1;
  const values = (label: HeaderLabel) => work.headers.filter((h) => h.label === label).flatMap((h) => splitHeaderList(h.value));
  const defaults: string[] = [];

  const fixed = (label: HeaderLabel, list: { name: string }[], fallback: string | null): { ok: true; names: string[] } | { ok: false; line: number; message: string } => {
    const given = values(label);
    if (given.length === 0) {
      if (fallback) defaults.push(`${label}: ${fallback}`);
      return { ok: true, names: fallback ? [fallback] : [] };
    }
    const names: string[] = [];
    for (const value of given) {
      const name = matchFixed(list.map((e) => e.name), value);
      if (!name) return { ok: false, line: lineOf(label), message: `"${value}" is not a known ${label}; expected one of: ${list.map((e) => e.name).join(", ")}` };
      names.push(name);
    }
    return { ok: true, names };
  };
  const rating = fixed("Rating", RATINGS, DEFAULT_RATING);
  if (!rating.ok) return rating;
  if (rating.names.length !== 1) return { ok: false, line: lineOf("Rating"), message: "A work has exactly one rating." };
  const warnings = fixed("Archive Warning", WARNINGS, DEFAULT_WARNING);
  if (!warnings.ok) return warnings;
  const categories = fixed("Category", CATEGORIES, null);
  if (!categories.ok) return categories;

  const fandoms = values("Fandom");
  if (fandoms.length === 0) defaults.push(`Fandom: ${DEFAULT_FANDOM}`);
  const languageLabel = values("Language")[0];
  const language = languageLabel ? languageFromLabel(languageLabel) : findLanguage("en");
  if (!language) return { ok: false, line: lineOf("Language"), message: `"${languageLabel}" is not a language this archive knows; expected a name such as English or a code such as en.` };
  if (!languageLabel) defaults.push("Language: English");

  const chaptersHeader = work.headers.find((h) => h.label === "Chapters")?.value;
  const expected = chaptersHeader ? chaptersHeader.split("/")[1]! : String(work.chapters.length);
  const published = work.headers.find((h) => h.label === "Published")?.value;

  const form: WorkFormValues = {
    title: work.title,
    pseudIds: [String(pseudId)],
    rating: rating.names[0]!,
    warnings: warnings.names,
    categories: categories.names,
    tags: {
      Fandom: (fandoms.length ? fandoms : [DEFAULT_FANDOM]).join(", "),
      Relationship: values("Relationship").join(", "),
      Character: values("Character").join(", "),
      Freeform: values("Additional Tags").join(", "),
    },
    language: language.code,
    // Lengths are checked on the text; the stored HTML comes from the format's own paragraph rules below.
    summary: work.summary ?? "",
    notes: work.notes ?? "",
    endnotes: work.endNotes ?? "",
    restricted: false,
    commentPermission: "registered",
    expectedChapters: expected,
    backdate: Boolean(published),
    publishedOn: published ?? "",
  };
  const checked = parseWork(form, { ownPseudIds: [pseudId], isAdmin: false, chapterCount: work.chapters.length, today: todayIso() });
  if (!checked.ok) {
    const [name, messages] = Object.entries(checked.errors)[0]!;
    return { ok: false, line: FIELD_LABELS[name] ? lineOf(FIELD_LABELS[name]) : 3, message: messages.join(" ") };
  }
  const chapterInputs: ChapterInput[] = [];
  for (const [i, chapter] of work.chapters.entries()) {
    const check = parseChapter({ title: chapter.title ?? "", summary: "", notes: "", endnotes: "", content: chapter.html });
    if (!check.ok) return { ok: false, line: 1, message: `Chapter ${i + 1}: ${Object.values(check.errors).flat().join(" ")}` };
    // The format's paragraphs are exact (spacers, line breaks); only the sanitizer runs over them.
    chapterInputs.push({ ...check.value, content: sanitizeUserHtml(chapter.html, "content") });
  }
  const input = {
    ...checked.value,
    summary: work.summary ? sanitizeUserHtml(work.summary, "summary") : "",
    notes: work.notes ? sanitizeUserHtml(work.notes, "notes") : "",
    endnotes: work.endNotes ? sanitizeUserHtml(work.endNotes, "endnotes") : "",
  };
  const importHeaders = work.headers.map((h) => ({ label: h.label, value: h.value }));
  const revisedOn = work.headers.find((h) => h.label === "Completed" || h.label === "Updated")?.value;
  return {
    ok: true,
    defaults,
    warnings: parsed.warnings,
    run: async (db) => (await createWork(db, input, chapterInputs, { draft: options.draft, importHeaders, revisedOn })).workId,
  };
}

/** Imports one work-text file as a work; all or nothing. */
export async function importWorkText(db: Db, text: string, pseudId: number, options: { draft: boolean }): Promise<ImportResult> {
  const prepared = prepareImport(text, pseudId, options);
  if (!prepared.ok) return prepared;
  return { ok: true, workId: await prepared.run(db), defaults: prepared.defaults, warnings: prepared.warnings };
}

/** A stored work in the work-text format, or undefined when there is no such work. */
export async function exportWorkText(db: Db, workId: number): Promise<string | undefined> {
  const work = await findWork(db, workId);
  if (!work) return undefined;
  const [tags, allChapters] = await Promise.all([tagsOfWork(db, workId), chaptersOf(db, workId)]);
  const chapters = chaptersShown(work, allChapters);
  const names = (type: string) => tags.filter((t) => t.type === type).map((t) => t.name);
  const derived: WorkTextHeader[] = [];
  const add = (label: HeaderLabel, list: string[]) => list.length && derived.push({ label, value: list.join(", ") });
  add("Rating", names("Rating"));
  add("Archive Warning", names("ArchiveWarning"));
  add("Category", names("Category"));
  add("Fandom", names("Fandom"));
  add("Relationship", names("Relationship"));
  add("Character", names("Character"));
  add("Additional Tags", names("Freeform"));
  add("Language", [findLanguage(work.language)?.name ?? work.language]);
  // One line per series: a series title may hold the list separator.
  for (const place of await seriesPlacesForDownload(db, work)) derived.push({ label: "Series", value: `Part ${place.part} of ${place.title}` });
  add("Author", [work.creators.map((c) => c.pseudName).join(", ")].filter(Boolean));
  add("Published", [work.published_on]);
  if (chapters.length > 1) add(work.complete ? "Completed" : "Updated", [work.revised_at.slice(0, 10)]);
  add("Words", [formatNumber(work.word_count)]);
  add("Chapters", [`${chapters.length}/${work.expected_chapters ?? "?"}`]);

  // A freshly imported work gives back the lines it came with; the archive adds only what was missing.
  const given: WorkTextHeader[] = work.import_headers ? JSON.parse(work.import_headers) : [];
  const givenLabels = new Set(given.map((h) => h.label));
  const statusLabels = new Set<HeaderLabel>(["Updated", "Completed"]);
  const hasStatus = given.some((h) => statusLabels.has(h.label));
  const headers = [...given, ...derived.filter((h) => !givenLabels.has(h.label) && !(hasStatus && statusLabels.has(h.label)))];
  headers.sort((a, b) => HEADER_LABELS.indexOf(a.label) - HEADER_LABELS.indexOf(b.label));

  const text: WorkText = {
    title: work.title,
    headers,
    summary: work.summary || null,
    notes: work.notes || null,
    endNotes: work.endnotes || null,
    chapters: chapters.map((c) => ({ title: c.title || null, html: c.content })),
  };
  return serializeWorkText(text);
}

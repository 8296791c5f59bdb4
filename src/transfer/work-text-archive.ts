import type { Db } from "../platform/db/index.js";
import { formatNumber } from "../platform/i18n/index.js";
import { seriesPlacesForDownload } from "../model/series.js";
import { findLanguage } from "../model/languages.js";
import { chaptersOf, chaptersShown, creatorName, findWork, tagsOfWork } from "../model/works.js";
import { giftLabel, giftsOfWork } from "../gifts/index.js";
import { COMMENT_VALUES, type HeaderLabel, HEADER_LABELS, parseWorkText, serializeWorkText, splitHeaderList, type WorkText, type WorkTextHeader } from "../formats/work-text.js";
import { checkImportedWork, type ImportedWork, saveImportedWork } from "./imported-work.js";

/**
 * The work-text format mapped onto the archive: importing a parsed file as a work (as an
 * ImportedWork, saved by saveImportedWork like every other import) and exporting a stored work
 * with everything that import reads back.
 */

export type ImportResult =
  | { ok: true; workId: number; defaults: string[]; warnings: string[] }
  | { ok: false; line: number; message: string };

export type PreparedImport =
  | { ok: true; run: (db: Db) => Promise<{ workId: number; warnings: string[] }>; defaults: string[]; warnings: string[] }
  | { ok: false; line: number; message: string };

// Which header gives which ImportedWork field, so a refusal or a loss can name the file's line.
const FIELD_LABELS: Partial<Record<keyof ImportedWork, HeaderLabel>> = {
  rating: "Rating",
  warnings: "Archive Warning",
  categories: "Category",
  fandoms: "Fandom",
  relationships: "Relationship",
  characters: "Character",
  freeforms: "Additional Tags",
  language: "Language",
  publishedOn: "Published",
  revisedOn: "Updated",
  expectedChapters: "Chapters",
  restricted: "Registered Only",
  commentPermission: "Comments",
  creators: "Author",
  series: "Series",
  giftsFor: "Gift For",
  originalUrl: "Original URL",
};

const SERIES_LINE = /^Part (\d+) of (.+)$/;

/** A parsed work-text file as the one shape every importer produces. */
function importedFromWorkText(work: WorkText): ImportedWork {
  const values = (label: HeaderLabel) => work.headers.filter((h) => h.label === label).flatMap((h) => splitHeaderList(h.value));
  const first = (label: HeaderLabel) => work.headers.find((h) => h.label === label)?.value.trim() ?? null;
  const chaptersHeader = first("Chapters");
  const planned = chaptersHeader ? chaptersHeader.split("/")[1]! : String(work.chapters.length);
  const registeredOnly = first("Registered Only");
  const comments = first("Comments");
  const chapterDates = values("Chapter Dates");
  return {
    title: work.title,
    // More than one rating is refused by the caller, with its line.
    rating: values("Rating")[0] ?? null,
    warnings: values("Archive Warning"),
    categories: values("Category"),
    fandoms: values("Fandom"),
    relationships: values("Relationship"),
    characters: values("Character"),
    freeforms: values("Additional Tags"),
    language: values("Language")[0] ?? null,
    summary: work.summary ?? "",
    notes: work.notes ?? "",
    endnotes: work.endNotes ?? "",
    publishedOn: first("Published"),
    // "Updated" comes before "Completed" in the header order: when both are given, Updated wins.
    revisedOn: work.headers.find((h) => h.label === "Completed" || h.label === "Updated")?.value ?? null,
    expectedChapters: planned === "?" ? null : Number(planned),
    restricted: registeredOnly === null ? null : registeredOnly.toLowerCase() === "yes",
    commentPermission: comments === null ? null : COMMENT_VALUES[comments.toLowerCase() as keyof typeof COMMENT_VALUES],
    creators: values("Author"),
    // One line per series: a series title may hold the list separator.
    series: work.headers.filter((h) => h.label === "Series").map((h) => {
      const [, part, title] = SERIES_LINE.exec(h.value)!;
      return { title: title!, part: Number(part) };
    }),
    giftsFor: values("Gift For"),
    originalUrl: first("Original URL"),
    chapters: work.chapters.map((chapter, i) => ({
      title: chapter.title ?? "",
      summary: chapter.summary ?? "",
      notes: chapter.notes ?? "",
      endnotes: chapter.endNotes ?? "",
      content: chapter.html,
      publishedOn: chapterDates[i] ?? null,
    })),
  };
}

/**
 * Parses and checks a work-text file for a creator's pseud. Nothing touches the database until
 * `run` is called (which saves it through saveImportedWork), so a batch can check every file
 * before importing any. Warnings name the line of each header the archive could not apply.
 */
export function prepareImport(text: string, pseudId: number, options: { draft: boolean }): PreparedImport {
  const parsed = parseWorkText(text);
  if (!parsed.ok) return { ok: false, line: parsed.error.line, message: `${parsed.error.message} (expected ${parsed.error.expected})` };
  const { work, headerLines } = parsed;
  const lineOf = (label: HeaderLabel) => headerLines[work.headers.findIndex((h) => h.label === label)] ?? 1;
  const fieldLine = (field: string) => {
    const label = FIELD_LABELS[field as keyof ImportedWork];
    if (label) return lineOf(label);
    if (/^chapters\[\d+\]\.publishedOn$/.test(field)) return lineOf("Chapter Dates");
    return field === "title" ? 3 : 1;
  };
  const imported = importedFromWorkText(work);
  if (work.headers.filter((h) => h.label === "Rating").flatMap((h) => splitHeaderList(h.value)).length > 1) {
    return { ok: false, line: lineOf("Rating"), message: "A work has exactly one rating." };
  }
  const warnings = [...parsed.warnings];
  const dates = work.headers.find((h) => h.label === "Chapter Dates");
  if (dates && splitHeaderList(dates.value).length !== work.chapters.length) {
    warnings.push(`Line ${lineOf("Chapter Dates")}: "Chapter Dates" gives ${splitHeaderList(dates.value).length} date(s) for ${work.chapters.length} chapter(s); chapters without one take the work's date.`);
  }
  const checked = checkImportedWork(imported, { pseudIds: [pseudId] });
  if (!checked.ok) return { ok: false, line: fieldLine(checked.field), message: checked.message };
  const importHeaders = work.headers.map((h) => ({ label: h.label, value: h.value }));
  return {
    ok: true,
    defaults: checked.defaults,
    warnings,
    run: async (db) => {
      const saved = await saveImportedWork(db, imported, { pseudIds: [pseudId], draft: options.draft, importHeaders });
      // Checked above without the database; only a pseud deleted meanwhile can fail here.
      if (!saved.ok) throw new Error(`${saved.field}: ${saved.message}`);
      const lossLines = saved.losses.map((loss) => {
        const field = loss.field ?? "";
        const label = FIELD_LABELS[field as keyof ImportedWork] ?? (field.startsWith("chapters[") ? "Chapter Dates" : undefined);
        const line = fieldLine(field);
        return { line, text: `Line ${line}${label ? ` (${label})` : ""}: ${loss.where} ${loss.message}` };
      });
      return { workId: saved.workId, warnings: lossLines.sort((a, b) => a.line - b.line).map((l) => l.text) };
    },
  };
}

/** Imports one work-text file as a work; all or nothing. Warnings: the file's, then what could not be applied. */
export async function importWorkText(db: Db, text: string, pseudId: number, options: { draft: boolean }): Promise<ImportResult> {
  const prepared = prepareImport(text, pseudId, options);
  if (!prepared.ok) return prepared;
  const saved = await prepared.run(db);
  return { ok: true, workId: saved.workId, defaults: prepared.defaults, warnings: [...prepared.warnings, ...saved.warnings] };
}

/** A stored work in the work-text format, or undefined when there is no such work. */
export async function exportWorkText(db: Db, workId: number): Promise<string | undefined> {
  const work = await findWork(db, workId);
  if (!work) return undefined;
  const [tags, allChapters, gifts] = await Promise.all([tagsOfWork(db, workId), chaptersOf(db, workId), giftsOfWork(db, workId)]);
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
  // Named as bylines name them ("Pseud (login)" when the two differ), which an import reads back.
  add("Author", [work.creators.map(creatorName).join(", ")].filter(Boolean));
  add("Gift For", gifts.map(giftLabel));
  add("Published", [work.published_on]);
  if (chapters.length > 1) add(work.complete ? "Completed" : "Updated", [work.revised_at.slice(0, 10)]);
  add("Words", [formatNumber(work.word_count)]);
  add("Chapters", [`${chapters.length}/${work.expected_chapters ?? "?"}`]);
  // Only when some chapter has a date of its own: otherwise every chapter has the work's.
  if (chapters.some((c) => c.published_on !== work.published_on)) add("Chapter Dates", chapters.map((c) => c.published_on));
  if (work.restricted) add("Registered Only", ["yes"]);
  const comments = Object.entries(COMMENT_VALUES).find(([, permission]) => permission === work.comment_permission);
  if (comments) add("Comments", [comments[0]]);
  if (work.original_url) add("Original URL", [work.original_url]);

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
    chapters: chapters.map((c) => ({
      title: c.title || null,
      html: c.content,
      ...(c.summary ? { summary: c.summary } : {}),
      ...(c.notes ? { notes: c.notes } : {}),
      ...(c.endnotes ? { endNotes: c.endnotes } : {}),
    })),
  };
  return serializeWorkText(text);
}

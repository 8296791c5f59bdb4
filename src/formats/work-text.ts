/**
 * The work text format (.txt), described for readers in docs/work-text.md (written from the
 * shared format reference, shared/formats/work-text.md): parsing and serializing only;
 * the caller maps a WorkText to and from the database and applies the archive's defaults.
 *
 * Choices the format leaves open:
 * - The body after "Work Text:" is exact: parse → serialize gives it back byte for byte (CRLF
 *   becomes LF, a final newline is always written). The header part is normalized: headers are
 *   written in the format's label order, blank lines between sections collapse to one, blank
 *   lines around the summary, notes and end notes are dropped.
 * - Labels are matched case-insensitively and stored with their canonical spelling; values are
 *   kept verbatim. Dates, Words, Chapters and Series values are checked for shape (an error
 *   with the line); list values are split by the caller (`splitHeaderList`).
 * - Chapter headings "Chapter N" / "Chapter N: Title" count only when numbered 1, 2, 3… from
 *   the body's first line, each between blank lines, with at least one line of text; anything
 *   else stays text (with a warning). A single untitled chapter is written without a heading,
 *   so a body opening with a lone untitled "Chapter 1" is read as text of a one-chapter work.
 * - The format has no escaping: a summary line "Work Text:" or a chapter paragraph that looks
 *   like the next chapter's heading cannot be told from structure.
 * - A chapter's own summary, notes and end notes are sections of the header part ("Chapter 2
 *   Notes:"), not of the text after "Work Text:": that text stays exactly the story, as older
 *   files and readers expect it, and the header part is where structure already lives.
 */
import { htmlToText, textToHtml } from "./work-text-paragraphs.js";

export { htmlToText, textToHtml } from "./work-text-paragraphs.js";

/** Header labels the format knows, in the order they are exported. */
export const HEADER_LABELS = [
  "Rating", "Archive Warning", "Category", "Fandom", "Relationship", "Character", "Additional Tags",
  "Language", "Series", "Author", "Gift For", "Published", "Updated", "Completed", "Words", "Chapters",
  "Chapter Dates", "Registered Only", "Comments", "Original URL",
] as const;

/** The values of "Comments:", each with the archive's comment permission it stands for. */
export const COMMENT_VALUES = {
  "registered users and guests": "all",
  "registered users only": "registered",
  "no one": "none",
} as const;

/** One of the known header labels. */
export type HeaderLabel = (typeof HEADER_LABELS)[number];

/** A "Label: value" header line; the value is verbatim (lists still joined by ", "). */
export interface WorkTextHeader { label: HeaderLabel; value: string }

/**
 * One chapter: its title from "Chapter N: Title" (null if none) and its body as HTML; its own
 * summary, notes and end notes (HTML) when the file gives them ("Chapter N Summary:" sections).
 */
export interface WorkTextChapter {
  title: string | null;
  html: string;
  summary?: string;
  notes?: string;
  endNotes?: string;
}

/** A parsed work; summary, notes and end notes are HTML, null when absent. */
export interface WorkText {
  title: string;
  headers: WorkTextHeader[]; // in HEADER_LABELS order, file order among repeats
  summary: string | null;
  notes: string | null;
  endNotes: string | null;
  chapters: WorkTextChapter[];
}

/** Why a file was rejected: 1-based line, what was expected there, and a full sentence. */
export interface WorkTextError { line: number; expected: string; message: string }

/** The outcome of parseWorkText; `headerLines[i]` is the 1-based line of `work.headers[i]`. */
export type ParseResult =
  | { ok: true; work: WorkText; warnings: string[]; headerLines: number[] }
  | { ok: false; error: WorkTextError };

/** Splits a list header value ("A, B, C") into trimmed, non-empty items. */
export function splitHeaderList(value: string): string[] {
  return value.split(", ").map((s) => s.trim()).filter(Boolean);
}

const LABEL_LINE = /^([A-Za-z][A-Za-z ]*?): ?(.*)$/;
const HEADING = /^Chapter (\d+)(?:: (.+))?$/;
const SECTIONS = ["Summary:", "Notes:", "Work Text:"];
/** A chapter's own section in the header part: "Chapter 2 Summary:", "Chapter 2 Notes:", "Chapter 2 End Notes:". */
const CHAPTER_SECTION = /^Chapter (\d+) (Summary|Notes|End Notes):$/;
const CHAPTER_SECTION_KEYS = { Summary: "summary", Notes: "notes", "End Notes": "endNotes" } as const;
const isSectionLine = (line: string) => SECTIONS.includes(line.trimEnd()) || CHAPTER_SECTION.test(line.trimEnd());

const isDate = (v: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
};
const SHAPES: Partial<Record<HeaderLabel, [(v: string) => boolean, string]>> = {
  Series: [(v) => /^Part \d+ of \S/.test(v), '"Part N of NAME"'],
  Published: [isDate, "a date YYYY-MM-DD"],
  Updated: [isDate, "a date YYYY-MM-DD"],
  Completed: [isDate, "a date YYYY-MM-DD"],
  Words: [(v) => /^(?:\d+|\d{1,3}(?:,\d{3})+)$/.test(v), "a number of words"],
  Chapters: [(v) => /^\d+\/(?:\d+|\?)$/.test(v), '"x/y" or "x/?" (chapters posted / planned)'],
  "Chapter Dates": [(v) => splitHeaderList(v).every(isDate), "dates YYYY-MM-DD separated by \", \", one per chapter"],
  "Registered Only": [(v) => /^(?:yes|no)$/i.test(v.trim()), '"yes" or "no"'],
  Comments: [(v) => Object.hasOwn(COMMENT_VALUES, v.trim().toLowerCase()), Object.keys(COMMENT_VALUES).map((k) => `"${k}"`).join(", ")],
};

const isBlank = (line: string | undefined) => line !== undefined && line.trim() === "";
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, " ");
const labelIndex = (label: string) => HEADER_LABELS.findIndex((l) => l.toLowerCase() === label.toLowerCase());

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && isBlank(lines[a])) a++;
  while (b > a && isBlank(lines[b - 1])) b--;
  return lines.slice(a, b);
}

/** Parses a work text file; never throws. Errors carry the line and what was expected there. */
export function parseWorkText(text: string): ParseResult {
  const fail = (line: number, expected: string, found: string): ParseResult => ({
    ok: false,
    error: { line, expected, message: `Line ${line}: expected ${expected}, found ${found}.` },
  });
  // Decoding is the caller's job; U+FFFD is what invalid UTF-8 leaves behind.
  const bad = /[\u0000\uFFFD]/.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split("\n").length;
    const found = bad[0] === "\0" ? "a NUL character" : "U+FFFD (the file is probably not valid UTF-8)";
    return fail(line, "UTF-8 text without NUL or U+FFFD characters", found);
  }
  let src = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (src.endsWith("\n")) src = src.slice(0, -1); // the final newline is not part of the body
  const lines = src === "" ? [] : src.split("\n");
  const n = lines.length;
  const describe = (i: number) => {
    if (i >= n) return "the end of the file";
    if (isBlank(lines[i])) return "a blank line";
    return JSON.stringify(lines[i].length > 60 ? lines[i].slice(0, 57) + "..." : lines[i]);
  };
  const expect = (i: number, expected: string) => fail(i + 1, expected, describe(i));
  const warnings: string[] = [];

  if (lines[0]?.trim() !== "Work Header") return expect(0, '"Work Header"');
  if (!isBlank(lines[1])) return expect(1, "a blank line");
  if (n <= 2 || isBlank(lines[2])) return expect(2, "the work's title");
  if (!isBlank(lines[3])) return expect(3, "a blank line after the title");

  const found: { label: HeaderLabel; value: string; line: number }[] = [];
  const sections: Record<string, string | null> = { "Summary:": null, "Notes:": null };
  const chapterSections: { chapter: number; key: keyof typeof CHAPTER_SECTION_KEYS; html: string; line: number }[] = [];
  const seen = new Set<string>();
  let i = 4;
  for (;;) {
    if (i >= n) return expect(i, '"Work Text:"');
    const line = lines[i];
    const marker = line.trimEnd();
    if (isBlank(line)) i++;
    else if (marker === "Work Text:") break;
    else if (marker === "Summary:" || marker === "Notes:" || CHAPTER_SECTION.test(marker)) {
      if (seen.has(marker)) return expect(i, '"Work Text:" (this section was already given)');
      seen.add(marker);
      if (!isBlank(lines[i + 1])) return expect(i + 1, `a blank line after "${marker}"`);
      // The section runs to the next section line that follows a blank line.
      let end = i + 2;
      while (end < n && !(isBlank(lines[end - 1]) && isSectionLine(lines[end]))) end++;
      if (end >= n) return expect(n, '"Work Text:"');
      const content = trimBlankEdges(lines.slice(i + 2, end - 1)).join("\n");
      const chapterSection = CHAPTER_SECTION.exec(marker);
      if (!chapterSection) sections[marker] = content ? textToHtml(content) : null;
      else if (content) chapterSections.push({ chapter: +chapterSection[1], key: chapterSection[2] as keyof typeof CHAPTER_SECTION_KEYS, html: textToHtml(content), line: i + 1 });
      i = end;
    } else {
      const m = LABEL_LINE.exec(line);
      if (!m) return expect(i, 'a "Label: value" line, "Summary:", "Notes:" or "Work Text:"');
      const k = labelIndex(m[1]);
      if (/^(summary|notes)$/i.test(m[1])) return expect(i, `"${m[1]}:" on a line of its own, then a blank line and the text`);
      if (k < 0) warnings.push(`Line ${i + 1}: unknown label "${m[1]}" skipped.`);
      else if (m[2].trim() === "") warnings.push(`Line ${i + 1}: "${HEADER_LABELS[k]}" has no value; skipped.`);
      else {
        const label = HEADER_LABELS[k];
        const shape = SHAPES[label];
        if (shape && !shape[0](m[2])) return fail(i + 1, `${label} as ${shape[1]}`, JSON.stringify(m[2]));
        if (found.some((h) => h.label === label)) warnings.push(`Line ${i + 1}: "${label}" given more than once; all values kept.`);
        found.push({ label, value: m[2], line: i + 1 });
      }
      i++;
    }
  }

  const w = i;
  if (!isBlank(lines[w + 1])) return expect(w + 1, 'a blank line after "Work Text:"');
  const start = w + 2;
  // End notes start at the last "End Notes:" line between blank lines: the body may quote one.
  let end = n;
  let endNotes: string | null = null;
  for (let e = n - 1; e > start + 1; e--) {
    if (lines[e].trimEnd() === "End Notes:" && isBlank(lines[e - 1]) && (e + 1 === n || isBlank(lines[e + 1]))) {
      const content = trimBlankEdges(lines.slice(e + 2)).join("\n");
      endNotes = content ? textToHtml(content) : null;
      end = e - 1;
      break;
    }
  }
  const body = lines.slice(start, end);
  if (!body.some((l) => !isBlank(l))) return expect(start, "the work's text");

  const chapters = splitChapters(body, start, warnings);
  for (const section of chapterSections) {
    const chapter = chapters[section.chapter - 1];
    if (chapter) chapter[CHAPTER_SECTION_KEYS[section.key]] = section.html;
    else warnings.push(`Line ${section.line}: "Chapter ${section.chapter} ${section.key}:" but the text has ${chapters.length} chapter(s); skipped.`);
  }
  const declared = found.find((h) => h.label === "Chapters");
  if (declared && +declared.value.split("/")[0] !== chapters.length) {
    warnings.push(`Line ${declared.line}: "Chapters: ${declared.value}" but the text has ${chapters.length} chapter(s).`);
  }
  // Sort is stable: repeats of a label keep their file order.
  found.sort((a, b) => labelIndex(a.label) - labelIndex(b.label));
  return {
    ok: true,
    work: {
      title: lines[2],
      headers: found.map(({ label, value }) => ({ label, value })),
      summary: sections["Summary:"],
      notes: sections["Notes:"],
      endNotes,
      chapters,
    },
    warnings,
    headerLines: found.map((h) => h.line),
  };
}

/** Splits body lines at chapter headings; `offset` is the body's 0-based line in the file. */
function splitChapters(lines: string[], offset: number, warnings: string[]): WorkTextChapter[] {
  const headingTitle = (i: number, number: number) => {
    const m = HEADING.exec(lines[i]);
    const ok = m && +m[1] === number && lines[i + 1] === "" && (i === 0 || lines[i - 1] === "");
    return ok ? (m[2] ?? null) : undefined;
  };
  const starts: { at: number; title: string | null }[] = [];
  const first = headingTitle(0, 1);
  if (first !== undefined) {
    starts.push({ at: 0, title: first });
    for (let i = 4; i < lines.length; i++) {
      // A chapter holds at least one line, so its heading and the next stay apart.
      if (i < starts[starts.length - 1].at + 4) continue;
      const title = headingTitle(i, starts.length + 1);
      if (title !== undefined) starts.push({ at: i, title });
    }
  }
  // One untitled chapter is exported without a heading, so read a lone "Chapter 1" as text.
  if (starts.length === 1 && starts[0].title === null) starts.length = 0;
  const used = new Set(starts.map((s) => s.at));
  lines.forEach((line, i) => {
    if (!used.has(i) && HEADING.test(line)) {
      warnings.push(`Line ${offset + i + 1}: "${line}" looks like a chapter heading but is kept as text (headings are numbered 1, 2, 3… from the first line of the text, each between blank lines).`);
    }
  });
  if (!starts.length) return [{ title: null, html: textToHtml(lines.join("\n")) }];
  return starts.map((s, k) => ({
    title: s.title,
    html: textToHtml(lines.slice(s.at + 2, k + 1 < starts.length ? starts[k + 1].at - 1 : lines.length).join("\n")),
  }));
}

/**
 * Writes a work in the format, always ending with a newline. Headers go out in HEADER_LABELS
 * order; empty values and empty sections are left out. Throws RangeError without a title or chapters.
 */
export function serializeWorkText(work: WorkText): string {
  const title = oneLine(work.title);
  if (!title.trim()) throw new RangeError("a work text needs a title");
  if (!work.chapters.length) throw new RangeError("a work text needs at least one chapter");
  const out = ["Work Header", "", title, ""];
  const headers = work.headers
    .filter((h) => h.value.trim() !== "")
    .map((h, k) => ({ ...h, k }))
    .sort((a, b) => labelIndex(a.label) - labelIndex(b.label) || a.k - b.k);
  if (headers.length) out.push(...headers.map((h) => `${h.label}: ${oneLine(h.value)}`), "");
  const sectionText = (html: string | null) => (html ? trimBlankEdges(htmlToText(html).split("\n")).join("\n") : "");
  const summary = sectionText(work.summary);
  const notes = sectionText(work.notes);
  if (summary) out.push("Summary:", "", summary, "");
  if (notes) out.push("Notes:", "", notes, "");
  for (const [k, chapter] of work.chapters.entries()) {
    for (const [label, key] of Object.entries(CHAPTER_SECTION_KEYS)) {
      const text = sectionText(chapter[key] ?? null);
      if (text) out.push(`Chapter ${k + 1} ${label}:`, "", text, "");
    }
  }

  const [only] = work.chapters;
  const plain = work.chapters.length === 1 && !only.title;
  const chapterText = (c: WorkTextChapter, k: number) =>
    `Chapter ${k + 1}${c.title ? `: ${oneLine(c.title)}` : ""}\n\n${htmlToText(c.html)}`;
  out.push("Work Text:", "", plain ? htmlToText(only.html) : work.chapters.map(chapterText).join("\n\n"));

  const endNotes = sectionText(work.endNotes);
  if (endNotes) out.push("", "End Notes:", "", endNotes);
  return out.join("\n") + "\n";
}

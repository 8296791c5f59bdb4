import { DomUtils, parseDocument } from "htmlparser2";
import type { ChildNode, Element } from "domhandler";
import { type Epub, elementsIn, isElement, textOf } from "../formats/epub-reader.js";
import type { ImportedChapter, ImportedWork, ImportLoss } from "./imported-work.js";

/**
 * AO3's download files (HTML, and the EPUB AO3 makes from the same page), and Fanfold's own
 * downloads, which follow AO3's templates, read back into an ImportedWork. Pure: text in, work out.
 *
 * The page AO3 renders for a download: `div#preface` (the "Posted originally on … at URL" message,
 * `dl.tags` with Rating, Archive Warning(s), Category, Fandom(s), Relationship(s), Character(s),
 * Additional Tags, Language, Series, Collections and Stats, the `h1` title, `div.byline`, and a
 * labelled paragraph "Summary" / "Notes" before each `blockquote.userstuff`), `div#chapters`
 * (per chapter a `div.meta.group` with `h2.heading` "Chapter N: Title" and its "Chapter
 * Summary" / "Chapter Notes", the text in `div.userstuff`, then "Chapter End Notes"; a one-chapter
 * work has only `h2.toc-heading` and the text) and `div#afterword` ("End Notes", "Works inspired
 * by this one"). Fanfold's downloads wrap each chapter in `div.chapter` and give the label
 * paragraphs a class; the reading below does not depend on either.
 *
 * The reading walks the documents in order and does not rely on one file: AO3's EPUB is Calibre's
 * conversion of the page, split into several documents at each chapter heading (and again inside
 * a long chapter), each split repeating the enclosing `div#chapters`. So a text block or a note
 * that continues in the next document is appended to the one before it.
 */

export type ParsedImport = { ok: true; work: ImportedWork; losses: ImportLoss[] } | { ok: false; message: string };

export const EXPECTED_FILE = "expected a file from a work's Download menu (HTML or EPUB) or a FanFicFare EPUB";

/** Labels of the note paragraphs, in the region they belong to. */
const PREFACE_LABELS: Record<string, "summary" | "notes"> = { summary: "summary", notes: "notes" };
const CHAPTER_LABELS: Record<string, "summary" | "notes" | "endnotes"> = { "chapter summary": "summary", "chapter notes": "notes", "chapter end notes": "endnotes" };
const AFTERWORD_LABELS: Record<string, "endnotes"> = { "end notes": "endnotes" };

const CHAPTER_HEADING = /^Chapter\s+(\d+)(?:\s*:\s*([\s\S]*))?$/;

export const hasClass = (el: Element, name: string) => (el.attribs.class ?? "").split(/\s+/).includes(name);
const squash = (text: string) => text.replace(/\s+/g, " ").trim();
/** An element's inner HTML, characters as they are (no entities beyond the five XML needs). */
export const innerHtml = (el: Element) => DomUtils.getInnerHTML(el, { encodeEntities: "utf8", decodeEntities: true }).trim();

/** The names of a tag list: the link texts (AO3 links every tag), else the text split at commas. */
function listOf(dd: Element): string[] {
  const links = elementsIn(dd.children).filter((el) => el.name === "a");
  const names = links.length ? links.map((a) => squash(textOf(a))) : squash(textOf(dd)).split(/\s*,\s*/);
  return names.filter(Boolean);
}

const emptyWork = (): ImportedWork => ({
  title: "",
  rating: null,
  warnings: [],
  categories: [],
  fandoms: [],
  relationships: [],
  characters: [],
  freeforms: [],
  language: null,
  summary: "",
  notes: "",
  endnotes: "",
  publishedOn: null,
  revisedOn: null,
  expectedChapters: null,
  restricted: null,
  commentPermission: null,
  creators: [],
  series: [],
  giftsFor: [],
  originalUrl: null,
  chapters: [],
});

/** Reads the `dl.tags` block into the work; what it cannot carry becomes a loss. */
function readTags(dl: Element, work: ImportedWork, losses: ImportLoss[]): void {
  let label = "";
  for (const el of dl.children.filter(isElement)) {
    if (el.name === "dt") {
      label = squash(textOf(el)).replace(/:$/, "").toLowerCase();
      continue;
    }
    if (el.name !== "dd") continue;
    const text = squash(textOf(el));
    switch (label) {
      case "rating":
      case "ratings":
        work.rating = listOf(el)[0] ?? null;
        if (listOf(el).length > 1) losses.push({ where: "Rating", message: `more than one rating (${listOf(el).join(", ")}); the first is kept.` });
        break;
      case "archive warning":
      case "archive warnings":
        work.warnings = listOf(el);
        break;
      case "category":
      case "categories":
        work.categories = listOf(el);
        break;
      case "fandom":
      case "fandoms":
        work.fandoms = listOf(el);
        break;
      case "relationship":
      case "relationships":
        work.relationships = listOf(el);
        break;
      case "character":
      case "characters":
        work.characters = listOf(el);
        break;
      case "additional tags":
      case "additional tag":
        work.freeforms = listOf(el);
        break;
      case "language":
        work.language = text || null;
        break;
      case "series":
        work.series = readSeries(el);
        break;
      case "stats":
        readStats(text, work, losses);
        break;
      case "collections":
      case "collection":
        losses.push({ where: "Collections", message: `the work's collections (${listOf(el).join(", ")}) are not carried over.` });
        break;
      default:
        if (text) losses.push({ where: `"${label}" line`, message: "not a line Fanfold reads; not carried over." });
    }
  }
}

/** "Part 1 of <a>Tides</a>, Part 3 of <a>Other</a>": each link with the part number before it. */
function readSeries(dd: Element): ImportedWork["series"] {
  const series: ImportedWork["series"] = [];
  let before = "";
  for (const node of dd.children) {
    if (isElement(node) && node.name === "a") {
      const part = /Part\s+(\d+)\s+of\s*$/i.exec(before);
      series.push({ title: squash(textOf(node)), part: part ? Number(part[1]) : null });
      before = "";
    } else before += textOf(node);
  }
  return series;
}

/** "Published: 2021-03-04 Updated: 2022-05-06 Words: 1,234 Chapters: 3/4". */
function readStats(text: string, work: ImportedWork, losses: ImportLoss[]): void {
  const field = (name: string) => new RegExp(`${name}:\\s*(\\S+)`, "i").exec(text)?.[1] ?? null;
  const date = (name: string) => {
    const value = field(name);
    if (value === null) return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    losses.push({ where: `Stats (${name})`, message: `"${value}" is not a date Fanfold reads (YYYY-MM-DD); not applied.` });
    return null;
  };
  work.publishedOn = date("Published");
  work.revisedOn = date("Completed") ?? date("Updated");
  const chapters = /Chapters:\s*(\d+)\s*\/\s*(\d+|\?)/i.exec(text);
  if (chapters) work.expectedChapters = chapters[2] === "?" ? null : Number(chapters[2]);
}

type Region = "preface" | "chapters" | "afterword";

/** Whether an element holds parts of the download's own markup (not a chapter's text, whose markup is the writer's). */
function holdsDownloadParts(el: Element): boolean {
  return elementsIn(el.children).some((inner) => (inner.name === "div" && (hasClass(inner, "userstuff") || hasClass(inner, "meta"))) || (inner.name === "h2" && (hasClass(inner, "heading") || hasClass(inner, "toc-heading"))));
}

/**
 * Reads the preface, chapters and afterword from the documents' top-level nodes, in order (one
 * HTML file has one document; an EPUB one per spine item).
 */
function readDownload(documents: ChildNode[][]): ParsedImport {
  const all = documents.flatMap((nodes) => elementsIn(nodes));
  const tags = all.find((el) => el.name === "dl" && elementsIn(el.children).some((dt) => dt.name === "dt" && /^rating:?$/i.test(squash(textOf(dt)))));
  if (!tags) return { ok: false, message: `not an AO3 download: no preface with a 'Rating:' line; ${EXPECTED_FILE}` };

  const work = emptyWork();
  const losses: ImportLoss[] = [];
  readTags(tags, work, losses);

  // The preface: div#preface, or (its id lost) the outermost element around the tags.
  let preface: Element = tags;
  while (preface.parent && isElement(preface.parent as ChildNode) && preface.attribs.id !== "preface") preface = preface.parent as Element;
  const inPreface = elementsIn(preface.children);
  const heading = inPreface.find((el) => el.name === "h1");
  const message = inPreface.find((el) => el.name === "p" && hasClass(el, "message"));
  const bold = message?.children.find((node): node is Element => isElement(node) && node.name === "b");
  const titleElement = heading ?? bold;
  work.title = titleElement ? squash(textOf(titleElement)) : "";
  if (message) {
    const workLink = elementsIn(message.children).find((a) => a.name === "a" && /\/works\/\d+/.test(a.attribs.href ?? ""));
    work.originalUrl = workLink?.attribs.href?.trim() || null;
  }
  const byline = inPreface.find((el) => hasClass(el, "byline"));
  if (byline) {
    const authors = elementsIn(byline.children).filter((a) => a.name === "a");
    const names = authors.length ? authors.map((a) => squash(textOf(a))) : [squash(textOf(byline)).replace(/^by\s+/i, "")];
    work.creators = names.filter((name) => name && name !== "Anonymous");
  }

  let region: Region = "preface";
  let field: string | null = null;
  const startChapter = (title: string): ImportedChapter => {
    const chapter = { title, summary: "", notes: "", endnotes: "", content: "", publishedOn: null };
    work.chapters.push(chapter);
    field = null;
    return chapter;
  };
  const current = (): ImportedChapter | undefined => work.chapters[work.chapters.length - 1];
  const append = (existing: string, html: string) => (existing ? `${existing}\n${html}` : html);

  const visit = (node: Element, topLevel: boolean) => {
    const id = node.attribs.id;
    if (id === "preface" || id === "chapters" || id === "afterword") {
      region = id;
      field = null;
    }
    // Fanfold's EPUB gives each chapter a document of its own, without the chapters' wrapper.
    if (node.name === "div" && (hasClass(node, "chapter") || /^chapter-\d+$/.test(id ?? ""))) region = "chapters";
    if (node === tags) return;
    if (node.name === "h2" && region === "chapters") {
      const text = squash(textOf(node));
      const numbered = hasClass(node, "heading") ? CHAPTER_HEADING.exec(text) : null;
      // A one-chapter work's heading is the work's title: the chapter itself has none.
      startChapter(numbered ? (numbered[2] ?? "").trim() : "");
      return;
    }
    if (node.name === "p" || node.name === "dt") {
      const label = squash(textOf(node)).toLowerCase();
      const labels: Record<string, string> = region === "preface" ? PREFACE_LABELS : region === "chapters" ? CHAPTER_LABELS : AFTERWORD_LABELS;
      if (labels[label]) {
        field = labels[label]!;
        return;
      }
      if (node.name === "p" && region === "chapters" && hasClass(node, "byline")) {
        losses.push({ where: `chapter ${work.chapters.length}`, message: `its own byline ("${squash(textOf(node))}") is not carried over; the chapter is credited to the work's creators.` });
        return;
      }
      if (node.name === "dt" && label.startsWith("works inspired by")) {
        losses.push({ where: "Afterword", message: "the list of works inspired by this one is not carried over (they link to it on their own archive)." });
        field = null;
        return;
      }
    }
    if (node.name === "blockquote" && hasClass(node, "userstuff")) {
      const html = innerHtml(node);
      const chapter = current();
      if (region === "chapters" && chapter && field) {
        const key = field as "summary" | "notes" | "endnotes";
        chapter[key] = append(chapter[key], html);
      } else if (region !== "chapters" && field) {
        const key = field as "summary" | "notes" | "endnotes";
        work[key] = append(work[key], html);
      } else losses.push({ where: region, message: "a quoted note without a label was not carried over." });
      return;
    }
    // The chapter's text: a div.userstuff inside the chapters. The chapters' own wrapper, and the
    // copies of it Calibre's splits begin with, sit at the top of a document and hold the
    // download's own parts (chapter heads, end notes, the text blocks); those are walked into.
    if (node.name === "div" && hasClass(node, "userstuff") && id !== "chapters" && !topLevel && region === "chapters" && !holdsDownloadParts(node)) {
      const chapter = current() ?? startChapter("");
      chapter.content = append(chapter.content, innerHtml(node));
      field = null;
      return;
    }
    if (node.name === "ul" && region === "preface") {
      for (const li of node.children.filter(isElement)) {
        losses.push({ where: "Preface", message: `"${squash(textOf(li))}" is not carried over (related works are linked on the archive, not in the file).` });
      }
      return;
    }
    for (const child of node.children) if (isElement(child)) visit(child, false);
  };
  for (const nodes of documents) {
    // The body's children, wherever the document starts (a whole page or a fragment).
    const body = elementsIn(nodes).find((el) => el.name === "body");
    for (const node of body ? body.children : nodes) if (isElement(node)) visit(node, true);
  }

  if (work.chapters.length === 0 || work.chapters.every((c) => !c.content.trim())) {
    return { ok: false, message: `not an AO3 download: it has a preface but no chapter text (no div.userstuff inside div#chapters); ${EXPECTED_FILE}` };
  }
  if (!work.title) return { ok: false, message: `not an AO3 download: the preface has no title; ${EXPECTED_FILE}` };
  return { ok: true, work, losses };
}

/** An AO3 (or Fanfold) HTML download as an ImportedWork. */
export function parseAo3DownloadHtml(html: string): ParsedImport {
  return readDownload([parseDocument(html, { decodeEntities: true }).children]);
}

/** An AO3 (or Fanfold) EPUB download as an ImportedWork: its documents read in spine order. */
export function parseAo3DownloadEpub(epub: Epub): ParsedImport {
  const documents = epub.spine.map((item) => parseDocument(item.text, { decodeEntities: true, recognizeSelfClosing: true }).children);
  const parsed = readDownload(documents);
  if (!parsed.ok) return parsed;
  // Calibre's package document may know the source address when the preface's message lost it.
  if (!parsed.work.originalUrl) {
    const source = epub.metadata.find((item) => (item.name === "dc:source" || item.name === "dc:identifier") && /^https?:\/\/\S+\/works\/\d+/.test(item.text));
    parsed.work.originalUrl = source?.text ?? null;
  }
  return parsed;
}

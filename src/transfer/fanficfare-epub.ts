import { parseDocument } from "htmlparser2";
import type { ChildNode, Element } from "domhandler";
import { CATEGORIES } from "../model/vocabulary.js";
import { type Epub, elementsIn, isElement, textOf } from "../formats/epub-reader.js";
import { EXPECTED_FILE, hasClass, innerHtml, type ParsedImport } from "./ao3-download.js";
import type { ImportedChapter, ImportedWork, ImportLoss } from "./imported-work.js";

/**
 * FanFicFare's EPUB of an AO3 work (its default EPUB 2 output) read back into an ImportedWork.
 * Pure: an opened EPUB in, a work out.
 *
 * What FanFicFare writes, and where this reads it from:
 * - content.opf: `dc:title`, `dc:creator` (the byline's names, "Pseud (login)"), `dc:date` with
 *   `opf:event` publication and modification (always YYYY-MM-DD), `dc:source` (the work's URL),
 *   `dc:language` (a code), `dc:contributor` naming FanFicFare (how the file is recognized).
 * - The title page (`body.fff_titlepage`): "Label: value" lines, `<b>Label:</b> value<br/>` (or a
 *   table with `titlepage_use_table`). With FanFicFare's default settings for AO3: Series
 *   ("Tides [1]"), Category (the fandoms), Genre (additional tags and AO3 categories together:
 *   AO3's six fixed categories are told apart by name), Language, Characters, Relationships,
 *   Status, Published, Updated, Rating, Warnings, Chapters (the count posted), Words and Summary
 *   (HTML). A user's `extra_titlepage_entries` may add Fandoms, Freeform Tags, AO3 Categories,
 *   Chapters/Total Chapters (which carries the expected count) and Restricted to Registered Users;
 *   those are read too and win over the mixed defaults.
 * - Each chapter document (`body.fff_chapter`): the title in `h3.fff_chapter_title` ("2. East",
 *   "3. Chapter 3" for an untitled one), head notes and foot notes in `div.fff_chapter_notes`
 *   as `<b>Label:</b>` each followed by a `blockquote.userstuff`, the text in `div.userstuff`.
 *   FanFicFare's default labels: "Author's Note:" (the work's notes in the first chapter's head,
 *   its end notes in the last chapter's foot, with the `ul.associations` "For NAME." gift line),
 *   "Summary for the Chapter:", "Notes for the Chapter:" (head: chapter notes; foot: chapter end
 *   notes). A user who renamed these labels (`notelabel_*`) gets such notes as chapter notes,
 *   with a loss line each.
 */

const FANFICFARE = /fanficfare/i;

/** Whether an opened EPUB was written by FanFicFare. */
export function isFanFicFareEpub(epub: Epub): boolean {
  return (
    epub.metadata.some((item) => (item.name === "dc:contributor" && FANFICFARE.test(item.text)) || (item.name === "dc:identifier" && /^fanficfare-uid:/i.test(item.text))) ||
    epub.spine.some((item) => /<body[^>]*class="[^"]*fff_titlepage/.test(item.text))
  );
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();
const splitList = (text: string) => squash(text).split(/\s*,\s*/).filter(Boolean);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** The title page's "Label: value" lines: label (without the colon, lower-cased) → value node list. */
function titlePageLines(body: Element): Map<string, ChildNode[]> {
  const lines = new Map<string, ChildNode[]>();
  // Labels are FanFicFare's own bold text, never bold text inside the work's summary.
  for (const b of elementsIn(body.children).filter((el) => el.name === "b" && !closest(el, (a) => hasClass(a, "userstuff")))) {
    const label = squash(textOf(b)).replace(/:$/, "").toLowerCase();
    if (!label || lines.has(label)) continue;
    const parent = b.parent as Element | null;
    if (parent?.name === "td") {
      // titlepage_use_table: the value is the next cell.
      const next = (parent.parent as Element | null)?.children.filter(isElement).find((cell, i, cells) => cells[i - 1] === parent);
      lines.set(label, next ? next.children : []);
      continue;
    }
    const value: ChildNode[] = [];
    for (let node = b.next; node; node = node.next) {
      if (isElement(node) && (node.name === "br" || node.name === "b")) break;
      value.push(node);
    }
    lines.set(label, value);
  }
  return lines;
}

const nodesText = (nodes: ChildNode[] | undefined) => squash((nodes ?? []).map(textOf).join(""));

/** A chapter's title as FanFicFare wrote it ("2. East"; "3. Chapter 3" when it had none). */
function chapterTitle(raw: string, position: number, workTitle: string, chapterCount: number): string {
  const title = squash(raw).replace(/^\d+\.\s+/, "");
  if (title === `Chapter ${position}`) return "";
  // A one-chapter work's chapter is named after the work.
  if (chapterCount === 1 && title === workTitle) return "";
  return title;
}

/** The notes in one `div.fff_chapter_notes`: each label with the HTML and gift names after it. */
function notesIn(div: Element): { label: string; html: string; gifts: string[]; other: string[] }[] {
  const notes: { label: string; html: string; gifts: string[]; other: string[] }[] = [];
  for (const node of div.children.filter(isElement)) {
    if (node.name === "b") {
      notes.push({ label: squash(textOf(node)), html: "", gifts: [], other: [] });
      continue;
    }
    const note = notes[notes.length - 1] ?? (notes.push({ label: "", html: "", gifts: [], other: [] }), notes[0]!);
    if (node.name === "blockquote") note.html = note.html ? `${note.html}\n${innerHtml(node)}` : innerHtml(node);
    else if (node.name === "ul" && hasClass(node, "associations")) {
      for (const li of node.children.filter(isElement)) {
        const text = squash(textOf(li));
        if (/^For\s/.test(text)) {
          const links = elementsIn(li.children).filter((a) => a.name === "a");
          note.gifts.push(...(links.length ? links.map((a) => squash(textOf(a))) : splitList(text.replace(/^For\s+/, "").replace(/\.$/, ""))));
        } else note.other.push(text);
      }
    } else note.other.push(squash(textOf(node)));
  }
  return notes;
}

/** A FanFicFare EPUB as an ImportedWork, or a refusal saying why it cannot be read. */
export function parseFanFicFareEpub(epub: Epub): ParsedImport {
  const meta = (name: string) => epub.metadata.filter((item) => item.name === name);
  const source = [...meta("dc:source"), ...meta("dc:identifier")].map((item) => item.text).find((text) => /^https?:\/\/\S+$/.test(text)) ?? null;
  if (!source || !/\/works\/\d+/.test(source)) {
    return { ok: false, message: `not a FanFicFare EPUB of an AO3 work: its source is ${source ? `"${source}"` : "not given"}, not an AO3 work's address (…/works/N); ${EXPECTED_FILE}` };
  }
  const documents = epub.spine.map((item) => ({ path: item.path, body: elementsIn(parseDocument(item.text, { xmlMode: true, decodeEntities: true }).children).find((el) => el.name === "body") }));
  const titlePage = documents.find((doc) => doc.body && hasClass(doc.body, "fff_titlepage"))?.body;
  if (!titlePage) return { ok: false, message: `not a FanFicFare EPUB of an AO3 work: it has no title page (FanFicFare's include_titlepage), which carries the work's tags; ${EXPECTED_FILE}` };

  const losses: ImportLoss[] = [];
  const lines = titlePageLines(titlePage);
  const line = (...labels: string[]) => labels.map((label) => lines.get(label)).find((value) => value !== undefined);
  const list = (...labels: string[]) => splitList(nodesText(line(...labels)));
  const date = (event: string, label: string) => {
    const fromPackage = meta("dc:date").find((item) => item.attributes["opf:event"] === event)?.text;
    if (fromPackage && ISO_DATE.test(fromPackage)) return fromPackage.slice(0, 10);
    const shown = nodesText(line(label));
    return ISO_DATE.test(shown) ? shown.slice(0, 10) : null;
  };

  const categoryNames = new Set(CATEGORIES.map((c) => c.name));
  const genre = list("genre");
  const categories = line("ao3 categories") ? list("ao3 categories") : genre.filter((name) => categoryNames.has(name));
  const freeforms = line("freeform tags") ? list("freeform tags") : genre.filter((name) => !categoryNames.has(name));
  const title = meta("dc:title")[0]?.text || squash(textOf(elementsIn(titlePage.children).find((el) => el.name === "h3")?.children.find((n) => isElement(n) && n.name === "a") ?? titlePage));

  const series: ImportedWork["series"] = [];
  for (const label of ["series", "additional series"]) {
    const text = nodesText(line(label));
    if (!text) continue;
    const match = /^(.*?)\s*\[(\d+)\]$/.exec(text);
    series.push(match ? { title: match[1]!, part: Number(match[2]) } : { title: text, part: null });
  }

  const status = nodesText(line("status"));
  const slash = /^(\d+)\s*\/\s*(\d+|\?)$/.exec(nodesText(line("chapters/total chapters")));
  const summaryNodes = line("summary") ?? [];
  const summaryBlock = summaryNodes.find((node): node is Element => isElement(node) && (hasClass(node, "userstuff") || node.name === "div" || node.name === "blockquote"));
  const summary = summaryBlock ? innerHtml(summaryBlock) : nodesText(summaryNodes) ? `<p>${escapeText(nodesText(summaryNodes))}</p>` : "";

  const work: ImportedWork = {
    title,
    rating: list("rating")[0] ?? null,
    warnings: list("warnings"),
    categories,
    fandoms: line("fandoms") ? list("fandoms") : list("category"),
    relationships: list("relationships"),
    characters: list("characters"),
    freeforms,
    language: nodesText(line("language")) || meta("dc:language")[0]?.text || null,
    summary,
    notes: "",
    endnotes: "",
    publishedOn: date("publication", "published"),
    revisedOn: date("modification", "updated"),
    expectedChapters: null,
    restricted: line("restricted to registered users") ? /restricted|yes|true/i.test(nodesText(line("restricted to registered users"))) : null,
    commentPermission: null,
    creators: meta("dc:creator").map((item) => item.text).filter(Boolean),
    series,
    giftsFor: [],
    originalUrl: source,
    chapters: [],
  };
  for (const label of ["kudos", "hits", "bookmarks", "comments", "collections"]) {
    if (lines.has(label)) losses.push({ where: `title page "${label}"`, message: "readers' counts and collections are not carried over." });
  }

  const chapterBodies = documents.filter((doc) => doc.body && hasClass(doc.body, "fff_chapter")).map((doc) => doc.body!);
  if (chapterBodies.length === 0) return { ok: false, message: `not a FanFicFare EPUB of an AO3 work: it has a title page but no chapters (body.fff_chapter); ${EXPECTED_FILE}` };
  for (const [i, body] of chapterBodies.entries()) {
    const position = i + 1;
    const last = position === chapterBodies.length;
    const heading = elementsIn(body.children).find((el) => el.name === "h3" && hasClass(el, "fff_chapter_title"));
    const chapter: ImportedChapter = {
      title: chapterTitle(heading ? textOf(heading) : "", position, title, chapterBodies.length),
      summary: "",
      notes: "",
      endnotes: "",
      content: "",
      publishedOn: null,
    };
    const blocks = elementsIn(body.children);
    const text = blocks.filter((el) => el.name === "div" && hasClass(el, "userstuff") && !blocks.some((outer) => outer !== el && hasClass(outer, "userstuff") && outer.name === "div" && isInside(el, outer)));
    chapter.content = text.filter((el) => !closest(el, (a) => hasClass(a, "fff_chapter_notes"))).map(innerHtml).join("\n");
    for (const notesDiv of blocks.filter((el) => el.name === "div" && hasClass(el, "fff_chapter_notes"))) {
      const head = hasClass(notesDiv, "fff_head_notes");
      for (const note of notesIn(notesDiv)) {
        work.giftsFor.push(...note.gifts.filter((name) => !work.giftsFor.includes(name)));
        for (const other of note.other) if (other) losses.push({ where: `chapter ${position}`, message: `"${other}" is not carried over (related works are linked on the archive, not in the file).` });
        if (!note.html) continue;
        const label = note.label.replace(/:$/, "").toLowerCase();
        if (label === "author's note" && head && position === 1) work.notes = note.html;
        else if (label === "author's note" && !head && last) work.endnotes = note.html;
        else if (label === "summary for the chapter") chapter.summary = note.html;
        else if (label === "notes for the chapter") chapter[head ? "notes" : "endnotes"] = note.html;
        else {
          const key = head ? "notes" : "endnotes";
          chapter[key] = chapter[key] ? `${chapter[key]}\n${note.html}` : note.html;
          losses.push({ where: `chapter ${position}`, message: `a note labelled "${note.label}" (not one of FanFicFare's default labels) was kept as the chapter's ${head ? "notes" : "end notes"}.` });
        }
      }
    }
    if (!chapter.content.trim()) losses.push({ where: `chapter ${position}`, message: "has no text in the file." });
    work.chapters.push(chapter);
  }

  // How many chapters are expected: said by Chapters/Total Chapters, else by a Completed status.
  if (slash) work.expectedChapters = slash[2] === "?" ? null : Number(slash[2]);
  else if (/^complete/i.test(status)) work.expectedChapters = work.chapters.length;
  else losses.push({ where: "title page", message: `the expected number of chapters is not in FanFicFare's default title page (status "${status || "unknown"}"); imported as "?". Add chapterslashtotal to FanFicFare's extra_titlepage_entries to carry it.` });
  return { ok: true, work, losses };
}

function closest(el: Element, test: (el: Element) => boolean): Element | null {
  for (let node = el.parent as Element | null; node && isElement(node as ChildNode); node = node.parent as Element | null) if (test(node)) return node;
  return null;
}

function isInside(el: Element, outer: Element): boolean {
  return closest(el, (a) => a === outer) !== null;
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

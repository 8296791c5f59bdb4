import type { Writable } from "node:stream";
import { escapeHtml } from "@kitajs/html";
import { isRtl } from "../model/languages.js";
import type { BookSource } from "./queries.js";
import { BOOK_CSS } from "./views/book-css.js";
import { type Archive, Afterword, ChapterBlock, bookTitle, Preface, workUrl } from "./views/book.js";
import { toXhtml } from "./xhtml.js";

/**
 * The work as one standalone HTML file (AO3's download markup: preface, chapters, afterword),
 * written chapter by chapter to `out`. User HTML goes through the same HTML5 repair as the EPUB's
 * (./xhtml.ts), so the file is valid HTML5; images stay images. The PDF is printed from the same
 * page with print margins per paper size, and with images as labelled links (Chromium never
 * fetches anything while printing).
 */

/** Extra CSS for printing: page size and margins, each chapter on a new page. */
export function printCss(paper: "letter" | "a5"): string {
  const size = paper === "a5" ? "A5" : "letter";
  const margin = paper === "a5" ? "14mm 12mm" : "0.75in 0.8in";
  const fontSize = paper === "a5" ? "10.5pt" : "12pt";
  return `@page { size: ${size}; margin: ${margin}; }
body { margin: 0; font-size: ${fontSize}; font-family: "Noto Serif", "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Color Emoji", serif; }
.chapter { break-before: page; }
h1, h2 { break-after: avoid; }
a { color: inherit; }
`;
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(text, "utf8", (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else out.once("drain", resolve);
  });
}

function html(element: JSX.Element): string {
  if (typeof element !== "string") throw new Error("async view component used in a download");
  return element;
}

/** Writes the standalone HTML (or, with `print`, the page the PDF is printed from) to `out`. */
export async function writeHtml(book: BookSource, archive: Archive, out: Writable, print?: { paper: "letter" | "a5" }): Promise<void> {
  const { work } = book;
  const base = workUrl(archive, work.id);
  // One document, so one set of ids (user anchors may not repeat ours or each other).
  const ids = new Set<string>();
  const repaired = (element: JSX.Element) => toXhtml(html(element), { base, ids, images: print ? "link" : "keep" });
  const lang = escapeHtml(work.language);
  const css = print ? `${BOOK_CSS}${printCss(print.paper)}` : BOOK_CSS;
  await write(
    out,
    `<!DOCTYPE html>
<html lang="${lang}"${isRtl(work.language) ? ' dir="rtl"' : ""}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(bookTitle(book))}</title>
<style>
${css}</style>
</head>
<body>
${repaired(Preface({ book, archive }))}
<div id="chapters" class="userstuff">
`,
  );
  for (const chapter of book.chapters) {
    const content = await book.chapterContent(chapter.id);
    await write(out, `${repaired(ChapterBlock({ book, chapter, content }))}\n`);
  }
  await write(out, `</div>\n${repaired(Afterword({ book, archive }))}\n</body>\n</html>\n`);
}

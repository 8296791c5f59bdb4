import { createWriteStream } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { exportWorkText } from "../transfer/index.js";
import type { Db } from "../platform/db/index.js";
import { writeEpub } from "./epub.js";
import type { Format, Paper } from "./file-name.js";
import { writeHtml } from "./html.js";
import { rewritePdfInfo, type PdfInfo } from "./pdf-info.js";
import { printPdf } from "./pdf.js";
import type { BookSource } from "./queries.js";
import { type Archive, bylineText } from "./views/book.js";

/** Writes to a new file at `path` through `fill`, resolving once the file is complete on disk. */
async function toFile(path: string, fill: (out: Writable) => Promise<void>): Promise<void> {
  const out = createWriteStream(path);
  try {
    await fill(out);
    if (!out.writableEnded) out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    throw error;
  }
}

/** A PDF's document information: the work's title, its byline, its fandoms as subject and its other tags as keywords. */
function pdfInfo(book: BookSource, archive: Archive): PdfInfo {
  const names = (fandoms: boolean) => book.tags.filter((tag) => (tag.type === "Fandom") === fandoms).map((tag) => tag.name).join(", ");
  return { title: book.work.title, author: bylineText(book), subject: names(true), keywords: names(false), creator: archive.name };
}

/** Builds one download file of the work at `path`. */
export async function buildDownload(db: Db, book: BookSource, archive: Archive, format: Format, paper: Paper | null, path: string): Promise<void> {
  switch (format) {
    case "epub":
      return toFile(path, (out) => writeEpub(book, archive, out));
    case "html":
      return toFile(path, (out) => writeHtml(book, archive, out));
    case "txt": {
      // The work-text format (docs/work-text.md), exactly as `fanfold export` writes it.
      const text = await exportWorkText(db, book.work.id);
      return writeFile(path, text ?? "", "utf8");
    }
    case "pdf": {
      const page = `${path}.html`;
      try {
        await toFile(page, (out) => writeHtml(book, archive, out, { paper: paper ?? "letter" }));
        await printPdf(page, path);
        await rewritePdfInfo(path, pdfInfo(book, archive));
      } finally {
        await rm(page, { force: true });
      }
      return;
    }
  }
}

import { readFile, writeFile } from "node:fs/promises";
import { PDFDict, PDFDocument, PDFName } from "@cantoo/pdf-lib";

/** What a PDF's document information says about the work (what `pdfinfo` and reading apps show). */
export interface PdfInfo {
  title: string;
  /** The byline, as the PDF's own preface prints it. */
  author: string;
  subject: string;
  keywords: string;
  /** The application that made the document: the archive, not the browser that printed it. */
  creator: string;
}

/**
 * Rewrites the document information of the PDF Chromium printed at `path`. Chromium gives the
 * page's <title> as Title, no Author, Subject or Keywords, and its own user agent
 * ("HeadlessChrome") as Creator; the Producer (Skia/PDF, which did the printing) is left as it is.
 * Chromium writes no XMP metadata stream, so the information dictionary is the only place these
 * live.
 *
 * It also names the Type 3 fonts. Skia embeds TrueType fonts as fonts, but draws glyphs of
 * CFF-outline fonts (Noto Sans CJK) and of colour bitmap fonts (Noto Color Emoji) as Type 3
 * fonts, which it leaves without /BaseFont or /Name: tools then list them as "[none]". Their font
 * descriptors do carry the font's (subset) name, which is copied to both keys, so every font
 * in the file says which font it came from.
 */
export async function rewritePdfInfo(path: string, info: PdfInfo): Promise<void> {
  const doc = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  doc.setTitle(info.title);
  doc.setAuthor(info.author);
  doc.setSubject(info.subject);
  // setKeywords joins its list with spaces; tags hold spaces, so they are joined here with commas.
  doc.setKeywords([info.keywords]);
  doc.setCreator(info.creator);
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Subtype")) !== PDFName.of("Type3") || object.has(PDFName.of("BaseFont"))) continue;
    const name = object.lookupMaybe(PDFName.of("FontDescriptor"), PDFDict)?.get(PDFName.of("FontName"));
    if (!(name instanceof PDFName)) continue;
    object.set(PDFName.of("BaseFont"), name);
    object.set(PDFName.of("Name"), name);
  }
  // Without object streams the file stays PDF 1.4, as Chromium wrote it.
  await writeFile(path, await doc.save({ useObjectStreams: false }));
}

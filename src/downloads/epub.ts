import { createHash } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import { htmlToText } from "../formats/work-text.js";
import { isRtl } from "../model/languages.js";
import type { BookSource, ChapterOutline } from "./queries.js";
import { BOOK_CSS } from "./views/book-css.js";
import { type Archive, Afterword, ChapterBlock, bookTitle, chapterHeading, Preface, workUrl } from "./views/book.js";
import { escapeXml, escapeXmlAttribute, toXhtml } from "./xhtml.js";
import { t } from "../platform/i18n/index.js";

/**
 * EPUB 3 from our own XHTML templates, zipped with yazl: a preface, one document per chapter,
 * an afterword, a navigation document (the table of contents) and the package document with
 * the work's metadata. Chapters are read from the database one at a time, only when the zip
 * writer reaches them, and written straight through the compressor to `out`: the book is never
 * held in memory whole (bench/epub.ts measures a 500,000-word work).
 */

const EPUB_DIR = "EPUB";

interface Part {
  id: string;
  href: string;
  label: string;
}

const chapterHref = (chapter: ChapterOutline) => `chapter-${chapter.position}.xhtml`;

/** A UUID (RFC 4122 layout, name-based) for the work's address, so every build has the same identifier. */
function bookUuid(url: string): string {
  const hex = createHash("sha1").update(url).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `2024-05-01T10:00:00Z`, the form dcterms:modified requires. */
function epubTimestamp(value: string): string {
  const date = new Date(value);
  return (Number.isNaN(date.getTime()) ? new Date(0) : date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function languageAttributes(language: string): string {
  const lang = escapeXmlAttribute(language);
  return `xml:lang="${lang}" lang="${lang}"${isRtl(language) ? ' dir="rtl"' : ""}`;
}

/** A complete XHTML content document around an XHTML body fragment. */
function xhtmlDocument(title: string, language: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" ${languageAttributes(language)}>
<head>
<title>${escapeXml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
${body}
</body>
</html>
`;
}

function xhtmlOf(element: JSX.Element, base: string): string {
  if (typeof element !== "string") throw new Error("async view component used in a download");
  return toXhtml(element, { base, ids: new Set() });
}

function navDocument(book: BookSource, parts: Part[]): string {
  const items = parts.map((part) => `<li><a href="${escapeXmlAttribute(part.href)}">${escapeXml(part.label)}</a></li>`).join("\n");
  return xhtmlDocument(
    book.work.title,
    book.work.language,
    `<nav epub:type="toc" id="toc">\n<h1>${escapeXml(t("downloads.contents"))}</h1>\n<ol>\n${items}\n</ol>\n</nav>`,
  );
}

function packageDocument(book: BookSource, archive: Archive, parts: Part[]): string {
  const { work, tags } = book;
  const url = workUrl(archive, work.id);
  const summary = work.summary ? htmlToText(work.summary).trim() : "";
  const creators = work.creators.length ? work.creators.map((c) => c.pseudName) : [t("subscriptions.mail.anonymous")];
  const meta = [
    `<dc:identifier id="pub-id">urn:uuid:${bookUuid(url)}</dc:identifier>`,
    `<dc:title>${escapeXml(work.title)}</dc:title>`,
    ...creators.flatMap((name, i) => [
      `<dc:creator id="creator${i + 1}">${escapeXml(name)}</dc:creator>`,
      `<meta refines="#creator${i + 1}" property="role" scheme="marc:relators">aut</meta>`,
    ]),
    `<dc:language>${escapeXml(work.language)}</dc:language>`,
    `<dc:publisher>${escapeXml(archive.name)}</dc:publisher>`,
    summary ? `<dc:description>${escapeXml(summary)}</dc:description>` : "",
    ...[t("downloads.fanworks"), ...tags.map((tag) => tag.name)].map((name) => `<dc:subject>${escapeXml(name)}</dc:subject>`),
    // Series and part (EPUB 3 collections), and calibre's older pair for the first series, which
    // reading apps that predate collections still read.
    ...book.series.flatMap((place, i) => [
      `<meta property="belongs-to-collection" id="series${i + 1}">${escapeXml(place.title)}</meta>`,
      `<meta refines="#series${i + 1}" property="collection-type">series</meta>`,
      `<meta refines="#series${i + 1}" property="group-position">${place.part}</meta>`,
    ]),
    ...book.series.slice(0, 1).flatMap((place) => [`<meta name="calibre:series" content="${escapeXmlAttribute(place.title)}"/>`, `<meta name="calibre:series_index" content="${place.part}"/>`]),
    `<dc:date>${escapeXml(work.published_on.slice(0, 10))}</dc:date>`,
    `<dc:source>${escapeXml(url)}</dc:source>`,
    `<meta property="dcterms:modified">${epubTimestamp(work.updated_at)}</meta>`,
    // Accessibility metadata (schema.org, a prefix EPUB 3 reserves): text only (images are
    // links), with a table of contents and headings to move by.
    `<meta property="schema:accessMode">textual</meta>`,
    `<meta property="schema:accessModeSufficient">textual</meta>`,
    `<meta property="schema:accessibilityFeature">tableOfContents</meta>`,
    `<meta property="schema:accessibilityFeature">structuralNavigation</meta>`,
    `<meta property="schema:accessibilityFeature">readingOrder</meta>`,
    `<meta property="schema:accessibilityHazard">none</meta>`,
    `<meta property="schema:accessibilitySummary">The text of a fan work with its tags and notes, one document per chapter, headings for each part and a table of contents.</meta>`,
  ].filter(Boolean);
  const manifest = [
    `<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>`,
    `<item id="css" href="style.css" media-type="text/css"/>`,
    ...parts.map((part) => `<item id="${part.id}" href="${escapeXmlAttribute(part.href)}" media-type="application/xhtml+xml"/>`),
  ];
  const spine = parts.map((part) => `<itemref idref="${part.id}"/>`);
  const direction = isRtl(work.language) ? ' page-progression-direction="rtl"' : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" ${languageAttributes(work.language).replace(/ lang="[^"]*"/, "")}>
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
${meta.join("\n")}
</metadata>
<manifest>
${manifest.join("\n")}
</manifest>
<spine${direction}>
${spine.join("\n")}
</spine>
</package>
`;
}

const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="${EPUB_DIR}/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
`;

/** Writes the work's EPUB to `out`; resolves once it is completely written. */
export async function writeEpub(book: BookSource, archive: Archive, out: Writable): Promise<void> {
  const { work } = book;
  const base = workUrl(archive, work.id);
  const zip = new ZipFile();
  const mtime = new Date(work.updated_at);
  const options = { mtime: Number.isNaN(mtime.getTime()) ? new Date(0) : mtime, forceDosTimestamp: true };
  const add = (path: string, text: string) => zip.addBuffer(Buffer.from(text, "utf8"), `${EPUB_DIR}/${path}`, options);

  // The mimetype entry first, stored, with no extra field (OCF's rule).
  zip.addBuffer(Buffer.from("application/epub+zip"), "mimetype", { ...options, compress: false });
  zip.addBuffer(Buffer.from(CONTAINER), "META-INF/container.xml", options);
  add("style.css", BOOK_CSS);

  const parts: Part[] = [{ id: "preface", href: "preface.xhtml", label: t("downloads.preface") }];
  add("preface.xhtml", xhtmlDocument(bookTitle(book), work.language, xhtmlOf(Preface({ book, archive }), base)));

  for (const chapter of book.chapters) {
    const label = book.chapters.length === 1 ? work.title : chapterHeading(chapter);
    parts.push({ id: `chapter${chapter.position}`, href: chapterHref(chapter), label });
    zip.addReadStreamLazy(`${EPUB_DIR}/${chapterHref(chapter)}`, options, (callback) => {
      callback(
        null,
        Readable.from(
          (async function* () {
            const content = await book.chapterContent(chapter.id);
            yield Buffer.from(xhtmlDocument(label, work.language, xhtmlOf(ChapterBlock({ book, chapter, content }), base)), "utf8");
          })(),
        ),
      );
    });
  }

  parts.push({ id: "afterword", href: "afterword.xhtml", label: t("downloads.afterword") });
  add("afterword.xhtml", xhtmlDocument(t("downloads.afterword_of", { title: work.title }), work.language, xhtmlOf(Afterword({ book, archive }), base)));
  add("nav.xhtml", navDocument(book, parts));
  add("content.opf", packageDocument(book, archive, parts));
  zip.end();
  await pipeline(zip.outputStream, out);
}

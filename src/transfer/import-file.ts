import { EpubError, looksLikeZip, readEpub } from "../formats/epub-reader.js";
import { EXPECTED_FILE, parseAo3DownloadEpub, parseAo3DownloadHtml } from "./ao3-download.js";
import { isFanFicFareEpub, parseFanFicFareEpub } from "./fanficfare-epub.js";
import type { ImportedWork, ImportLoss } from "./imported-work.js";

/**
 * What `fanfold import` was given, told by the file's content (never by its name alone): a
 * work-text file, an AO3 (or Fanfold) download in HTML or EPUB, or FanFicFare's EPUB of an AO3
 * work. Downloads are read here into an ImportedWork; a work-text file goes to its own importer,
 * which keeps its header lines.
 */

export type ImportFileKind = "ao3-html" | "ao3-epub" | "fanficfare-epub";

export const IMPORT_FILE_KINDS: Record<ImportFileKind, string> = {
  "ao3-html": "AO3 HTML download",
  "ao3-epub": "AO3 EPUB download",
  "fanficfare-epub": "FanFicFare EPUB",
};

export type ReadImportFile =
  | { ok: true; kind: "work-text"; text: string }
  | { ok: true; kind: ImportFileKind; work: ImportedWork; losses: ImportLoss[] }
  | { ok: false; message: string };

/** Whether decoded text is markup (an HTML page or fragment) rather than a work-text file, which starts with its "Work Header" line. */
function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

/** Reads one file's bytes as an import: the work (or work-text), or one sentence saying why not. */
export function readImportFile(bytes: Buffer): ReadImportFile {
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return { ok: false, message: `a PDF cannot be imported (its text has no structure to read back); ${EXPECTED_FILE}` };
  if (bytes.length > 68 && /^(BOOKMOBI|TEXtREAd)$/.test(bytes.subarray(60, 68).toString("latin1"))) {
    return { ok: false, message: `a MOBI/AZW3 e-book cannot be imported; ${EXPECTED_FILE}` };
  }
  if (looksLikeZip(bytes)) {
    try {
      const epub = readEpub(bytes);
      if (isFanFicFareEpub(epub)) return withKind("fanficfare-epub", parseFanFicFareEpub(epub));
      return withKind("ao3-epub", parseAo3DownloadEpub(epub));
    } catch (error) {
      if (error instanceof EpubError) return { ok: false, message: `not a readable EPUB: ${error.message}; ${EXPECTED_FILE}` };
      // An offset or a name pointing outside the file: damaged in a way the checks above did not name.
      if (error instanceof RangeError || error instanceof URIError) return { ok: false, message: `not a readable EPUB: the ZIP file is damaged (${error.message}); ${EXPECTED_FILE}` };
      throw error;
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: "the file is not valid UTF-8 text, nor an EPUB (a ZIP file)." };
  }
  text = text.replace(/^\uFEFF/, "");
  if (looksLikeHtml(text)) return withKind("ao3-html", parseAo3DownloadHtml(text));
  return { ok: true, kind: "work-text", text };
}

function withKind(kind: ImportFileKind, parsed: ReturnType<typeof parseAo3DownloadHtml>): ReadImportFile {
  return parsed.ok ? { ok: true, kind, work: parsed.work, losses: parsed.losses } : parsed;
}

/**
 * Which of the importing user's pseuds a file's byline names ("Moth" or "Moth (login)", as AO3
 * writes a pseud that is not the login), in byline order; the default pseud when it names none.
 * A writer bringing back their own download is credited as the byline says, not under a second name.
 */
export function importingPseudIds(creators: string[], login: string, pseuds: { id: number; name: string }[]): number[] {
  const key = (name: string) => name.trim().toLowerCase();
  const named = creators.flatMap((creator) => {
    const pseud = pseuds.find((p) => key(creator) === key(p.name) || key(creator) === key(`${p.name} (${login})`));
    return pseud ? [pseud.id] : [];
  });
  return named.length ? [...new Set(named)] : [pseuds[0]!.id];
}

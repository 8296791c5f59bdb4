/**
 * Download file names and URLs, as AO3 makes them (shared/reference/otwarchive-behaviour.md §6):
 * `/downloads/ID/NAME.EXT?updated_at=EPOCH`, NAME from the title (the query string only busts caches).
 */

/** The formats offered, in menu order. */
export const FORMATS = ["epub", "pdf", "html", "txt"] as const;
export type Format = (typeof FORMATS)[number];

export const MEDIA_TYPES: Record<Format, string> = {
  epub: "application/epub+zip",
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
};

/** Paper sizes a PDF is laid out for. */
export const PAPERS = ["letter", "a5"] as const;
export type Paper = (typeof PAPERS)[number];

const NAMED_ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g;

/**
 * AO3's file name for a title: entities removed, transliterated to ASCII, only letters, digits,
 * `_`, space and `-` kept, spaces squashed, cut to 24 characters at a word boundary, spaces
 * turned into `_`; shorter than 3 characters gets `_Work_ID` (`Work_ID` when nothing is left).
 */
export function downloadFileName(title: string, workId: number): string {
  const ascii = title
    .replace(NAMED_ENTITY, "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[ßæœÆŒøØđĐłŁþÞ]/g, (c) => TRANSLITERATIONS[c] ?? "")
    .replace(/[^\w _-]|[^\x00-\x7f]/g, "")
    .replace(/ +/g, " ")
    .trim();
  let name = ascii;
  if (name.length > 24) {
    const stop = name.lastIndexOf(" ", 24);
    name = name.slice(0, stop > 0 ? stop : 24).trim();
  }
  name = name.replace(/\s/g, "_");
  if (name.length < 3) name = name ? `${name}_Work_${workId}` : `Work_${workId}`;
  return name;
}

const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", đ: "d", Đ: "D", ł: "l", Ł: "L", þ: "th", Þ: "Th",
};

/** The link to a work's download, with AO3's cache-busting `updated_at` (seconds since the epoch). */
export function downloadPath(work: { id: number; title: string; updated_at: string }, format: Format, paper?: Paper): string {
  const epoch = Math.floor(Date.parse(work.updated_at) / 1000) || 0;
  const paperParam = paper && paper !== "letter" ? `&paper=${paper}` : "";
  return `/downloads/${work.id}/${encodeURIComponent(downloadFileName(work.title, work.id))}.${format}?updated_at=${epoch}${paperParam}`;
}

/** The format named by a requested file's extension, or null. */
export function formatOfFile(file: string): Format | null {
  const dot = file.lastIndexOf(".");
  if (dot < 0) return null;
  const ext = file.slice(dot + 1).toLowerCase();
  return (FORMATS as readonly string[]).includes(ext) ? (ext as Format) : null;
}

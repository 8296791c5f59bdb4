import { cleanHtml } from "../../platform/html/clean.js";
import type { HtmlField } from "../../platform/html/sanitize.js";

/**
 * The clean-ups eFiction text needs on its way in, each written once: how eFiction's stored text
 * becomes the HTML it showed, repairing latin1 mojibake, and finding emoji its connection lost.
 */

/**
 * eFiction text (a chapter file, a `storytext`, a summary, notes, a review) as Fanfold HTML, the
 * way eFiction displayed it. eFiction stored what the author typed after `strip_tags` with its
 * allowed tags, and at display time (`format_story()`) ran nl2br only when the text had no `<br>`
 * and no `<p>`. So:
 * - line endings: CRLF and CR become LF;
 * - text with `<p>` or `<br>` is HTML whose line breaks never showed: they become spaces;
 * - text without them is plain text whose every line break showed: Fanfold's paragraph rules
 *   read it (a blank line starts a paragraph, a single break is a `<br />`), which is what nl2br
 *   showed, as paragraphs;
 * - then Fanfold's paragraph rules and its one sanitizer, as for anything typed here (eFiction kept
 *   attributes such as `style=`; the sanitizer decides which survive).
 */
export function efictionTextToHtml(raw: string, field: HtmlField = "content"): string {
  const text = raw.replace(/\r\n?/g, "\n");
  const isHtml = /<\s*(?:p|br)\b/i.test(text);
  return cleanHtml(isHtml ? text.replace(/[ \t]*\n[ \t]*/g, " ") : text, field);
}

// MySQL's latin1 is Windows-1252: these characters stand for bytes 0x80-0x9F.
const CP1252_HIGH: Record<string, number> = {
  "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89, "Š": 0x8a,
  "‹": 0x8b, "Œ": 0x8c, "Ž": 0x8e, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95, "–": 0x96, "—": 0x97,
  "˜": 0x98, "™": 0x99, "š": 0x9a, "›": 0x9b, "œ": 0x9c, "ž": 0x9e, "Ÿ": 0x9f,
};
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
/** A character no latin1 byte stands for: a value holding one is not mojibake (checked first, natively, before any byte is built). */
const NOT_LATIN1 = new RegExp(`[^\\x00-\\xff${Object.keys(CP1252_HIGH).join("")}]`);
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The text a latin1-mojibake value stands for ("CafÃ©" → "Café"), or null when the value is not
 * mojibake: it has no character outside ASCII, a character latin1 cannot hold, or its latin1
 * bytes are not valid UTF-8 (real latin1 text such as "Café" is left alone).
 */
export function repairMojibake(value: string): string | null {
  if (!NON_ASCII.test(value) || NOT_LATIN1.test(value)) return null;
  let high = false;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) {
      bytes[i] = code;
      continue;
    }
    high = true;
    const byte = code <= 0xff ? code : CP1252_HIGH[value[i]!];
    if (byte === undefined) return null;
    bytes[i] = byte;
  }
  if (!high) return null;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Runs of "????" where eFiction's utf8mb3 connection lost a 4-byte character (an emoji): 4 per character. */
const LOST = /(?:\?\?\?\?)+/g;

/** Whether a database value shows a lost 4-byte character. */
export function hasLostCharacters(value: string): boolean {
  return /\?\?\?\?/.test(value);
}

/**
 * The value with its lost characters put back when `source` (a chapter file, which keeps them)
 * holds the same text with 4-byte characters where the value has "????"; the value unchanged
 * otherwise. Returns how many characters came back.
 */
export function restoreLostCharacters(value: string, sources: readonly string[]): { text: string; restored: number } {
  if (!hasLostCharacters(value)) return { text: value, restored: 0 };
  const pieces = value.split(LOST);
  const runs = value.match(LOST)!;
  // Each "????" stands for one character outside the Basic Multilingual Plane.
  const pattern = new RegExp(
    pieces.map((piece, i) => escapeRegExp(piece) + (i < runs.length ? `((?:[\\u{10000}-\\u{10FFFF}]\\uFE0F?){${runs[i]!.length / 4}})` : "")).join(""),
    "u",
  );
  for (const source of sources) {
    const match = pattern.exec(source);
    if (!match) continue;
    let text = pieces[0]!;
    for (let i = 0; i < runs.length; i++) text += match[i + 1]! + pieces[i + 1]!;
    return { text, restored: runs.reduce((n, run) => n + run.length / 4, 0) };
  }
  return { text: value, restored: 0 };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * eFiction 3.5's series.php escapes its input twice, so a series title or summary holds `\'`
 * and `\"` where the author typed a quote (the fixture's "Aurélie\'s Café Stories").
 */
export function unescapeDoubleEscaped(value: string): string {
  return value.replace(/\\(['"\\])/g, "$1");
}

import { makeParagraphs } from "./paragraphs.js";
import { type HtmlField, sanitizeUserHtml } from "./sanitize.js";

/** User HTML as stored: AO3's paragraph rules, then the one sanitizer policy. */
export function cleanHtml(raw: string, htmlField: HtmlField): string {
  if (!raw.trim()) return "";
  return sanitizeUserHtml(makeParagraphs(raw), htmlField);
}

import { makeParagraphs } from "./paragraphs.js";
import { type HtmlField, sanitizeUserHtml } from "./sanitize.js";
import { EMPTY_HTML, type TrustedHtml } from "./trusted-html.js";

/** User HTML as stored: AO3's paragraph rules, then the one sanitizer policy. */
export function cleanHtml(raw: string, htmlField: HtmlField): TrustedHtml {
  if (!raw.trim()) return EMPTY_HTML;
  return sanitizeUserHtml(makeParagraphs(raw), htmlField);
}

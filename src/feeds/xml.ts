/** Small helpers for writing XML documents (Atom, OPDS, OpenSearch) as strings, every value escaped. */
import type { TrustedHtml } from "../platform/html/trusted-html.js";

/** Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. */
export function xmlEscape(value: string | number): string {
  return String(value)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export type Attrs = Record<string, string | number | undefined | null>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${xmlEscape(v as string | number)}"`)
    .join("");
}

/** An element with escaped text content. */
export function text(name: string, value: string | number, a: Attrs = {}): string {
  return `<${name}${attrs(a)}>${xmlEscape(value)}</${name}>`;
}

/** A `type="html"` text construct: only trusted markup may go in (the XML writer escapes it once more). */
export function htmlText(name: string, value: TrustedHtml): string {
  return text(name, value, { type: "html" });
}

/** An element whose children are already XML (built with these helpers). */
export function node(name: string, a: Attrs, children: string[] = []): string {
  return children.length ? `<${name}${attrs(a)}>${children.join("")}</${name}>` : `<${name}${attrs(a)}/>`;
}

/** An RFC 3339 timestamp from a stored date (`YYYY-MM-DD` or an ISO date-time). */
export function rfc3339(stored: string): string {
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(stored) ? `${stored}T00:00:00Z` : stored);
  return new Date(Number.isFinite(time) ? time : 0).toISOString().replace(/\.\d{3}Z$/, "Z");
}

import sanitizeHtml from "sanitize-html";
import type { TrustedHtml } from "./trusted-html.js";

/** Which user-facing field a piece of HTML belongs to; the policy differs slightly per field. */
export type HtmlField = "content" | "summary" | "notes" | "endnotes" | "comment" | "profile" | "terms";

/** Elements user HTML may contain (the incumbent archive's list, so imported works render the same). */
export const ALLOWED_TAGS: readonly string[] = [
  "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption", "center", "cite",
  "code", "col", "colgroup", "details", "figcaption", "figure", "dd", "del", "dfn", "div", "dl", "dt",
  "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
  "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup",
  "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
];

/** Elements removed together with everything inside them, not just unwrapped. */
export const REMOVED_WITH_CONTENT: readonly string[] = [
  "script", "style", "iframe", "math", "noembed", "noframes", "noscript", "plaintext", "svg", "xmp",
  // htmlparser2 reads these as raw text; their text is not prose, and passing it through
  // would re-interpret undecoded entities.
  "textarea", "title", "option",
];

// Media embeds (audio/video/iframe/embed/object, allowed for chapter text by the incumbent from an
// allowlist of hosts) are deliberately absent for now: which hosts to trust is a later decision.

// Work skins target classes, so only the fields a skin styles may carry them.
const CLASS_FIELDS: ReadonlySet<HtmlField> = new Set<HtmlField>(["content", "notes", "endnotes"]);
const CLASS_NAME = /^[a-zA-Z][\w-]+$/;

const LINK_SCHEMES = ["http", "https", "mailto", "ftp"];
const WEB_SCHEMES = ["http", "https"];

/** Elements nested deeper than this lose their tags (text kept): depth buys prose nothing and costs time. */
export const MAX_NESTING = 100;

// NUL and C0 controls (bar tab/LF/CR), DEL, and unpaired surrogates (the JS-string form of invalid UTF-8).
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes NUL/C0 control characters (except tab, LF, CR), DEL and unpaired surrogates. */
export function stripControlChars(s: string): string {
  return s.replace(CONTROL, "");
}

// Browsers ignore ASCII controls and spaces inside URLs, so "java\tscript:" must be judged as
// "javascript:". A URL containing "<!--" is never legitimate and would make the library's own
// comment-stripping loop slow, so it is rejected outright.
function urlAllowed(value: string, schemes: readonly string[]): boolean {
  const cleaned = value.replace(/[\u0000-\u0020]+/g, "");
  if (cleaned === "" || cleaned.includes("<!--")) return false;
  const scheme = /^([a-zA-Z][a-zA-Z0-9.+-]*):/.exec(cleaned);
  return scheme === null || schemes.includes(scheme[1].toLowerCase());
}

function policy(withClasses: boolean): sanitizeHtml.IOptions {
  const cellAttrs = ["abbr", "axis", "colspan", "height", "rowspan", "width"];
  return {
    allowedTags: [...ALLOWED_TAGS],
    allowedAttributes: {
      "*": ["align", "dir", "lang", "title"],
      // rel is listed only so our own rel="nofollow" survives a second pass; the transform below
      // overwrites whatever the user wrote.
      a: ["href", "name", "rel"],
      blockquote: ["cite"],
      col: ["span", "width"],
      colgroup: ["span", "width"],
      details: ["open"],
      hr: ["width"],
      img: ["alt", "border", "height", "src", "width"],
      ol: ["start", "type"],
      q: ["cite"],
      table: ["border", "summary", "width"],
      td: cellAttrs,
      th: [...cellAttrs, "scope"],
      ul: ["type"],
    },
    allowedClasses: withClasses ? { "*": [CLASS_NAME] } : undefined,
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesByTag: { img: WEB_SCHEMES, blockquote: WEB_SCHEMES, q: WEB_SCHEMES },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
    allowProtocolRelative: true,
    disallowedTagsMode: "discard",
    nonTextTags: [...REMOVED_WITH_CONTENT],
    selfClosing: ["img", "br", "hr", "col"],
    parseStyleAttributes: false, // style is never allowed, so never pay for parsing it
    nestingLimit: MAX_NESTING,
    transformTags: {
      // Decided here rather than after the library's scheme check so that rel only ever
      // appears on an element that still is a link (rel without href is invalid HTML).
      a: (tagName, attribs) => {
        if (attribs.href !== undefined && !urlAllowed(attribs.href, LINK_SCHEMES)) delete attribs.href;
        if (attribs.href !== undefined) attribs.rel = "nofollow";
        else delete attribs.rel;
        return { tagName, attribs };
      },
      // Relative image sources would resolve against our own origin; only absolute web URLs.
      img: (tagName, attribs) => {
        const src = attribs.src?.replace(/[\u0000-\u0020]+/g, "") ?? "";
        if (!/^https?:\/\//i.test(src) || src.includes("<!--")) delete attribs.src;
        return { tagName, attribs };
      },
    },
    // An image with no usable source is an empty box; drop it.
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  };
}

const WITH_CLASSES = policy(true);
const WITHOUT_CLASSES = policy(false);

/**
 * The single sanitizer policy for user-supplied HTML; output is stable under re-sanitizing. The
 * only function that turns markup from outside into `TrustedHtml`.
 */
export function sanitizeUserHtml(html: string, field: HtmlField): TrustedHtml {
  const input = stripControlChars(html.replace(/\r\n?/g, "\n"));
  const out = sanitizeHtml(input, CLASS_FIELDS.has(field) ? WITH_CLASSES : WITHOUT_CLASSES);
  // Entities such as &#1; decode to control characters, so strip again after parsing. A visible
  // &nbsp; (rather than an invisible U+00A0) keeps spacer paragraphs legible in edit forms and
  // matches what makeParagraphs emits.
  return trimHtmlSpace(stripControlChars(out).replace(/\u00A0/g, "&nbsp;")) as TrustedHtml;
}

// A loop rather than an anchored regex, which backtracks quadratically on long interior runs.
function trimHtmlSpace(s: string): string {
  const ws = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
  let start = 0;
  let end = s.length;
  while (start < end && ws(s.charCodeAt(start))) start++;
  while (end > start && ws(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Cleans a field that allows no HTML (titles, tag names): no control chars, NFC, trimmed; not escaped. */
export function stripToPlainText(s: string): string {
  // Tab and newline are kept: they are harmless once escaped, and single-line fields can decide
  // for themselves whether to collapse them.
  return stripControlChars(s.replace(/\r\n?/g, "\n")).normalize("NFC").trim();
}

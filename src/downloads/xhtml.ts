import { parseDocument } from "htmlparser2";
import type { ChildNode, Element } from "domhandler";
import { stripControlChars } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";

/**
 * HTML (already through the archive's sanitizer, or our own escaped templates) as XHTML that an
 * EPUB 3 reading system and epubcheck accept: well-formed XML, and only HTML5 elements and
 * attributes. The sanitizer's allowlist keeps some presentational HTML4 (center, big, tt, strike,
 * acronym, align, width, border …) so imported works look as they did; here each becomes its
 * HTML5 equivalent (an element or a class the book's stylesheet styles) or is dropped.
 *
 * Images: EPUB 3 does not allow an `img` to point outside the book, and fetching arbitrary
 * addresses from the server is not something a download should do, so each image becomes a link
 * to it labelled with its description ("Image: alt"); the HTML download keeps them (`images: "keep"`).
 *
 * The output is also valid HTML5 in HTML syntax, which is how the HTML and PDF downloads use it.
 */

export interface XhtmlContext {
  /** Absolute URL relative links are resolved against (the work's page). */
  base: string;
  /** Ids already used in the document; ids made here are added. */
  ids: Set<string>;
  /** "link" (EPUB, PDF: each image becomes a labelled link) or "keep" (the HTML download). */
  images?: "link" | "keep";
}

const VOID = new Set(["br", "hr", "img", "col", "wbr"]);

/** Presentational HTML4 elements and what replaces them. */
const RENAMED: Record<string, { name: string; className?: string }> = {
  center: { name: "div", className: "center" },
  big: { name: "span", className: "big" },
  tt: { name: "span", className: "tt" },
  strike: { name: "s" },
  acronym: { name: "abbr" },
};

/** Attributes kept per element (besides the global ones); anything else is dropped. */
const KEPT: Record<string, readonly string[]> = {
  a: ["href", "rel"],
  blockquote: ["cite"],
  q: ["cite"],
  details: ["open"],
  ol: ["start", "type", "reversed"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan", "scope"],
};
const GLOBAL = ["class", "dir", "lang", "title", "id"];

/** Which parent an element must have (else it becomes a div or span). */
const PARENTS: Record<string, { parents: readonly string[]; otherwise: string }> = {
  li: { parents: ["ul", "ol"], otherwise: "div" },
  dt: { parents: ["dl"], otherwise: "div" },
  dd: { parents: ["dl"], otherwise: "div" },
  rt: { parents: ["ruby"], otherwise: "span" },
  rp: { parents: ["ruby"], otherwise: "span" },
  tr: { parents: ["table", "thead", "tbody", "tfoot"], otherwise: "div" },
  td: { parents: ["tr"], otherwise: "div" },
  th: { parents: ["tr"], otherwise: "div" },
  thead: { parents: ["table"], otherwise: "div" },
  tbody: { parents: ["table"], otherwise: "div" },
  tfoot: { parents: ["table"], otherwise: "div" },
};

/** Elements that are not phrasing content: inside phrasing-only elements they become spans. */
const FLOW_ONLY = new Set([
  "address", "blockquote", "caption", "col", "colgroup", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3",
  "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
]);

/** Elements whose content must be phrasing content (`a`, `del`, `ins` are transparent: they keep their parent's rule). */
const PHRASING_ONLY = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "span", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "abbr", "cite",
  "code", "dfn", "kbd", "q", "samp", "var", "ruby", "rt", "rp", "summary",
]);

/** What each structural element may hold directly, and what wraps anything else put there. */
const WRAPPERS: Record<string, { allowed: readonly string[]; wrap: string[]; partial?: Record<string, string[]> }> = {
  ul: { allowed: ["li"], wrap: ["li"] },
  ol: { allowed: ["li"], wrap: ["li"] },
  table: { allowed: ["caption", "thead", "tbody", "tfoot", "tr", "colgroup"], wrap: ["tr", "td"], partial: { td: ["tr"], th: ["tr"] } },
  thead: { allowed: ["tr"], wrap: ["tr", "td"], partial: { td: ["tr"], th: ["tr"] } },
  tbody: { allowed: ["tr"], wrap: ["tr", "td"], partial: { td: ["tr"], th: ["tr"] } },
  tfoot: { allowed: ["tr"], wrap: ["tr", "td"], partial: { td: ["tr"], th: ["tr"] } },
  tr: { allowed: ["td", "th"], wrap: ["td"] },
};

interface State {
  /** Inside a link: a nested link becomes a span. */
  inLink: boolean;
  /** Inside a definition: a nested one becomes a span. */
  inDfn: boolean;
  inAddress: boolean;
  inCaption: boolean;
  /** Inside address, dt or th, where headings may not be. */
  noHeadings: boolean;
  /** Only phrasing content may be written here. */
  phrasing: boolean;
}

const LANG = /^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$/;
const ID = /^[A-Za-z_][\w.-]*$/;
// Characters XML 1.0 does not allow at all (the sanitizer already removed C0 controls).
const NOT_XML = /[\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return stripControlChars(text).replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, "&quot;");
}

/** An absolute http(s)/mailto/ftp URL for `value` resolved against `base`, or null. */
function absoluteUrl(value: string, base: string): string | null {
  try {
    const url = new URL(value.trim(), base);
    return ["http:", "https:", "mailto:", "ftp:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function isElement(node: ChildNode): node is Element {
  return node.type === "tag" || node.type === "script" || node.type === "style";
}

function elementChildren(node: Element): Element[] {
  return node.children.filter(isElement);
}

/** Converts an HTML fragment to an XHTML fragment (see the module comment). */
export function toXhtml(html: string, context: XhtmlContext): string {
  const doc = parseDocument(stripControlChars(html), { decodeEntities: true });
  // First, every id the fragment already has (our templates'), then user `a name` anchors as ids
  // where they are valid and free, so fragment links can be checked against every target.
  const each = (nodes: ChildNode[], fn: (node: Element) => void) => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      fn(node);
      each(node.children, fn);
    }
  };
  each(doc.children, (node) => {
    if (node.attribs.id) context.ids.add(node.attribs.id);
  });
  each(doc.children, (node) => {
    const name = node.attribs.name;
    if (node.name === "a" && name && !node.attribs.id && ID.test(name) && !context.ids.has(name)) {
      node.attribs.id = name;
      context.ids.add(name);
    }
  });
  let out = "";
  /** Writes `nodes`, children of an element now called `parentName`, repairing what HTML5 does not allow there. */
  const write = (nodes: ChildNode[], parent: Element | null, parentName: string | null, state: State) => {
    const wrapper = parentName && !state.phrasing ? WRAPPERS[parentName] : undefined;
    for (const node of nodes) {
      if (node.type === "cdata") {
        write(node.children, parent, parentName, state);
        continue;
      }
      if (node.type !== "text" && !isElement(node)) continue;
      const blank = node.type === "text" && node.data.trim() === "";
      const firstElement = parent ? elementChildren(parent)[0] === node : false;
      const fits = !wrapper || blank || (isElement(node) && wrapper.allowed.includes(node.name) && (node.name !== "caption" || firstElement));
      // A stray child of a list, definition list or table part is wrapped in what belongs there.
      let wrap = fits ? [] : (isElement(node) && wrapper!.partial?.[node.name]) || wrapper!.wrap;
      // A table with thead, tbody or tfoot may not also have rows of its own.
      if (parentName === "table" && tableHasSections(parent) && (fits ? isElement(node) && node.name === "tr" : wrap[0] === "tr")) wrap = ["tbody", ...wrap];
      for (const open of wrap) out += `<${open}>`;
      if (node.type === "text") out += escapeXml(node.data);
      else writeElement(node, parent, wrap.length ? wrap[wrap.length - 1]! : parentName, state);
      for (const open of [...wrap].reverse()) out += `</${open}>`;
    }
  };
  const writeElement = (node: Element, parent: Element | null, parentName: string | null, state: State) => {
    const original = node.name;
    // Columns carry only presentation (their widths are dropped) and easily contradict the rows.
    if (original === "script" || original === "style" || original === "colgroup" || original === "col") return;
    if (original === "img" && context.images === "keep") {
      const src = node.attribs.src ? absoluteUrl(node.attribs.src, context.base) : null;
      if (!src || !/^https?:/.test(src)) return;
      const size = (key: string) => (/^\d{1,5}$/.test(node.attribs[key]?.trim() ?? "") ? ` ${key}="${node.attribs[key]!.trim()}"` : "");
      out += `<img src="${escapeXmlAttribute(src)}" alt="${escapeXmlAttribute(node.attribs.alt ?? "")}"${size("width")}${size("height")}/>`;
      return;
    }
    if (original === "img") {
      const label = node.attribs.alt?.trim() ? t("downloads.image_alt", { alt: node.attribs.alt.trim() }) : t("downloads.image");
      const src = node.attribs.src ? absoluteUrl(node.attribs.src, context.base) : null;
      out += src && !state.inLink ? `<a class="image" href="${escapeXmlAttribute(src)}">[${escapeXml(label)}]</a>` : `<span class="image">[${escapeXml(label)}]</span>`;
      return;
    }
    let name = RENAMED[original]?.name ?? original;
    const classes: string[] = [];
    if (RENAMED[original]?.className) classes.push(RENAMED[original]!.className!);
    const placement = PARENTS[original];
    if (placement && !(parentName && placement.parents.includes(parentName))) name = placement.otherwise;
    if (name === "dl" && !isDefinitionList(node)) name = "div";
    if (name === "details" && elementChildren(node)[0]?.name !== "summary") name = "div";
    if (name === "ruby" && !isRuby(node)) name = "span";
    if (name === "dfn" && state.inDfn) name = "span";
    // What HTML5 forbids below some elements: headings in address, dt and th; address in address;
    // tables in captions; details (interactive) in links.
    if (/^h[1-6]$/.test(name) && state.noHeadings) {
      classes.push(`as-${name}`);
      name = "p";
    }
    if (name === "address" && state.inAddress) name = "div";
    if (name === "table" && state.inCaption) name = "div";
    if (name === "details" && state.inLink) name = "div";
    if (original === "summary" && !(parentName === "details" && parent && elementChildren(parent)[0] === node)) name = "p";
    if (original === "figcaption") {
      const siblings = parentName === "figure" && parent ? elementChildren(parent) : [];
      if (siblings[0] !== node && siblings[siblings.length - 1] !== node) name = "p";
    }
    if (original === "caption" && !(parentName === "table" && parent && elementChildren(parent)[0] === node)) name = "div";
    if (original === "a" && state.inLink) name = "span";
    // Where only phrasing content may be (inside p, a heading, em …), a block becomes a span
    // that the stylesheet shows as a block.
    if (state.phrasing && FLOW_ONLY.has(name)) {
      classes.push(`as-${name}`);
      name = "span";
    }

    const attribs: [string, string][] = [];
    const kept = KEPT[name] ?? [];
    for (const [key, raw] of Object.entries(node.attribs)) {
      const value = raw.trim();
      if (key === "align") {
        if (/^(left|right|center|justify)$/i.test(value)) classes.push(`align-${value.toLowerCase()}`);
        continue;
      }
      if (key === "class") {
        classes.push(...value.split(/\s+/).filter(Boolean));
        continue;
      }
      if (!GLOBAL.includes(key) && !kept.includes(key)) continue;
      if (key === "dir" && !/^(ltr|rtl|auto)$/.test(value)) continue;
      if (key === "lang" && !(value === "" || LANG.test(value))) continue;
      if (key === "id" && !ID.test(value)) continue;
      if ((key === "colspan" || key === "rowspan" || key === "start" || key === "span") && !/^-?\d{1,6}$/.test(value)) continue;
      if ((key === "colspan" || key === "span") && Number(value) < 1) continue;
      if (key === "type" && !/^[1aAiI]$/.test(value)) continue;
      if (key === "scope" && !/^(row|col|rowgroup|colgroup)$/.test(value)) continue;
      if (key === "open" || key === "reversed") {
        attribs.push([key, key]);
        continue;
      }
      if (key === "href") {
        if (name !== "a") continue;
        if (value.startsWith("#")) {
          if (context.ids.has(value.slice(1))) attribs.push([key, value]);
          continue;
        }
        const url = absoluteUrl(value, context.base);
        if (url) attribs.push([key, url]);
        continue;
      }
      if (key === "cite") {
        const url = absoluteUrl(value, context.base);
        if (url && /^https?:/.test(url)) attribs.push([key, url]);
        continue;
      }
      if (key === "rel" && !attribs.some(([k]) => k === "href") && !node.attribs.href) continue;
      attribs.push([key, value]);
    }
    if (name === "a" && !attribs.some(([k]) => k === "href")) {
      const rel = attribs.findIndex(([k]) => k === "rel");
      if (rel >= 0) attribs.splice(rel, 1);
    }
    if (classes.length) attribs.unshift(["class", [...new Set(classes)].join(" ")]);
    out += `<${name}${attribs.map(([k, v]) => ` ${k}="${escapeXmlAttribute(v)}"`).join("")}`;
    if (VOID.has(name)) {
      out += "/>";
      return;
    }
    out += ">";
    const inner: State = {
      inLink: state.inLink || name === "a",
      inDfn: state.inDfn || name === "dfn",
      inAddress: state.inAddress || name === "address",
      inCaption: state.inCaption || name === "caption",
      noHeadings: state.noHeadings || name === "address" || name === "dt" || name === "th",
      phrasing: state.phrasing || PHRASING_ONLY.has(name),
    };
    write(node.children, node, name, inner);
    out += `</${name}>`;
  };
  write(doc.children, null, null, { inLink: false, inDfn: false, inAddress: false, inCaption: false, noHeadings: false, phrasing: false });
  return out;
}

function tableHasSections(table: Element | null): boolean {
  return table !== null && elementChildren(table).some((child) => ["thead", "tbody", "tfoot"].includes(child.name));
}

/** Whether a `dl` holds only groups of terms then descriptions (and blank text), as HTML5 requires. */
function isDefinitionList(dl: Element): boolean {
  let expect: "dt" | "dt-or-dd" | "dd-or-dt" = "dt";
  for (const child of dl.children) {
    if (child.type === "text" && child.data.trim() === "") continue;
    if (!isElement(child) || (child.name !== "dt" && child.name !== "dd")) return false;
    if (child.name === "dd" && expect === "dt") return false;
    expect = child.name === "dt" ? "dt-or-dd" : "dd-or-dt";
  }
  return expect !== "dt-or-dd";
}

/** Whether a `ruby` has its base text first and at least one `rt`. */
function isRuby(ruby: Element): boolean {
  const children = ruby.children.filter((c) => !(c.type === "text" && c.data.trim() === ""));
  const first = children[0];
  if (!first || (isElement(first) && (first.name === "rt" || first.name === "rp"))) return false;
  return children.some((c) => isElement(c) && c.name === "rt");
}

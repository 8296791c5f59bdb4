import { parseDocument } from "htmlparser2";
import type { ChildNode, Element } from "domhandler";
import { stripControlChars } from "../platform/html/sanitize.js";

/**
 * HTML (already through the archive's sanitizer, or our own escaped templates) as XHTML that an
 * EPUB 3 reading system and epubcheck accept: well-formed XML, and only HTML5 elements and
 * attributes. The sanitizer's allowlist keeps some presentational HTML4 (center, big, tt, strike,
 * acronym, align, width, border …) so imported works look as they did; here each becomes its
 * HTML5 equivalent (an element or a class the book's stylesheet styles) or is dropped.
 *
 * Images: EPUB 3 does not allow an `img` to point outside the book, and fetching arbitrary
 * addresses from the server is not something a download should do, so each image becomes a link
 * to it labelled with its description ("Image: alt").
 */

export interface XhtmlContext {
  /** Absolute URL relative links are resolved against (the work's page). */
  base: string;
  /** Ids already used in the document; ids made here are added. */
  ids: Set<string>;
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
  col: ["span"],
  colgroup: ["span"],
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
};

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
  const write = (nodes: ChildNode[], parent: Element | null, inLink: boolean) => {
    for (const node of nodes) {
      if (node.type === "text") out += escapeXml(node.data);
      else if (isElement(node)) writeElement(node, parent, inLink);
      else if (node.type === "cdata") write(node.children, parent, inLink);
    }
  };
  const writeElement = (node: Element, parent: Element | null, inLink: boolean) => {
    const original = node.name;
    if (original === "script" || original === "style") return;
    if (original === "img") {
      const label = node.attribs.alt?.trim() ? `Image: ${node.attribs.alt.trim()}` : "Image";
      const src = node.attribs.src ? absoluteUrl(node.attribs.src, context.base) : null;
      out += src && !inLink ? `<a class="image" href="${escapeXmlAttribute(src)}">[${escapeXml(label)}]</a>` : `<span class="image">[${escapeXml(label)}]</span>`;
      return;
    }
    let name = RENAMED[original]?.name ?? original;
    const classes: string[] = [];
    if (RENAMED[original]?.className) classes.push(RENAMED[original]!.className!);
    const placement = PARENTS[original];
    if (placement && !(parent && placement.parents.includes(parent.name))) name = placement.otherwise;
    if (original === "summary" && !(parent?.name === "details" && elementChildren(parent)[0] === node)) name = "p";
    if (original === "figcaption") {
      const siblings = parent?.name === "figure" ? elementChildren(parent) : [];
      if (siblings[0] !== node && siblings[siblings.length - 1] !== node) name = "p";
    }
    if (original === "a" && inLink) name = "span";

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
      // A colgroup with col elements inside may not have a span of its own.
      if (key === "span" && name === "colgroup" && elementChildren(node).length > 0) continue;
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
    write(node.children, { ...node, name } as Element, inLink || name === "a");
    out += `</${name}>`;
  };
  write(doc.children, null, false);
  return out;
}

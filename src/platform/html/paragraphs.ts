import { Parser } from "htmlparser2";
import { ALLOWED_TAGS, MAX_NESTING, REMOVED_WITH_CONTENT } from "./sanitize.js";

// A small tree of our own rather than domhandler's: it lets the parse drop unwanted subtrees and
// cap nesting as it goes, so every later recursion is bounded by MAX_NESTING.
interface El {
  name: string;
  attrs: Record<string, string>;
  kids: Kid[];
}
type Kid = El | string;

// Inline content is flattened into tokens that remember their inline ancestors ("path"), so a
// paragraph break inside <em>…</em> can close and reopen the <em> on each side.
type Tok =
  | { k: "text"; s: string; path: El[] }
  | { k: "nl"; n: number; path: El[] }
  | { k: "br"; path: El[] }
  | { k: "leaf"; html: string; content: boolean; path: El[] };

type Item = { k: "para"; wrap: El | null; toks: Tok[] } | { k: "spacer" } | { k: "block"; html: string };

const VOID = new Set([
  "area", "base", "basefont", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
  "param", "source", "track", "wbr",
]);
const DROP = new Set([...REMOVED_WITH_CONTENT, "head", "template"]);
const TRANSPARENT = new Set(["html", "body"]);
// Containers whose inline content always becomes paragraphs (sectioning tags are stripped later
// by the sanitizer but are containers all the same).
const FLOW = new Set([
  "blockquote", "div", "center", "article", "aside", "section", "header", "footer", "main", "nav",
  "form", "fieldset",
]);
// Containers that get paragraphs only when they hold more than one: a one-line <li> or <td> stays bare.
const LIGHT = new Set(["li", "dd", "td", "th", "caption", "details", "figure", "address"]);
// Blocks holding a single line of inline content, where newlines can only mean <br>.
const LINE = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary", "figcaption"]);
// Blocks whose children are other blocks; whitespace between them is not content.
const LIST = new Set(["ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot", "tr", "colgroup"]);
const ALLOWED = new Set(ALLOWED_TAGS);

// Children that a parser closes their parent for (htmlparser2 follows the HTML rules): <li><li>
// reads back as two siblings. Lifting a block out of an inline element can create such a pair,
// so the inner element's tag is dropped instead, keeping the output stable when parsed again.
const CLOSES_PARENT: Record<string, readonly string[]> = {
  li: ["li"],
  dd: ["dd", "dt"],
  dt: ["dd", "dt"],
  td: ["td", "th", "thead"],
  th: ["th"],
  tr: ["tr", "td", "th"],
  tbody: ["thead", "tbody"],
  tfoot: ["thead", "tbody"],
};
const closesParent = (child: string, parent: string) => CLOSES_PARENT[child]?.includes(parent) ?? false;

const isBlock = (name: string) =>
  FLOW.has(name) || LIGHT.has(name) || LINE.has(name) || LIST.has(name) || name === "pre" || name === "hr";

const SPACER = "<p>&nbsp;</p>";

// ---- parsing and serialising -------------------------------------------------------------

function parseTree(html: string): El {
  const root: El = { name: "#root", attrs: {}, kids: [] };
  const stack: El[] = [root];
  const opened: Array<"el" | "skip" | "drop"> = []; // htmlparser2 closes every open, innermost first
  let dropping = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (dropping > 0 || DROP.has(name)) {
          opened.push("drop");
          dropping++;
        } else if (TRANSPARENT.has(name) || stack.length > MAX_NESTING) {
          opened.push("skip");
        } else {
          const el: El = { name, attrs, kids: [] };
          stack[stack.length - 1].kids.push(el);
          stack.push(el);
          opened.push("el");
        }
      },
      ontext(text) {
        if (dropping > 0) return;
        const kids = stack[stack.length - 1].kids;
        const last = kids.length - 1;
        if (last >= 0 && typeof kids[last] === "string") kids[last] += text;
        else kids.push(text);
      },
      onclosetag() {
        const what = opened.pop();
        if (what === "drop") dropping--;
        else if (what === "el") stack.pop();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return root;
}

const escText = (s: string) =>
  s.replace(/[&<>\u00A0]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;"));
const escAttr = (s: string) => escText(s).replace(/"/g, "&quot;");
const VALID_ATTR_NAME = /^[^\0\t\n\f\r /<=>"']+$/;

function openTag(el: El): string {
  let out = "<" + el.name;
  for (const [name, value] of Object.entries(el.attrs)) {
    if (!VALID_ATTR_NAME.test(name)) continue;
    // Same spelling as sanitize-html, so sanitized output parses back to identical markup.
    out += value === "" && name !== "alt" ? ` ${name}` : ` ${name}="${escAttr(value)}"`;
  }
  return out + (VOID.has(el.name) ? " />" : ">");
}
const closeTag = (el: El) => (VOID.has(el.name) ? "" : `</${el.name}>`);

// Verbatim serialisation, for <pre> and for anything we must not reformat.
function raw(kid: Kid): string {
  if (typeof kid === "string") return escText(kid);
  return openTag(kid) + kid.kids.map(raw).join("") + closeTag(kid);
}

const isWsCode = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
function isAllWs(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWsCode(s.charCodeAt(i))) return false;
  return true;
}
// Loops, not regexes: anchored whitespace regexes backtrack quadratically on long runs.
function trimStartWs(s: string): string {
  let i = 0;
  while (i < s.length && isWsCode(s.charCodeAt(i))) i++;
  return s.slice(i);
}
function trimEndWs(s: string): string {
  let i = s.length;
  while (i > 0 && isWsCode(s.charCodeAt(i - 1))) i--;
  return s.slice(0, i);
}
const trimWs = (s: string) => trimEndWs(trimStartWs(s));

// ---- makeParagraphs --------------------------------------------------------------------------

/** Applies the archive's line-break rules to a text box holding plain text and/or HTML. */
export function makeParagraphs(input: string): string {
  const src = input
    .replace(/\r\n?/g, "\n")
    // A "<" that cannot open a tag, comment or doctype is prose ("<3", "</3", "a < b").
    .replace(/<(?![a-z]|\/[a-z]|!--|!doctype)/gi, "&lt;");
  return renderFlow(collectFlow(parseTree(src).kids, [], "#root"));
}

// Splits text at newlines; spaces hugging a newline go with it.
function pushText(run: Tok[], data: string, path: El[]): void {
  if (!data.includes("\n")) {
    if (data !== "") run.push({ k: "text", s: data, path });
    return;
  }
  const lines = data.split("\n");
  let pending = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i > 0) {
      pending++;
      line = trimStartWs(line);
    }
    if (i < lines.length - 1) line = trimEndWs(line);
    if (line === "") continue;
    if (pending > 0) run.push({ k: "nl", n: pending, path });
    pending = 0;
    run.push({ k: "text", s: line, path });
  }
  if (pending > 0) run.push({ k: "nl", n: pending, path });
}

function leaf(el: El, path: El[]): Tok {
  // An empty element only counts as content if it can mean something once sanitized: an image,
  // or an allowed element carrying attributes (a named anchor, a skin's styled span).
  const content = ALLOWED.has(el.name) && (el.name === "img" || Object.keys(el.attrs).length > 0);
  return { k: "leaf", html: openTag(el) + closeTag(el), content, path };
}

const isBreakish = (t: Tok) => t.k === "br" || t.k === "nl" || (t.k === "text" && isAllWs(t.s));
const isContent = (t: Tok) => (t.k === "text" && !isAllWs(t.s)) || (t.k === "leaf" && t.content);

/**
 * Turns a run of inline tokens into paragraphs (split = true) or one line (split = false).
 * A "break" is a stretch of <br>s, newlines and spaces; its weight counts each <br> and each
 * newline, except that a newline straight after a <br> is the same line break written twice.
 */
function breakRun(run: Tok[], split: boolean, emit: (toks: Tok[], spacerBefore: boolean) => void): void {
  let cur: Tok[] = [];
  let curHasContent = false;
  let spacer = false;
  const end = () => {
    const toks = trimToks(cur);
    if (toks.some(isContent)) {
      emit(toks, spacer);
      spacer = false;
    }
    cur = [];
    curHasContent = false;
  };
  // Spaces hugging a line break are dropped, whether the break was written as <br> or a newline.
  let trimNext = false;
  const lineBreak = (path: El[], count: number) => {
    trimEndToks(cur);
    for (let k = 0; k < count; k++) cur.push({ k: "br", path });
    trimNext = true;
  };
  for (let i = 0; i < run.length; ) {
    const t = run[i];
    if (!isBreakish(t)) {
      curHasContent ||= isContent(t);
      cur.push(trimNext && t.k === "text" ? { ...t, s: trimStartWs(t.s) } : t);
      trimNext = false;
      i++;
      continue;
    }
    let j = i;
    let weight = 0;
    let afterBr = false;
    let at: El[] | null = null;
    let firstNl: El[] | null = null;
    for (; j < run.length && isBreakish(run[j]); j++) {
      const b = run[j];
      if (b.k === "br") {
        weight++;
        afterBr = true;
        at ??= b.path;
      } else if (b.k === "nl") {
        weight += afterBr ? b.n - 1 : b.n;
        afterBr = false;
        firstNl ??= b.path;
      }
    }
    const path = at ?? firstNl ?? [];
    if (weight === 0) {
      for (let k = i; k < j; k++) cur.push(run[k]); // just spaces between inline elements
    } else if (!curHasContent || j === run.length) {
      // Breaks at the edge of a paragraph or block are dropped.
    } else if (!split || weight === 1) {
      lineBreak(path, weight);
    } else {
      end();
      // Set after end(): the spacer belongs before the next paragraph, and only if one comes.
      if (weight >= 3) spacer = true;
    }
    i = j;
  }
  end();
}

// In place: drops trailing whitespace-only text and trims the last text token.
function trimEndToks(toks: Tok[]): void {
  while (toks.length > 0) {
    const t = toks[toks.length - 1];
    if (t.k !== "text") return;
    const s = trimEndWs(t.s);
    if (s !== "") {
      toks[toks.length - 1] = { ...t, s };
      return;
    }
    toks.pop();
  }
}

function trimToks(toks: Tok[]): Tok[] {
  trimEndToks(toks);
  let start = 0;
  while (start < toks.length) {
    const t = toks[start];
    if (t.k !== "text") break;
    const s = trimStartWs(t.s);
    if (s !== "") {
      toks[start] = { ...t, s };
      break;
    }
    start++;
  }
  return toks.slice(start);
}

// Walks a container's children, lifting blocks out of the inline elements around them.
function collectFlow(kids: Kid[], inherited: El[], parent: string): Item[] {
  const items: Item[] = [];
  let run: Tok[] = [];
  let wrap: El | null = null;
  const flush = () => {
    const w = wrap;
    breakRun(run, true, (toks, spacerBefore) => {
      if (spacerBefore) items.push({ k: "spacer" });
      items.push({ k: "para", wrap: w, toks });
    });
    run = [];
  };
  const walk = (nodes: Kid[], path: El[]): void => {
    for (const n of nodes) {
      if (typeof n === "string") pushText(run, n, path);
      else if (n.name === "br") run.push({ k: "br", path });
      else if (n.name === "p") {
        // The user's own <p>: its attributes carry over to every paragraph it splits into.
        flush();
        const outer = wrap;
        wrap = n;
        walk(n.kids, path);
        flush();
        wrap = outer;
      } else if (closesParent(n.name, parent)) walk(n.kids, path);
      else if (isBlock(n.name)) {
        flush();
        items.push({ k: "block", html: renderBlock(n, path, parent) });
      } else if (VOID.has(n.name) || n.kids.length === 0) run.push(leaf(n, path));
      else walk(n.kids, [...path, n]);
    }
  };
  walk(kids, inherited);
  flush();
  return items;
}

function renderToks(toks: Tok[]): string {
  const out: string[] = [];
  let open: El[] = [];
  for (const t of toks) {
    let same = 0;
    while (same < open.length && same < t.path.length && open[same] === t.path[same]) same++;
    for (let i = open.length - 1; i >= same; i--) out.push(closeTag(open[i]));
    for (let i = same; i < t.path.length; i++) out.push(openTag(t.path[i]));
    open = t.path;
    out.push(t.k === "text" ? escText(t.s) : t.k === "leaf" ? t.html : "<br />");
  }
  for (let i = open.length - 1; i >= 0; i--) out.push(closeTag(open[i]));
  return out.join("");
}

function renderFlow(items: Item[], sep = "\n"): string {
  return items
    .map((it) => {
      if (it.k === "block") return it.html;
      if (it.k === "spacer") return SPACER;
      return (it.wrap ? openTag(it.wrap) : "<p>") + renderToks(it.toks) + "</p>";
    })
    .join(sep);
}

function renderLight(items: Item[]): string {
  const paras = items.filter((it) => it.k !== "block");
  const only = paras[0];
  if (paras.length === 1 && only.k === "para" && only.wrap === null) {
    return items.map((it) => (it === only ? renderToks(only.toks) : renderFlow([it]))).join("");
  }
  return renderFlow(items);
}

// Content of a LINE block: newlines become <br>s one for one, nested blocks stay where they are.
function renderLine(kids: Kid[], inherited: El[], parent: string): string {
  const run: Tok[] = [];
  const walk = (nodes: Kid[], path: El[]): void => {
    for (const n of nodes) {
      if (typeof n === "string") pushText(run, n, path);
      else if (n.name === "br") run.push({ k: "br", path });
      else if (isBlock(n.name)) {
        const html = renderBlock(n, [], parent, "");
        if (html !== "") run.push({ k: "leaf", html, content: true, path });
      } else if (VOID.has(n.name) || n.kids.length === 0) run.push(leaf(n, path));
      else walk(n.kids, [...path, n]);
    }
  };
  walk(kids, inherited);
  let html = "";
  breakRun(run, false, (toks) => (html = renderToks(toks)));
  return html;
}

function renderList(kids: Kid[], inherited: El[], parent: string): string {
  const parts: string[] = [];
  let inline: Kid[] = [];
  const flushInline = () => {
    if (inline.length > 0) {
      const html = renderLine(inline, inherited, parent);
      if (html !== "") parts.push(html);
    }
    inline = [];
  };
  const visit = (nodes: Kid[]): void => {
    for (const n of nodes) {
      if (typeof n === "string") {
        if (!isAllWs(n)) inline.push(n);
      } else if (closesParent(n.name, parent)) visit(n.kids);
      else if (isBlock(n.name)) {
        const html = renderBlock(n, inherited, parent);
        if (html === "") continue; // an empty block must not split the inline text around it
        flushInline();
        parts.push(html);
      } else if (VOID.has(n.name) && n.name !== "br") {
        flushInline();
        parts.push(openTag(n));
      } else inline.push(n);
    }
  };
  visit(kids);
  flushInline();
  return parts.join("\n");
}

// Wraps a block's content in the inline elements it was lifted out of (<em><pre>… → <pre><em>…).
function renderBlock(el: El, inherited: El[], parent: string, sep = "\n"): string {
  const name = el.name;
  if (name === "hr") return openTag(el);
  // A stray <p> inside a list or heading still splits around blocks (a block cannot nest in <p>
  // when the HTML is parsed again). Inside a line, newlines between the pieces would read as <br>.
  if (name === "p") return renderFlow(collectFlow([el], inherited, parent), sep);
  let inner: string;
  let pad = false;
  if (name === "pre") {
    inner = inherited.map(openTag).join("") + el.kids.map(raw).join("") + inherited.map(closeTag).reverse().join("");
  } else if (FLOW.has(name)) {
    inner = renderFlow(collectFlow(el.kids, inherited, name));
    pad = true;
  } else if (LIGHT.has(name)) {
    inner = renderLight(collectFlow(el.kids, inherited, name));
  } else if (LIST.has(name)) {
    inner = renderList(el.kids, inherited, name);
    pad = true;
  } else {
    inner = renderLine(el.kids, inherited, name);
  }
  // Newlines around nested blocks only make the stored HTML readable; they are not content.
  if (pad && inner !== "") inner = `\n${inner}\n`;
  return openTag(el) + inner + closeTag(el);
}

// ---- htmlToTextarea --------------------------------------------------------------------------

/** Turns stored HTML back into the newline-based form an edit textarea shows (inverse of makeParagraphs). */
export function htmlToTextarea(html: string): string {
  return trimWs(flowText(parseTree(html.replace(/\r\n?/g, "\n")).kids, false));
}

// Text for a textarea is HTML source, but escaping only what makeParagraphs would misread keeps
// "<3" and "AT&T" readable.
const textareaEscape = (s: string) =>
  s
    .replace(/&(?=[a-z0-9#])/gi, "&amp;")
    .replace(/<(?=[a-z!?]|\/[a-z])/gi, "&lt;")
    .replace(/\u00A0/g, "&nbsp;");

// Outside <pre>, a newline in stored HTML is only whitespace; in a textarea it would become <br>.
function collapseNewlines(s: string): string {
  if (!s.includes("\n")) return s;
  return s
    .split("\n")
    .map((line, i, all) => {
      const start = i > 0 ? trimStartWs(line) : line;
      return i < all.length - 1 ? trimEndWs(start) : start;
    })
    .join(" ");
}

// brAsNewline is off directly inside lists and tables, where a bare newline is not content.
function inlineText(kids: Kid[], brAsNewline = true): string {
  let out = "";
  for (const n of kids) {
    if (typeof n === "string") out += textareaEscape(collapseNewlines(n));
    else if (n.name === "br") out += brAsNewline ? "\n" : openTag(n);
    else if (isBlock(n.name)) out += blockText(n);
    else out += openTag(n) + inlineText(n.kids, brAsNewline) + closeTag(n);
  }
  return out;
}

const plainP = (n: Kid): n is El => typeof n !== "string" && n.name === "p" && Object.keys(n.attrs).length === 0;
const isSpacerP = (n: El) => n.kids.length === 1 && typeof n.kids[0] === "string" && trimWs(n.kids[0]) === "\u00A0";

type Entry = { kind: "text" | "html"; s: string } | { kind: "spacer" };

function flowText(kids: Kid[], light: boolean): string {
  // Mirrors renderLight: a light container's <p>s are only implied by its text when it has several.
  const unwrap = !light || kids.filter((n) => typeof n !== "string" && n.name === "p").length >= 2;
  const entries: Entry[] = [];
  let inline: Kid[] = [];
  const flushInline = () => {
    const s = trimWs(inlineText(inline));
    if (s !== "") entries.push({ kind: "text", s });
    inline = [];
  };
  for (const n of kids) {
    if (typeof n === "string" || !isBlock(n.name)) {
      inline.push(n);
      continue;
    }
    flushInline();
    if (unwrap && plainP(n)) {
      entries.push(isSpacerP(n) ? { kind: "spacer" } : { kind: "text", s: trimWs(inlineText(n.kids)) });
    } else entries.push({ kind: "html", s: blockText(n) });
  }
  flushInline();

  // A spacer between two text paragraphs is written as an extra blank line. Where that cannot
  // round-trip (at an edge, next to markup, or a second spacer in a row) it stays a visible &nbsp;.
  const out: string[] = [];
  let prevText = false;
  let blank = false;
  entries.forEach((e, i) => {
    const next = entries[i + 1];
    if (e.kind === "spacer" && prevText && !blank && next !== undefined && next.kind !== "html") {
      blank = true;
      return;
    }
    if (out.length > 0) out.push(blank ? "\n\n\n\n" : "\n\n");
    out.push(e.kind === "spacer" ? "&nbsp;" : e.s);
    prevText = e.kind !== "html";
    blank = false;
  });
  return out.join("");
}

function blockText(el: El): string {
  const name = el.name;
  if (name === "pre" || name === "hr") return raw(el);
  if (FLOW.has(name)) {
    const inner = flowText(el.kids, false);
    return openTag(el) + (inner === "" ? "" : `\n${inner}\n`) + closeTag(el);
  }
  if (LIGHT.has(name)) return openTag(el) + flowText(el.kids, true) + closeTag(el);
  if (LIST.has(name)) {
    // Grouped exactly as renderList groups them, so stray inline content stays on one line.
    const parts: string[] = [];
    let inline: Kid[] = [];
    const flushInline = () => {
      const s = trimWs(inlineText(inline, false));
      if (s !== "") parts.push(s);
      inline = [];
    };
    for (const n of el.kids) {
      if (typeof n === "string") {
        if (!isAllWs(n)) inline.push(n);
      } else if (isBlock(n.name) || (VOID.has(n.name) && n.name !== "br")) {
        flushInline();
        parts.push(isBlock(n.name) ? blockText(n) : openTag(n));
      } else inline.push(n);
    }
    flushInline();
    return openTag(el) + (parts.length > 0 ? `\n${parts.join("\n")}\n` : "") + closeTag(el);
  }
  return openTag(el) + trimWs(inlineText(el.kids)) + closeTag(el);
}

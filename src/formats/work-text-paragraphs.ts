/**
 * The work text format's paragraph rules, between plain text and HTML.
 *
 * Text → HTML (exact, so text → HTML → text gives back every byte):
 * - a paragraph is a run of non-empty lines; only a line of length 0 is blank, so a line of
 *   spaces or U+00A0 is text and survives;
 * - inside a paragraph a newline is `<br />`;
 * - one blank line separates two paragraphs, and each further blank line is one spacer
 *   paragraph `<p>&nbsp;</p>`; blank lines before the first or after the last paragraph are
 *   one spacer each (so a body's leading and trailing blank lines survive too);
 * - `&`, `<`, `>` are escaped; everything else (U+00A0, curly quotes, trailing spaces, tabs)
 *   is kept as it is.
 *
 * Spacer versus text: an HTML paragraph whose only content is one U+00A0 is a spacer, however
 * it is written (`&nbsp;`, `&#160;` or the literal character), because HTML tools rewrite that
 * freely (sanitize-html turns `&nbsp;` into a literal U+00A0; browsers do the reverse). So a
 * text paragraph made only of whitespace (a line holding just U+00A0, say) is wrapped in a
 * `<span>`: `<p><span>\u00a0</span></p>` survives sanitizing and is never taken for a spacer.
 */
import { DomUtils, parseDocument } from "htmlparser2";

type DomNode = ReturnType<typeof parseDocument>["children"][number];

const SPACER = "<p>&nbsp;</p>";

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function paragraphHtml(lines: string[]): string {
  const inner = lines.map(escapeHtml).join("<br />");
  // \s covers U+00A0 and the other Unicode spaces: see the module comment.
  return /^\s*$/.test(lines.join("")) ? `<p><span>${inner}</span></p>` : `<p>${inner}</p>`;
}

/** Converts plain text to HTML with the format's paragraph rules; `htmlToText` inverts it exactly. */
export function textToHtml(text: string): string {
  if (text === "") return "";
  const blocks: string[] = [];
  let para: string[] = [];
  let blanks = 0; // blank lines since the last paragraph, or since the start
  let seenParagraph = false;
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    if (line === "") {
      if (para.length) blocks.push(paragraphHtml(para));
      para = [];
      blanks++;
      continue;
    }
    if (!para.length) {
      // Between two paragraphs the first blank line is the separator; elsewhere none is.
      const spacers = seenParagraph ? blanks - 1 : blanks;
      for (let k = 0; k < spacers; k++) blocks.push(SPACER);
      blanks = 0;
      seenParagraph = true;
    }
    para.push(line);
  }
  if (para.length) blocks.push(paragraphHtml(para));
  else for (let k = 0; k < blanks; k++) blocks.push(SPACER);
  // One block per line keeps the stored HTML readable; htmlToText ignores whitespace between blocks.
  return blocks.join("\n");
}

const BLOCKS = new Set(
  ("address article aside blockquote caption center dd details dialog div dl dt fieldset figcaption " +
    "figure footer form h1 h2 h3 h4 h5 h6 header legend li main nav ol p pre section summary table " +
    "tbody td tfoot th thead tr ul").split(" "),
);
const SKIPPED = new Set(["script", "style", "template", "head", "title"]);

const WS = "[ \\t\\r]"; // HTML's collapsible whitespace, apart from \n; never U+00A0
const LEADING_SOFT = new RegExp(`^${WS}*\\n[ \\t\\r\\n]*`);
const TRAILING_SOFT = new RegExp(`[ \\t\\r\\n]*\\n${WS}*$`);
const INNER_SOFT = new RegExp(`${WS}*\\n[ \\t\\r\\n]*`, "g");

/**
 * A newline in HTML source is only a space (our own HTML never has one inside a paragraph), so
 * source line wrapping is folded; lines without one are returned untouched.
 */
function foldSourceNewlines(line: string): string {
  if (!line.includes("\n")) return line;
  return line.replace(LEADING_SOFT, "").replace(TRAILING_SOFT, "").replace(INNER_SOFT, " ");
}

const isSpacer = (p: DomNode) =>
  DomUtils.isTag(p) &&
  p.children.length === 1 &&
  DomUtils.isText(p.children[0]) &&
  p.children[0].data.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "") === "\u00a0";

/**
 * Converts HTML to plain text: the exact inverse of `textToHtml`, and for any other (sanitized)
 * HTML: `<p>` and other block elements become paragraphs, `<br>` a newline, `<hr>` a spacer
 * (a scene break stays a run of blank lines), inline tags are dropped, entities decoded.
 */
export function htmlToText(html: string): string {
  const items: (string[] | null)[] = []; // a paragraph's lines, or null for a spacer
  let lines = [""];
  let fromP = false; // an explicit <p> keeps even whitespace-only text
  let inPre = 0;

  const flush = () => {
    const out = lines.map(foldSourceNewlines);
    while (out.length && out[0] === "") out.shift();
    while (out.length && out[out.length - 1] === "") out.pop();
    // Whitespace between blocks is source formatting, not a paragraph.
    if (out.length && (fromP || out.some((l) => /[^ \t\r\n]/.test(l)))) items.push(out);
    lines = [""];
    fromP = false;
  };
  const append = (text: string) => {
    if (!inPre) return void (lines[lines.length - 1] += text);
    const [first, ...rest] = text.split("\n");
    lines[lines.length - 1] += first;
    for (const line of rest) lines.push(line);
  };
  // An explicit stack rather than recursion: deeply nested markup must not overflow the call stack.
  const todo: (DomNode | (() => void))[] = [];
  const pushChildren = (nodes: DomNode[]) => {
    for (let k = nodes.length - 1; k >= 0; k--) todo.push(nodes[k]);
  };
  pushChildren(parseDocument(html).children);
  while (todo.length) {
    const node = todo.pop()!;
    if (typeof node === "function") node();
    else if (DomUtils.isText(node)) append(node.data);
    else if (!DomUtils.isTag(node) || SKIPPED.has(node.name)) continue;
    else if (node.name === "br") lines.push("");
    else if (node.name === "hr" || (node.name === "p" && isSpacer(node))) {
      flush();
      items.push(null);
    } else if (!BLOCKS.has(node.name)) pushChildren(node.children);
    else {
      flush();
      fromP = node.name === "p";
      const pre = node.name === "pre";
      if (pre) inPre++;
      todo.push(() => {
        if (pre) inPre--;
        flush();
      });
      pushChildren(node.children);
    }
  }
  flush();

  const out: string[] = [];
  let afterParagraph = false;
  for (const item of items) {
    if (item === null) out.push("");
    else {
      if (afterParagraph) out.push(""); // the separator; spacers add the further blank lines
      out.push(...item);
      afterParagraph = true;
    }
  }
  return out.join("\n");
}

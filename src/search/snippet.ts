import { escapeText, html, joinHtml, type TrustedHtml } from "../platform/html/trusted-html.js";
import { CHAPTER_HEAD, htmlHead, htmlToPlain, searchTokens } from "./text.js";

/**
 * A short excerpt of a chapter around the first place the query's words occur, with those words
 * marked. Built here rather than by the database so both engines show the same thing and the
 * excerpt keeps the author's spelling (the index holds folded text).
 */

interface Token {
  norm: string;
  start: number;
  end: number;
}

const PLAIN = /^[A-Za-z0-9]+$/;
/** Normalized forms of the other tokens seen lately (a chapter repeats its words; CJK text is a token a character). */
const normalized = new Map<string, string>();
function normalizeToken(token: string): string {
  if (PLAIN.test(token)) return token.toLowerCase();
  let norm = normalized.get(token);
  if (norm === undefined) {
    if (normalized.size >= 50_000) normalized.clear();
    norm = searchTokens(token).join("");
    normalized.set(token, norm);
  }
  return norm;
}
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{N}\p{M}'\u2019]+/gu;

/**
 * The text's tokens, read only as far as asked: the excerpt needs the tokens up to a little past
 * the first match, and a long chapter has tens of thousands (normalizing them all took 40 to
 * 110 ms a page of results on the search benchmark's archive).
 */
function lazyTokens(text: string) {
  const tokens: Token[] = [];
  const source = text.matchAll(TOKEN);
  let done = false;
  /** Whether token `index` exists, reading up to it. */
  const has = (index: number): boolean => {
    while (!done && tokens.length <= index) {
      const next = source.next();
      if (next.done) {
        done = true;
        break;
      }
      const match = next.value;
      const norm = normalizeToken(match[0]);
      if (norm) tokens.push({ norm, start: match.index!, end: match.index! + match[0].length });
    }
    return index < tokens.length;
  };
  return { tokens, has };
}

// Close enough to the engines' stemming for marking: "dragon" marks "dragons" and "dragon's".
function matches(token: string, word: string, prefix: boolean): boolean {
  return token === word || ((prefix || word.length >= 4) && token.startsWith(word));
}

/**
 * The excerpt as safe HTML (text escaped, matches in <mark>), or null when nothing matched.
 * The words are looked for in the chapter's first CHAPTER_HEAD characters, then four times as
 * many, and so on (htmlHead): most matches are near the start, and turning a whole chapter of
 * 300,000 characters into words took up to 140 ms for a page of results on the search benchmark.
 * A head is used only when it holds the whole excerpt and a word past it: the excerpt is the one
 * the whole chapter gives.
 */
export function buildSnippet(html: string, leaves: { words: string[]; prefix: boolean }[], options: { before?: number; after?: number; head?: number } = {}): TrustedHtml | null {
  const { before = 12, after = 24, head = CHAPTER_HEAD } = options;
  const wanted = leaves.map((l) => ({ words: l.words.flatMap((w) => searchTokens(w)), prefix: l.prefix })).filter((l) => l.words.length);
  const longest = Math.max(0, ...wanted.map((l) => l.words.length));
  for (let size = head; size < html.length; size *= 4) {
    const part = htmlHead(html, size);
    if (part.length === html.length) break;
    const excerpt = excerptOf(htmlToPlain(part), wanted, before, after, after + longest + 1);
    if (excerpt !== undefined) return excerpt;
  }
  return excerptOf(htmlToPlain(html), wanted, before, after, 0) ?? null;
}

/**
 * The excerpt of a text, null when nothing matches, or undefined when `needed` tokens past the
 * first match are not in the text (a head too short to decide).
 */
function excerptOf(text: string, wanted: { words: string[]; prefix: boolean }[], before: number, after: number, needed: number): TrustedHtml | null | undefined {
  const { tokens, has } = lazyTokens(text);
  const marked = new Set<number>();
  let first = -1;
  for (let i = 0; has(i); i++) {
    for (const leaf of wanted) {
      const n = leaf.words.length;
      let ok = has(i + n - 1);
      for (let k = 0; ok && k < n; k++) ok = matches(tokens[i + k]!.norm, leaf.words[k]!, leaf.prefix && k === n - 1);
      if (ok) {
        for (let k = 0; k < n; k++) marked.add(i + k);
        if (first < 0) first = i;
      }
    }
    if (first >= 0 && i > first + after) break;
  }
  if (needed > 0 && (first < 0 || !has(first + needed))) return undefined;
  if (first < 0) return null;
  const from = Math.max(0, first - before);
  has(first + after);
  const to = Math.min(tokens.length - 1, first + after);
  const out: TrustedHtml[] = from > 0 ? [html`… `] : [];
  let cursor = tokens[from]!.start;
  for (let i = from; i <= to; i++) {
    const token = tokens[i]!;
    out.push(escapeText(text.slice(cursor, token.start)));
    const word = escapeText(text.slice(token.start, token.end));
    out.push(marked.has(i) ? html`<mark>${word}</mark>` : word);
    cursor = token.end;
  }
  if (has(to + 1)) out.push(html` …`);
  return joinHtml(out);
}

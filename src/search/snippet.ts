import { escapeHtml } from "@kitajs/html";
import { htmlToPlain, searchTokens } from "./text.js";

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
      // Plain ASCII letters and digits normalize to themselves in lower case; the fast path
      // matters when the first match is thousands of words into a chapter.
      const norm = PLAIN.test(match[0]) ? match[0].toLowerCase() : searchTokens(match[0]).join("");
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

/** The excerpt as safe HTML (text escaped, matches in <mark>), or null when nothing matched. */
export function buildSnippet(html: string, leaves: { words: string[]; prefix: boolean }[], before = 12, after = 24): string | null {
  const text = htmlToPlain(html);
  const { tokens, has } = lazyTokens(text);
  const wanted = leaves.map((l) => ({ words: l.words.flatMap((w) => searchTokens(w)), prefix: l.prefix })).filter((l) => l.words.length);
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
  if (first < 0) return null;
  const from = Math.max(0, first - before);
  has(first + after);
  const to = Math.min(tokens.length - 1, first + after);
  let out = from > 0 ? "… " : "";
  let cursor = tokens[from]!.start;
  for (let i = from; i <= to; i++) {
    const token = tokens[i]!;
    out += escapeHtml(text.slice(cursor, token.start));
    const word = escapeHtml(text.slice(token.start, token.end));
    out += marked.has(i) ? `<mark>${word}</mark>` : word;
    cursor = token.end;
  }
  return out + (has(to + 1) ? " …" : "");
}

/**
 * Word counting with the archive's rules (see otwarchive-behaviour.md §4): count per text node,
 * treat each Han/Hiragana/Katakana/Thai character as a word (those scripts do not separate
 * words with spaces), and count runs of other word characters as one word each. Hangul is
 * space-separated, so it counts like Latin text.
 */
import { Parser } from "htmlparser2";

// One character of a script without word spacing, or a run of word characters ([[:word:]] in
// the archive's Ruby: letters, marks, numbers, connector punctuation) outside those scripts.
const SCRIPTS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}`;
const WORD = new RegExp(String.raw`[${SCRIPTS}]|(?:(?![${SCRIPTS}])[\p{L}\p{M}\p{N}\p{Pc}])+`, "gu");

// Elements whose text is never shown as prose.
const SKIPPED = new Set(["script", "style"]);

/** Counts the words of plain text (one text node) with the archive's rules. */
export function countWordsInText(text: string): number {
  // "--" is a dash between two words; apostrophes and hyphens join word parts ("don't", "arm-rest").
  const cleaned = text.replaceAll("--", "\u2014").replace(/['\u2019\u2018-]/g, "");
  let n = 0;
  for (const _ of cleaned.matchAll(WORD)) n++;
  return n;
}

/**
 * Counts the words of an HTML fragment. Tags delimit words: each text node is counted on its
 * own, as the archive does, so `<p>a</p><p>b</p>` and `a<em>b</em>` are both 2 words.
 */
export function countWords(html: string): number {
  let total = 0;
  let text = "";
  let skipDepth = 0;
  // htmlparser2 reports a text node in several pieces (entities arrive separately), so gather
  // the pieces and count once per text node: "caf&eacute;" must stay one word.
  const flush = () => {
    if (skipDepth === 0 && text) total += countWordsInText(text);
    text = "";
  };
  const parser = new Parser({
    ontext: (t) => void (text += t),
    onopentagname: (name) => {
      flush();
      if (SKIPPED.has(name)) skipDepth++;
    },
    onclosetag: (name) => {
      flush();
      if (SKIPPED.has(name) && skipDepth > 0) skipDepth--;
    },
    oncomment: flush,
    onprocessinginstruction: flush,
  });
  parser.end(html);
  flush();
  return total;
}

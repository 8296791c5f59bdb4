/**
 * The pseudo-locale: English made visibly foreign but still readable, for testing that every word
 * a page shows comes from the catalogue and that layouts hold longer translations.
 *
 * "Log in" becomes "[Ļöĝ îñ ~~]": every ASCII letter swapped for an accented one (so a plain
 * letter left on a rendered page was not translated), about 30 % added as tildes (German and
 * Finnish run that much longer than English), and brackets that show where each message starts
 * and ends (so a sentence glued together from pieces shows its seams). `{name}` placeholders are
 * kept as they are, so `t()` still fills them in.
 */

const PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ACCENTED = "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ";
const ACCENT = new Map([...PLAIN].map((letter, i) => [letter, [...ACCENTED][i]!]));

function accent(text: string): string {
  return [...text].map((ch) => ACCENT.get(ch) ?? ch).join("");
}

/** The pseudo-locale form of one catalogue message. */
export function pseudoLocalize(message: string): string {
  // Placeholders pass through untouched; only the text between them is accented.
  const accented = message
    .split(/(\{\w+\})/)
    .map((part, i) => (i % 2 === 1 ? part : accent(part)))
    .join("");
  const padding = "~".repeat(Math.max(1, Math.round(message.length * 0.3) - 3));
  return `[${accented} ${padding}]`;
}

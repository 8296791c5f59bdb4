/**
 * Text as the search index sees it, the same for both databases and for queries: accents
 * folded, apostrophes inside words dropped ("don't" = "dont", as the word counter treats them),
 * and each character of scripts written without spaces (Han, Hiragana, Katakana, Thai) made a
 * word of its own, so Chinese and Japanese are found without spaces between words: a query
 * word becomes a phrase of its characters.
 */
const UNSPACED = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}])/gu;

/** Normalizes text for indexing or matching. */
export function searchText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/(?<=\p{L})['\u2019\u2018](?=\p{L})/gu, "")
    .replace(UNSPACED, " $1 ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The words of a query word or phrase after normalization (letters and digits only). */
export function searchTokens(text: string): string[] {
  return searchText(text.toLowerCase())
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Plain text of stored (sanitized) HTML: tags become spaces, entities decoded. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** How much of a chapter's HTML is looked at first (snippets, a wildcard's found chapter). */
export const CHAPTER_HEAD = 16_384;

/**
 * The start of stored HTML, about `size` characters, ending just after a tag so that no tag,
 * entity or word is cut (the whole HTML when it is shorter, or has no tag to end on): for looking
 * at the start of a long chapter first.
 */
export function htmlHead(html: string, size: number): string {
  if (html.length <= size) return html;
  const end = html.lastIndexOf(">", size);
  return end > 0 ? html.slice(0, end + 1) : html;
}

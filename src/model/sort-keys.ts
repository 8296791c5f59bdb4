/**
 * Sort keys for the "Title" and "Creator" orders of a listing, stored on the work so the
 * database and the in-memory browse index order works the same way.
 *
 * Both compare in Unicode code point order (SQLite's BINARY collation on UTF-8, PostgreSQL's
 * `COLLATE "C"`, and the browse index's byte order of UTF-8 in src/listing/string-keys.ts), never
 * by a locale's collation, which differs between machines and would make two processes
 * disagree about page 2.
 */

/** Lower case, leading quotes and punctuation dropped, a leading article moved to the end ("the moon" → "moon, the"). */
export function titleSortKey(title: string): string {
  let key = title.normalize("NFKC").toLowerCase().trim();
  key = key.replace(/^[\p{P}\p{S}\s]+/u, "");
  const article = /^(a|an|the)\s+(.+)$/u.exec(key);
  if (article) key = `${article[2]}, ${article[1]}`;
  return key.slice(0, 255);
}

/** The creators' names in byline order, lower case, joined: works sort by their first creator. */
export function creatorsSortKey(pseudNames: string[]): string {
  return pseudNames
    .map((name) => name.normalize("NFKC").toLowerCase())
    .join(", ")
    .slice(0, 255);
}

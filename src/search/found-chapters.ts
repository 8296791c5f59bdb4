import type { DbOrTrx } from "../platform/db/index.js";
import type { TrustedHtml } from "../platform/html/trusted-html.js";
import type { ParsedQuery } from "./query-language.js";
import { matchingChapters, positiveLeaves } from "./query.js";
import { buildSnippet } from "./snippet.js";

/** Where a result's words occur in its text: the first matching chapter and the place in it. */
export interface FoundChapter {
  chapterId: number;
  position: number;
  /** The chapter's text around the words, escaped, with the words in <mark>; null when the place could not be shown. */
  snippet: TrustedHtml | null;
}

/**
 * For a page of results, the chapter each work's words were found in, with a snippet: what the
 * search page shows under a blurb (and what `fanfold bench search` times with it). The found
 * chapters are read in one query.
 */
export async function chaptersFound(db: DbOrTrx, workIds: number[], query: ParsedQuery): Promise<Map<number, FoundChapter>> {
  const found = await matchingChapters(db, workIds, query);
  const out = new Map<number, FoundChapter>();
  if (found.size === 0) return out;
  const chapters = await db.selectFrom("chapters").select(["id", "work_id", "position", "content"]).where("id", "in", [...found.values()]).execute();
  const byId = new Map(chapters.map((c) => [c.id, c]));
  const leaves = positiveLeaves(query.text).filter((l) => l.field === "any" || l.field === "text");
  for (const [workId, chapterId] of found) {
    const chapter = byId.get(chapterId);
    if (!chapter || chapter.work_id !== workId) continue;
    out.set(workId, { chapterId, position: chapter.position, snippet: buildSnippet(chapter.content, leaves) });
  }
  return out;
}

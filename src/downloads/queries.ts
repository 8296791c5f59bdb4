import type { DbOrTrx } from "../platform/db/index.js";
import { EMPTY_HTML, type TrustedHtml } from "../platform/html/trusted-html.js";
import { type SeriesPlace, seriesPlacesForDownload } from "../model/series.js";
import type { WorkTag } from "../model/tags.js";
import { chaptersShown, findWork, tagsOfWork, type Work } from "../model/works.js";

/** A chapter without its text: everything a download's table of contents and chapter heads need. */
export interface ChapterOutline {
  id: number;
  position: number;
  title: string;
  summary: TrustedHtml;
  notes: TrustedHtml;
  endnotes: TrustedHtml;
  word_count: number;
  updated_at: string;
}

/** What every download format is made from; chapter text is read one chapter at a time. */
export interface BookSource {
  work: Work;
  tags: WorkTag[];
  /** The chapters its readers see (`chaptersShown`: the posted ones; all of a draft's), in reading order. */
  chapters: ChapterOutline[];
  /** The series the work is in, numbered as anyone who may download it sees them. */
  series: SeriesPlace[];
  /** One chapter's stored (sanitized) HTML. */
  chapterContent(chapterId: number): Promise<TrustedHtml>;
}

/**
 * A work with its tags and the outlines of the chapters its readers see, or undefined when there is
 * no such work. (The download route refuses drafts; a takeout, src/leaving, bundles them too.)
 */
export async function loadBookSource(db: DbOrTrx, workId: number): Promise<BookSource | undefined> {
  const work = await findWork(db, workId);
  if (!work) return undefined;
  const [tags, rows, series] = await Promise.all([
    tagsOfWork(db, workId),
    db
      .selectFrom("chapters")
      .select(["id", "position", "title", "summary", "notes", "endnotes", "word_count", "updated_at", "posted"])
      .where("work_id", "=", workId)
      .orderBy("position")
      .execute(),
    seriesPlacesForDownload(db, work),
  ]);
  const chapters = chaptersShown(work, rows).map(({ posted: _posted, ...outline }) => outline);
  return { work, tags, chapters, series, chapterContent: (chapterId) => chapterContent(db, workId, chapterId) };
}

async function chapterContent(db: DbOrTrx, workId: number, chapterId: number): Promise<TrustedHtml> {
  const row = await db.selectFrom("chapters").select("content").where("id", "=", chapterId).where("work_id", "=", workId).executeTakeFirst();
  return row?.content ?? EMPTY_HTML;
}

/** How many times a work has been downloaded. */
export async function downloadsCount(db: DbOrTrx, workId: number): Promise<number> {
  const row = await db.selectFrom("works").select("downloads_count").where("id", "=", workId).executeTakeFirst();
  return Number(row?.downloads_count ?? 0);
}

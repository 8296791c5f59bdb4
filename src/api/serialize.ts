import type { Static } from "@sinclair/typebox";
import { type NumberColumn, WORK_COLUMNS } from "../listing/index.js";
import type { ChapterRow, WorkRow } from "../platform/db/tables.js";
import type { Bookmark as BookmarkRecord } from "../responses/index.js";
import type { WorkTag } from "../model/tags.js";
import type { Creator } from "../model/works.js";
import { chapterPath, workPath } from "../model/paths.js";
import type { Bookmark, Chapter, WorkSummary } from "./schema.js";

// Rows as the API's JSON shapes (src/api/schema.ts). URLs are absolute, on the archive's public address.

const names = (tags: WorkTag[], type: string) => tags.filter((tag) => tag.type === type).map((tag) => tag.name);

export function workSummaryJson(base: string, work: WorkRow, creators: Creator[], tags: WorkTag[], chaptersPosted: number): Static<typeof WorkSummary> {
  return {
    id: work.id,
    url: `${base}${workPath(work.id)}`,
    title: work.title,
    creators: creators.map((c) => ({ pseud: c.pseudName, login: c.login })),
    rating: names(tags, "Rating")[0] ?? null,
    warnings: names(tags, "ArchiveWarning"),
    categories: names(tags, "Category"),
    fandoms: names(tags, "Fandom"),
    relationships: names(tags, "Relationship"),
    characters: names(tags, "Character"),
    freeforms: names(tags, "Freeform"),
    tags: tags.map((tag) => ({ id: tag.id, name: tag.name, type: tag.type })),
    language: work.language,
    summary: work.summary,
    chapters_posted: chaptersPosted,
    expected_chapters: work.expected_chapters,
    complete: work.complete === 1,
    restricted: work.restricted === 1,
    draft: work.posted === 0,
    // Posted but held by the spam rule until an admin reviews it (only its creators see it).
    held_for_review: work.posted === 0 && work.spam_hold === 1,
    // The listing columns (src/listing/columns.ts), as stored.
    ...(Object.fromEntries(WORK_COLUMNS.flatMap((c) => (c.kind === "text" ? [] : [[c.column, work[c.column]]]))) as Pick<WorkRow, NumberColumn>),
  };
}

export function chapterJson(base: string, chapter: ChapterRow): Static<typeof Chapter> {
  return {
    id: chapter.id,
    work_id: chapter.work_id,
    url: `${base}${chapterPath(chapter.work_id, chapter.id)}`,
    position: chapter.position,
    title: chapter.title,
    summary: chapter.summary,
    notes: chapter.notes,
    endnotes: chapter.endnotes,
    content: chapter.content,
    word_count: chapter.word_count,
    published_on: chapter.published_on,
    updated_at: chapter.updated_at,
  };
}

/** A bookmark of a work or of a series. */
export function bookmarkJson(bookmark: BookmarkRecord): Static<typeof Bookmark> {
  return {
    id: bookmark.id,
    work_id: bookmark.work_id,
    series_id: bookmark.series_id,
    owner: bookmark.login,
    notes: bookmark.notes,
    tags: bookmark.tags,
    private: bookmark.private === 1,
    rec: bookmark.rec === 1,
    created_at: bookmark.created_at,
    updated_at: bookmark.updated_at,
  };
}

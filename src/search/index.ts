import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import { dialectOf } from "../platform/db/index.js";
import { htmlToPlain, searchText } from "./text.js";

/**
 * Keeping the search index current. Commands call these in the same transaction as the edit,
 * passing the text to index, so search never reads another capability's tables to build it.
 * Tag names are indexed per tag (not per work): a work's tags are found through its filter set
 * at query time, so wrangling (synonyms, metatags) needs no reindexing.
 */

export interface WorkFields {
  workId: number;
  title: string;
  creators: string[];
  /** Sanitized HTML, as stored. */
  summary: string;
  notes: string;
  endnotes: string;
  series: string[];
}

/** Indexes (or re-indexes) a work's own fields. */
export async function indexWorkFields(trx: DbOrTrx, work: WorkFields): Promise<void> {
  const values = {
    title: searchText(work.title),
    creators: searchText(work.creators.join(" ")),
    summary: searchText(htmlToPlain(work.summary)),
    notes: searchText(htmlToPlain(work.notes)),
    endnotes: searchText(htmlToPlain(work.endnotes)),
    series: searchText(work.series.join(" ")),
  };
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_works where rowid = ${work.workId}`.execute(trx);
    await sql`insert into search_works (rowid, title, creators, summary, notes, endnotes, series)
      values (${work.workId}, ${values.title}, ${values.creators}, ${values.summary}, ${values.notes}, ${values.endnotes}, ${values.series})`.execute(trx);
    return;
  }
  await sql`insert into search_works (work_id, title, creators, summary, notes, endnotes, series, everything)
    select ${work.workId}, t, c, s, n, e, r,
      setweight(t, 'A') || setweight(c, 'A') || setweight(s, 'B') || setweight(r, 'B') || setweight(n, 'C') || setweight(e, 'C')
    from (select to_tsvector('english', ${values.title}) t, to_tsvector('english', ${values.creators}) c,
      to_tsvector('english', ${values.summary}) s, to_tsvector('english', ${values.notes}) n,
      to_tsvector('english', ${values.endnotes}) e, to_tsvector('english', ${values.series}) r) v
    on conflict (work_id) do update set title = excluded.title, creators = excluded.creators, summary = excluded.summary,
      notes = excluded.notes, endnotes = excluded.endnotes, series = excluded.series, everything = excluded.everything`.execute(trx);
}

/** Indexes (or re-indexes) one chapter's text. */
export async function indexChapterText(trx: DbOrTrx, chapterId: number, html: string): Promise<void> {
  const body = searchText(htmlToPlain(html));
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_chapters where rowid = ${chapterId}`.execute(trx);
    await sql`insert into search_chapters (rowid, body) values (${chapterId}, ${body})`.execute(trx);
    return;
  }
  await sql`insert into search_chapters (chapter_id, body) values (${chapterId}, to_tsvector('english', ${body}))
    on conflict (chapter_id) do update set body = excluded.body`.execute(trx);
}

/** Removes chapters from the index (before they are deleted). */
export async function unindexChapters(trx: DbOrTrx, chapterIds: number[]): Promise<void> {
  if (chapterIds.length === 0) return;
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_chapters where rowid in (${sql.join(chapterIds)})`.execute(trx);
  } else {
    await sql`delete from search_chapters where chapter_id in (${sql.join(chapterIds)})`.execute(trx);
  }
}

/** Removes a work's own fields from the index (before it is deleted). */
export async function unindexWork(trx: DbOrTrx, workId: number): Promise<void> {
  if (dialectOf(trx) === "sqlite") await sql`delete from search_works where rowid = ${workId}`.execute(trx);
  else await sql`delete from search_works where work_id = ${workId}`.execute(trx);
}

/** Indexes a tag's name (when it is created). */
export async function indexTagName(trx: DbOrTrx, tagId: number, name: string): Promise<void> {
  const text = searchText(name);
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_tags where rowid = ${tagId}`.execute(trx);
    await sql`insert into search_tags (rowid, name) values (${tagId}, ${text})`.execute(trx);
    return;
  }
  await sql`insert into search_tags (tag_id, name) values (${tagId}, to_tsvector('english', ${text}))
    on conflict (tag_id) do update set name = excluded.name`.execute(trx);
}

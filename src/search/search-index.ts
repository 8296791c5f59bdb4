import { sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import { dialectOf } from "../platform/db/index.js";
import type { ChapterRow } from "../platform/db/tables.js";
import { seriesTitlesOfWork, seriesTitlesOfWorks } from "../model/series.js";
import { chaptersOf, creatorsOfWorks, findWork } from "../model/works.js";
import { htmlToPlain, searchText } from "./text.js";

/**
 * Keeping the search index current. Commands call these in the same transaction as the edit,
 * passing the text to index, so search never reads another capability's tables to build it.
 * Tag names are indexed per tag (not per work): a work's tags are found through its filter set
 * at query time, so wrangling (synonyms, metatags) needs no reindexing.
 *
 * SQLite also keeps one row per work in search_docs (migration 0007): every word of the work's
 * own fields and of its chapters, without positions, so a plain word's works come from one list
 * of work ids. It holds the chapters a reader of the work can see: the posted ones, or all of
 * them while the work is a draft (posting a draft posts all its chapters, and nothing else
 * changes a chapter's posted flag; a command that ever does must call indexWorkDoc).
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
export async function indexWorkFields(trx: DbOrTrx, work: WorkFields, options: { chapters?: ChapterRow[]; normalized?: ReadonlyMap<number, string> } = {}): Promise<void> {
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
    await indexWorkDoc(trx, work.workId, { fields: work, ...options });
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

/** How a creator is indexed: the pseud and, when it differs, the account's login. */
export function creatorSearchName(c: { pseudName: string; login: string }): string {
  return c.pseudName === c.login ? c.login : `${c.pseudName} ${c.login}`;
}

/**
 * Re-indexes works' own fields from what is stored (their series titles included): for changes
 * made outside the work's own commands, such as a series renamed or a work joining or leaving one.
 */
export async function refreshWorkSearchFields(trx: DbOrTrx, workIds: number[]): Promise<void> {
  const ids = [...new Set(workIds)];
  if (ids.length === 0) return;
  const [works, creators, series] = await Promise.all([
    trx.selectFrom("works").select(["id", "title", "summary", "notes", "endnotes"]).where("id", "in", ids).execute(),
    creatorsOfWorks(trx, ids),
    seriesTitlesOfWorks(trx, ids),
  ]);
  for (const work of works) {
    const names = (creators.get(work.id) ?? []).map(creatorSearchName);
    await indexWorkFields(trx, { workId: work.id, title: work.title, creators: names, summary: work.summary, notes: work.notes, endnotes: work.endnotes, series: series.get(work.id) ?? [] });
  }
}

/**
 * SQLite: (re)builds the work's search_docs row: its fields (as given, or as stored) and the text
 * of the chapters its readers see (as given, or as stored), leaving out `without` (chapters about
 * to be deleted).
 */
export async function indexWorkDoc(
  trx: DbOrTrx,
  workId: number,
  options: { fields?: WorkFields; chapters?: ChapterRow[]; without?: number[]; normalized?: ReadonlyMap<number, string> } = {},
): Promise<void> {
  if (dialectOf(trx) !== "sqlite") return;
  await sql`delete from search_docs where rowid = ${workId}`.execute(trx);
  const work = await trx.selectFrom("works").select(["posted", "title", "summary", "notes", "endnotes"]).where("id", "=", workId).executeTakeFirst();
  if (!work) return;
  let fields = options.fields;
  if (!fields) {
    const creators = (await findWork(trx, workId))?.creators ?? [];
    const names = creators.map(creatorSearchName);
    fields = { workId, title: work.title, creators: names, summary: work.summary, notes: work.notes, endnotes: work.endnotes, series: await seriesTitlesOfWork(trx, workId) };
  }
  const parts = [fields.title, fields.creators.join(" "), htmlToPlain(fields.summary), htmlToPlain(fields.notes), htmlToPlain(fields.endnotes), fields.series.join(" ")].map(searchText);
  const without = new Set(options.without ?? []);
  for (const chapter of options.chapters ?? (await chaptersOf(trx, workId))) {
    if ((chapter.posted || !work.posted) && !without.has(chapter.id)) parts.push(options.normalized?.get(chapter.id) ?? searchText(htmlToPlain(chapter.content)));
  }
  await sql`insert into search_docs (rowid, body) values (${workId}, ${parts.join(" ")})`.execute(trx);
}

/** SQLite: whether the work's own fields are indexed (a work being created is not, until its chapters are). */
async function workIndexed(trx: DbOrTrx, workId: number): Promise<boolean> {
  return (await sql`select rowid from search_works where rowid = ${workId}`.execute(trx)).rows.length > 0;
}

/** SQLite: the works of some chapters. */
async function worksOfChapters(trx: DbOrTrx, chapterIds: number[]): Promise<number[]> {
  const rows = await trx.selectFrom("chapters").select("work_id").distinct().where("id", "in", chapterIds).execute();
  return rows.map((r) => r.work_id);
}

/**
 * Indexes (or re-indexes) one chapter's text, and on SQLite its work's search_docs row (unless
 * the work's fields are not indexed yet: creating a work indexes its chapters first, then its
 * fields, which builds the row once instead of once per chapter).
 */
export async function indexChapterText(trx: DbOrTrx, chapterId: number, html: string, options: { workDoc?: boolean; normalized?: string } = {}): Promise<void> {
  const body = options.normalized ?? searchText(htmlToPlain(html));
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_chapters where rowid = ${chapterId}`.execute(trx);
    await sql`insert into search_chapters (rowid, body) values (${chapterId}, ${body})`.execute(trx);
    if (options.workDoc === false) return;
    for (const workId of await worksOfChapters(trx, [chapterId])) if (await workIndexed(trx, workId)) await indexWorkDoc(trx, workId);
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
    for (const workId of await worksOfChapters(trx, chapterIds)) if (await workIndexed(trx, workId)) await indexWorkDoc(trx, workId, { without: chapterIds });
  } else {
    await sql`delete from search_chapters where chapter_id in (${sql.join(chapterIds)})`.execute(trx);
  }
}

/** Removes a work's own fields from the index (before it is deleted). */
export async function unindexWork(trx: DbOrTrx, workId: number): Promise<void> {
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_works where rowid = ${workId}`.execute(trx);
    await sql`delete from search_docs where rowid = ${workId}`.execute(trx);
  } else await sql`delete from search_works where work_id = ${workId}`.execute(trx);
}

/** Indexes a tag's name (when it is created). */
export async function indexTagName(trx: DbOrTrx, tagId: number, name: string): Promise<void> {
  const text = searchText(name);
  if (dialectOf(trx) === "sqlite") {
    await sql`delete from search_tags where rowid = ${tagId}`.execute(trx);
    await sql`insert into search_tags (rowid, name) values (${tagId}, ${text})`.execute(trx);
    return;
  }
  // PostgreSQL's parser reads "Holmes/Watson" as one file-path token, which no typed phrase
  // matches; SQLite's tokenizer splits it. Punctuation becomes spaces here, so a relationship's
  // name is found by its words in both (query words are split the same way, query-language.ts).
  const words = text.replace(/[^\p{L}\p{M}\p{N}]+/gu, " ").trim();
  await sql`insert into search_tags (tag_id, name) values (${tagId}, to_tsvector('english', ${words}))
    on conflict (tag_id) do update set name = excluded.name`.execute(trx);
}

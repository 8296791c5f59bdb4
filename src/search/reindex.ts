import { sql } from "kysely";
import type { Db } from "../platform/db/index.js";
import { dialectOf } from "../platform/db/index.js";
import { seriesTitlesOfWorks } from "../model/series.js";
import { chaptersOf, creatorsOfWorks } from "../model/works.js";
import { creatorSearchName, indexChapterText, indexTagName, indexWorkFields } from "./search-index.js";
import { htmlToPlain, searchText } from "./text.js";

/**
 * Rebuilds the whole search index from the works, chapters and tags, in batches of works, each
 * batch in its own transaction. Used by `fanfold search reindex` and after the search migration.
 */
export async function reindexAll(db: Db, onProgress?: (done: number, total: number) => void): Promise<{ works: number; tags: number }> {
  await db.transaction().execute(async (trx) => {
    if (dialectOf(db) === "sqlite") {
      // FTS5's own 'delete-all', not DELETE: after deleting every row of a contentless_delete
      // table and inserting them again, bm25 gave other scores than on a fresh table (the
      // benchmark's best-match order changed for two-word queries).
      for (const table of ["search_works", "search_chapters", "search_tags", "search_docs"]) await sql.raw(`insert into ${table}(${table}) values ('delete-all')`).execute(trx);
    } else {
      for (const table of ["search_works", "search_chapters", "search_tags"]) await sql.raw(`delete from ${table}`).execute(trx);
    }
  });
  const tags = await db.selectFrom("tags").select(["id", "name"]).orderBy("id").execute();
  await db.transaction().execute(async (trx) => {
    for (const tag of tags) await indexTagName(trx, tag.id, tag.name);
  });
  const total = Number((await db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  let done = 0;
  let after = 0;
  for (;;) {
    const works = await db.selectFrom("works").selectAll().where("id", ">", after).orderBy("id").limit(200).execute();
    if (works.length === 0) break;
    const [creators, series] = await Promise.all([creatorsOfWorks(db, works.map((w) => w.id)), seriesTitlesOfWorks(db, works.map((w) => w.id))]);
    await db.transaction().execute(async (trx) => {
      for (const work of works) {
        const names = (creators.get(work.id) ?? []).map(creatorSearchName);
        const chapters = await chaptersOf(trx, work.id);
        const fields = { workId: work.id, title: work.title, creators: names, summary: work.summary, notes: work.notes, endnotes: work.endnotes, series: series.get(work.id) ?? [] };
        // Each chapter's text normalized once, for its own row and its work's search_docs row.
        const normalized = new Map(chapters.map((c) => [c.id, searchText(htmlToPlain(c.content))]));
        await indexWorkFields(trx, fields, { chapters, normalized });
        for (const chapter of chapters) await indexChapterText(trx, chapter.id, chapter.content, { workDoc: false, normalized: normalized.get(chapter.id) });
      }
    });
    done += works.length;
    after = works[works.length - 1]!.id;
    onProgress?.(done, total);
  }
  if (dialectOf(db) === "sqlite") {
    for (const table of ["search_chapters", "search_docs"]) await sql.raw(`insert into ${table}(${table}) values ('optimize')`).execute(db);
  }
  return { works: done, tags: tags.length };
}

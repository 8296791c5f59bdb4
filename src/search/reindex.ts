import { sql } from "kysely";
import type { Db } from "../platform/db/index.js";
import { dialectOf } from "../platform/db/index.js";
import { chaptersOf, creatorsOfWorks } from "../works/queries.js";
import { indexChapterText, indexTagName, indexWorkFields } from "./index.js";

/**
 * Rebuilds the whole search index from the works, chapters and tags, in batches of works, each
 * batch in its own transaction. Used by `fanfold search reindex` and after the search migration.
 */
export async function reindexAll(db: Db, onProgress?: (done: number, total: number) => void): Promise<{ works: number; tags: number }> {
  await db.transaction().execute(async (trx) => {
    const tables = ["search_works", "search_chapters", "search_tags", ...(dialectOf(db) === "sqlite" ? ["search_docs"] : [])];
    for (const table of tables) await sql.raw(`delete from ${table}`).execute(trx);
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
    const creators = await creatorsOfWorks(db, works.map((w) => w.id));
    await db.transaction().execute(async (trx) => {
      for (const work of works) {
        const names = (creators.get(work.id) ?? []).map((c) => (c.pseudName === c.login ? c.login : `${c.pseudName} ${c.login}`));
        const chapters = await chaptersOf(trx, work.id);
        const fields = { workId: work.id, title: work.title, creators: names, summary: work.summary, notes: work.notes, endnotes: work.endnotes, series: [] };
        await indexWorkFields(trx, fields, { chapters });
        for (const chapter of chapters) await indexChapterText(trx, chapter.id, chapter.content, { workDoc: false });
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

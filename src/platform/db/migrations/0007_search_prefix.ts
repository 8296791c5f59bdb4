import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Search speed at 100,000 works, measured with `fanfold bench search` (see src/search/query.ts
// and bench/README.md, "Search"). SQLite only; PostgreSQL keeps its tsvector columns.
//
// search_docs: one row per work (rowid = work id) holding every word a plain search looks
// through, the work's own fields and the text of its chapters, with no positions (detail=none).
// A word's works then come straight from one short list of work ids: the most common word of
// the benchmark's archive is in 280,000 chapters, and mapping those to works through the chapters
// table took longer than the whole search may. AND, OR and NOT over plain words run inside FTS5
// in one MATCH. Phrases still need positions and use search_works and search_chapters.
//
// prefix='2 3 4': wildcards such as `dr*` read one list of the works with a word starting with
// "dr" instead of merging the lists of every such word (2.5 s at 100,000 works). A list of work
// ids per prefix is small; on the indexes with positions the same option would double their size.
//
// Existing works get their row from `fanfold search reindex`.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql
    .raw(
      "create virtual table search_docs using fts5(body, content = '', contentless_delete = 1, detail = none, prefix = '2 3 4', tokenize = 'porter unicode61 remove_diacritics 2')",
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop table search_docs`.execute(db);
}

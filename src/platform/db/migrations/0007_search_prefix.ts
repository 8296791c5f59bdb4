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
// ids per prefix is small. search_works (the works' own fields, for best-match scores) gets the
// same option: it is small (35 MB at 100,000 works). search_chapters does not: with positions,
// prefixes would multiply the biggest index; the chapter a wildcard was found in is looked up
// among the page's chapters instead (src/search/query.ts, matchingChapters).
//
// Existing works get their rows from `fanfold search reindex`.

const TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'";
const WORK_COLUMNS = "title, creators, summary, notes, endnotes, series";

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop table search_works`.execute(db);
  await sql.raw(`create virtual table search_works using fts5(${WORK_COLUMNS}, content = '', contentless_delete = 1, prefix = '2 3 4', ${TOKENIZE})`).execute(db);
  await sql
    .raw(
      `create virtual table search_docs using fts5(body, content = '', contentless_delete = 1, detail = none, prefix = '2 3 4', ${TOKENIZE})`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop table search_docs`.execute(db);
  await sql`drop table search_works`.execute(db);
  await sql.raw(`create virtual table search_works using fts5(${WORK_COLUMNS}, content = '', contentless_delete = 1, ${TOKENIZE})`).execute(db);
}

import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Full-text search. SQLite: FTS5 tables without stored content (the text lives in works and
// chapters already), rowid = the work, chapter or tag id. PostgreSQL: tsvector columns with GIN
// indexes. Both hold text already normalized by src/search/text.ts. Existing rows are indexed
// by `fanfold search reindex`, which `fanfold migrate` prompts for.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "sqlite") {
    const tokenize = "tokenize = 'porter unicode61 remove_diacritics 2'";
    await sql.raw(`create virtual table search_works using fts5(title, creators, summary, notes, endnotes, series, content = '', contentless_delete = 1, ${tokenize})`).execute(db);
    await sql.raw(`create virtual table search_chapters using fts5(body, content = '', contentless_delete = 1, ${tokenize})`).execute(db);
    await sql.raw(`create virtual table search_tags using fts5(name, content = '', contentless_delete = 1, ${tokenize})`).execute(db);
    return;
  }
  await sql`create table search_works (
    work_id integer primary key references works(id) on delete cascade,
    title tsvector not null, creators tsvector not null, summary tsvector not null,
    notes tsvector not null, endnotes tsvector not null, series tsvector not null,
    everything tsvector not null)`.execute(db);
  for (const column of ["title", "creators", "summary", "notes", "endnotes", "series", "everything"]) {
    await sql.raw(`create index search_works_${column} on search_works using gin (${column})`).execute(db);
  }
  await sql`create table search_chapters (
    chapter_id integer primary key references chapters(id) on delete cascade,
    body tsvector not null)`.execute(db);
  await sql`create index search_chapters_body on search_chapters using gin (body)`.execute(db);
  await sql`create table search_tags (
    tag_id integer primary key references tags(id) on delete cascade,
    name tsvector not null)`.execute(db);
  await sql`create index search_tags_name on search_tags using gin (name)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["search_tags", "search_chapters", "search_works"]) await sql.raw(`drop table ${table}`).execute(db);
}

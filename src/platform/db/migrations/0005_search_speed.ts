import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Search speed, measured with `fanfold bench search` (see src/search/query.ts and
// bench/README.md, "Search").
//
// SQLite: covering indexes, so that search never reads a chapter's text or a work's row just to
// learn a flag or an id.
// - chapters_search_lookup: a word found in most chapters needs each chapter's work and posted
//   flag. Read from the chapter row, those sit after the chapter's text, and reaching them walks
//   the text's overflow pages: the whole archive's text for a common word.
// - chapters_work_posted: the same for a work's posted chapters: counted for `chapters:1-3` and
//   `single_chapter:` (per candidate work) and for every listing's blurbs, and searched for the
//   chapter a result was found in.
// - works_visibility: a search finds tens of thousands of works for a common word, and listWorks
//   checks each is posted (and, for guests, not restricted) before counting it. This index
//   answers that without reading the work's row (title, summary, notes...); every listing's
//   count (`/works`) uses it too. It must not name `id`: an index holding `id` as a column and
//   the rowid at its end lets SQLite use two `works.id IN (...)` lists (search within a tag's
//   listing) as two keys of one index and seek every pair of ids: 25 s instead of 0.1 s.
//
// PostgreSQL: search_chapters_matching(query), the chapters whose text matches, always found
// through the GIN index. A chapter's tsvector is large and stored out of line (TOAST); the
// planner does not count the cost of fetching it, so for a common word it prefers reading every
// row and testing each tsvector (250 ms for 30,000 chapters) over the index, which lists the
// same rows without reading any tsvector (4 ms). A function with its own enable_seqscan = off is
// planned on its own, with that setting, and never inlined into the caller's plan.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "sqlite") {
    await sql`create index chapters_search_lookup on chapters (id, work_id, posted)`.execute(db);
    await sql`create index chapters_work_posted on chapters (work_id, posted, position)`.execute(db);
    await sql`create index works_visibility on works (posted, restricted)`.execute(db);
    return;
  }
  await sql`create function search_chapters_matching(query tsquery) returns table (chapter_id integer)
    language sql stable set enable_seqscan = off
    as $$ select chapter_id from search_chapters where body @@ query $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "sqlite") {
    await sql`drop index works_visibility`.execute(db);
    await sql`drop index chapters_work_posted`.execute(db);
    await sql`drop index chapters_search_lookup`.execute(db);
    return;
  }
  await sql`drop function search_chapters_matching(tsquery)`.execute(db);
}

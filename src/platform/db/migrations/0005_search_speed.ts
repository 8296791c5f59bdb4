import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Indexes for search speed (see src/search/query.ts and bench/README.md, "Search"), SQLite only:
// PostgreSQL keeps long text out of line (TOAST), so reading a row's flags there is cheap.
//
// - chapters_search_lookup: a word found in most chapters needs each chapter's work and posted
//   flag. Read from the chapter row, those sit after the chapter's text, and reaching them walks
//   the text's overflow pages: the whole archive's text for a common word.
// - works_search_visibility: a search finds tens of thousands of works for a common word, and
//   listWorks checks each is posted (and, for guests, not restricted) before counting it. From
//   this covering index that needs no read of the work's row (title, summary, notes). Every
//   listing's count (`/works`) uses it as well.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`create index chapters_search_lookup on chapters (id, work_id, posted)`.execute(db);
  await sql`create index works_search_visibility on works (posted, id, restricted)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop index works_search_visibility`.execute(db);
  await sql`drop index chapters_search_lookup`.execute(db);
}

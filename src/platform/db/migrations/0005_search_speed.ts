import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Search speed (see src/search/query.ts and bench/README.md "Search"). SQLite only: a word found
// in most chapters needs each chapter's work and posted flag; read from the chapter row, those
// sit after the chapter's text and cost its overflow pages. This covering index holds just them.
// PostgreSQL keeps the text out of line (TOAST), so its rows are small already.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`create index chapters_search_lookup on chapters (id, work_id, posted)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop index chapters_search_lookup`.execute(db);
}

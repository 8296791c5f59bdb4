import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Hidden works (src/moderation) in the one visibility rule: every listing's count and every
// search's visibility check now asks `hidden_by_admin` too. On SQLite the covering index
// works_visibility (migration 0005) answered those checks without reading the work's row; it
// holds the new flag from here on so it still does. It still must not name `id` (see 0005).
// PostgreSQL has no such index: nothing to do there.

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop index works_visibility`.execute(db);
  await sql`create index works_visibility on works (posted, restricted, hidden_by_admin)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  await sql`drop index works_visibility`.execute(db);
  await sql`create index works_visibility on works (posted, restricted)`.execute(db);
}

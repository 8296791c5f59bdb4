import { type Kysely, sql } from "kysely";

// "Date Posted" is the work's published date everywhere (src/listing/columns.ts): the day it was
// first posted, or the day its creator backdated it to, as on AO3. Listings sorted by it used
// created_at (when the row was made). The SQL oracle (the benchmark's baseline and the tests'
// second opinion) sorts visible works by published_on now, as 0006's indexes do for the other
// sort keys; created_at's listing index has no reader left.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index works_listed_by_published_on on works (posted, restricted, published_on, id)`.execute(db);
  await db.schema.dropIndex("works_listed_by_created_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index works_listed_by_created_at on works (posted, restricted, created_at, id)`.execute(db);
  await db.schema.dropIndex("works_listed_by_published_on").execute();
}

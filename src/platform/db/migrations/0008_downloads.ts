import type { Kysely } from "kysely";

// Downloads (src/downloads): how many times each work was downloaded, in any format. Counted
// when a file is sent (from the cache or freshly built), never for HEAD requests.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("works").addColumn("downloads_count", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("works").dropColumn("downloads_count").execute();
}

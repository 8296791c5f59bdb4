import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Rate limits shared by every process of one archive (src/platform/http/rate-limits.ts).
// - rate_limits: one row per limited key (a route or limiter, and the client address, account or
//   token it counts): the hits counted in the current fixed window and when that window ends
//   (ISO 8601 UTC text, as every timestamp). A hit is one atomic upsert; a hit after the window
//   ended starts a new window at 1. Expired rows are deleted now and then (the index on expires_at).
// On PostgreSQL the table is UNLOGGED: counters need no crash safety or replication, and skipping
// the write-ahead log makes each hit cheaper. A crash of the database server empties it, which
// resets the limits (a fresh window for everyone), nothing worse.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === "postgres";
  await db.schema
    .createTable("rate_limits")
    .$call((b) => (postgres ? b.modifyFront(sql`unlogged`) : b))
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("hits", "integer", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("rate_limits_by_expiry").on("rate_limits").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limits").execute();
}

import type { Kysely } from "kysely";

// Reading (src/responses): history, Marked for Later, hits.
// - readings: one row per user per work, written when the user opens the work or a chapter
//   (not for its creators, nor while the user has turned history off). `revised_at_read` is
//   the work's revised_at at that visit: "updated since you last read" compares it with the
//   work's current one, so clocks and backdating do not matter. `marked_for_later` is AO3's
//   "Marked for Later" flag on the same row.
// - reading_preferences: a user's choice to keep no history (no row means history is on).
// - hit_visits: the dedup keys of counted hits, one per (UTC day, work, visitor hash); the
//   primary key decides across flushes and processes. Days before yesterday are pruned.
// - work_hits_daily: hits per work per UTC day, for the creators' stats chart.
// Rows go with their work or user (ON DELETE CASCADE; SQLite runs with foreign_keys on).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("readings")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("work_id", "integer", (c) => c.notNull().references("works.id").onDelete("cascade"))
    .addColumn("view_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_viewed_at", "text", (c) => c.notNull())
    .addColumn("last_chapter_id", "integer", (c) => c.references("chapters.id").onDelete("set null"))
    .addColumn("revised_at_read", "text")
    .addColumn("marked_for_later", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("readings_pk", ["user_id", "work_id"])
    .execute();
  await db.schema.createIndex("readings_recent").on("readings").columns(["user_id", "last_viewed_at"]).execute();
  await db.schema.createIndex("readings_of_work").on("readings").columns(["work_id"]).execute();

  await db.schema
    .createTable("reading_preferences")
    .addColumn("user_id", "integer", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("history_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable("hit_visits")
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("work_id", "integer", (c) => c.notNull())
    .addColumn("visitor", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("hit_visits_pk", ["day", "work_id", "visitor"])
    .execute();

  await db.schema
    .createTable("work_hits_daily")
    .addColumn("work_id", "integer", (c) => c.notNull().references("works.id").onDelete("cascade"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hits", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("work_hits_daily_pk", ["work_id", "day"])
    .execute();
  // The stats chart reads a user's works' days; kudos per day come from kudos.created_at.
  await db.schema.createIndex("kudos_by_work_time").on("kudos").columns(["work_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("kudos_by_work_time").execute();
  await db.schema.dropTable("work_hits_daily").execute();
  await db.schema.dropTable("hit_visits").execute();
  await db.schema.dropTable("reading_preferences").execute();
  await db.schema.dropTable("readings").execute();
}

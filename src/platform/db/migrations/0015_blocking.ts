import type { Kysely } from "kysely";

// Blocking and muting (src/blocking), each at most 2,000 users per person (checked by the command).
// In both tables user_id is the one who blocks or mutes, target_id the one blocked or muted.
// - blocks: the target may not comment on or leave kudos on the user's works (nor give them
//   gifts, once the archive has gifts).
// - mutes: the target's works, bookmarks and comments are left out of what the user is shown,
//   on the server, so every count agrees with the list under it.
// Rows go with either user (ON DELETE CASCADE).

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["blocks", "mutes"]) {
    await db.schema
      .createTable(table)
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("target_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["user_id", "target_id"])
      .execute();
    // "Has any of these creators blocked me?" reads by target.
    await db.schema.createIndex(`${table}_by_target`).on(table).columns(["target_id", "user_id"]).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("mutes").execute();
  await db.schema.dropTable("blocks").execute();
}

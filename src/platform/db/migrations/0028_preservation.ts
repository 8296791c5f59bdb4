import type { Kysely } from "kysely";

// Preservation (issue 16): bringing old archives and downloaded works in.
// - legacy_ids: what an imported archive's own numbers became here, so its old URLs redirect and a
//   re-run can tell what it already brought over. source names the importer ("efiction"); kind is
//   what the number counted ("story", "chapter", "user", "series", "category", "review", …);
//   legacy_id is kept as text because not every archive numbers with integers; target_id is the
//   Fanfold id (work, chapter, user, series, tag, comment) it now stands for.
// - users.legacy_password: the password hash an imported account arrived with (for eFiction,
//   "md5:" and the hex digest), accepted once at log-in and then replaced by an argon2id hash;
//   NULL for every account made here.
// - works.original_url: where an imported work was first published (an AO3 work's address, an
//   eFiction story's viewstory.php address); NULL for works posted here.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("legacy_ids")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("legacy_id", "text", (c) => c.notNull())
    .addColumn("target_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("legacy_ids_pkey", ["source", "kind", "legacy_id"])
    .execute();
  await db.schema.createIndex("legacy_ids_by_target").on("legacy_ids").columns(["kind", "target_id"]).execute();
  await db.schema.alterTable("users").addColumn("legacy_password", "text").execute();
  await db.schema.alterTable("works").addColumn("original_url", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("works").dropColumn("original_url").execute();
  await db.schema.alterTable("users").dropColumn("legacy_password").execute();
  await db.schema.dropTable("legacy_ids").execute();
}

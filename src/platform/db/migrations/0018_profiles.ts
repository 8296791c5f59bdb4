import type { Kysely } from "kysely";

// Profile text ("About me", as on AO3) is sanitized HTML, like every stored HTML field.
//
// Pseud descriptions were stored as typed, unsanitized, and are declared sanitized from now on.
// A migration may not call the sanitizer (it would change what this migration does whenever the
// sanitizer changes), so the rows already stored are escaped instead: markup in them becomes
// visible text, which is always safe and loses nothing a reader saw (descriptions were shown on no
// page). Descriptions without markup characters read the same after.

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("profile", "text", (c) => c.notNull().defaultTo("")).execute();
  const rows = await db
    .selectFrom("pseuds")
    .select(["id", "description"])
    .where((eb) => eb.or(["&", "<", ">", '"', "'"].map((ch) => eb("description", "like", `%${ch}%`))))
    .execute();
  for (const row of rows as { id: number; description: string }[]) {
    await db.updateTable("pseuds").set({ description: escapeText(row.description) }).where("id", "=", row.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("profile").execute();
  // The escaping is not undone: the escaped text is what the descriptions say.
}

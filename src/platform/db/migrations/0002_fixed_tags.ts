import type { Kysely } from "kysely";

// The fixed vocabulary every work draws from: ratings, archive warnings, categories and the
// default fandom. Names are AO3's so imported and scraped metadata keeps its meaning.
const FIXED: [type: string, names: string[]][] = [
  ["Rating", ["Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit"]],
  [
    "ArchiveWarning",
    [
      "Creator Chose Not To Use Archive Warnings",
      "No Archive Warnings Apply",
      "Graphic Depictions Of Violence",
      "Major Character Death",
      "Rape/Non-Con",
      "Underage Sex",
    ],
  ],
  ["Category", ["Gen", "F/M", "M/M", "F/F", "Multi", "Other"]],
  ["Fandom", ["No Fandom"]],
];

export async function up(db: Kysely<any>): Promise<void> {
  const createdAt = "2026-01-01T00:00:00.000Z";
  for (const [type, names] of FIXED) {
    for (const name of names) {
      await db
        .insertInto("tags")
        .values({ name, name_key: name.normalize("NFKC").toLowerCase(), type, canonical: 1, created_at: createdAt })
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom("tags").where("created_at", "=", "2026-01-01T00:00:00.000Z").execute();
}

import { type Kysely, sql } from "kysely";
import { dialectOf } from "../index.js";

// Browsing (src/browse): the counters and sort keys a listing sorts and filters by, kept on the
// work row so one row answers a blurb, a sort and a range filter.
// - kudos/hits/comments/bookmarks counts: written by the responses capability as they happen;
//   0 until then.
// - title_sort / creators_sort: see src/model/sort-keys.ts. The two functions are copied below as
//   they were when this migration was written: a migration is frozen and imports no application
//   code, so a later change to the live sort keys cannot change what this step did.
// Indexes: the SQL listing path (src/browse/sql-listing.ts, the benchmark's baseline and the
// property test's second opinion) sorts visible works by each key, newest id first on ties.

const COUNTERS = ["kudos_count", "hits_count", "comments_count", "bookmarks_count"] as const;
const SORTED = ["revised_at", "created_at", "word_count", ...COUNTERS, "title_sort", "creators_sort"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of COUNTERS) await db.schema.alterTable("works").addColumn(column, "integer", (c) => c.notNull().defaultTo(0)).execute();
  // Byte order on both: SQLite's default BINARY collation, PostgreSQL's "C".
  const collate = dialectOf(db) === "postgres" ? sql`collate "C"` : sql``;
  for (const column of ["title_sort", "creators_sort"]) {
    await sql`alter table works add column ${sql.id(column)} text ${collate} not null default ''`.execute(db);
  }

  const works = await db.selectFrom("works").select(["id", "title"]).execute();
  for (const work of works) {
    const names = await db
      .selectFrom("work_creators")
      .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
      .select("pseuds.name")
      .where("work_creators.work_id", "=", work.id)
      .orderBy("work_creators.position")
      .execute();
    await db
      .updateTable("works")
      .set({ title_sort: titleSortKey(work.title), creators_sort: creatorsSortKey(names.map((n: { name: string }) => n.name)) })
      .where("id", "=", work.id)
      .execute();
  }
  for (const column of SORTED) {
    await sql`create index ${sql.id(`works_listed_by_${column}`)} on works (posted, restricted, ${sql.id(column)}, id)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of SORTED) await db.schema.dropIndex(`works_listed_by_${column}`).execute();
  for (const column of [...COUNTERS, "title_sort", "creators_sort"]) await db.schema.alterTable("works").dropColumn(column).execute();
}

/** The title sort key as of this migration (frozen copy of src/model/sort-keys.ts). */
function titleSortKey(title: string): string {
  let key = title.normalize("NFKC").toLowerCase().trim();
  key = key.replace(/^[\p{P}\p{S}\s]+/u, "");
  const article = /^(a|an|the)\s+(.+)$/u.exec(key);
  if (article) key = `${article[2]}, ${article[1]}`;
  return key.slice(0, 255);
}

/** The creators sort key as of this migration (frozen copy of src/model/sort-keys.ts). */
function creatorsSortKey(pseudNames: string[]): string {
  return pseudNames
    .map((name) => name.normalize("NFKC").toLowerCase())
    .join(", ")
    .slice(0, 255);
}

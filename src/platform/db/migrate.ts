import { type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import * as m0001 from "./migrations/0001_initial.js";
import * as m0002 from "./migrations/0002_fixed_tags.js";
import * as m0003 from "./migrations/0003_tag_graph.js";
import * as m0004 from "./migrations/0004_search.js";
import * as m0005 from "./migrations/0005_search_speed.js";
import * as m0006 from "./migrations/0006_browse.js";
import * as m0007 from "./migrations/0007_search_prefix.js";
import * as m0008 from "./migrations/0008_downloads.js";
import * as m0009 from "./migrations/0009_kudos_bookmarks.js";
import * as m0010 from "./migrations/0010_comments.js";
import * as m0011 from "./migrations/0011_series.js";
import * as m0012 from "./migrations/0012_reading.js";
import * as m0013 from "./migrations/0013_api_tokens.js";
import * as m0014 from "./migrations/0014_subscriptions.js";
import * as m0015 from "./migrations/0015_blocking.js";
import * as m0016 from "./migrations/0016_date_posted.js";
import * as m0017 from "./migrations/0017_login_protection.js";
import * as m0018 from "./migrations/0018_profiles.js";
import * as m0019 from "./migrations/0019_moderation.js";
import * as m0022 from "./migrations/0022_abuse_reports.js";
import * as m0024 from "./migrations/0024_news.js";
import * as m0027 from "./migrations/0027_rate_limits.js";
import * as m0028 from "./migrations/0028_preservation.js";
import * as m0029 from "./migrations/0029_claims.js";
import * as m0020 from "./migrations/0020_hidden_visibility.js";
import * as m0026 from "./migrations/0026_cocreators_gifts_related.js";
import * as m0023 from "./migrations/0023_invitations_terms.js";
import * as m0021 from "./migrations/0021_sanctions_spam.js";
import * as m0025 from "./migrations/0025_leaving.js";

// Listed explicitly rather than read from a folder, so the built dist/ and tsx run the same set.
const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_fixed_tags": m0002,
  "0003_tag_graph": m0003,
  "0004_search": m0004,
  "0005_search_speed": m0005,
  "0006_browse": m0006,
  "0007_search_prefix": m0007,
  "0008_downloads": m0008,
  "0009_kudos_bookmarks": m0009,
  "0010_comments": m0010,
  "0011_series": m0011,
  "0012_reading": m0012,
  "0013_api_tokens": m0013,
  "0014_subscriptions": m0014,
  "0015_blocking": m0015,
  "0016_date_posted": m0016,
  "0017_login_protection": m0017,
  "0018_profiles": m0018,
  "0019_moderation": m0019,
  "0022_abuse_reports": m0022,
  "0024_news": m0024,
  "0027_rate_limits": m0027,
  "0020_hidden_visibility": m0020,
  "0026_cocreators_gifts_related": m0026,
  "0023_invitations_terms": m0023,
  "0021_sanctions_spam": m0021,
  "0025_leaving": m0025,
  "0028_preservation": m0028,
  "0029_claims": m0029,
};

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = (await migrator(db).migrateToLatest()) as MigrationResultSet;
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Names of migrations not yet applied: the app refuses to serve while there are any. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Every migration this code knows, in the order they run (Kysely runs them sorted by name). */
export function knownMigrationNames(): string[] {
  return Object.keys(MIGRATIONS).sort();
}

/** Brings a schema up to and including one named migration (a restore rebuilds a backup's schema this way first). */
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = (await migrator(db).migrateTo(name)) as MigrationResultSet;
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

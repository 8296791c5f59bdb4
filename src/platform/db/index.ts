import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type Transaction } from "kysely";
import pg from "pg";
import { ensureSqliteFolder } from "../config.js";
import type { Database } from "./tables.js";

export type Dialect = "sqlite" | "postgres";
export type Db = Kysely<Database>;
/** A database handle or an open transaction: queries and commands accept either. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

// COUNT(*) and other bigint results arrive as strings from pg; our counts fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens the database named by a `sqlite:PATH` or `postgres://` URL. */
export function openDatabase(url: string): Kysely<Database> {
  if (url.startsWith("sqlite:")) {
    ensureSqliteFolder(url);
    const file = new SqliteDatabase(url.slice("sqlite:".length));
    // WAL lets readers run during a write; FULL sync so a posted story survives power loss,
    // not only a process crash.
    file.pragma("journal_mode = WAL");
    file.pragma("synchronous = FULL");
    file.pragma("foreign_keys = ON");
    file.pragma("busy_timeout = 5000");
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on next use.
  pool.on("error", (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Which SQL dialect a handle speaks, for the few places where they differ. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** The current time as stored: ISO 8601 UTC text. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Today's date as stored (UTC). */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

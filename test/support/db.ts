import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { TestContext } from "node:test";
import { openDatabase, type Db } from "../../src/platform/db/index.js";
import { migrateToLatest } from "../../src/platform/db/migrate.js";

/**
 * Real databases for tests: a fresh SQLite file, and a throwaway PostgreSQL database on the
 * local server (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Without PostgreSQL the PostgreSQL half is skipped with a loud message, except under CI,
 * where it fails: nothing is skipped in CI.
 */
export const DIALECTS = ["sqlite", "postgres"] as const;
export type TestDialect = (typeof DIALECTS)[number];

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDb {
  db: Db;
  url: string;
  dialect: TestDialect;
  close(): Promise<void>;
}

let postgresAvailable: Promise<boolean> | undefined;
function checkPostgres(): Promise<boolean> {
  postgresAvailable ??= (async () => {
    const probe = openDatabase(ADMIN_URL);
    try {
      await sql`select 1`.execute(probe);
      return true;
    } catch {
      return false;
    } finally {
      await probe.destroy().catch(() => {});
    }
  })();
  return postgresAvailable;
}

/** Opens a new, migrated, empty database of a dialect; null (and the test skipped) when PostgreSQL is absent outside CI. */
export async function openTestDb(dialect: TestDialect, t?: TestContext): Promise<TestDb | null> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-test-"));
    const url = `sqlite:${join(dir, "test.sqlite")}`;
    const db = openDatabase(url);
    await migrateToLatest(db);
    return { db, url, dialect, close: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  }
  if (!(await checkPostgres())) {
    const message = `PostgreSQL is not reachable at ${ADMIN_URL}: the PostgreSQL half of this test DID NOT RUN.`;
    if (process.env.CI) throw new Error(message);
    console.error(`\n!!! ${message}\n`);
    t?.skip(message);
    return null;
  }
  const name = `fanfold_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = openDatabase(ADMIN_URL);
  await sql.raw(`create database ${name}`).execute(admin);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  await migrateToLatest(db);
  return {
    db,
    url: url.toString(),
    dialect,
    close: async () => {
      await db.destroy();
      // The pool's connections close asynchronously on the server; wait for them so the
      // forced drop below does not cut a connection that is already saying goodbye.
      for (let i = 0; i < 50; i++) {
        const left = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
        if (left.rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
      await admin.destroy();
    },
  };
}

/** Runs `body` once per dialect as subtests, each with its own fresh database. */
export async function eachDialect(t: TestContext, body: (t: TestContext, test: TestDb) => Promise<void>): Promise<void> {
  for (const dialect of DIALECTS) {
    await t.test(dialect, async (st) => {
      const test = await openTestDb(dialect, st);
      if (!test) return;
      try {
        await body(st, test);
      } finally {
        await test.close();
      }
    });
  }
}

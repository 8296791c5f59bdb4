import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { type Kysely, Migrator, sql } from "kysely";
import { openDatabase } from "../platform/db/index.js";
import { migrateToLatest } from "../platform/db/migrate.js";
import * as m0001 from "../platform/db/migrations/0001_initial.js";
import * as m0002 from "../platform/db/migrations/0002_fixed_tags.js";
import * as m0003 from "../platform/db/migrations/0003_tag_graph.js";
import * as m0004 from "../platform/db/migrations/0004_search.js";
import * as m0005 from "../platform/db/migrations/0005_search_speed.js";
import * as m0006 from "../platform/db/migrations/0006_browse.js";
import * as m0007 from "../platform/db/migrations/0007_search_prefix.js";
import * as m0008 from "../platform/db/migrations/0008_downloads.js";
import * as m0009 from "../platform/db/migrations/0009_kudos_bookmarks.js";

const BEFORE_SERIES = {
  "0001_initial": m0001,
  "0002_fixed_tags": m0002,
  "0003_tag_graph": m0003,
  "0004_search": m0004,
  "0005_search_speed": m0005,
  "0006_browse": m0006,
  "0007_search_prefix": m0007,
  "0008_downloads": m0008,
  "0009_kudos_bookmarks": m0009,
};

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** An archive with a bookmark and its tags, as it stood before the series migration. */
async function seedBeforeSeries(db: Kysely<any>): Promise<void> {
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => BEFORE_SERIES } }).migrateToLatest();
  if (error) throw error;
  const now = new Date().toISOString();
  const user = await db.insertInto("users").values({ login: "keeper", login_key: "keeper", email: "k@example.com", password_hash: "x", created_at: now }).returning("id").executeTakeFirstOrThrow();
  const work = await db
    .insertInto("works")
    .values({
      title: "Old Work", summary: "", notes: "", endnotes: "", language: "en", word_count: 3, expected_chapters: 1, complete: 1, posted: 1, restricted: 0,
      comment_permission: "all", published_on: "2024-01-01", backdated: 0, revised_at: now, import_headers: null, created_at: now, updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const bookmark = await db.insertInto("bookmarks").values({ work_id: work.id, user_id: user.id, notes: "<p>kept</p>", private: 0, rec: 1, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
  await db.insertInto("bookmark_tags").values([{ bookmark_id: bookmark.id, position: 0, name: "one" }, { bookmark_id: bookmark.id, position: 1, name: "two" }]).execute();
}

async function checkAfter(db: Kysely<any>): Promise<void> {
  assert.ok((await migrateToLatest(db)).includes("0011_series"));
  const rows = await db.selectFrom("bookmarks").select(["id", "work_id", "series_id", "notes", "rec"]).execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].notes, "<p>kept</p>");
  assert.equal(rows[0].series_id, null);
  const tags = await db.selectFrom("bookmark_tags").select("name").where("bookmark_id", "=", rows[0].id).orderBy("position").execute();
  assert.deepEqual(tags.map((t: { name: string }) => t.name), ["one", "two"], "the bookmark's tags survive the rebuild");
  // One user, one bookmark per work still; a bookmark of both a work and a series is refused.
  const now = new Date().toISOString();
  await assert.rejects(db.insertInto("bookmarks").values({ work_id: rows[0].work_id, user_id: 1, notes: "", created_at: now, updated_at: now }).execute());
  await assert.rejects(db.insertInto("bookmarks").values({ work_id: null, series_id: null, user_id: 1, notes: "", created_at: now, updated_at: now }).execute());
  // Foreign keys are back on (SQLite): deleting the work takes its bookmark and tags with it.
  await db.deleteFrom("works").execute();
  assert.equal((await db.selectFrom("bookmark_tags").select("name").execute()).length, 0);
}

test("migration 0011: an existing archive's bookmarks and their tags survive, of works, on both dialects", async (t) => {
  await t.test("sqlite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fanfold-test-"));
    const db = openDatabase(`sqlite:${join(dir, "test.sqlite")}`);
    try {
      await seedBeforeSeries(db);
      await checkAfter(db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
      assert.equal(fk.rows[0]?.foreign_keys, 1);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  await t.test("postgres", async (st) => {
    const admin = openDatabase(ADMIN_URL);
    try {
      await sql`select 1`.execute(admin);
    } catch {
      await admin.destroy();
      if (process.env.CI) throw new Error("PostgreSQL not reachable");
      st.skip("PostgreSQL is not reachable: the PostgreSQL half DID NOT RUN");
      return;
    }
    const name = `fanfold_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    await sql.raw(`create database ${name}`).execute(admin);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const db = openDatabase(url.toString());
    try {
      await seedBeforeSeries(db);
      await checkAfter(db);
    } finally {
      await db.destroy();
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
      await admin.destroy();
    }
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { buildApp } from "../app.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { knownMigrationNames, migrateUpTo } from "../platform/db/migrate.js";
import { checkDump, type DumpBodyRecord, DumpError, readDump, restoreDump, withDatabaseSnapshot, writeDump } from "../platform/db/portable-dump.js";
import { reindexAll } from "../search/index.js";
import { createUser } from "../users/index.js";
import { Client, testConfig, workForm } from "../../test/support/app.js";
import { DIALECTS, eachDialect, openTestDb, type TestDialect } from "../../test/support/db.js";
import { serveInChildProcess } from "../../test/support/serve.js";
import { generateArchive } from "./bench-generate.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `fanfold` command in a process of its own, over a database and a data folder. */
function fanfold(args: string[], databaseUrl: string, dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, NODE_ENV: "test" };
  delete env.SECRET;
  delete env.SECRET_FILE;
  const child = spawn(process.execPath, ["bin/fanfold.mjs", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-backup-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A target with no tables at all: a SQLite path not yet made, or a new PostgreSQL database. */
async function blankDatabase(t: TestContext, dialect: TestDialect): Promise<string> {
  if (dialect === "sqlite") return `sqlite:${join(tempDir(t), "restored.sqlite")}`;
  const name = `fanfold_test_blank_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = openDatabase(ADMIN_URL);
  await sql.raw(`create database ${name}`).execute(admin);
  t.after(async () => {
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
    await admin.destroy();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

async function tableCount(url: string): Promise<number> {
  return withDb(url, async (db) => (await db.introspection.getTables()).length);
}

/** A browser-like client of a served archive over real HTTP: keeps its cookies and the last page's form token. */
class HttpClient {
  private cookies = new Map<string, string>();
  private csrf = "";
  constructor(private readonly base: string) {}

  private remember(res: Response, body: string) {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const token = /name="csrf-token" content="([^"]+)"/.exec(body);
    if (token) this.csrf = token[1]!;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookieHeader() }, redirect: "manual" });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, body };
  }

  async post(path: string, form: Record<string, string | string[]>): Promise<{ status: number; location: string }> {
    const params = new URLSearchParams({ authenticity_token: this.csrf });
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    const res = await fetch(`${this.base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: this.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
      body: params.toString(),
    });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, location: res.headers.get("location") ?? "" };
  }

  async logIn(login: string, password: string) {
    await this.get("/users/login");
    const res = await this.post("/users/login", { "user[login]": login, "user[password]": password });
    assert.equal(res.status, 303, `${login} logs in`);
    await this.get("/");
  }
}

type Write = { kind: "work"; id: number; ackedAt: number } | { kind: "comment"; id: number; ackedAt: number } | { kind: "kudos"; workId: number; userId: number; ackedAt: number };

/**
 * The proof: a backup taken while a load generator posts works, comments and kudos
 * through the real HTTP server (`fanfold serve` in its own process), by `fanfold backup` in
 * another, restores into an empty archive holding every write acknowledged (303) before the
 * snapshot began (the header's snapshot_at).
 */
test("a backup taken under write load restores every write acknowledged before its snapshot", async (t) => {
  await eachDialect(t, async (st, { db, url, dialect }) => {
    const password = "load generator password";
    const users: Record<string, { id: number; pseudId: number }> = {};
    for (const login of ["writer", "kudoser", "commenter"]) {
      const made = await createUser(db, { login, email: `${login}@example.com`, password });
      assert.ok(made.ok);
      const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow();
      users[login] = { id: made.value.id, pseudId: pseud.id };
    }
    // Old enough accounts: the new-account limits on comments and works do not slow the load down.
    await db.updateTable("users").set({ created_at: "2020-01-01T00:00:00.000Z" }).execute();
    const server = await serveInChildProcess(st, url);
    const writer = new HttpClient(server);
    const kudoser = new HttpClient(server);
    const commenter = new HttpClient(server);
    await writer.logIn("writer", password);
    await kudoser.logIn("kudoser", password);
    await commenter.logIn("commenter", password);

    const writes: Write[] = [];
    let stop = false;
    let refused = 0;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        await writer.get("/works/new");
        const posted = await writer.post("/works", workForm(users.writer!.pseudId, { "work[title]": `Load ${i}`, "chapter[content]": `Tide ${i} came in.\n\nAnd went out.` }));
        const workId = Number(/^\/works\/(\d+)$/.exec(posted.location)?.[1]);
        if (posted.status !== 303 || !workId) {
          refused++;
          continue;
        }
        writes.push({ kind: "work", id: workId, ackedAt: Date.now() });
        await kudoser.get(`/works/${workId}`);
        const kudos = await kudoser.post(`/works/${workId}/kudos`, {});
        if (kudos.status === 303) writes.push({ kind: "kudos", workId, userId: users.kudoser!.id, ackedAt: Date.now() });
        else refused++;
        const workPage = await commenter.get(`/works/${workId}`);
        const token = /name="comment\[token\]" value="([^"]+)"/.exec(workPage.body)?.[1] ?? "";
        const comment = await commenter.post(`/works/${workId}/comments`, { "comment[token]": token, "comment[comment_content]": `Comment ${i}` });
        const commentId = Number(/^\/comments\/(\d+)/.exec(comment.location)?.[1]);
        if (comment.status === 303 && commentId) writes.push({ kind: "comment", id: commentId, ackedAt: Date.now() });
        else refused++;
      }
    })();

    let loadError: unknown;
    load.catch((error) => (loadError = error));
    while (writes.length < 9 && loadError === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(loadError, undefined, "the load generator runs");
    const dir = tempDir(st);
    const out = join(dir, "archive.ffb");
    const backupStarted = Date.now();
    const backup = await fanfold(["backup", "--out", out], url, join(dir, "data"));
    const backupEnded = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await load;
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stderr, /backup: [\d,]+\/[\d,]+ rows \(\d+%\)/, "a progress line on standard error");
    assert.match(backup.stdout, /Backup written to/);

    const { header } = await checkDump(out);
    const snapshotAt = Date.parse(header.snapshot_at);
    const before = writes.filter((w) => w.ackedAt < snapshotAt);
    const during = writes.filter((w) => w.ackedAt >= backupStarted && w.ackedAt <= backupEnded);
    assert.ok(before.length >= 9, `writes acknowledged before the snapshot: ${before.length}`);
    assert.ok(during.length > 0, "the load generator kept writing while the backup ran");
    assert.ok(refused < writes.length, `most writes were accepted (${refused} refused, ${writes.length} accepted)`);

    const target = await openTestDb(dialect, st);
    assert.ok(target);
    try {
      const restored = await fanfold(["restore", out], target.url, join(dir, "restored-data"));
      assert.equal(restored.code, 0, restored.stderr);
      const ids = async (table: "works" | "comments") => new Set((await target.db.selectFrom(table).select("id").execute()).map((r) => r.id));
      const works = await ids("works");
      const comments = await ids("comments");
      const kudos = new Set((await target.db.selectFrom("kudos").select(["work_id", "user_id"]).execute()).map((k) => `${k.work_id}/${k.user_id}`));
      const missing = before.filter((w) => (w.kind === "work" ? !works.has(w.id) : w.kind === "comment" ? !comments.has(w.id) : !kudos.has(`${w.workId}/${w.userId}`)));
      assert.deepEqual(missing, [], "every write acknowledged before the snapshot is in the restored archive");
      console.error(`[${dialect}] ${writes.length} writes acknowledged (${before.length} before the snapshot, ${writes.length - before.length} after it, ${during.length} while the backup command ran), ${refused} refused`);
    } finally {
      await target.close();
    }
  });
});

/** Ids of the works on a listing page, in order, and its "N Works" count. */
function listed(body: string): string {
  const ids = [...body.matchAll(/<li id="work_(\d+)"/g)].map((m) => m[1]).join(",");
  const headings = [...body.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim());
  return `${headings.join(" / ")} | ${ids}`;
}

/** What a reader sees of an archive: listings in several orders, a tag's works, searches; and the counts behind them. */
async function archiveView(url: string, popularTag: string, word: string): Promise<Record<string, string>> {
  return withDb(url, async (db) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const guest = new Client(app);
      const view: Record<string, string> = {};
      const sort = (column: string) => `work_search%5Bsort_column%5D=${column}`;
      for (const path of [
        "/works",
        "/works?page=3",
        `/works?${sort("title_to_sort_on")}`,
        `/works?${sort("kudos_count")}&page=2`,
        `/works?${sort("word_count")}`,
        `/tags/${encodeURIComponent(popularTag)}/works`,
        `/tags/${encodeURIComponent(popularTag)}/works?${sort("title_to_sort_on")}&page=2`,
        `/works/search?work_search%5Bquery%5D=${encodeURIComponent(word)}&${sort("revised_at")}`,
        `/works/search?work_search%5Bquery%5D=${encodeURIComponent(word)}&${sort("word_count")}`,
      ]) {
        const res = await guest.get(path);
        assert.equal(res.statusCode, 200, path);
        view[path] = listed(res.body);
      }
      const count = async (table: "works" | "tags" | "chapters" | "users" | "comments" | "kudos" | "bookmarks") =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
      for (const table of ["works", "tags", "chapters", "users", "comments", "kudos", "bookmarks"] as const) view[`count ${table}`] = String(await count(table));
      const perTag = await db.selectFrom("work_filters").select(["tag_id", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("tag_id").orderBy("tag_id").execute();
      view["works per tag"] = perTag.map((r) => `${r.tag_id}:${Number(r.n)}`).join(",");
      return view;
    } finally {
      await app.close();
    }
  });
}

/**
 * `fanfold migrate-to` moves a generated SQLite archive into an empty PostgreSQL database, and a
 * backup of that PostgreSQL archive restores into SQLite: listings, searches and counts are the
 * same in all three.
 */
test("migrate-to moves a generated archive to PostgreSQL, and its backup comes back to SQLite, with equal listings, search and counts", async (t) => {
  const source = await openTestDb("sqlite", t);
  assert.ok(source);
  t.after(() => source.close());
  const pgProbe = await openTestDb("postgres", t);
  if (!pgProbe) return;
  await pgProbe.close();
  await generateArchive(source.url, { works: 500, seed: 7 });
  // The generator writes rows only; a served archive has its search index.
  await withDb(source.url, (db) => reindexAll(db));
  const { popularTag, word } = await withDb(source.url, async (db) => {
    const tag = await db
      .selectFrom("work_filters")
      .innerJoin("tags", "tags.id", "work_filters.tag_id")
      .select(["tags.name", (eb) => eb.fn.countAll<number>().as("n")])
      .where("tags.type", "=", "Fandom")
      .groupBy("tags.name")
      .orderBy("n", "desc")
      .orderBy("tags.name")
      .executeTakeFirstOrThrow();
    // The most common word of the titles (a search with more than one page of results).
    const seen = new Map<string, number>();
    for (const { title } of await db.selectFrom("works").select("title").execute()) {
      for (const w of title.toLowerCase().split(/[^a-z]+/)) if (w.length >= 4) seen.set(w, (seen.get(w) ?? 0) + 1);
    }
    const word = [...seen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return { popularTag: tag.name, word };
  });
  const before = await archiveView(source.url, popularTag, word);
  assert.equal(before["/works"]!.split(" | ")[1]!.split(",").length, 20, `the generated archive lists its works: ${before["/works"]}`);
  assert.match(before[`/works/search?work_search%5Bquery%5D=${encodeURIComponent(word)}&work_search%5Bsort_column%5D=revised_at`]!, /\| \d+/, `the search for "${word}" finds works`);

  const dir = tempDir(t);
  const target = await blankDatabase(t, "postgres");
  const moved = await fanfold(["migrate-to", target], source.url, join(dir, "data"));
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /set DATABASE_URL=postgres:\/\//);
  assert.match(moved.stderr, /migrate-to: [\d,]+\/[\d,]+ rows/);
  assert.deepEqual(await archiveView(target, popularTag, word), before, "PostgreSQL shows what SQLite showed");

  // Moving into it again is refused: it is no longer empty.
  const again = await fanfold(["migrate-to", target], source.url, join(dir, "data"));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^fanfold: the target archive is not empty .*\n$/);

  const out = join(dir, "from-postgres.ffb");
  assert.equal((await fanfold(["backup", "--out", out], target, join(dir, "data"))).code, 0);
  const back = await blankDatabase(t, "sqlite");
  const restored = await fanfold(["restore", out], back, join(dir, "data-back"));
  assert.equal(restored.code, 0, restored.stderr);
  assert.deepEqual(await archiveView(back, popularTag, word), before, "SQLite restored from PostgreSQL's backup shows the same");
  // New ids continue after the old ones.
  await withDb(back, async (db) => {
    const made = await createUser(db, { login: "after_restore", email: "after@example.com", password: "a long enough password" });
    assert.ok(made.ok);
    const max = await db.selectFrom("users").select((eb) => eb.fn.max("id").as("m")).executeTakeFirstOrThrow();
    assert.equal(made.value.id, Number(max.m));
  });
});

/** A small archive with a data folder (its secret, an outgoing mail, a cached download) backed up from the command line. */
async function smallBackup(t: TestContext, url: string, db: Db): Promise<{ out: string; dataDir: string }> {
  const made = await createUser(db, { login: "keeper", email: "keeper@example.com", password: "a long enough password" });
  assert.ok(made.ok);
  const dir = tempDir(t);
  const dataDir = join(dir, "data");
  mkdirSync(join(dataDir, "mail", "outbox"), { recursive: true });
  mkdirSync(join(dataDir, "downloads", "1"), { recursive: true });
  writeFileSync(join(dataDir, "secret"), "the-old-archive-secret-0123456789\n", { mode: 0o600 });
  writeFileSync(join(dataDir, "mail", "outbox", "welcome.eml"), "Subject: Welcome\r\n\r\nHello.\r\n");
  writeFileSync(join(dataDir, "downloads", "1", "epub-abc.epub"), "cached bytes");
  const out = join(dir, "small.ffb");
  const run = await fanfold(["backup", "--out", out], url, dataDir);
  assert.equal(run.code, 0, run.stderr);
  return { out, dataDir };
}

test("restore brings back the data folder's secret and mail, not the downloads cache; refuses a non-empty archive, a truncated file and a newer schema before writing", async (t) => {
  await eachDialect(t, async (st, { db, url, dialect }) => {
    const { out, dataDir } = await smallBackup(st, url, db);
    const dir = tempDir(st);

    // Into the archive it came from: not empty.
    const nonEmpty = await fanfold(["restore", out], url, dataDir);
    assert.equal(nonEmpty.code, 1);
    assert.match(nonEmpty.stderr, /^fanfold: the target archive is not empty \(1 row in pseuds, 1 row in users\); restore only into an empty archive\. Nothing was restored\.\n$/);

    // A truncated copy: refused, and the blank target still has no tables.
    const bytes = readFileSync(out);
    const truncated = join(dir, "truncated.ffb");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const blank = await blankDatabase(st, dialect);
    const cut = await fanfold(["restore", truncated], blank, join(dir, "cut-data"));
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /^fanfold: .*truncated.ffb: the backup is truncated .*nothing was restored\.\n$/);
    if (dialect === "postgres") assert.equal(await tableCount(blank), 0, "nothing was written");
    else assert.equal(existsSync(blank.slice("sqlite:".length)), false, "no database file was made");
    assert.equal(existsSync(join(dir, "cut-data")), false, "no data folder was made");

    // A whole file from a newer Fanfold (a migration unknown here): refused.
    const newer = join(dir, "newer.ffb");
    let header;
    const body: DumpBodyRecord[] = [];
    for await (const record of readDump(out)) {
      if (record.kind === "header") header = { ...record, migrations: [...record.migrations, "9999_from_the_future"] };
      else if (record.kind !== "trailer") body.push(record);
    }
    // The reader checks the schema first, so the file is written from records read before the header was changed.
    await writeDump(newer, header!, body);
    const future = await fanfold(["restore", newer], blank, join(dir, "future-data"));
    assert.equal(future.code, 1);
    assert.match(future.stderr, /^fanfold: .*newer.ffb: made by a newer Fanfold \(its schema has migration 9999_from_the_future, unknown here\); upgrade Fanfold, then restore\.\n$/);
    if (dialect === "postgres") assert.equal(await tableCount(blank), 0, "nothing was written");

    // Into a blank database: the rows, the secret and the mail come back; the downloads cache does not.
    const restoredData = join(dir, "restored-data");
    const restored = await fanfold(["restore", out], blank, restoredData);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(readFileSync(join(restoredData, "secret"), "utf8"), "the-old-archive-secret-0123456789\n");
    assert.equal(readFileSync(join(restoredData, "mail", "outbox", "welcome.eml"), "utf8"), "Subject: Welcome\r\n\r\nHello.\r\n");
    assert.equal(existsSync(join(restoredData, "downloads")), false, "the downloads cache is rebuilt on demand, not restored");
    await withDb(blank, async (target) => {
      const user = await target.selectFrom("users").select(["login", "email"]).executeTakeFirstOrThrow();
      assert.deepEqual(user, { login: "keeper", email: "keeper@example.com" });
      const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(target);
      assert.deepEqual(migrations.rows.map((r) => r.name), knownMigrationNames());
    });
  });
});

test("a backup of an older schema restores, then migrates up", async (t) => {
  for (const dialect of DIALECTS) {
    await t.test(dialect, async (st) => {
      if (dialect === "postgres") {
        const probe = await openTestDb("postgres", st);
        if (!probe) return;
        await probe.close();
      }
      const older = await blankDatabase(st, "sqlite");
      const names = knownMigrationNames();
      const out = join(tempDir(st), "older.ffb");
      await withDb(older, async (db) => {
        await migrateUpTo(db, names[names.length - 2]!);
        await db.insertInto("users").values({ login: "elder", login_key: "elder", email: "elder@example.com", password_hash: "x", created_at: "2024-01-01T00:00:00.000Z" }).execute();
        await withDatabaseSnapshot(db, "none", (header, body) => writeDump(out, header, body));
      });
      const { header } = await checkDump(out);
      assert.equal(header.migrations.length, names.length - 1);
      const target = await blankDatabase(st, dialect);
      await withDb(target, async (db) => {
        const ran = await restoreDump(db, header, readDump(out));
        assert.deepEqual(ran, [names[names.length - 1]], "the newer migration ran after the rows were in");
        const user = await db.selectFrom("users").select(["login", "legacy_password"]).executeTakeFirstOrThrow();
        assert.deepEqual(user, { login: "elder", legacy_password: null });
      });
    });
  }
});

test("an unwritable --out or a full disk: one clear line, and no file left claiming to be a backup", async (t) => {
  const test = await openTestDb("sqlite", t);
  assert.ok(test);
  t.after(() => test.close());
  const dir = tempDir(t);
  writeFileSync(join(dir, "a-file"), "");
  const notAFolder = await fanfold(["backup", "--out", join(dir, "a-file", "backup.ffb")], test.url, join(dir, "data"));
  assert.equal(notAFolder.code, 1);
  assert.match(notAFolder.stderr, /^fanfold: cannot write the backup to .*backup\.ffb: a part of its path is not a folder \(ENOTDIR\); no backup was written\.\n$/);
  if (existsSync("/dev/full")) {
    const full = await fanfold(["backup", "--out", "/dev/full"], test.url, join(dir, "data"));
    assert.equal(full.code, 1);
    // Progress lines may come first (the disk fills up as it writes); the error is one line, the last.
    assert.match(full.stderr, /(^|\n)fanfold: cannot write the backup to \/dev\/full: the disk is full \(ENOSPC\); no backup was written\.\n$/);
    assert.equal(full.stderr.split("\n").filter((line) => line.startsWith("fanfold:")).length, 1);
  }
  // A failure half-way (here the database read; a full disk the same): no file named --out, no temporary file left.
  const out = join(dir, "half.ffb");
  await assert.rejects(
    withDatabaseSnapshot(test.db, "none", (header, body) =>
      writeDump(
        out,
        header,
        (async function* () {
          let n = 0;
          for await (const record of body) {
            yield record;
            if (++n === 20) throw new DumpError("the read failed");
          }
        })(),
      ),
    ),
    /the read failed/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ["a-file", "data"].filter((name) => existsSync(join(dir, name))).sort());
  assert.equal(existsSync(out), false);
});

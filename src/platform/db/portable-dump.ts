import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip, createGzip } from "node:zlib";
import { type Kysely, type QueryResult, type RawBuilder, sql, type Transaction } from "kysely";
import { type Dialect, dialectOf } from "./index.js";
import { knownMigrationNames, migrateToLatest, migrateUpTo } from "./migrate.js";

/**
 * The portable dump: one file format for backup, restore and moving an archive between SQLite
 * and PostgreSQL (docs/backup-and-restore.md is its specification). A gzip stream of lines,
 * each one JSON value:
 *
 *   {"kind":"header", format, format_version, dialect, migrations, tables: [{name, rows}], ...}
 *   {"kind":"table", name, columns, primary_key, identity, next_id, rows}
 *   [value, value, ...]            one line per row, columns in the table line's order, key order
 *   {"kind":"table-end", name, rows}
 *   {"kind":"file", path, mode, base64}      files of the data folder
 *   {"kind":"trailer", rows: {table: n}, files, sha256}
 *
 * sha256 is the hash of every line before the trailer (each with its "\n"), so a truncated or
 * altered file is refused. Rows are read inside one read transaction: a snapshot of a serving
 * archive. Values are JSON null, numbers and strings; a binary value is {"base64": "..."}.
 */

export const DUMP_FORMAT = "fanfold-backup";
export const DUMP_FORMAT_VERSION = 1;

export interface DumpHeader {
  kind: "header";
  format: typeof DUMP_FORMAT;
  format_version: number;
  created_at: string;
  /**
   * A time just before the read transaction began: every write committed before it is in the
   * dump (a write acknowledged to a client before this time is there).
   */
  snapshot_at: string;
  /** The dialect the rows were read from. */
  dialect: Dialect;
  /** The schema version: the migrations applied to the dumped archive, in order. */
  migrations: string[];
  tables: { name: string; rows: number }[];
  /** Where the archive's signing secret lives: a file of the data folder (then in this dump), the environment (not in it), or not known. */
  secret: "data-folder" | "environment" | "none";
}

export interface DumpTableStart {
  kind: "table";
  name: string;
  columns: string[];
  primary_key: string[];
  /** The column filled from a sequence (SQLite AUTOINCREMENT, PostgreSQL identity), if any. */
  identity: string | null;
  /** The highest id the sequence ever gave (deleted rows included), so a restore never hands an old id out again. */
  next_id: number | null;
  rows: number;
}

export interface DumpRows {
  kind: "rows";
  rows: unknown[][];
}

export interface DumpTableEnd {
  kind: "table-end";
  name: string;
  rows: number;
}

export interface DumpFile {
  kind: "file";
  /** Relative to the data folder, "/"-separated. */
  path: string;
  mode: number;
  base64: string;
}

export interface DumpTrailer {
  kind: "trailer";
  rows: Record<string, number>;
  files: number;
  sha256: string;
}

/** Everything after the header, in file order. */
export type DumpBodyRecord = DumpTableStart | DumpRows | DumpTableEnd | DumpFile;

/** A dump that cannot be read, or does not fit this archive: its message is one line for the operator. */
export class DumpError extends Error {}

export type Progress = (done: number, total: number, table: string) => void;

/** Rows read or written per statement: small enough for SQLite's 32,766 parameters at 60 columns. */
const BATCH_ROWS = 500;
/** A batch of large rows (chapters) is cut at about this many bytes of text. */
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Tables a dump leaves out. `search_*` is the full-text index (and, on SQLite, FTS5's own
 * tables): derived from works, chapters and tags, rebuilt after a restore by the search reindex.
 * kysely_migration_lock is Kysely's run-time latch, not data; kysely_migration (which migrations
 * ran) is dumped like any table.
 */
export function isLeftOutOfDump(table: string): boolean {
  return table.startsWith("search_") || table === "kysely_migration_lock";
}

interface TableShape {
  name: string;
  columns: string[];
  primaryKey: string[];
  identity: string | null;
}

/** The archive's tables, found in the database itself so that a new table is never forgotten. */
async function introspect(db: Kysely<any>): Promise<TableShape[]> {
  const shapes: TableShape[] = [];
  if (dialectOf(db) === "sqlite") {
    // pragma table_list marks FTS5's virtual and shadow tables as such: only plain tables are data.
    const tables = await sql<{ name: string }>`select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
    for (const { name } of tables.rows) {
      if (isLeftOutOfDump(name)) continue;
      const info = await sql<{ name: string; pk: number; type: string }>`select name, pk, type from pragma_table_info(${name}) order by cid`.execute(db);
      const primaryKey = info.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const created = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${name}`.execute(db);
      const autoincrement = /autoincrement/i.test(created.rows[0]?.sql ?? "");
      shapes.push({ name, columns: info.rows.map((c) => c.name), primaryKey, identity: autoincrement && primaryKey.length === 1 ? primaryKey[0]! : null });
    }
    return shapes;
  }
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  for (const { name } of tables.rows) {
    if (isLeftOutOfDump(name)) continue;
    const columns = await sql<{ name: string; is_identity: string; column_default: string | null }>`select column_name as name, is_identity, column_default from information_schema.columns
      where table_schema = current_schema() and table_name = ${name} order by ordinal_position`.execute(db);
    const key = await sql<{ name: string }>`select a.attname as name from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = format('%I', ${name}::text)::regclass and i.indisprimary
      order by array_position(i.indkey, a.attnum)`.execute(db);
    const identity = columns.rows.find((c) => c.is_identity === "YES" || (c.column_default ?? "").startsWith("nextval("));
    shapes.push({ name, columns: columns.rows.map((c) => c.name), primaryKey: key.rows.map((k) => k.name), identity: identity?.name ?? null });
  }
  return shapes;
}

/** The highest value a table's sequence has handed out (0 when none). */
async function sequenceHighWater(db: Kysely<any>, table: string, column: string): Promise<number> {
  if (dialectOf(db) === "sqlite") {
    const row = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(db);
    return Number(row.rows[0]?.seq ?? 0);
  }
  const row = await sql<{ last: number | null }>`select last_value as last from pg_sequences
    where format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence(format('%I', ${table}::text), ${column})`.execute(db);
  return Number(row.rows[0]?.last ?? 0);
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

function encodeValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString("base64") };
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "base64" in value) return Buffer.from(String((value as { base64: string }).base64), "base64");
  return value;
}

function approximateBytes(row: unknown[]): number {
  let bytes = 16;
  for (const value of row) bytes += typeof value === "string" ? value.length : 8;
  return bytes;
}

/**
 * Reads every table inside one read transaction (a snapshot: SQLite's WAL gives a reader the
 * database as of its first read; PostgreSQL's REPEATABLE READ, as of its first statement) and
 * hands the header and the records to `consume`, which may take its time: writers carry on.
 */
export async function withDatabaseSnapshot<T>(
  db: Kysely<any>,
  secret: DumpHeader["secret"],
  consume: (header: DumpHeader, body: AsyncIterable<DumpBodyRecord>) => Promise<T>,
): Promise<T> {
  const dialect = dialectOf(db);
  const snapshotAt = new Date().toISOString();
  const begin = dialect === "postgres" ? db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only") : db.transaction();
  return begin.execute(async (trx) => {
    // The first read fixes the snapshot.
    const migrations = await appliedMigrations(trx);
    const shapes = await introspect(trx);
    const counts = new Map<string, number>();
    for (const shape of shapes) {
      const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(shape.name)}`.execute(trx);
      counts.set(shape.name, Number(row.rows[0]!.n));
    }
    const header: DumpHeader = {
      kind: "header",
      format: DUMP_FORMAT,
      format_version: DUMP_FORMAT_VERSION,
      created_at: new Date().toISOString(),
      snapshot_at: snapshotAt,
      dialect,
      migrations,
      tables: shapes.map((s) => ({ name: s.name, rows: counts.get(s.name)! })),
      secret,
    };
    return consume(header, tableRecords(trx, shapes, counts));
  });
}

async function* tableRecords(trx: Transaction<any>, shapes: TableShape[], counts: Map<string, number>): AsyncGenerator<DumpBodyRecord> {
  for (const shape of shapes) {
    const next_id = shape.identity ? await sequenceHighWater(trx, shape.name, shape.identity) : null;
    yield { kind: "table", name: shape.name, columns: shape.columns, primary_key: shape.primaryKey, identity: shape.identity, next_id, rows: counts.get(shape.name)! };
    let written = 0;
    for await (const rows of keyOrderedBatches(trx, shape)) {
      written += rows.length;
      yield { kind: "rows", rows };
    }
    yield { kind: "table-end", name: shape.name, rows: written };
  }
}

/** A table's rows in primary-key order, a batch at a time, each batch starting after the last key of the one before. */
async function* keyOrderedBatches(trx: Transaction<any>, shape: TableShape): AsyncGenerator<unknown[][]> {
  const key = shape.primaryKey.length ? shape.primaryKey : shape.columns;
  const keyList = sql.join(key.map((c) => sql.ref(c)));
  const columnList = sql.join(shape.columns.map((c) => sql.ref(c)));
  const keyIndexes = key.map((c) => shape.columns.indexOf(c));
  let after: unknown[] | null = null;
  for (;;) {
    const where: RawBuilder<unknown> = after === null ? sql`` : sql`where (${keyList}) > (${sql.join(after.map((v) => sql`${v}`))})`;
    const result: QueryResult<Record<string, unknown>> = await sql<Record<string, unknown>>`select ${columnList} from ${sql.table(shape.name)} ${where} order by ${keyList} limit ${BATCH_ROWS}`.execute(trx);
    if (result.rows.length === 0) return;
    const rows = result.rows.map((row) => shape.columns.map((c) => encodeValue(row[c])));
    yield rows;
    if (result.rows.length < BATCH_ROWS) return;
    const last: Record<string, unknown> = result.rows[result.rows.length - 1]!;
    after = keyIndexes.map((i): unknown => last[shape.columns[i]!]);
  }
}

/**
 * The files of a data folder, as dump records: every regular file under it except the paths
 * `leaveOut` names (relative, "/"-separated; a folder leaves out everything in it).
 */
export function* dataFolderFiles(dataDir: string, leaveOut: (relativePath: string) => boolean): Generator<DumpFile> {
  const root = resolve(dataDir);
  const walk = function* (folder: string): Generator<DumpFile> {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(folder, entry.name);
      const path = relative(root, full).split(sep).join("/");
      if (leaveOut(path)) continue;
      if (entry.isDirectory()) yield* walk(full);
      else if (entry.isFile()) {
        const stat = statSync(full);
        yield { kind: "file", path, mode: stat.mode & 0o777, base64: readFileSync(full).toString("base64") };
      }
    }
  };
  yield* walk(root);
}

// ---------------------------------------------------------------- writing and reading the file

/** The lines of a dump and their trailer; counts what passes, to write the trailer from. */
async function* dumpLines(header: DumpHeader, body: AsyncIterable<DumpBodyRecord> | Iterable<DumpBodyRecord>, onRows?: (rows: number, table: string) => void): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  const rows: Record<string, number> = {};
  let files = 0;
  let table = "";
  let chunk: string[] = [];
  let chunkLength = 0;
  const flush = () => {
    const bytes = Buffer.from(chunk.join(""), "utf8");
    hash.update(bytes);
    chunk = [];
    chunkLength = 0;
    return bytes;
  };
  const add = (line: string) => {
    chunk.push(line, "\n");
    chunkLength += line.length + 1;
  };
  add(JSON.stringify(header));
  for await (const record of body) {
    if (record.kind === "rows") {
      for (const row of record.rows) add(JSON.stringify(row));
      rows[table] = (rows[table] ?? 0) + record.rows.length;
      onRows?.(record.rows.length, table);
    } else {
      if (record.kind === "table") {
        table = record.name;
        rows[table] = 0;
      }
      if (record.kind === "file") files++;
      add(JSON.stringify(record));
    }
    if (chunkLength > 256 * 1024) yield flush();
  }
  yield flush();
  const trailer: DumpTrailer = { kind: "trailer", rows, files, sha256: hash.digest("hex") };
  yield Buffer.from(`${JSON.stringify(trailer)}\n`, "utf8");
}

/** Why a file could not be written, in a few words. */
function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return "the disk is full";
  if (code === "EDQUOT") return "the disk quota is used up";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOENT") return "its folder does not exist";
  if (code === "ENOTDIR") return "a part of its path is not a folder";
  if (code === "EROFS") return "the file system is read-only";
  if (code === "EISDIR") return "it is a folder";
  return (error as Error).message;
}

/**
 * Writes a dump to `out`. A regular file is written under a temporary name beside it, flushed to
 * disk and renamed into place at the end: whatever fails on the way (a full disk, a database
 * error), no file named `out` is left claiming to be a whole backup. Anything else (a pipe,
 * /dev/stdout) is written straight through. Returns the bytes written.
 */
export async function writeDump(out: string, header: DumpHeader, body: AsyncIterable<DumpBodyRecord> | Iterable<DumpBodyRecord>, onRows?: (rows: number, table: string) => void): Promise<number> {
  let special = false;
  try {
    special = !statSync(out).isFile();
  } catch {
    special = false;
  }
  const target = special ? out : join(dirname(resolve(out)), `.${basename(out)}.${randomBytes(6).toString("hex")}.partial`);
  let bytes = 0;
  const counted = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    // Opened before a row is read, so an unwritable path fails at once.
    const file = createWriteStream(target, { fd: openSync(target, special ? "w" : "wx", 0o600) });
    await pipeline(Readable.from(dumpLines(header, body, onRows)), createGzip({ level: 6 }), counted, file);
    if (!special) {
      const fd = openSync(target, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(target, out);
    }
  } catch (error) {
    if (!special) removeQuietly(target);
    if (error instanceof DumpError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) throw new DumpError(`cannot write the backup to ${out}: ${writeFailure(error)} (${code}); no backup was written.`);
    throw error;
  }
  return bytes;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Never made (its folder is missing or is a file): nothing to remove.
  }
}

/** The lines of a dump file, undone from gzip; a damaged or cut stream is a DumpError. */
async function* fileLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  input.on("error", (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const decoder = new StringDecoder("utf8");
  let pending = "";
  try {
    for await (const chunk of gunzip) {
      pending += decoder.write(chunk as Buffer);
      let newline = pending.indexOf("\n");
      let start = 0;
      while (newline !== -1) {
        yield pending.slice(start, newline);
        start = newline + 1;
        newline = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DumpError(`${path}: no such file.`);
    if (code === "EACCES" || code === "EISDIR") throw new DumpError(`${path}: cannot read the file (${code}).`);
    if (code === "Z_BUF_ERROR") throw new DumpError(`${path}: the backup is truncated (its compressed data ends early); nothing was restored.`);
    if (typeof code === "string" && code.startsWith("Z_")) throw new DumpError(`${path}: not a Fanfold backup, or damaged (not a readable gzip stream).`);
    throw error;
  } finally {
    input.destroy();
  }
  pending += decoder.end();
  if (pending.length) yield pending;
}

function parseLine(path: string, line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new DumpError(`${path}: line ${number} is not JSON; the backup is damaged.`);
  }
}

export interface CheckedDump {
  header: DumpHeader;
  trailer: DumpTrailer;
}

/**
 * Reads a dump from end to end and checks it: the format and its version, every table's row
 * count, the trailer and the checksum, and that this code knows every migration it names (a
 * dump from a newer Fanfold is refused). Returns the header, or throws a DumpError.
 */
export async function checkDump(path: string): Promise<CheckedDump> {
  let header: DumpHeader | undefined;
  for await (const record of readDump(path)) {
    if (record.kind === "header") header = record;
    else if (record.kind === "trailer") return { header: header!, trailer: record };
  }
  throw new DumpError(`${path}: the backup is truncated (it has no trailer); nothing was restored.`);
}

/** The records of a dump file in order, each checked as it passes; rows come in batches. */
export async function* readDump(path: string): AsyncGenerator<DumpHeader | DumpBodyRecord | DumpTrailer> {
  const hash = createHash("sha256");
  let number = 0;
  let table: DumpTableStart | null = null;
  let tableRows = 0;
  let batch: unknown[][] = [];
  let batchBytes = 0;
  const rows: Record<string, number> = {};
  let files = 0;
  let sawHeader = false;
  for await (const line of fileLines(path)) {
    number++;
    const value = parseLine(path, line, number);
    if (number === 1) {
      const header = value as DumpHeader;
      if (!header || header.kind !== "header" || header.format !== DUMP_FORMAT) throw new DumpError(`${path}: not a Fanfold backup (no backup header on its first line).`);
      if (!Number.isInteger(header.format_version) || header.format_version > DUMP_FORMAT_VERSION) {
        throw new DumpError(`${path}: made in backup format ${header.format_version}, newer than this Fanfold reads (${DUMP_FORMAT_VERSION}); upgrade Fanfold to restore it.`);
      }
      checkSchema(path, header.migrations);
      hash.update(`${line}\n`);
      sawHeader = true;
      yield header;
      continue;
    }
    if (Array.isArray(value)) {
      if (!table) throw new DumpError(`${path}: line ${number} is a row outside any table; the backup is damaged.`);
      if (value.length !== table.columns.length) throw new DumpError(`${path}: line ${number} has ${value.length} values for ${table.columns.length} columns of ${table.name}.`);
      hash.update(`${line}\n`);
      batch.push(value.map(decodeValue));
      batchBytes += line.length;
      tableRows++;
      if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
        yield { kind: "rows", rows: batch };
        batch = [];
        batchBytes = 0;
      }
      continue;
    }
    const record = value as DumpBodyRecord | DumpTrailer;
    if (record?.kind === "trailer") {
      if (table) throw new DumpError(`${path}: the backup ends inside table ${table.name}; it is damaged.`);
      const digest = hash.digest("hex");
      if (record.sha256 !== digest) throw new DumpError(`${path}: the checksum does not match; the backup is damaged and cannot be restored.`);
      if (record.files !== files || JSON.stringify(sortedCounts(record.rows)) !== JSON.stringify(sortedCounts(rows))) {
        throw new DumpError(`${path}: the trailer's counts do not match the rows in the file; the backup is damaged.`);
      }
      yield record;
      return;
    }
    hash.update(`${line}\n`);
    if (record?.kind === "table") {
      if (table) throw new DumpError(`${path}: line ${number} starts table ${record.name} inside table ${table.name}; the backup is damaged.`);
      table = record;
      tableRows = 0;
      yield record;
    } else if (record?.kind === "table-end") {
      if (!table || record.name !== table.name || record.rows !== tableRows) throw new DumpError(`${path}: line ${number}: table ${record.name} should end after ${record.rows} rows, but ${tableRows} were read; the backup is damaged.`);
      if (batch.length) yield { kind: "rows", rows: batch };
      batch = [];
      batchBytes = 0;
      rows[table.name] = tableRows;
      table = null;
      yield record;
    } else if (record?.kind === "file") {
      if (typeof record.path !== "string" || record.path.startsWith("/") || record.path.split("/").some((part) => part === ".." || part === "")) {
        throw new DumpError(`${path}: line ${number} names a file outside the data folder; the backup is refused.`);
      }
      files++;
      yield record;
    } else {
      throw new DumpError(`${path}: line ${number} is not a backup record; the backup is damaged.`);
    }
  }
  if (!sawHeader) throw new DumpError(`${path}: the file is empty; it is not a backup.`);
  throw new DumpError(`${path}: the backup is truncated (it ends at line ${number}, before its trailer); nothing was restored.`);
}

function sortedCounts(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** A dump's migrations must all be known here, and be the first ones in order (as Kysely applies them). */
function checkSchema(path: string, migrations: string[]): void {
  const known = knownMigrationNames();
  const unknown = migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new DumpError(`${path}: made by a newer Fanfold (its schema has migration${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, unknown here); upgrade Fanfold, then restore.`);
  }
  if (migrations.some((m, i) => known[i] !== m)) {
    throw new DumpError(`${path}: its schema's migrations (${migrations.length}) are not the first ones this Fanfold runs, in order; it cannot be restored by this version.`);
  }
}

// ---------------------------------------------------------------- restoring

/**
 * Rows that `fanfold migrate` itself writes: the fixed tags (ratings, warnings, categories, media,
 * "No Fandom") that migrations 0002 and 0003 create with this time stamp.
 */
const MIGRATION_SEED_TIME = "2026-01-01T00:00:00.000Z";

/**
 * Why a database cannot take a restore, or null when it is empty: no tables at all, or a schema
 * the dump's own migrations made with nothing in it but what those migrations and a first start
 * write (the fixed tags, the settings of a new archive).
 */
export async function restoreRefusal(db: Kysely<any>, migrations: string[]): Promise<string | null> {
  const shapes = await introspect(db);
  if (shapes.length === 0) return null;
  if (!shapes.some((s) => s.name === "kysely_migration")) return `the target database already has tables (${shapes.slice(0, 3).map((s) => s.name).join(", ")}…) and is not a Fanfold archive; restore into an empty database.`;
  const applied = await appliedMigrations(db);
  const nonEmpty: string[] = [];
  for (const shape of shapes) {
    if (shape.name === "kysely_migration" || shape.name === "settings") continue;
    const query = shape.name === "tags" ? sql<{ n: number }>`select count(*) as n from tags where created_at <> ${MIGRATION_SEED_TIME}` : sql<{ n: number }>`select count(*) as n from ${sql.table(shape.name)}`;
    const n = Number((await query.execute(db)).rows[0]!.n);
    if (n > 0) nonEmpty.push(`${n} row${n === 1 ? "" : "s"} in ${shape.name}`);
  }
  if (nonEmpty.length) return `the target archive is not empty (${nonEmpty.slice(0, 4).join(", ")}${nonEmpty.length > 4 ? ", …" : ""}); restore only into an empty archive.`;
  if (JSON.stringify(applied) !== JSON.stringify(migrations)) {
    return `the target database's schema (${applied.length} migrations) is not the backup's (${migrations.length}); restore into a new database with no tables.`;
  }
  return null;
}

/**
 * Restores a dump into an empty database: makes the dump's schema (its migrations), then in one
 * transaction replaces every dumped table's rows with the dump's and sets each sequence past the
 * highest id; then runs the migrations this code has that the dump did not. Returns the names of
 * those migrations. The caller has checked the dump (checkDump) and the target (restoreRefusal).
 * The search index is left empty: the caller rebuilds it.
 */
export async function restoreDump(db: Kysely<any>, header: DumpHeader, body: AsyncIterable<DumpHeader | DumpBodyRecord | DumpTrailer>, onProgress?: Progress): Promise<string[]> {
  const refusal = await restoreRefusal(db, header.migrations);
  if (refusal) throw new DumpError(refusal);
  const last = header.migrations[header.migrations.length - 1];
  if (last && !(await introspect(db)).some((s) => s.name === "kysely_migration")) await migrateUpTo(db, last);
  const dialect = dialectOf(db);
  const shapes = new Map((await introspect(db)).map((s) => [s.name, s]));
  const total = header.tables.reduce((sum, t) => sum + t.rows, 0);
  let done = 0;
  await db.transaction().execute(async (trx) => {
    const restoreForeignKeys = await suspendForeignKeys(trx, dialect);
    for (const { name } of header.tables) {
      if (!shapes.has(name)) throw new DumpError(`the backup has a table ${name} that this archive's schema does not.`);
      await sql`delete from ${sql.table(name)}`.execute(trx);
    }
    let table: DumpTableStart | null = null;
    for await (const record of body) {
      if (record.kind === "table") {
        table = record;
        const missing = record.columns.filter((c) => !shapes.get(record.name)?.columns.includes(c));
        if (missing.length) throw new DumpError(`the backup's table ${record.name} has columns this schema lacks (${missing.join(", ")}).`);
      } else if (record.kind === "rows" && table) {
        await insertRows(trx, table, record.rows);
        done += record.rows.length;
        onProgress?.(done, total, table.name);
      } else if (record.kind === "table-end" && table) {
        if (table.identity) await setSequence(trx, dialect, table.name, table.identity, table.next_id ?? 0);
        table = null;
      }
    }
    await restoreForeignKeys();
  });
  return migrateToLatest(db);
}

async function insertRows(trx: Transaction<any>, table: DumpTableStart, rows: unknown[][]): Promise<void> {
  // Statements stay under SQLite's limit of 32,766 parameters.
  const perStatement = Math.max(1, Math.floor(30_000 / table.columns.length));
  let start = 0;
  while (start < rows.length) {
    let end = start;
    let bytes = 0;
    while (end < rows.length && end - start < perStatement && bytes < BATCH_BYTES) bytes += approximateBytes(rows[end++]!);
    const values = rows.slice(start, end).map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
    await trx.insertInto(table.name).values(values).execute();
    start = end;
  }
}

/**
 * Rows go in table by table (in name order), so a row may arrive before the row it refers to.
 * SQLite checks foreign keys at commit instead (defer_foreign_keys, for this transaction only);
 * PostgreSQL's constraints are not deferrable, so they are dropped and added back at the end,
 * in the same transaction, which checks every row again. Returns the step that restores them.
 */
async function suspendForeignKeys(trx: Transaction<any>, dialect: Dialect): Promise<() => Promise<void>> {
  if (dialect === "sqlite") {
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    return async () => {};
  }
  const constraints = await sql<{ table_name: string; name: string; definition: string }>`
    select c.conrelid::regclass::text as table_name, c.conname as name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`.execute(trx);
  for (const c of constraints.rows) await sql`alter table ${sql.raw(c.table_name)} drop constraint ${sql.id(c.name)}`.execute(trx);
  return async () => {
    for (const c of constraints.rows) await sql`alter table ${sql.raw(c.table_name)} add constraint ${sql.id(c.name)} ${sql.raw(c.definition)}`.execute(trx);
  };
}

/** After explicit ids, the next generated id is past both the highest row and the dumped archive's high-water mark. */
async function setSequence(trx: Transaction<any>, dialect: Dialect, table: string, column: string, highWater: number): Promise<void> {
  const max = Number((await sql<{ n: number | null }>`select max(${sql.ref(column)}) as n from ${sql.table(table)}`.execute(trx)).rows[0]?.n ?? 0);
  const value = Math.max(max, highWater);
  if (dialect === "sqlite") {
    if (value === 0) return;
    const updated = await sql`update sqlite_sequence set seq = cast(${value} as integer) where name = ${table}`.execute(trx);
    if (Number(updated.numAffectedRows ?? 0) === 0) await sql`insert into sqlite_sequence (name, seq) values (${table}, cast(${value} as integer))`.execute(trx);
    return;
  }
  const sequence = sql`pg_get_serial_sequence(format('%I', ${table}::text), ${column})`;
  if (value === 0) await sql`select setval(${sequence}, 1, false)`.execute(trx);
  else await sql`select setval(${sequence}, ${value}, true)`.execute(trx);
}

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../platform/config.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { pendingMigrations } from "../platform/db/migrate.js";
import {
  checkDump,
  dataFolderFiles,
  type DumpBodyRecord,
  DumpError,
  type DumpFile,
  type DumpHeader,
  readDump,
  restoreDump,
  restoreRefusal,
  withDatabaseSnapshot,
  writeDump,
} from "../platform/db/portable-dump.js";
import { reindexAll } from "../search/index.js";

/**
 * `fanfold backup`, `fanfold restore` and `fanfold migrate-to`: the archive's database and data
 * folder in one portable file (src/platform/db/portable-dump.ts; docs/backup-and-restore.md).
 */

export const BACKUP_USAGE_LINES = `  backup --out FILE                         Write a consistent backup of the archive (database and data folder) while it serves
  restore FILE                              Restore a backup into an empty archive (DATABASE_URL, DATA_DIR)
  migrate-to postgres://…                   Move this archive's database into an empty PostgreSQL database`;

/** A refusal or bad input: one line on standard error, exit code 1. */
class BackupCliError extends Error {}

/** The data folder's built downloads (src/downloads/cache.ts): a cache, rebuilt on demand, left out of backups. */
const DOWNLOADS_CACHE = "downloads";

/** Progress on standard error: one rewritten line on a terminal, a line every few seconds otherwise. */
function progressLine(verb: string, unit = "rows") {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  let shown = false;
  return {
    update(done: number, total: number, table: string) {
      const now = Date.now();
      if (!tty && now - lastPrinted < 2000 && done !== total) return;
      if (tty && now - lastPrinted < 100 && done !== total) return;
      lastPrinted = now;
      const percent = total ? Math.floor((done * 100) / total) : 100;
      const line = `${verb}: ${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit} (${percent}%), ${table}`;
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else process.stderr.write(`${line}\n`);
      shown = true;
    },
    end() {
      if (tty && shown) process.stderr.write("\n");
    },
  };
}

function secretSource(): DumpHeader["secret"] {
  return process.env.SECRET || process.env.SECRET_FILE ? "environment" : "data-folder";
}

/** Paths of the data folder a backup leaves out: the database's own files (they are the rows), the downloads cache, and the backup being written. */
function leftOutOfBackup(dataDir: string, databaseUrl: string, out: string) {
  const root = resolve(dataDir);
  const skipped = new Set<string>();
  const skip = (path: string) => {
    const full = resolve(path);
    if (full.startsWith(`${root}/`)) skipped.add(full.slice(root.length + 1).split("\\").join("/"));
  };
  if (databaseUrl.startsWith("sqlite:")) {
    const file = databaseUrl.slice("sqlite:".length);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) skip(`${file}${suffix}`);
  }
  skip(out);
  return (path: string) => path === DOWNLOADS_CACHE || skipped.has(path) || /(^|\/)\.[^/]*\.partial$/.test(path);
}

export async function backup(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" } } });
  if (!values.out || positionals.length) throw new BackupCliError("Usage: fanfold backup --out FILE");
  const out = values.out;
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await requireCurrentSchema(db);
    const started = performance.now();
    const progress = progressLine("backup");
    const { bytes, rows, files } = await withDatabaseSnapshot(db, secretSource(), async (header, tables) => {
      const total = header.tables.reduce((sum, t) => sum + t.rows, 0);
      let done = 0;
      let files = 0;
      const leaveOut = leftOutOfBackup(config.dataDir, config.databaseUrl, out);
      async function* body(): AsyncGenerator<DumpBodyRecord> {
        yield* tables;
        for (const file of dataFolderFiles(config.dataDir, leaveOut)) {
          files++;
          yield file;
        }
      }
      const bytes = await writeDump(out, header, body(), (n, table) => progress.update((done += n), total, table));
      progress.update(total, total, "done");
      return { bytes, rows: total, files };
    });
    progress.end();
    const seconds = (performance.now() - started) / 1000;
    console.log(`Backup written to ${out}: ${rows.toLocaleString("en")} rows and ${files} data-folder file${files === 1 ? "" : "s"}, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s.`);
    if (secretSource() === "environment") console.log("The signing secret comes from SECRET/SECRET_FILE and is not in the backup: keep it with the backup, or sessions end after a restore.");
  } finally {
    await db.destroy();
  }
}

async function requireCurrentSchema(db: Db): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length) throw new BackupCliError(`The database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
}

/** Rebuilds the full-text index the dump leaves out, with progress. */
async function rebuildSearchIndex(db: Db): Promise<void> {
  const progress = progressLine("search index", "works");
  await reindexAll(db, (done, total) => progress.update(done, total, "rebuilding"));
  progress.end();
}

export async function restore(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new BackupCliError("Usage: fanfold restore FILE");
  const path = positionals[0]!;
  // The whole file is read and checked before anything is written.
  const { header, trailer } = await checkDump(path);
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    const refusal = await restoreRefusal(db, header.migrations);
    if (refusal) throw new BackupCliError(`${refusal} Nothing was restored.`);
    const started = performance.now();
    const files: DumpFile[] = [];
    const progress = progressLine("restore");
    async function* body() {
      for await (const record of readDump(path)) {
        if (record.kind === "file") files.push(record);
        else yield record;
      }
    }
    const ran = await restoreDump(db, header, body(), (done, total, table) => progress.update(done, total, table));
    progress.end();
    if (ran.length) console.log(`Applied migrations newer than the backup: ${ran.join(", ")}`);
    const copied = performance.now();
    await rebuildSearchIndex(db);
    const indexSeconds = ((performance.now() - copied) / 1000).toFixed(1);
    for (const file of files) {
      const target = join(config.dataDir, ...file.path.split("/"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, Buffer.from(file.base64, "base64"), { mode: file.mode });
    }
    const rows = Object.values(trailer.rows).reduce((a, b) => a + b, 0);
    console.log(`Restored ${rows.toLocaleString("en")} rows (${Object.keys(trailer.rows).length} tables) and ${files.length} data-folder file${files.length === 1 ? "" : "s"} from ${path} (taken ${header.created_at}) in ${((performance.now() - started) / 1000).toFixed(1)} s (search index ${indexSeconds} s).`);
    if (header.secret === "environment") console.log("The backed-up archive took its secret from SECRET/SECRET_FILE: set the same value here, or every session and form token from before ends.");
    else if (process.env.SECRET || process.env.SECRET_FILE) console.log("SECRET/SECRET_FILE is set here and wins over the restored DATA_DIR/secret: keep it equal to the old archive's secret, or sessions end.");
  } finally {
    await db.destroy();
  }
}

export async function migrateTo(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const targetUrl = positionals[0];
  if (positionals.length !== 1 || !targetUrl) throw new BackupCliError("Usage: fanfold migrate-to postgres://USER@HOST/DATABASE");
  if (!/^postgres(ql)?:\/\//.test(targetUrl)) throw new BackupCliError(`migrate-to moves an archive into PostgreSQL: give a postgres:// URL, not "${targetUrl}".`);
  const config = loadConfig();
  if (config.databaseUrl === targetUrl) throw new BackupCliError("The target is the archive's own database (DATABASE_URL).");
  const source = openDatabase(config.databaseUrl);
  const target = openDatabase(targetUrl);
  try {
    await requireCurrentSchema(source);
    try {
      await target.selectNoFrom((eb) => eb.val(1).as("one")).execute();
    } catch (error) {
      throw new BackupCliError(`cannot connect to ${redacted(targetUrl)}: ${(error as Error).message}`);
    }
    const started = performance.now();
    const progress = progressLine("migrate-to");
    // The source's rows stream straight into the target (no file between them); the target is
    // written in one transaction, so a failure leaves it empty.
    const rows = await withDatabaseSnapshot(source, secretSource(), async (header, tables) => {
      const refusal = await restoreRefusal(target, header.migrations);
      if (refusal) throw new BackupCliError(`${refusal} Nothing was moved.`);
      await restoreDump(target, header, tables, (done, total, table) => progress.update(done, total, table));
      return header.tables.reduce((sum, t) => sum + t.rows, 0);
    });
    progress.end();
    const copied = performance.now();
    await rebuildSearchIndex(target);
    const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
    console.log(`Moved ${rows.toLocaleString("en")} rows into ${redacted(targetUrl)} in ${seconds(started)} s (rows ${((copied - started) / 1000).toFixed(1)} s, search index ${seconds(copied)} s).`);
    console.log(`Now stop the archive, set DATABASE_URL=${redacted(targetUrl)} (keep DATA_DIR as it is: the secret and mail stay there) and start it again.`);
    console.log("Writes made to the old database after the move started are not in the new one: stop the archive before moving it for good.");
  } finally {
    await source.destroy();
    await target.destroy();
  }
}

/** A database URL without its password, for printing. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Runs one of the three commands; refusals print one line and return 1. */
export async function backupCommand(command: "backup" | "restore" | "migrate-to", args: string[]): Promise<number> {
  try {
    if (command === "backup") await backup(args);
    else if (command === "restore") await restore(args);
    else await migrateTo(args);
    return 0;
  } catch (error) {
    if (error instanceof BackupCliError || error instanceof DumpError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

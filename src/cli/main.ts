import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { issueSetupToken, markNewArchive } from "../model/archive-settings.js";
import { buildApp, jobSteps } from "../app.js";
import { drainJobs, startJobWorker } from "../platform/jobs.js";
import { reindexAll } from "../search/index.js";
import { checkImportedWork, efictionReport, exportWorkText, IMPORT_FILE_KINDS, importingPseudIds, planMappingCsv, plannedCounts, prepareEfictionImport, prepareImport, readImportFile, runPreparedEfictionImport, saveImportedWork } from "../transfer/index.js";
import { ConfigError, loadConfig } from "../platform/config.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { migrateToLatest, pendingMigrations } from "../platform/db/migrate.js";
import { isRole, type Role, ROLES } from "../platform/http/viewer.js";
import { createUser, emailErrors, loginErrors } from "../users/index.js";
import { findUserByLogin, hasAdmin, pseudsOf } from "../model/users.js";
import { benchGenerate } from "./bench-generate.js";
import { benchBrowse } from "./bench-browse.js";
import { benchSearch } from "./bench-search.js";
import { benchEfictionGenerate } from "./bench-efiction-generate.js";
import { benchEfictionImport, benchEfictionLoad } from "./bench-efiction-import.js";
import { tagsCommand } from "./tags.js";
import { claimsCommand, ClaimsCliError } from "./claims.js";
import { BACKUP_USAGE_LINES, backupCommand } from "./backup.js";

const USAGE = `Usage: fanfold <command> [options]

Commands:
  serve [--port N] [--host H] [--migrate]   Start the archive (--migrate: bring the schema up to date first)
  migrate                                   Bring the database schema up to date
  user add NAME --email EMAIL [--role ROLE]
                                            Create an account; the password is read from standard input
  import FILE... --as NAME [--draft]        Import works by user NAME: work-text files, AO3 downloads (HTML, EPUB)
                                            and FanFicFare EPUBs of AO3 works (told apart by content)
  export ID --format txt [--out FILE]       Export a work (to standard output by default)
  import-efiction --dump FILE.sql --stories DIR [--map MAP.csv] [--dry-run] [--report FILE]
                                            Bring an eFiction 3.x archive over, all or nothing (--dry-run: print the tag mapping as CSV, and counts)
  tags show|canonical|synonym|parent|meta|unwrangleable|apply ...
                                            Wrangle tags and re-filter the works they touch (\`fanfold tags help\`)
  search reindex                            Rebuild the full-text search index, with progress
  bench search [--works N] [--words-per-work W] [--dialect sqlite|postgres] [--json]
                                            Time the search page on a generated archive (\`fanfold bench search --help\`)
  bench generate --works N [--seed S] [--database URL]
                                            Fill an empty archive with N AO3-shaped works (\`fanfold bench generate --help\`)
  bench browse [--json] [--database URL]    Time listings through the browse index and through SQL, and compare them
  bench efiction-generate --out DIR [--stories N] [--seed S]
                                            Write a synthetic eFiction 3.5 archive (a mysqldump and its stories/ folder)
  bench efiction-import [--stories N] [--dialect sqlite|postgres|both] [--database URL] [--json]
                                            Time import-efiction (stories/s, peak memory) against a plain bulk load
  jobs run                                  Finish every waiting background job (re-filtering) now
  claims send [--source NAME] [--days N]    Mail imported accounts nobody has taken a link to claim them
${BACKUP_USAGE_LINES}

Configuration comes from the environment: PORT, HOST, DATABASE_URL, DATA_DIR, PUBLIC_URL, SECRET.`;

/** A failure to report on one line and exit non-zero, without a stack trace. */
class CliError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function withDatabase<T>(fn: (db: ReturnType<typeof openDatabase>) => Promise<T>, { requireCurrentSchema = true } = {}): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    if (requireCurrentSchema) {
      const pending = await pendingMigrations(db);
      if (pending.length) throw new CliError(`The database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
    }
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: "string" }, host: { type: "string" }, migrate: { type: "boolean" } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new CliError(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
  const config = loadConfig(process.env, { port, host: values.host });
  const db = openDatabase(config.databaseUrl);
  if (values.migrate) {
    const ran = await migrateToLatest(db);
    if (ran.length) console.log(`Applied migrations: ${ran.join(", ")}`);
    await afterMigrations(db, ran);
  }
  const pending = await pendingMigrations(db);
  if (pending.length) {
    await db.destroy();
    throw new CliError(`The database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
  }
  const app = await buildApp(config, db, { progress: true });
  // Durable jobs (re-filtering after wrangling) run in every serving process; SKIP LOCKED on
  // PostgreSQL keeps two processes off the same job.
  const stopWorker = startJobWorker(db, jobSteps(config));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : config.port;
  const publicUrl = process.env.PUBLIC_URL ? config.publicUrl : config.publicUrl.replace(/:\d+$/, `:${actualPort}`);
  console.log(`Fanfold is serving ${publicUrl} (database: ${config.databaseUrl.startsWith("sqlite:") ? config.databaseUrl : "PostgreSQL"})`);
  if (!(await hasAdmin(db))) {
    const token = await issueSetupToken(db);
    console.log(`This archive has no admin yet. Create the first admin account here (works once):\n  ${publicUrl}/setup?token=${token}`);
  }
  const stop = async () => {
    await stopWorker();
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function migrate(): Promise<void> {
  await withDatabase(
    async (db) => {
      const ran = await migrateToLatest(db);
      console.log(ran.length ? `Applied migrations: ${ran.join(", ")}` : "The schema is up to date.");
      await afterMigrations(db, ran);
    },
    { requireCurrentSchema: false },
  );
}

/** Migrations that create search tables an existing archive must fill. */
const MIGRATIONS_NEEDING_REINDEX = ["0004_search", "0007_search_prefix"];

/** After a search migration, an archive that already has works gets its index (re)built. */
export async function afterMigrations(db: ReturnType<typeof openDatabase>, ran: string[]): Promise<void> {
  if (!ran.some((name) => MIGRATIONS_NEEDING_REINDEX.includes(name))) return;
  const works = await db.selectFrom("works").select("id").limit(1).execute();
  if (works.length) await reindexWithProgress(db);
}

async function reindexWithProgress(db: ReturnType<typeof openDatabase>): Promise<void> {
  const tty = process.stderr.isTTY;
  const result = await reindexAll(db, (done, total) => {
    if (tty) process.stderr.write(`\rindexing works ${done}/${total}`);
    else if (done === total || done % 5000 === 0) console.error(`indexing works ${done}/${total}`);
  });
  if (tty) process.stderr.write("\n");
  console.log(`Search index rebuilt: ${result.works} works, ${result.tags} tags.`);
}

async function searchReindex(): Promise<void> {
  await withDatabase((db) => reindexWithProgress(db));
}

async function runJobs(): Promise<void> {
  await withDatabase(async (db) => {
    const ran = await drainJobs(db, jobSteps(loadConfig()));
    console.log(ran ? `Finished ${ran} job${ran === 1 ? "" : "s"}.` : "No jobs were waiting.");
  });
}

async function userAdd(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { email: { type: "string" }, role: { type: "string", multiple: true } } });
  const login = positionals[0];
  if (!login || positionals.length > 1) throw new CliError("Usage: fanfold user add NAME --email EMAIL [--role ROLE]");
  const problems = [...loginErrors(login), ...emailErrors(values.email ?? "")];
  if (problems.length) throw new CliError(problems.join(" "));
  const roles: Role[] = [];
  for (const role of values.role ?? []) {
    if (!isRole(role)) throw new CliError(`--role must be one of ${ROLES.join(", ")}, not "${role}".`);
    roles.push(role);
  }
  const password = (await readStdin()).replace(/\r?\n$/, "");
  if (password.length < 8 || password.length > 72) throw new CliError("The password (read from standard input) must be 8 to 72 characters long.");
  await withDatabase(async (db) => {
    const firstAdmin = roles.includes("admin") && !(await hasAdmin(db));
    const created = await createUser(db, { login, email: values.email!, password, roles });
    if (!created.ok) throw new CliError(Object.values(created.errors).flat().join(" "));
    // The first admin of an archive made from the command line: a new archive, as /setup makes.
    if (firstAdmin) await markNewArchive(db);
    console.log(`Created user ${login} (id ${created.value.id})${roles.length ? ` with role ${roles.join(", ")}` : ""}.`);
  });
}

async function importFiles(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { as: { type: "string" }, draft: { type: "boolean" } } });
  if (!values.as || positionals.length === 0) throw new CliError("Usage: fanfold import FILE... --as NAME [--draft]");
  await withDatabase(async (db) => {
    const user = await findUserByLogin(db, values.as!);
    if (!user) throw new CliError(`There is no user named "${values.as}". Create one with \`fanfold user add\`.`);
    const pseuds = await pseudsOf(db, user.id);
    const draft = Boolean(values.draft);
    // Every file is read and checked before any is imported: a bad file imports nothing.
    const prepared = positionals.map((path) => prepareFile(path, { login: user.login, pseuds }, draft));
    for (const file of prepared) {
      const saved = await file.run(db);
      console.log(`/works/${saved.workId}\t${file.path}`);
      for (const line of file.defaults) console.error(`  default applied: ${line}`);
      // The file's own warnings, then what the archive could not apply.
      for (const line of [...file.warnings, ...saved.warnings]) console.error(`  warning: ${line}`);
    }
  });
}

async function importEfiction(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dump: { type: "string" }, stories: { type: "string" }, map: { type: "string" }, "dry-run": { type: "boolean" }, report: { type: "string" } } });
  if (!values.dump || !values.stories) throw new CliError("Usage: fanfold import-efiction --dump FILE.sql --stories DIR [--map MAP.csv] [--dry-run] [--report FILE]");
  const prepared = await prepareEfictionImport({ dump: values.dump, stories: values.stories, map: values.map ?? null });
  if (!prepared.ok) throw new CliError(prepared.message);
  const { plan } = prepared;
  const refused = (problems: { where: string; message: string }[]) => {
    for (const p of problems) console.error(`  ${p.where}: ${p.message}`);
    return new CliError(`${problems.length} problem${problems.length === 1 ? "" : "s"} (above) stop the import; nothing was imported.`);
  };
  if (values["dry-run"]) {
    // The mapping on standard output (redirect it to a file, edit it, pass it back with --map); the rest on standard error.
    process.stdout.write(planMappingCsv(plan));
    const report = efictionReport("Dry run: nothing was written. The import would bring over:", plannedCounts(plan), plan.losses);
    process.stderr.write(report);
    if (values.report) writeFileSync(values.report, report);
    if (plan.refusals.length) throw refused(plan.refusals);
    return;
  }
  await withDatabase(async (db) => {
    const run = await runPreparedEfictionImport(db, plan);
    if (!run.ok) throw refused(run.problems);
    const report = efictionReport(`Imported ${values.dump}:`, run.counts, run.losses);
    process.stdout.write(report);
    if (values.report) writeFileSync(values.report, report);
  });
}

/** One file of an import batch, read (by its content: work-text, an AO3 download, a FanFicFare EPUB) and checked, not yet saved. */
function prepareFile(path: string, importer: { login: string; pseuds: { id: number; name: string }[] }, draft: boolean): { path: string; defaults: string[]; warnings: string[]; run: (db: Db) => Promise<{ workId: number; warnings: string[] }> } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  const read = readImportFile(bytes);
  if (!read.ok) throw new CliError(`${path}: ${read.message}`);
  if (read.kind === "work-text") {
    const result = prepareImport(read.text, importer.pseuds[0]!.id, { draft });
    if (!result.ok) throw new CliError(`${path}:${result.line}: ${result.message}`);
    return { path, ...result };
  }
  const kind = IMPORT_FILE_KINDS[read.kind];
  const pseudIds = importingPseudIds(read.work.creators, importer.login, importer.pseuds);
  const checked = checkImportedWork(read.work, { pseudIds });
  if (!checked.ok) throw new CliError(`${path}: ${kind}: ${checked.field}: ${checked.message}`);
  return {
    path,
    defaults: checked.defaults,
    warnings: read.losses.map((loss) => `${loss.where}: ${loss.message}`),
    run: async (db) => {
      const saved = await saveImportedWork(db, read.work, { pseudIds, draft });
      // Checked above without the database; only a pseud deleted meanwhile can fail here.
      if (!saved.ok) throw new CliError(`${path}: ${kind}: ${saved.field}: ${saved.message}`);
      return { workId: saved.workId, warnings: saved.losses.map((loss) => `${loss.where}: ${loss.message}`) };
    },
  };
}

async function exportWork(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: "string", default: "txt" }, out: { type: "string" } } });
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || id < 1) throw new CliError("Usage: fanfold export ID --format txt [--out FILE]");
  if (values.format !== "txt") throw new CliError(`Unknown format "${values.format}": only txt is available so far.`);
  await withDatabase(async (db) => {
    const text = await exportWorkText(db, id);
    if (text === undefined) throw new CliError(`There is no work ${id}.`);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
  });
}

/** Runs the `fanfold` command with its arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "serve") await serve(rest);
    else if (command === "migrate") await migrate();
    else if (command === "user" && rest[0] === "add") await userAdd(rest.slice(1));
    else if (command === "import") await importFiles(rest);
    else if (command === "export") await exportWork(rest);
    else if (command === "import-efiction") await importEfiction(rest);
    else if (command === "tags") return await tagsCommand(rest);
    else if (command === "search" && rest[0] === "reindex") await searchReindex();
    else if (command === "bench" && rest[0] === "search") return await benchSearch(rest.slice(1));
    else if (command === "bench" && rest[0] === "browse") return await benchBrowse(rest.slice(1));
    else if (command === "bench" && rest[0] === "generate") return await benchGenerate(rest.slice(1));
    else if (command === "bench" && rest[0] === "efiction-generate") return await benchEfictionGenerate(rest.slice(1));
    else if (command === "bench" && rest[0] === "efiction-import") return await benchEfictionImport(rest.slice(1));
    else if (command === "bench" && rest[0] === "efiction-load") return await benchEfictionLoad(rest.slice(1));
    else if (command === "jobs" && rest[0] === "run") await runJobs();
    else if (command === "claims") await withDatabase(async (db) => console.log((await claimsCommand(db, rest)).join("\n")));
    else if (command === "backup" || command === "restore" || command === "migrate-to") return await backupCommand(command, rest);
    else if (!command || command === "help" || command === "--help" || command === "-h") console.log(USAGE);
    else {
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof ClaimsCliError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`fanfold: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

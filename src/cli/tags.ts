import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../platform/config.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { pendingMigrations } from "../platform/db/migrate.js";
import type { TagRow } from "../platform/db/tables.js";
import { jobStatus } from "../platform/jobs.js";
import { findTagByName } from "../model/tags.js";
import { CREATABLE_TYPES, cleanTagName, newTagErrors, runRefilterNow, type WranglingOp, wrangle } from "../tags/index.js";
import { TYPE_LABELS, type TagType } from "../model/vocabulary.js";

/**
 * `fanfold tags ...`: wrangling from the command line, for admins and imports. Every change
 * goes through `wrangle()` (the same checks and history as the wrangling pages), then the
 * re-filter job it queued runs here to its end, with its progress on standard error.
 */

export const TAGS_USAGE = `Usage: fanfold tags <command> [options]

Commands:
  show NAME                                 Type, status, synonyms, parents, metatags, subtags and work counts
  create NAME --type TYPE [--canonical]     Create a tag (TYPE: fandom, character, relationship or freeform)
  canonical NAME... [--not]                 Make tags canonical (--not: no longer canonical)
  synonym NAME --of CANONICAL               Make a tag a synonym of a canonical tag
  synonym NAME --remove                     Take a synonym off its canonical tag (same as --of '')
  parent CHILD --parent PARENT [--remove]   Add (or remove) a parent link, such as a fandom for a character
  meta SUB --meta META [--remove]           Add (or remove) a metatag link between canonical tags
  unwrangleable NAME [--not]                Mark a tag unwrangleable (--not: wrangleable again)
  apply FILE.csv                            Apply a CSV of actions (header action,tag,target), all or nothing

Each command prints what changed and how many works were re-filtered.`;

/** A refusal or bad input: one line on standard error, exit code 1. */
class TagsCliError extends Error {}

/** Names are matched as the archive stores them: Unicode NFC, runs of spaces as one, trimmed. */
function cleanName(name: string): string {
  return name.normalize("NFC").replace(/\s+/g, " ").trim();
}

function typeLabel(type: string): string {
  return TYPE_LABELS[type as TagType]?.one ?? type;
}

async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(loadConfig().databaseUrl);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length) throw new TagsCliError(`The database schema is out of date (${pending.join(", ")} not applied). Run \`fanfold migrate\` first.`);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Progress of a re-filter on standard error: one rewritten line on a terminal, plain lines otherwise. */
function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let last = "";
  return {
    update(done: number, total: number) {
      const text = `re-filtering ${done}/${total}`;
      if (text === last) return; // the job's last, empty step reports the same count again
      if (stream.isTTY) stream.write(`\r${text}`);
      else stream.write(`${text}\n`);
      last = text;
    },
    end() {
      if (last && stream.isTTY) stream.write("\n");
    },
  };
}

const works = (n: number) => `${n} work${n === 1 ? "" : "s"}`;

/**
 * Applies the operations (all or nothing), prints each change, then runs the queued re-filter
 * to its end and says how many works it re-filtered. `where(index)` prefixes a refusal.
 */
async function applyAndRefilter(db: Db, ops: WranglingOp[], where: (index: number) => string = () => ""): Promise<void> {
  const result = await wrangle(db, null, ops);
  if (!result.ok) throw new TagsCliError(`${where(result.index)}${result.message}`);
  for (const change of result.changes) console.log(change);
  if (result.jobId === null) {
    console.log("Re-filtered 0 works.");
    return;
  }
  const progress = progressReporter();
  try {
    await runRefilterNow(db, result.jobId, (done, total) => progress.update(done, total));
  } catch (error) {
    // Claiming the job failed (a busy database, say): the job stays queued for a serving archive.
    throw new TagsCliError(`The changes were saved, but re-filtering could not run here (job ${result.jobId}): ${(error as Error).message.split("\n")[0]}. A serving archive runs it.`);
  } finally {
    progress.end();
  }
  const job = await jobStatus(db, result.jobId);
  if (job?.state === "done") {
    console.log(`Re-filtered ${works(job.done_count)}.`);
  } else if (job?.state === "running") {
    // Another process (a serving archive's worker) claimed it first; it finishes the job.
    console.log(`Re-filtering ${works(job.total)} (job ${job.id}) continues in another process: ${job.done_count}/${job.total} done so far.`);
  } else {
    const reason = (job?.error ?? "unknown error").split("\n")[0];
    throw new TagsCliError(`The changes were saved, but re-filtering stopped (job ${result.jobId}, ${job?.done_count ?? 0}/${job?.total ?? result.works} done): ${reason}. A serving archive retries it.`);
  }
}

function onlyName(positionals: string[], usage: string): string {
  if (positionals.length !== 1 || !cleanName(positionals[0]!)) throw new TagsCliError(`Usage: fanfold tags ${usage}`);
  return cleanName(positionals[0]!);
}

const quoted = (names: string[]) => (names.length ? names.map((n) => `"${n}"`).join(", ") : "(none)");

async function show(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const name = onlyName(positionals, "show NAME");
  await withDatabase(async (db) => {
    const tag = await findTagByName(db, name);
    if (!tag) throw new TagsCliError(`There is no tag named "${name}".`);
    const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort((a, b) => a.localeCompare(b));
    const merger = tag.merger_id === null ? undefined : await db.selectFrom("tags").select("name").where("id", "=", tag.merger_id).executeTakeFirst();
    const synonyms = await db.selectFrom("tags").select("name").where("merger_id", "=", tag.id).execute();
    const parents = await db.selectFrom("tag_parents").innerJoin("tags", "tags.id", "tag_parents.parent_id").select(["tags.name", "tags.type"]).where("tag_parents.child_id", "=", tag.id).execute();
    const children = await db
      .selectFrom("tag_parents")
      .innerJoin("tags", "tags.id", "tag_parents.child_id")
      .select(["tags.type", (eb) => eb.fn.countAll<number>().as("n")])
      .where("tag_parents.parent_id", "=", tag.id)
      .groupBy("tags.type")
      .execute();
    const metas = await db.selectFrom("tag_meta").innerJoin("tags", "tags.id", "tag_meta.meta_id").select("tags.name").where("tag_meta.sub_id", "=", tag.id).execute();
    const subs = await db.selectFrom("tag_meta").innerJoin("tags", "tags.id", "tag_meta.sub_id").select("tags.name").where("tag_meta.meta_id", "=", tag.id).execute();
    const tagged = await db.selectFrom("work_tags").select((eb) => eb.fn.countAll<number>().as("n")).where("tag_id", "=", tag.id).executeTakeFirstOrThrow();
    const filtered = await db.selectFrom("work_filters").select((eb) => eb.fn.countAll<number>().as("n")).where("tag_id", "=", tag.id).executeTakeFirstOrThrow();
    const lines: [string, string][] = [
      ["name", tag.name],
      ["type", typeLabel(tag.type)],
      ["status", status(tag, merger?.name)],
      ["synonyms", quoted(names(synonyms))],
      ["parents", parents.length ? parents.sort((a, b) => a.name.localeCompare(b.name)).map((p) => `"${p.name}" (${typeLabel(p.type)})`).join(", ") : "(none)"],
      ["child tags", children.length ? children.map((c) => `${Number(c.n)} ${Number(c.n) === 1 ? typeLabel(c.type) : (TYPE_LABELS[c.type as TagType]?.many ?? c.type)}`).join(", ") : "(none)"],
      ["metatags", quoted(names(metas))],
      ["subtags", quoted(names(subs))],
      ["works tagged", String(Number(tagged.n))],
      ["works in filter set", String(Number(filtered.n))],
    ];
    const width = Math.max(...lines.map(([key]) => key.length)) + 1;
    for (const [key, value] of lines) console.log(`${`${key}:`.padEnd(width)} ${value}`);
  });
}

function status(tag: TagRow, mergerName: string | undefined): string {
  if (tag.canonical) return "canonical";
  if (tag.merger_id !== null) return `synonym of "${mergerName ?? `#${tag.merger_id}`}"`;
  if (tag.unwrangleable) return "unwrangleable";
  return "unwrangled";
}

/** `--type` as typed: a type's name in any case ("Fandom", "character"), or "additional" / "additional tags" for Freeform. */
function readType(value: string | undefined): string {
  const key = (value ?? "").trim().toLowerCase();
  if (key === "additional" || key === "additional tags" || key === "additional tag") return "Freeform";
  return CREATABLE_TYPES.find((type) => type.toLowerCase() === key) ?? (value ?? "");
}

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { type: { type: "string" }, canonical: { type: "boolean" } } });
  const usage = "Usage: fanfold tags create NAME --type fandom|character|relationship|freeform [--canonical]";
  if (positionals.length !== 1 || values.type === undefined) throw new TagsCliError(usage);
  const form = { name: positionals[0]!, type: readType(values.type), canonical: Boolean(values.canonical) };
  await withDatabase(async (db) => {
    // The page's checks, in the page's words: empty, too long, restricted characters, taken, type.
    const errors = newTagErrors(form, await findTagByName(db, cleanTagName(form.name)));
    const problems = Object.values(errors).flat();
    if (problems.length) throw new TagsCliError(problems.join(" "));
    await applyAndRefilter(db, [{ action: "create", name: cleanTagName(form.name), type: form.type as TagType, canonical: form.canonical }]);
  });
}

async function canonical(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { not: { type: "boolean" } } });
  const names = positionals.map(cleanName);
  if (names.length === 0 || names.some((n) => !n)) throw new TagsCliError("Usage: fanfold tags canonical NAME... [--not]");
  await withDatabase((db) => applyAndRefilter(db, names.map((tag) => ({ action: "canonical", tag, value: !values.not }))));
}

async function synonym(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { of: { type: "string" }, remove: { type: "boolean" } } });
  const usage = "synonym NAME --of CANONICAL (or --remove)";
  const tag = onlyName(positionals, usage);
  if (values.of === undefined && !values.remove) throw new TagsCliError(`Usage: fanfold tags ${usage}`);
  const of = values.of === undefined ? "" : cleanName(values.of);
  if (values.remove && of) throw new TagsCliError("Give either --of CANONICAL or --remove, not both.");
  await withDatabase((db) => applyAndRefilter(db, [{ action: "synonym", tag, of: of || null }]));
}

async function link(args: string[], kind: "parent" | "meta"): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { [kind]: { type: "string" }, remove: { type: "boolean" } } });
  const usage = kind === "parent" ? "parent CHILD --parent PARENT [--remove]" : "meta SUB --meta META [--remove]";
  const tag = onlyName(positionals, usage);
  const target = cleanName(String(values[kind] ?? ""));
  if (!target) throw new TagsCliError(`Usage: fanfold tags ${usage}`);
  const remove = Boolean(values.remove);
  const op: WranglingOp = kind === "parent" ? { action: "parent", tag, parent: target, remove } : { action: "meta", tag, meta: target, remove };
  await withDatabase((db) => applyAndRefilter(db, [op]));
}

async function unwrangleable(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { not: { type: "boolean" } } });
  const tag = onlyName(positionals, "unwrangleable NAME [--not]");
  await withDatabase((db) => applyAndRefilter(db, [{ action: "unwrangleable", tag, value: !values.not }]));
}

// ---------------------------------------------------------------------------------------------
// CSV

export interface CsvRecord {
  /** The line the record starts on, 1-based. */
  line: number;
  fields: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/**
 * RFC 4180 CSV: fields separated by commas, records by LF, CRLF or CR; a field in double quotes
 * may hold commas, line breaks and doubled quotes (""). Blank lines are skipped. A byte-order
 * mark is ignored. Spaces around a field are kept (callers trim).
 */
export function parseCsv(text: string): CsvResult {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    // One record: fields until a line break or the end.
    for (;;) {
      let value = "";
      // Spaces before an opening quote are allowed (and dropped): ` "a, b"`.
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      if (text[j] === '"') {
        i = j + 1;
        const quoteLine = line;
        for (;;) {
          if (i >= text.length) return { ok: false, line: quoteLine, message: "a quoted field is not closed (a \" is missing)" };
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\r" || c === "\n") {
            if (c === "\r" && text[i + 1] === "\n") {
              value += "\r";
              i++;
            }
            line++;
          }
          value += text[i]!;
          i++;
        }
        while (text[i] === " " || text[i] === "\t") i++;
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          return { ok: false, line, message: "unexpected text after a closing quote (a quote inside a quoted field is written \"\")" };
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') return { ok: false, line, message: "a quote inside an unquoted field (put the field in quotes and double the quote: \"\")" };
          value += text[i];
          i++;
        }
      }
      fields.push(value);
      if (text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    // The line break ending the record.
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    line++;
    const blank = fields.length === 1 && fields[0]!.trim() === "";
    if (!blank) records.push({ line: start, fields });
  }
  return { ok: true, records };
}

/** The actions of a wrangling CSV, and whether each needs a target. */
const CSV_ACTIONS: Record<string, "target" | "none"> = {
  canonical: "none",
  "not-canonical": "none",
  synonym: "target",
  unsynonym: "none",
  parent: "target",
  unparent: "target",
  meta: "target",
  unmeta: "target",
  unwrangleable: "none",
};

export type WranglingCsv = { ok: true; ops: WranglingOp[]; lines: number[] } | { ok: false; line: number; message: string };

/** Reads a wrangling CSV (header `action,tag,target`) into operations, each with its line. */
export function readWranglingCsv(text: string): WranglingCsv {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...rows] = parsed.records;
  if (!header) return { ok: false, line: 1, message: "the file is empty; it needs a header row: action,tag,target" };
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  if (columns.join(",") !== "action,tag,target") return { ok: false, line: header.line, message: `the header row must be action,tag,target, not "${header.fields.join(",")}"` };
  const ops: WranglingOp[] = [];
  const lines: number[] = [];
  for (const row of rows) {
    if (row.fields.length > 3) return { ok: false, line: row.line, message: `${row.fields.length} fields, but the header has 3 (a name with a comma must be in quotes)` };
    // A row may leave out an empty target column ("canonical,Name").
    const [rawAction = "", tag = "", target = ""] = row.fields.map(cleanName);
    const action = rawAction.toLowerCase();
    const kind = CSV_ACTIONS[action];
    if (!kind) return { ok: false, line: row.line, message: `unknown action "${rawAction}" (one of ${Object.keys(CSV_ACTIONS).join(", ")})` };
    if (!tag) return { ok: false, line: row.line, message: `${action}: the tag is empty` };
    if (kind === "target" && !target) return { ok: false, line: row.line, message: `${action} needs a target (${action.endsWith("parent") ? "the parent tag" : action.endsWith("meta") ? "the metatag" : "the canonical tag"})` };
    if (kind === "none" && target) return { ok: false, line: row.line, message: `${action} takes no target; leave that column empty` };
    const op: WranglingOp =
      action === "canonical" ? { action: "canonical", tag, value: true }
      : action === "not-canonical" ? { action: "canonical", tag, value: false }
      : action === "synonym" ? { action: "synonym", tag, of: target }
      : action === "unsynonym" ? { action: "synonym", tag, of: null }
      : action === "parent" || action === "unparent" ? { action: "parent", tag, parent: target, remove: action === "unparent" }
      : action === "meta" || action === "unmeta" ? { action: "meta", tag, meta: target, remove: action === "unmeta" }
      : { action: "unwrangleable", tag, value: true };
    ops.push(op);
    lines.push(row.line);
  }
  return { ok: true, ops, lines };
}

/** Decodes a file strictly: a file that is not valid UTF-8 is refused, not half-read. */
function readUtf8File(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TagsCliError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TagsCliError(`${path}: the file is not valid UTF-8 text.`);
  }
}

async function apply(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new TagsCliError("Usage: fanfold tags apply FILE.csv");
  const path = positionals[0]!;
  const csv = readWranglingCsv(readUtf8File(path));
  if (!csv.ok) throw new TagsCliError(`${path}:${csv.line}: ${csv.message}`);
  if (csv.ops.length === 0) {
    console.log(`${path}: no actions (only a header row).`);
    return;
  }
  await withDatabase(async (db) => {
    await applyAndRefilter(db, csv.ops, (index) => `${path}:${csv.lines[index] ?? "?"}: `);
    console.log(`${path}: applied ${csv.ops.length} action${csv.ops.length === 1 ? "" : "s"}.`);
  });
}

/** Runs `fanfold tags ...`; returns the exit code. Configuration and option errors go to the caller. */
export async function tagsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === "show") await show(rest);
    else if (sub === "create") await create(rest);
    else if (sub === "canonical") await canonical(rest);
    else if (sub === "synonym") await synonym(rest);
    else if (sub === "parent") await link(rest, "parent");
    else if (sub === "meta") await link(rest, "meta");
    else if (sub === "unwrangleable") await unwrangleable(rest);
    else if (sub === "apply") await apply(rest);
    else if (sub === "help" || sub === "--help" || sub === "-h") console.log(TAGS_USAGE);
    else {
      console.error(sub ? `fanfold: unknown tags command "${sub}".\n\n${TAGS_USAGE}` : TAGS_USAGE);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof TagsCliError) {
      console.error(`fanfold: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

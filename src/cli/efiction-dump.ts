/**
 * The mysqldump text format, both ways, for the eFiction benchmark: `DumpWriter` writes a dump
 * the way MariaDB 10.11's mysqldump does (the shape of the project's real fixture archive), and
 * `readDumpRows` reads the rows back (the generator's test and the benchmark's plain-load
 * baseline). It is not the importer's parser: it knows only what mysqldump itself writes.
 *
 * What mysqldump writes, and this copies:
 * - per table: `DROP TABLE IF EXISTS`, `CREATE TABLE` with an `AUTO_INCREMENT=<next id>` when the
 *   table has one, then `LOCK TABLES … WRITE`, `ALTER TABLE … DISABLE KEYS`, the rows, `ENABLE
 *   KEYS`, `UNLOCK TABLES`; a table with no rows still gets the lock/keys lines;
 * - rows in extended INSERTs: one statement holds rows until it passes `net_buffer_length`
 *   (1 MB by default), then a new `INSERT` starts. MariaDB puts `VALUES` at the end of the line and
 *   one row per line (`"mariadb"`); MySQL's mysqldump puts the whole statement on one line
 *   (`"mysql"`). Both are valid; an importer must read both.
 * - strings escaped as `mysql_real_escape_string` does: NUL, LF, CR, `\`, `'`, `"` and Ctrl-Z get
 *   a backslash; every other byte is written raw (so a varbinary column's bytes are in the file).
 */
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { EFICTION_TABLE_PREFIX, EFICTION_TABLES } from "./efiction-schema.js";

export type DumpValue = string | number | null;
export type InsertStyle = "mariadb" | "mysql";

/** mysqldump's default `net_buffer_length`: the size at which it starts a new INSERT. */
const NET_BUFFER_LENGTH = 1_046_528;

const ESCAPES: Record<string, string> = { "\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z" };
const NEEDS_ESCAPE = /[\0\n\r\\'"\x1a]/g;

export function sqlValue(value: DumpValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  return `'${value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]!)}'`;
}

export class DumpWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private table: string | undefined;
  private statementBytes = 0;
  /** Bytes written so far (UTF-8). */
  bytes = 0;
  /** The length of the longest INSERT statement, in UTF-8 bytes. */
  longestStatement = 0;

  constructor(
    path: string,
    private readonly style: InsertStyle,
  ) {
    this.fd = openSync(path, "w");
  }

  private write(text: string): void {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered > 4_000_000) this.flush();
  }

  private flush(): void {
    const chunk = Buffer.from(this.buffer.join(""), "utf8");
    writeSync(this.fd, chunk);
    this.bytes += chunk.length;
    this.buffer = [];
    this.buffered = 0;
  }

  header(comment: string): void {
    this.write(`/*M!999999\\- enable the sandbox mode */ \n-- ${comment}\n--\n-- Host: localhost    Database: efiction\n-- ------------------------------------------------------\n-- Server version\t10.11.19-MariaDB-0+deb12u1\n\n`);
    this.write(
      [
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
        "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;",
        "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;",
        "/*!40101 SET NAMES utf8mb4 */;",
        "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
        "/*!40103 SET TIME_ZONE='+00:00' */;",
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
        "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;",
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
        "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;",
        "",
        "",
      ].join("\n"),
    );
  }

  /** The structure of a table, then the start of its data; `nextId` is its AUTO_INCREMENT. */
  beginTable(table: string, nextId: number): void {
    const spec = EFICTION_TABLES[table];
    if (!spec) throw new Error(`no eFiction table "${table}"`);
    const name = `\`${EFICTION_TABLE_PREFIX}${table}\``;
    const autoIncrement = spec.autoIncrement && nextId > 1 ? ` AUTO_INCREMENT=${nextId}` : "";
    this.write(`--\n-- Table structure for table ${name}\n--\n\nDROP TABLE IF EXISTS ${name};\n`);
    this.write("/*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!40101 SET character_set_client = utf8mb4 */;\n");
    this.write(`CREATE TABLE ${name} (\n${spec.body}\n) ENGINE=${spec.engine}${autoIncrement} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n`);
    this.write("/*!40101 SET character_set_client = @saved_cs_client */;\n\n");
    this.write(`--\n-- Dumping data for table ${name}\n--\n\nLOCK TABLES ${name} WRITE;\n/*!40000 ALTER TABLE ${name} DISABLE KEYS */;\n`);
    this.table = name;
    this.statementBytes = 0;
  }

  row(values: readonly DumpValue[]): void {
    const tuple = `(${values.map(sqlValue).join(",")})`;
    const size = Buffer.byteLength(tuple, "utf8");
    const mariadb = this.style === "mariadb";
    if (this.statementBytes > 0 && this.statementBytes + size + 2 > NET_BUFFER_LENGTH) this.endStatement();
    if (this.statementBytes === 0) {
      const start = `INSERT INTO ${this.table} VALUES${mariadb ? "\n" : " "}`;
      this.write(start);
      this.statementBytes = start.length;
    } else {
      this.write(mariadb ? ",\n" : ",");
      this.statementBytes += mariadb ? 2 : 1;
    }
    this.write(tuple);
    this.statementBytes += size;
  }

  private endStatement(): void {
    if (this.statementBytes === 0) return;
    this.write(";\n");
    this.longestStatement = Math.max(this.longestStatement, this.statementBytes + 1);
    this.statementBytes = 0;
  }

  endTable(): void {
    this.endStatement();
    this.write(`/*!40000 ALTER TABLE ${this.table} ENABLE KEYS */;\nUNLOCK TABLES;\n\n`);
    this.table = undefined;
  }

  close(): void {
    this.write(
      [
        "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;",
        "",
        "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;",
        "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;",
        "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;",
        "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;",
        "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;",
        "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;",
        "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;",
        "",
        "-- Dump completed",
        "",
      ].join("\n"),
    );
    this.flush();
    closeSync(this.fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export class DumpReadError extends Error {}

/** One event of a dump: a table's structure (its columns) or one of its rows. */
export type DumpEvent = { kind: "table"; table: string; columns: string[] } | { kind: "row"; table: string; values: DumpValue[] };

const UNESCAPES: Record<string, string> = { "0": "\0", n: "\n", r: "\r", Z: "\x1a", b: "\b", t: "\t" };

/**
 * Reads the tuples on one line of an INSERT; returns whether the statement ended (`;`).
 * mysqldump never breaks a line inside a value (newlines in strings are escaped), so a line
 * holds whole rows.
 */
function parseTuples(line: string, start: number, onRow: (values: DumpValue[]) => void, where: () => string): boolean {
  let i = start;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (c === ";") return true;
    if (c === "," || c === " ") {
      i++;
      continue;
    }
    if (c !== "(") throw new DumpReadError(`${where()}: expected "(" at column ${i + 1}, found "${c}"`);
    i++;
    const values: DumpValue[] = [];
    for (;;) {
      const v = line[i];
      if (v === "'") {
        let out = "";
        let from = ++i;
        for (;;) {
          const q = line.indexOf("'", i);
          const b = line.indexOf("\\", i);
          if (q < 0) throw new DumpReadError(`${where()}: a string is not closed`);
          if (b >= 0 && b < q) {
            out += line.slice(from, b);
            const e = line[b + 1]!;
            out += UNESCAPES[e] ?? e;
            i = from = b + 2;
            continue;
          }
          out += line.slice(from, q);
          i = q + 1;
          break;
        }
        values.push(out);
      } else {
        let end = i;
        while (end < n && line[end] !== "," && line[end] !== ")") end++;
        const token = line.slice(i, end);
        if (token === "NULL") values.push(null);
        else if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(token)) values.push(Number(token));
        else throw new DumpReadError(`${where()}: cannot read the value "${token.slice(0, 40)}"`);
        i = end;
      }
      const sep = line[i];
      if (sep === ",") {
        i++;
        continue;
      }
      if (sep === ")") {
        i++;
        break;
      }
      throw new DumpReadError(`${where()}: a row is not closed`);
    }
    onRow(values);
  }
  return false;
}

/**
 * The tables and rows of a mysqldump file, in order, streamed line by line (a dump with its
 * chapter texts inside can be bigger than a JavaScript string may be). `prefix` is the table
 * prefix to strip from names (eFiction's `fanfiction_`).
 */
export async function* readDump(path: string, prefix = EFICTION_TABLE_PREFIX): AsyncGenerator<DumpEvent> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let lineNumber = 0;
  let creating: { table: string; columns: string[] } | undefined;
  let inserting: string | undefined;
  const where = () => `${path}:${lineNumber}`;
  const strip = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  for await (const line of lines) {
    lineNumber++;
    if (inserting !== undefined) {
      const rows: DumpValue[][] = [];
      const ended = parseTuples(line, 0, (values) => rows.push(values), where);
      for (const values of rows) yield { kind: "row", table: inserting, values };
      if (ended) inserting = undefined;
      continue;
    }
    if (creating) {
      if (line.startsWith(")")) {
        yield { kind: "table", table: creating.table, columns: creating.columns };
        creating = undefined;
      } else {
        const column = /^ {2}`(\w+)` /.exec(line);
        if (column) creating.columns.push(column[1]!);
      }
      continue;
    }
    const create = /^CREATE TABLE `(\w+)` \($/.exec(line);
    if (create) {
      creating = { table: strip(create[1]!), columns: [] };
      continue;
    }
    const insert = /^INSERT INTO `(\w+)` VALUES/.exec(line);
    if (insert) {
      const table = strip(insert[1]!);
      const rows: DumpValue[][] = [];
      const ended = parseTuples(line, insert[0].length, (values) => rows.push(values), where);
      for (const values of rows) yield { kind: "row", table, values };
      if (!ended) inserting = table;
    }
  }
  if (inserting !== undefined || creating) throw new DumpReadError(`${path}: the dump ends inside ${inserting ? "an INSERT" : "a CREATE TABLE"} (truncated?)`);
}

/**
 * The mysqldump text format, both ways, for the eFiction benchmark: `DumpWriter` writes a dump
 * the way MariaDB 10.11's mysqldump does (the shape of the project's real fixture archive), and
 * `readDump` reads the tables and rows back through the importer's own dump reader (for the
 * generator's test and the benchmark's plain-load baseline).
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
import { closeSync, openSync, writeSync } from "node:fs";
import { readMysqlDump } from "../transfer/index.js";
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

/** One event of a dump: a table's structure (its columns) or one of its rows. */
export type DumpEvent = { kind: "table"; table: string; columns: string[] } | { kind: "row"; table: string; values: DumpValue[] };

/**
 * The tables and rows of a mysqldump file, in order, read by the importer's own dump reader (one
 * parser for dumps), with `prefix` stripped from table names (eFiction's `fanfiction_`). The
 * events are gathered before they are handed out: fine for the benchmark's dumps, whose chapter
 * texts are in files. A dump it cannot read throws the importer's DumpError.
 */
export async function* readDump(path: string, prefix = EFICTION_TABLE_PREFIX): AsyncGenerator<DumpEvent> {
  const strip = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const events: DumpEvent[] = [];
  await readMysqlDump(path, {
    wants: () => true,
    table: (table) => events.push({ kind: "table", table: strip(table.name), columns: table.columns.map((c) => c.name) }),
    row: (table, values) => events.push({ kind: "row", table: strip(table.name), values: values.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v)) }),
  });
  yield* events;
}

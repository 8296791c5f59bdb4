import { createReadStream } from "node:fs";

/**
 * A reader for mysqldump (MySQL and MariaDB) files that needs no MySQL server: it splits the dump
 * into statements as the bytes stream in and understands the two statements a dump's data lives
 * in, `CREATE TABLE` (the column list, each column's type and character set) and `INSERT INTO`
 * (tuples of values). Everything else (SET, LOCK TABLES, DROP TABLE, `/*!40101 … *\/` version
 * comments, MariaDB's sandbox line) is passed over. The work is linear in the size of the dump and
 * the memory is one statement at a time plus the rows the caller keeps.
 */

/** A value as the dump wrote it: text, a number, NULL, or bytes (0x… hex literals, b'…' bits). */
export type SqlValue = string | number | null | Uint8Array;

export interface DumpColumn {
  name: string;
  /** The declared type, lower case, without its length: "int", "varchar", "text", "datetime", "varbinary". */
  type: string;
  /** The column's own CHARACTER SET, when it declares one. */
  charset: string | null;
}

export interface DumpTable {
  name: string;
  columns: DumpColumn[];
  /** The table's DEFAULT CHARSET, lower case ("utf8mb4", "latin1"); null when not declared. */
  charset: string | null;
  /** The dump's line of its CREATE TABLE. */
  line: number;
}

/** A dump the reader cannot read: which table (when known) and which line of the dump (0: the dump as a whole). */
export class DumpError extends Error {
  constructor(
    readonly table: string | null,
    readonly line: number,
    readonly problem: string,
  ) {
    super([table ? `table \`${table}\`` : "", line ? `line ${line}` : ""].filter(Boolean).join(", ") + `${table || line ? ": " : ""}${problem}`);
  }
}

export interface DumpVisitor {
  /** Whether the rows of this table are wanted; the tuples of other tables are still checked. */
  wants(table: string): boolean;
  table?(table: DumpTable): void;
  /** One row, its values in the order of `columns` (the CREATE TABLE's, or the INSERT's own list). */
  row(table: DumpTable, values: SqlValue[], line: number): void;
}

/** Reads a dump file start to end, calling the visitor for each wanted table and row. `chunkSize`: bytes read at a time (tests make it small). */
export async function readMysqlDump(path: string, visitor: DumpVisitor, { chunkSize = 1 << 20 }: { chunkSize?: number } = {}): Promise<void> {
  const splitter = new StatementSplitter();
  const parser = new StatementParser(visitor);
  const decoder = new TextDecoder("utf-8");
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  for await (const chunk of stream) {
    splitter.push(decoder.decode(chunk as Buffer, { stream: true }), (text, line) => parser.parse(text, line));
  }
  splitter.push(decoder.decode(), (text, line) => parser.parse(text, line));
  splitter.end((text, line) => parser.parse(text, line));
}

/** Reads a dump held in memory (tests, small dumps). */
export function readMysqlDumpText(text: string, visitor: DumpVisitor): void {
  const splitter = new StatementSplitter();
  const parser = new StatementParser(visitor);
  splitter.push(text, (statement, line) => parser.parse(statement, line));
  splitter.end((statement, line) => parser.parse(statement, line));
}

const enum State {
  Normal,
  Single,
  Double,
  Backtick,
  LineComment,
  BlockComment,
}

/**
 * Cuts the text into statements at each `;` outside quotes and comments, across chunk borders.
 * Comments are dropped but their line breaks are kept, so a position inside a statement still
 * gives its line in the dump.
 */
class StatementSplitter {
  private state = State.Normal;
  private escaped = false;
  private parts: string[] = [];
  private line = 1;
  private statementLine = 0;
  /** A character held back from the last chunk because it might start "--", "/*" or "*\/". */
  private held = "";
  private quoteLine = 0;

  push(input: string, emit: (statement: string, line: number) => void): void {
    const text = this.held + input;
    this.held = "";
    // The next backslash at or after a position, found once and reused: searching afresh for
    // every string would rescan the chunk for each of its strings (quadratic when a table's
    // text has no backslash at all).
    let nextBackslash = -2;
    const backslashFrom = (from: number) => {
      if (nextBackslash !== -1 && nextBackslash < from) nextBackslash = text.indexOf("\\", from);
      return nextBackslash;
    };
    let start = 0;
    let i = 0;
    const n = text.length;
    const keep = (end: number) => {
      if (end > start) {
        if (!this.statementLine) {
          const slice = text.slice(start, end);
          const firstNonSpace = slice.search(/\S/);
          if (firstNonSpace < 0) {
            this.parts.push(slice);
            return;
          }
          this.statementLine = this.line - countNewlines(text, start + firstNonSpace, end);
        }
        this.parts.push(text.slice(start, end));
      }
    };
    while (i < n) {
      switch (this.state) {
        case State.Normal: {
          const c = text.charCodeAt(i);
          if (c === 10) this.line++;
          else if (c === 39 /* ' */) (this.state = State.Single), (this.quoteLine = this.line);
          else if (c === 34 /* " */) (this.state = State.Double), (this.quoteLine = this.line);
          else if (c === 96 /* ` */) this.state = State.Backtick;
          else if (c === 59 /* ; */) {
            keep(i);
            this.flush(emit);
            start = i + 1;
          } else if (c === 35 /* # */) {
            keep(i);
            this.state = State.LineComment;
          } else if (c === 45 /* - */ || c === 47 /* / */) {
            if (i + 1 >= n) {
              keep(i);
              this.held = text.slice(i);
              return;
            }
            const next = text.charCodeAt(i + 1);
            // "-- " starts a comment only when followed by white space (MySQL's rule).
            if (c === 45 && next === 45) {
              if (i + 2 >= n) {
                keep(i);
                this.held = text.slice(i);
                return;
              }
              const after = text.charCodeAt(i + 2);
              if (after === 32 || after === 9 || after === 10 || after === 13) {
                keep(i);
                this.state = State.LineComment;
                i += 2;
                continue;
              }
            } else if (c === 47 && next === 42) {
              keep(i);
              this.state = State.BlockComment;
              i += 2;
              continue;
            }
          }
          i++;
          break;
        }
        case State.Single:
        case State.Double:
        case State.Backtick: {
          const quote = this.state === State.Single ? "'" : this.state === State.Double ? '"' : "`";
          if (this.escaped) {
            this.escaped = false;
            if (text.charCodeAt(i) === 10) this.line++;
            i++;
            continue;
          }
          // Jump to the next quote or backslash; count the line breaks passed over.
          let j = i;
          for (;;) {
            const q = text.indexOf(quote, j);
            const b = this.state === State.Backtick ? -1 : backslashFrom(j);
            const stop = q < 0 ? b : b < 0 ? q : Math.min(q, b);
            if (stop < 0) {
              this.line += countNewlines(text, i, n);
              i = n;
              break;
            }
            this.line += countNewlines(text, i, stop);
            i = stop + 1;
            if (stop === b) {
              if (i >= n) {
                this.escaped = true;
                break;
              }
              if (text.charCodeAt(i) === 10) this.line++;
              i++;
              j = i;
              continue;
            }
            // A doubled quote ('') is a quote inside the string; it may straddle the chunk border.
            if (i >= n) {
              this.held = "";
              // The closing quote ends the string unless the next chunk starts with another; a
              // following quote reopens the string, which reads the same way.
              this.state = State.Normal;
              break;
            }
            if (text[i] === quote) {
              i++;
              j = i;
              continue;
            }
            this.state = State.Normal;
            break;
          }
          break;
        }
        case State.LineComment: {
          const end = text.indexOf("\n", i);
          if (end < 0) {
            i = n;
            start = n;
            break;
          }
          this.parts.push("\n");
          this.line++;
          i = end + 1;
          start = i;
          this.state = State.Normal;
          break;
        }
        case State.BlockComment: {
          const end = text.indexOf("*/", i);
          if (end < 0) {
            if (text.endsWith("*")) this.held = "*";
            const upTo = this.held ? n - 1 : n;
            const breaks = countNewlines(text, i, upTo);
            this.line += breaks;
            if (breaks) this.parts.push("\n".repeat(breaks));
            i = n;
            start = n;
            break;
          }
          const breaks = countNewlines(text, i, end);
          this.line += breaks;
          this.parts.push(breaks ? "\n".repeat(breaks) : " ");
          i = end + 2;
          start = i;
          this.state = State.Normal;
          break;
        }
      }
    }
    if (this.state !== State.LineComment && this.state !== State.BlockComment) keep(n);
  }

  end(emit: (statement: string, line: number) => void): void {
    if (this.state === State.Single || this.state === State.Double || this.state === State.Backtick) {
      throw new DumpError(null, this.quoteLine || this.line, "the dump ends inside a quoted string (the file is cut short)");
    }
    if (this.held) this.parts.push(this.held);
    this.held = "";
    if (this.parts.join("").trim()) {
      const statement = this.parts.join("");
      throw new DumpError(tableNamed(statement), this.statementLine || this.line, "the dump ends in the middle of a statement (no closing ';': the file is cut short)");
    }
  }

  private flush(emit: (statement: string, line: number) => void): void {
    // From its first non-blank character, the one `statementLine` is the line of.
    const statement = this.parts.join("").replace(/^\s+/, "");
    const line = this.statementLine;
    this.parts = [];
    this.statementLine = 0;
    if (statement) emit(statement, line);
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/** The table an INSERT or CREATE TABLE statement names, for an error message. */
function tableNamed(statement: string): string | null {
  const match = /^\s*(?:INSERT|REPLACE|CREATE\s+TABLE)[^`(]*?`([^`]+)`/i.exec(statement);
  return match ? match[1]! : null;
}

const SKIPPED_KEYWORDS = new Set(["PRIMARY", "KEY", "UNIQUE", "INDEX", "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN", "CHECK", "PERIOD"]);

class StatementParser {
  private readonly tables = new Map<string, DumpTable>();

  constructor(private readonly visitor: DumpVisitor) {}

  parse(statement: string, line: number): void {
    const head = /^\s*([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(statement);
    if (!head) return;
    const first = head[1]!.toUpperCase();
    if (first === "CREATE" && /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\b/i.test(statement)) this.createTable(statement, line);
    else if (first === "INSERT" || first === "REPLACE") this.insert(statement, line);
  }

  private createTable(statement: string, line: number): void {
    const match = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))?)\s*\(/i.exec(statement);
    if (!match) throw new DumpError(tableNamed(statement), line, "a CREATE TABLE statement this reader cannot read");
    const name = lastIdentifier(match[1]!);
    const open = match[0].length - 1;
    const close = matchingParen(statement, open);
    if (close < 0) throw new DumpError(name, line, "the CREATE TABLE's column list is not closed");
    const columns: DumpColumn[] = [];
    for (const item of splitTopLevel(statement.slice(open + 1, close))) {
      const definition = item.trim();
      if (!definition) continue;
      const keyword = /^(\w+)/.exec(definition);
      if (keyword && SKIPPED_KEYWORDS.has(keyword[1]!.toUpperCase())) continue;
      const column = /^(`(?:[^`]|``)+`|\w+)\s+(\w+)/.exec(definition);
      if (!column) throw new DumpError(name, line + countNewlines(statement, 0, open), `a column definition this reader cannot read: ${definition.slice(0, 60)}`);
      const columnName = column[1]!.startsWith("`") ? column[1]!.slice(1, -1).replace(/``/g, "`") : column[1]!;
      const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*(\w+)/i.exec(definition);
      columns.push({ name: columnName, type: column[2]!.toLowerCase(), charset: charset ? charset[1]!.toLowerCase() : null });
    }
    const options = statement.slice(close + 1);
    const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*(\w+)/i.exec(options);
    const table: DumpTable = { name, columns, charset: charset ? charset[1]!.toLowerCase() : null, line };
    this.tables.set(name, table);
    this.visitor.table?.(table);
  }

  private insert(statement: string, line: number): void {
    const match = /^\s*(?:INSERT|REPLACE)(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*\s+(?:INTO\s+)?((?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))?)\s*/i.exec(statement);
    if (!match) throw new DumpError(tableNamed(statement), line, "an INSERT statement this reader cannot read");
    const name = lastIdentifier(match[1]!);
    const known = this.tables.get(name);
    let pos = match[0].length;
    let table = known;
    if (statement[pos] === "(") {
      // INSERT INTO t (`a`, `b`) VALUES …: the statement names its own columns (--complete-insert).
      const close = matchingParen(statement, pos);
      if (close < 0) throw new DumpError(name, line, "the INSERT's column list is not closed");
      const names = splitTopLevel(statement.slice(pos + 1, close)).map((s) => s.trim().replace(/^`|`$/g, ""));
      table = {
        name,
        line: known?.line ?? line,
        charset: known?.charset ?? null,
        columns: names.map((n) => known?.columns.find((c) => c.name === n) ?? { name: n, type: "unknown", charset: null }),
      };
      pos = close + 1;
    }
    if (!table) throw new DumpError(name, line, "rows for a table whose CREATE TABLE the dump does not have (a partial dump, or one this reader cannot read)");
    const values = /^\s*VALUES?\b/i.exec(statement.slice(pos, pos + 20));
    if (!values) throw new DumpError(name, line + countNewlines(statement, 0, pos), "an INSERT this reader cannot read (expected VALUES)");
    pos += values[0].length;
    const wanted = this.visitor.wants(name);
    const reader = new TupleReader(statement, pos, name, line);
    for (;;) {
      const tupleLine = reader.currentLine();
      const row = reader.tuple();
      if (row.length !== table.columns.length) {
        throw new DumpError(name, tupleLine, `a row has ${row.length} values but the table has ${table.columns.length} columns`);
      }
      if (wanted) this.visitor.row(table, row, tupleLine);
      if (!reader.next()) break;
    }
  }
}

function lastIdentifier(qualified: string): string {
  const parts = qualified.match(/`(?:[^`]|``)+`|\w+/g)!;
  const last = parts[parts.length - 1]!;
  return last.startsWith("`") ? last.slice(1, -1).replace(/``/g, "`") : last;
}

/** The index of the parenthesis closing the one at `open`, quotes respected; -1 if none. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === "`") {
      i = skipQuoted(text, i);
      if (i < 0) return -1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The index of the closing quote of the quoted text starting at `at`; -1 if it is not closed. */
function skipQuoted(text: string, at: number): number {
  const quote = text[at]!;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quote !== "`") i++;
    else if (c === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return -1;
}

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === "`") {
      const end = skipQuoted(text, i);
      i = end < 0 ? text.length : end;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

const ESCAPES: Record<string, string> = { "0": "\0", b: "\b", n: "\n", r: "\r", t: "\t", Z: "\x1a", "\\": "\\", "'": "'", '"': '"' };

/** Reads `(v, v, …), (v, …)` from an INSERT's VALUES clause. */
class TupleReader {
  private pos: number;
  private line: number;
  private lineCountedTo: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly table: string,
    startLine: number,
  ) {
    this.pos = start;
    this.line = startLine;
    this.lineCountedTo = 0;
  }

  currentLine(): number {
    this.skipSpace();
    return this.lineAt(this.pos);
  }

  private lineAt(pos: number): number {
    if (pos > this.lineCountedTo) {
      this.line += countNewlines(this.text, this.lineCountedTo, pos);
      this.lineCountedTo = pos;
    }
    return this.line;
  }

  private fail(problem: string): never {
    throw new DumpError(this.table, this.lineAt(Math.min(this.pos, this.text.length)), problem);
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++;
      else break;
    }
  }

  /** After a tuple: true when a comma introduces another, false at the statement's end. */
  next(): boolean {
    this.skipSpace();
    if (this.pos >= this.text.length) return false;
    const c = this.text[this.pos];
    if (c === ",") {
      this.pos++;
      return true;
    }
    // ON DUPLICATE KEY UPDATE … ends the rows.
    if (/^ON\s+DUPLICATE\b/i.test(this.text.slice(this.pos, this.pos + 20))) return false;
    this.fail(`unexpected text after a row: ${JSON.stringify(this.text.slice(this.pos, this.pos + 30))}`);
  }

  tuple(): SqlValue[] {
    this.skipSpace();
    if (this.text[this.pos] !== "(") this.fail(`expected a row "(…)", found ${JSON.stringify(this.text.slice(this.pos, this.pos + 30)) || "the end of the statement"}`);
    this.pos++;
    const values: SqlValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ")") {
      this.pos++;
      return values;
    }
    for (;;) {
      values.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === ")") {
        this.pos++;
        return values;
      }
      this.fail(c === undefined ? "the row is cut short" : `expected "," or ")" in a row, found ${JSON.stringify(this.text.slice(this.pos, this.pos + 30))}`);
    }
  }

  private value(): SqlValue {
    this.skipSpace();
    const text = this.text;
    const c = text[this.pos];
    if (c === "'" || c === '"') return this.quoted();
    if (c === "_") {
      // A character-set introducer: _binary '…', _utf8mb4'…', _latin1 0x…
      const introducer = /^_\w+\s*/.exec(text.slice(this.pos, this.pos + 40));
      if (!introducer) this.fail("an unreadable value");
      this.pos += introducer[0].length;
      return this.value();
    }
    if ((c === "X" || c === "x" || c === "B" || c === "b") && text[this.pos + 1] === "'") {
      const close = text.indexOf("'", this.pos + 2);
      const digits = close < 0 ? "" : text.slice(this.pos + 2, close);
      if (close < 0 || !(c === "X" || c === "x" ? /^[0-9A-Fa-f]*$/ : /^[01]*$/).test(digits)) this.fail("an unreadable hexadecimal or bit literal");
      this.pos = close + 1;
      return c === "X" || c === "x" ? hexBytes(digits) : bitBytes(digits);
    }
    const rest = text.slice(this.pos, this.pos + 40);
    const word = /^(?:NULL|0x[0-9A-Fa-f]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|TRUE|FALSE|CURRENT_TIMESTAMP(?:\(\))?)/i.exec(rest);
    if (!word) this.fail(`an unreadable value: ${JSON.stringify(rest.slice(0, 30))}`);
    let token = word[0];
    // A hex literal longer than the peek window.
    if (/^0x/i.test(token) && token.length === rest.length) {
      const end = /[^0-9A-Fa-f]/g;
      end.lastIndex = this.pos + 2;
      const stop = end.exec(text);
      token = text.slice(this.pos, stop ? stop.index : text.length);
    }
    this.pos += token.length;
    const upper = token.toUpperCase();
    if (upper === "NULL") return null;
    if (upper === "TRUE") return 1;
    if (upper === "FALSE") return 0;
    if (upper.startsWith("CURRENT_TIMESTAMP")) return null;
    if (upper.startsWith("0X")) return hexBytes(token.slice(2));
    const number = Number(token);
    return Number.isSafeInteger(number) || !/^[-+]?\d+$/.test(token) ? number : token;
  }

  /** The next backslash found so far (see StatementSplitter: searched once, not per string). */
  private nextBackslash = -2;

  private quoted(): string {
    const text = this.text;
    const quote = text[this.pos]!;
    let i = this.pos + 1;
    let out = "";
    for (;;) {
      const q = text.indexOf(quote, i);
      if (this.nextBackslash !== -1 && this.nextBackslash < i) this.nextBackslash = text.indexOf("\\", i);
      const b = this.nextBackslash;
      if (q < 0) {
        this.pos = text.length;
        this.fail("a string is not closed");
      }
      if (b >= 0 && b < q) {
        out += text.slice(i, b);
        const escaped = text[b + 1];
        if (escaped === undefined) {
          this.pos = b;
          this.fail("a string ends in a lone backslash");
        }
        // \% and \_ keep their backslash (MySQL's rule); any other unknown escape is the character itself.
        out += ESCAPES[escaped] ?? (escaped === "%" || escaped === "_" ? `\\${escaped}` : escaped);
        i = b + 2;
        continue;
      }
      out += text.slice(i, q);
      if (text[q + 1] === quote) {
        out += quote;
        i = q + 2;
        continue;
      }
      this.pos = q + 1;
      return out;
    }
  }
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
}

function bitBytes(bits: string): Uint8Array {
  const padded = bits.padStart(Math.ceil(bits.length / 8) * 8, "0");
  const bytes = new Uint8Array(padded.length / 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(padded.slice(i * 8, i * 8 + 8), 2);
  return bytes;
}

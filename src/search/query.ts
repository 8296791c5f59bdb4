import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import type { DbOrTrx } from "../platform/db/index.js";
import { dialectOf, selectIntegers } from "../platform/db/index.js";
import { type Node, type ParsedQuery, TAG_TYPE_FIELDS, type TagTypeField, type TextField } from "./query-language.js";
import { CHAPTER_HEAD, htmlHead, htmlToPlain, searchText, searchTokens } from "./text.js";

/**
 * Compiles a parsed query into SQL conditions on `works.id`, for SQLite FTS5 or PostgreSQL
 * tsquery. Each word or phrase becomes "the works where it occurs" (in the work's own fields,
 * in the names of the tags in its filter set, or in a chapter), and AND, OR and NOT combine
 * those sets, so "dragon kiss" finds a work with "dragon" in a tag and "kiss" in chapter 3.
 *
 * Speed (measured with `fanfold bench search`, see bench/README.md): the whole text tree
 * becomes ONE compound SELECT of work ids (UNION for OR, INTERSECT for AND, EXCEPT for AND NOT)
 * used as `works.id IN (...)`. The database computes that set once per statement and walks it
 * to look works up by id, instead of testing every listable work against one IN list per word
 * and field (with a common word, each of those lists is most of the archive).
 */

type Dialect = "sqlite" | "postgres";

const WORK_COLUMNS: Partial<Record<TextField, string>> = {
  title: "title",
  creators: "creators",
  summary: "summary",
  notes: "notes",
  endnotes: "endnotes",
  series: "series",
};

/** A word or phrase as both engines spell it; null when it has no searchable characters. */
function matchText(dialect: Dialect, words: string[], prefix: boolean): string | null {
  const tokens = words.flatMap((w) => searchTokens(w));
  if (tokens.length === 0) return null;
  if (dialect === "sqlite") {
    // Tokens are letters and digits only, so quoting cannot be broken out of.
    const phrase = `"${tokens.join(" ")}"`;
    return prefix ? `${phrase} *` : phrase;
  }
  return tokens.map((t, i) => `'${t}'${prefix && i === tokens.length - 1 ? ":*" : ""}`).join(" <-> ");
}

// Each of the selects below names its one column `work_id`, so they combine in compounds. They
// are only ever read as sets (IN, NOT IN, INTERSECT, EXCEPT), so alternatives are joined with
// UNION ALL: a plain UNION makes SQLite sort every arm to merge them (hundreds of thousands of
// rows for a common word), and the IN list drops the duplicates anyway.

function worksWhere(dialect: Dialect, field: TextField, text: string): RawBuilder<unknown> {
  const column = WORK_COLUMNS[field];
  if (dialect === "sqlite") {
    const query = column ? `{${column}} : ${text}` : text;
    return sql`select rowid as work_id from search_works where search_works match ${query}`;
  }
  return sql`select work_id from search_works where ${sql.ref(column ?? "everything")} @@ to_tsquery('english', ${text})`;
}

/** The works whose tags' names hold the text; only tags of `type` when given (`fandom:` and its siblings). */
function tagsWhere(dialect: Dialect, text: string, type?: string): RawBuilder<unknown> {
  const named =
    dialect === "sqlite"
      ? sql`select rowid from search_tags where search_tags match ${text}`
      : sql`select tag_id from search_tags where name @@ to_tsquery('english', ${text})`;
  const typed = type ? sql`select id from tags where id in (${named}) and type = ${type}` : named;
  // A synonym's name means its canonical tag too: the works filed under it, not only those
  // tagged with the synonym itself.
  const tagIds = sql`${typed} union all select merger_id from tags where id in (${typed}) and merger_id is not null`;
  // A tag's works are those with it in their filter set (canonical tags, with their synonyms and
  // subtags) or tagged with it directly (tags nobody has wrangled yet).
  return sql`select work_id from work_filters where tag_id in (${tagIds}) union all select work_id from work_tags where tag_id in (${tagIds})`;
}

function chaptersWhere(dialect: Dialect, text: string): RawBuilder<unknown> {
  // SQLite: a common word occurs in most chapters, and each needs its work and whether it is
  // posted. The chapter row itself would do, but `posted` is stored after the chapter's text,
  // so reading it walks the text's overflow pages (the whole archive's text, for a common
  // word). The covering index chapters_search_lookup (id, work_id, posted) answers from a few
  // small pages; the planner prefers the table's own key for `id = ?`, hence INDEXED BY.
  // PostgreSQL: search_chapters_matching() (migration 0005) finds the chapters through the GIN
  // index; left to itself the planner reads every chapter's tsvector for a common word.
  return dialect === "sqlite"
    ? sql`select chapters.work_id from search_chapters join chapters indexed by chapters_search_lookup on chapters.id = search_chapters.rowid where search_chapters match ${text} and chapters.posted = 1`
    : sql`select chapters.work_id from search_chapters_matching(to_tsquery('english', ${text})) as matching join chapters on chapters.id = matching.chapter_id where chapters.posted = 1`;
}

/**
 * SQLite: the works with a word anywhere in their fields or the text their readers see
 * (search_docs, migration 0007). Their tags are not in it.
 */
function docsWhere(expression: string): RawBuilder<unknown> {
  return sql`select rowid as work_id from search_docs where search_docs match ${expression}`;
}

/** SQLite: whether a leaf is one word (or a prefix), which search_docs can answer without positions. */
function isWord(words: string[]): boolean {
  return words.flatMap((w) => searchTokens(w)).length === 1;
}

/** The works a word or phrase occurs in, in the fields it asks for. */
function leafWorks(dialect: Dialect, field: TextField, text: string, word: boolean): RawBuilder<unknown> {
  if (dialect === "sqlite" && field === "any" && word) return sql`${docsWhere(text)} union all ${tagsWhere(dialect, text)}`;
  const parts: RawBuilder<unknown>[] = [];
  if (field === "any" || WORK_COLUMNS[field]) parts.push(worksWhere(dialect, field, text));
  if (field === "any" || field === "tags") parts.push(tagsWhere(dialect, text));
  if (Object.hasOwn(TAG_TYPE_FIELDS, field)) parts.push(tagsWhere(dialect, text, TAG_TYPE_FIELDS[field as TagTypeField]));
  if (field === "any" || field === "text") parts.push(chaptersWhere(dialect, text));
  return sql.join(parts, sql` union all `);
}

/**
 * A set of work ids: nothing, every work, the works a select returns, or every work except
 * those (what NOT gives, and what an OR with a NOT in it gives).
 */
type WorkSet = { kind: "none" } | { kind: "all" } | { kind: "in"; select: RawBuilder<unknown> } | { kind: "except"; select: RawBuilder<unknown> };

/**
 * One set operation over selects of `work_id`. Each operand is wrapped as a derived table, so a
 * compound never mixes operators (SQLite applies them left to right, PostgreSQL binds INTERSECT
 * tighter) and SQLite, which takes no parenthesized compound as an operand, reads it too.
 */
function compound(op: "union all" | "intersect", selects: RawBuilder<unknown>[]): RawBuilder<unknown> {
  if (selects.length === 1) return selects[0]!;
  return sql.join(
    selects.map((s) => sql`select work_id from (${s}) as operand`),
    sql.raw(` ${op} `),
  );
}
const difference = (from: RawBuilder<unknown>, minus: RawBuilder<unknown>) =>
  sql`select work_id from (${from}) as operand except select work_id from (${minus}) as operand`;

/**
 * What the compiler knows beforehand (SQLite): the match texts of the words that occur in no tag
 * name. A part of the query made only of such words, in any field, is one FTS5 MATCH on
 * search_docs, however many ANDs, ORs and NOTs it has.
 */
export interface CompileHints {
  untagged: ReadonlySet<string>;
}

/** A set of work ids as one search_docs MATCH expression (same kinds as WorkSet). */
type DocsSet = { kind: "none" } | { kind: "all" } | { kind: "in" | "except"; expression: string };

function isPlainWords(node: Node, hints: CompileHints): boolean {
  switch (node.kind) {
    case "term":
    case "phrase": {
      if (node.field !== "any") return false;
      const words = node.kind === "term" ? [node.value] : node.words;
      const text = matchText("sqlite", words, node.kind === "term" && node.prefix);
      return text === null || (isWord(words) && hints.untagged.has(text));
    }
    case "not":
      return isPlainWords(node.child, hints);
    default:
      return node.children.every((c) => isPlainWords(c, hints));
  }
}

// FTS5 query syntax, every operand parenthesized: NOT binds tighter than AND, AND than OR.
const ftsJoin = (op: "AND" | "OR", expressions: string[]) => (expressions.length === 1 ? expressions[0]! : expressions.map((e) => `(${e})`).join(` ${op} `));
const ftsMinus = (from: string, minus: string) => `(${from}) NOT (${minus})`;

/** The same set algebra as compileSet, written as one FTS5 expression (only for isPlainWords trees). */
function compileDocs(node: Node): DocsSet {
  switch (node.kind) {
    case "term":
    case "phrase": {
      const words = node.kind === "term" ? [node.value] : node.words;
      const text = matchText("sqlite", words, node.kind === "term" && node.prefix);
      return text === null ? { kind: "none" } : { kind: "in", expression: text };
    }
    case "not": {
      const inner = compileDocs(node.child);
      if (inner.kind === "none") return { kind: "all" };
      if (inner.kind === "all") return { kind: "none" };
      return { kind: inner.kind === "in" ? "except" : "in", expression: inner.expression };
    }
    case "and": {
      const sets = node.children.map(compileDocs);
      if (sets.some((s) => s.kind === "none")) return { kind: "none" };
      const wanted = sets.flatMap((s) => (s.kind === "in" ? [s.expression] : []));
      const unwanted = sets.flatMap((s) => (s.kind === "except" ? [s.expression] : []));
      if (wanted.length === 0) return unwanted.length ? { kind: "except", expression: ftsJoin("OR", unwanted) } : { kind: "all" };
      const both = ftsJoin("AND", wanted);
      return { kind: "in", expression: unwanted.length ? ftsMinus(both, ftsJoin("OR", unwanted)) : both };
    }
    case "or": {
      const sets = node.children.map(compileDocs);
      if (sets.some((s) => s.kind === "all")) return { kind: "all" };
      const wanted = sets.flatMap((s) => (s.kind === "in" ? [s.expression] : []));
      const unwanted = sets.flatMap((s) => (s.kind === "except" ? [s.expression] : []));
      if (unwanted.length === 0) return wanted.length ? { kind: "in", expression: ftsJoin("OR", wanted) } : { kind: "none" };
      const neither = ftsJoin("AND", unwanted);
      return { kind: "except", expression: wanted.length ? ftsMinus(neither, ftsJoin("OR", wanted)) : neither };
    }
  }
}

function compileSet(dialect: Dialect, node: Node, hints?: CompileHints): WorkSet {
  if (dialect === "sqlite" && hints && isPlainWords(node, hints)) {
    const docs = compileDocs(node);
    return docs.kind === "none" || docs.kind === "all" ? docs : { kind: docs.kind, select: docsWhere(docs.expression) };
  }
  switch (node.kind) {
    case "term":
    case "phrase": {
      const words = node.kind === "term" ? [node.value] : node.words;
      const text = matchText(dialect, words, node.kind === "term" && node.prefix);
      // A word with nothing searchable in it matches nothing.
      return text === null ? { kind: "none" } : { kind: "in", select: leafWorks(dialect, node.field, text, isWord(words)) };
    }
    case "not": {
      const inner = compileSet(dialect, node.child, hints);
      if (inner.kind === "none") return { kind: "all" };
      if (inner.kind === "all") return { kind: "none" };
      return inner.kind === "in" ? { kind: "except", select: inner.select } : { kind: "in", select: inner.select };
    }
    case "and": {
      const sets = node.children.map((c) => compileSet(dialect, c, hints));
      if (sets.some((s) => s.kind === "none")) return { kind: "none" };
      const wanted = sets.flatMap((s) => (s.kind === "in" ? [s.select] : []));
      const unwanted = sets.flatMap((s) => (s.kind === "except" ? [s.select] : []));
      // A AND B AND NOT C AND NOT D = (A ∩ B) − (C ∪ D); with only NOTs, everything but (C ∪ D).
      if (wanted.length === 0) return unwanted.length ? { kind: "except", select: compound("union all", unwanted) } : { kind: "all" };
      const both = compound("intersect", wanted);
      return { kind: "in", select: unwanted.length ? difference(both, compound("union all", unwanted)) : both };
    }
    case "or": {
      const sets = node.children.map((c) => compileSet(dialect, c, hints));
      if (sets.some((s) => s.kind === "all")) return { kind: "all" };
      const wanted = sets.flatMap((s) => (s.kind === "in" ? [s.select] : []));
      const unwanted = sets.flatMap((s) => (s.kind === "except" ? [s.select] : []));
      // A OR B OR NOT C OR NOT D = everything but ((C ∩ D) − (A ∪ B)).
      if (unwanted.length === 0) return wanted.length ? { kind: "in", select: compound("union all", wanted) } : { kind: "none" };
      const neither = compound("intersect", unwanted);
      return { kind: "except", select: wanted.length ? difference(neither, compound("union all", wanted)) : neither };
    }
  }
}

/**
 * SQLite: which of the query's words in any field occur in no tag name (one small query per
 * word, on search_tags). Those are looked up in search_docs alone, and a query of only such words
 * becomes one FTS5 MATCH. PostgreSQL: none.
 */
export async function compileHints(db: DbOrTrx, node: Node | null): Promise<CompileHints> {
  const untagged = new Set<string>();
  if (!node || dialectOf(db) !== "sqlite") return { untagged };
  const texts = new Set<string>();
  const walk = (n: Node): void => {
    if (n.kind === "term" || n.kind === "phrase") {
      const words = n.kind === "term" ? [n.value] : n.words;
      const text = matchText("sqlite", words, n.kind === "term" && n.prefix);
      if (n.field === "any" && text !== null && isWord(words)) texts.add(text);
    } else if (n.kind === "not") walk(n.child);
    else n.children.forEach(walk);
  };
  walk(node);
  for (const text of texts) {
    const { rows } = await sql`select rowid from search_tags where search_tags match ${text} limit 1`.execute(db);
    if (rows.length === 0) untagged.add(text);
  }
  return { untagged };
}

/** The SQL condition for the query's words, to AND into a listing's WHERE. */
export function textCondition(db: DbOrTrx, node: Node, hints?: CompileHints): Expression<SqlBool> {
  const set = compileSet(dialectOf(db), node, hints);
  switch (set.kind) {
    case "none":
      return sql<SqlBool>`(1 = 0)`;
    case "all":
      return sql<SqlBool>`(1 = 1)`;
    case "in":
      return sql<SqlBool>`works.id in (${set.select})`;
    case "except":
      // No select here returns NULL (ids and foreign keys are NOT NULL), so NOT IN is exact.
      return sql<SqlBool>`works.id not in (${set.select})`;
  }
}

/**
 * The works the query's words find, for a listing to start from: on SQLite, when the words are
 * all plain, one search_docs MATCH (`docs`: each work once, so the listing joins it to works
 * instead of testing every work against a list); otherwise the condition textCondition gives.
 */
export type TextSource = { kind: "docs"; expression: string } | { kind: "condition"; condition: Expression<SqlBool> };

export function textSource(db: DbOrTrx, node: Node, hints: CompileHints): TextSource {
  if (dialectOf(db) === "sqlite" && isPlainWords(node, hints)) {
    const docs = compileDocs(node);
    if (docs.kind === "in") return { kind: "docs", expression: docs.expression };
  }
  return { kind: "condition", condition: textCondition(db, node, hints) };
}

/** The positive words and phrases of a query (not under NOT), for ranking and snippets. */
export function positiveLeaves(node: Node | null, negated = false): { field: TextField; words: string[]; prefix: boolean }[] {
  if (!node) return [];
  switch (node.kind) {
    case "term":
      return negated ? [] : [{ field: node.field, words: [node.value], prefix: node.prefix }];
    case "phrase":
      return negated ? [] : [{ field: node.field, words: node.words, prefix: false }];
    case "not":
      return positiveLeaves(node.child, !negated);
    default:
      return node.children.flatMap((c) => positiveLeaves(c, negated));
  }
}

/** What the best-match score asks of the works' own fields: the positive words and phrases in any field or a work field. */
export function relevanceTexts(dialect: Dialect, query: ParsedQuery): string[] {
  return positiveLeaves(query.text)
    .filter((l) => l.field === "any" || WORK_COLUMNS[l.field])
    .map((l) => matchText(dialect, l.words, l.prefix))
    .filter((t): t is string => t !== null);
}

/**
 * Best-match score per work (higher is better): how well the positive words match the work's own
 * fields, title weighted highest, then creators, summary and series, then notes.
 */
export function relevance(db: DbOrTrx, query: ParsedQuery): RawBuilder<number> | null {
  const dialect = dialectOf(db);
  const texts = relevanceTexts(dialect, query);
  if (texts.length === 0) return null;
  if (dialect === "sqlite") {
    const any = texts.join(" OR ");
    // The scores are computed once, for the works whose own fields match (a MATERIALIZED CTE
    // that does not depend on the outer row runs once per statement), and each listed work looks
    // its score up in them through the automatic index SQLite builds on them, also once (the
    // plan says "SEARCH scores USING AUTOMATIC COVERING INDEX"; it does in src/oracles' queries).
    // Asking FTS5 per listed work instead (MATCH with rowid = works.id) is a full-text query per
    // row: 93 s for the most common word on the benchmark's 100,000 works. Same MATCH text, same
    // bm25 arguments: the same scores.
    return sql<number>`coalesce((with scores (work_id, score) as materialized (
        select rowid, ${FTS_SCORE} from search_works where search_works match ${any})
      select score from scores where scores.work_id = works.id), 0)`;
  }
  return sql<number>`coalesce((select ts_rank(everything, ${tsRanked(texts)}) from search_works where search_works.work_id = works.id and everything @@ ${tsAnyWord(texts)}), 0)`;
}

// SQLite's best match: bm25 is negative, more negative for better matches; the weights follow
// search_works' columns: title, creators, summary, notes, end notes, series.
export const FTS_SCORE = sql.raw("-bm25(search_works, 10.0, 5.0, 2.0, 1.0, 1.0, 2.0)");

// PostgreSQL's best match: ts_rank of the positive words and phrases, for the works with any of
// their words. ts_rank gives a phrase partial credit where its words occur apart, and 1e-20 to a
// work with none of them (0 to an empty one): those all score 0.
export const tsRanked = (texts: string[]) => sql`to_tsquery('english', ${texts.map((t) => `(${t})`).join(" | ")})`;
export const tsAnyWord = (texts: string[]) => sql`to_tsquery('english', ${texts.map((t) => `(${t.replaceAll(" <-> ", " | ")})`).join(" | ")})`;

/**
 * The work ids the query's words find, as a set to intersect with (`in`) or take away from
 * (`except`) the works a listing could show; for search through the browse index.
 */
export async function textWorkIds(db: DbOrTrx, node: Node, hints: CompileHints): Promise<{ kind: "none" | "all" } | { kind: "in" | "except"; ids: number[] }> {
  const set = compileSet(dialectOf(db), node, hints);
  if (set.kind === "none" || set.kind === "all") return set;
  return { kind: set.kind, ids: await selectIntegers(db, sql`select work_id from (${set.select}) as found`) };
}

/**
 * SQLite, a query with a * prefix: which of the page's works' posted chapters match. FTS5 merges
 * the lists of every word with the prefix on each query (search_chapters has no prefix index: it
 * would multiply the biggest index), 2 s for `dr*` at 100,000 works. The page's chapters are few,
 * so they are indexed on the spot in a temporary FTS5 table with the same tokenizer and asked
 * there: the same stemming and prefix rules, whatever the archive's size. The connection is held
 * for the duration, so no other query on it sees the table half filled.
 */
async function chaptersMatchingOnPage(db: DbOrTrx, workIds: number[], match: string): Promise<{ work_id: number; id: number; position: number }[]> {
  const run = async (conn: DbOrTrx) => {
    const chapters = await conn
      .selectFrom("chapters")
      .select(["id", "work_id", "position", "content"])
      .where("work_id", "in", workIds)
      .where("posted", "=", 1)
      .orderBy("work_id")
      .orderBy("position")
      .execute();
    await sql`create virtual table if not exists temp.search_page using fts5(body, content = '', tokenize = 'porter unicode61 remove_diacritics 2')`.execute(conn);
    // Round by round: each work's first chapter, then the second chapter of the works not found
    // yet, and so on; only the first match of a work counts. Within a round, the chapters' heads
    // first (a match there is a match in the chapter, and most are found there), then the whole
    // text of those not found: tokenizing whole chapters was most of the 90 ms `snai*` took.
    const found: { work_id: number; id: number; position: number }[] = [];
    const done = new Set<number>();
    const ask = async (batch: typeof chapters, text: (html: string) => string) => {
      await sql`insert into temp.search_page (search_page) values ('delete-all')`.execute(conn);
      for (const c of batch) await sql`insert into temp.search_page (rowid, body) values (${c.id}, ${searchText(htmlToPlain(text(c.content)))})`.execute(conn);
      const { rows } = await sql<{ id: number }>`select rowid as id from temp.search_page where search_page match ${match} and rowid in (${sql.join(batch.map((c) => c.id))})`.execute(conn);
      const matched = new Set(rows.map((r) => Number(r.id)));
      for (const c of batch) {
        if (!matched.has(c.id)) continue;
        found.push({ work_id: c.work_id, id: c.id, position: c.position });
        done.add(c.work_id);
      }
      return batch.filter((c) => !matched.has(c.id));
    };
    const headOf = (html: string) => htmlHead(html, CHAPTER_HEAD);
    const byWork = new Map<number, typeof chapters>();
    for (const c of chapters) byWork.set(c.work_id, [...(byWork.get(c.work_id) ?? []), c]);
    for (let round = 0; ; round++) {
      const batch = [...byWork].flatMap(([workId, ofWork]) => (done.has(workId) || round >= ofWork.length ? [] : [ofWork[round]!]));
      if (batch.length === 0) break;
      const rest = await ask(batch, headOf);
      const longer = rest.filter((c) => headOf(c.content).length < c.content.length);
      if (longer.length) await ask(longer, (html) => html);
    }
    await sql`insert into temp.search_page (search_page) values ('delete-all')`.execute(conn);
    return found.sort((a, b) => a.work_id - b.work_id || a.position - b.position);
  };
  return db.isTransaction ? run(db) : (db as Kysely<any>).connection().execute((conn) => run(conn as DbOrTrx));
}

/** For a page of results: the first posted chapter of each work whose text matches the positive words. */
export async function matchingChapters(db: DbOrTrx, workIds: number[], query: ParsedQuery): Promise<Map<number, number>> {
  const dialect = dialectOf(db);
  const leaves = positiveLeaves(query.text).filter((l) => l.field === "any" || l.field === "text");
  const texts = leaves.map((l) => matchText(dialect, l.words, l.prefix)).filter((t): t is string => t !== null);
  const found = new Map<number, number>();
  if (texts.length === 0 || workIds.length === 0) return found;
  const any = dialect === "sqlite" ? texts.join(" OR ") : texts.map((t) => `(${t})`).join(" | ");
  type Row = { work_id: number; id: number; position: number };
  let rows: Row[];
  if (dialect === "sqlite" && leaves.some((l) => l.prefix)) {
    rows = await chaptersMatchingOnPage(db, workIds, any);
  } else if (dialect === "sqlite") {
    // Start from the page's works' chapters (a few dozen) and ask FTS5 about each one: it seeks
    // straight to a rowid, where listing every chapter the words occur in would list most of the
    // archive for a common word.
    ({ rows } = await sql<Row>`select chapters.work_id, chapters.id, chapters.position from chapters
      where chapters.work_id in (${sql.join(workIds)}) and chapters.posted = 1
        and exists (select 1 from search_chapters where search_chapters match ${any} and search_chapters.rowid = chapters.id)
      order by chapters.work_id, chapters.position`.execute(db));
  } else {
    ({ rows } = await sql<Row>`select chapters.work_id, chapters.id, chapters.position from search_chapters
      join chapters on chapters.id = search_chapters.chapter_id
      where body @@ to_tsquery('english', ${any}) and chapters.posted = 1 and chapters.work_id in (${sql.join(workIds)})
      order by chapters.work_id, chapters.position`.execute(db));
  }
  for (const row of rows) if (!found.has(row.work_id)) found.set(row.work_id, row.id);
  return found;
}

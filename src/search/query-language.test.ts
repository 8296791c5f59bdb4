import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeQuery,
  formatNode,
  type Node,
  type ParsedQuery,
  parseSearchQuery,
  SEARCH_LIMITS,
  type TextField,
} from "./query-language.js";

const NOW = new Date("2024-06-15T12:34:56.000Z"); // a Saturday

function parse(input: string): ParsedQuery {
  const r = parseSearchQuery(input, { now: NOW });
  if (!r.ok) assert.fail(`${JSON.stringify(input)} failed: ${r.message} at ${r.position}`);
  return r.query;
}
const text = (input: string) => parse(input).text;
function fails(input: string, position: number, message: RegExp) {
  const r = parseSearchQuery(input, { now: NOW });
  assert.equal(r.ok, false, `${JSON.stringify(input)} should fail`);
  if (r.ok) return;
  assert.match(r.message, message, JSON.stringify(input));
  assert.equal(r.position, position, `${JSON.stringify(input)}: ${r.message}`);
}

const t = (value: string, field: TextField = "any", prefix = false): Node => ({ kind: "term", field, value, prefix });
const ph = (words: string[], field: TextField = "any"): Node => ({ kind: "phrase", field, words });
const and = (...children: Node[]): Node => ({ kind: "and", children });
const or = (...children: Node[]): Node => ({ kind: "or", children });
const not = (child: Node): Node => ({ kind: "not", child });

test("empty and whitespace-only queries are fine and have no text", () => {
  for (const q of ["", "   ", "\t\n", "...", "—", '""', "-"]) {
    assert.deepEqual(parse(q), { text: null, ranges: {}, filters: {} }, JSON.stringify(q));
  }
});

test("AND by default, AND and &&", () => {
  const ab = and(t("a"), t("b"));
  assert.deepEqual(text("a b"), ab);
  assert.deepEqual(text("a AND b"), ab);
  assert.deepEqual(text("a && b"), ab);
  assert.deepEqual(text("a&&b"), ab);
  assert.deepEqual(text("dragon"), t("dragon"));
});

test("OR and ||", () => {
  assert.deepEqual(text("a OR b"), or(t("a"), t("b")));
  assert.deepEqual(text("a || b"), or(t("a"), t("b")));
  assert.deepEqual(text("a||b||c"), or(t("a"), t("b"), t("c")));
});

test("NOT and a leading minus; double negation cancels", () => {
  assert.deepEqual(text("a NOT b"), and(t("a"), not(t("b"))));
  assert.deepEqual(text("a AND NOT b"), and(t("a"), not(t("b"))));
  assert.deepEqual(text("a -b"), and(t("a"), not(t("b"))));
  assert.deepEqual(text('a -"slow burn"'), and(t("a"), not(ph(["slow", "burn"]))));
  assert.deepEqual(text("-b"), not(t("b")));
  assert.deepEqual(text("NOT NOT a"), t("a"));
  assert.deepEqual(text("-(-a)"), t("a"));
  assert.deepEqual(text("-(a b)"), not(and(t("a"), t("b"))));
  // a minus that is not right before a term is punctuation
  assert.deepEqual(text("a - b"), and(t("a"), t("b")));
  assert.deepEqual(text("a -... b"), and(t("a"), t("b")));
  assert.deepEqual(text('a -"" b'), and(t("a"), t("b")));
  assert.deepEqual(text("x-men"), and(t("x"), t("men")));
});

test("operators only in capitals", () => {
  assert.deepEqual(text("cats and dogs or not"), and(t("cats"), t("and"), t("dogs"), t("or"), t("not")));
  assert.deepEqual(text("ORwell NOTebook"), and(t("orwell"), t("notebook")));
});

test("precedence: NOT > AND > OR", () => {
  assert.deepEqual(text("a b OR c"), or(and(t("a"), t("b")), t("c")));
  assert.deepEqual(text("a OR b c"), or(t("a"), and(t("b"), t("c"))));
  assert.deepEqual(text("a AND b OR c AND d"), or(and(t("a"), t("b")), and(t("c"), t("d"))));
  assert.deepEqual(text("NOT a OR b"), or(not(t("a")), t("b")));
  assert.deepEqual(text("NOT a b"), and(not(t("a")), t("b")));
  assert.deepEqual(text("a OR NOT b"), or(t("a"), not(t("b"))));
});

test("parentheses group and nest; same-kind nodes are flattened", () => {
  assert.deepEqual(text("a (b OR c)"), and(t("a"), or(t("b"), t("c"))));
  assert.deepEqual(text("(a b) OR c"), or(and(t("a"), t("b")), t("c")));
  assert.deepEqual(text("((a OR (b OR c)) d)"), and(or(t("a"), t("b"), t("c")), t("d")));
  assert.deepEqual(text("a (b (c (d)))"), and(t("a"), t("b"), t("c"), t("d")));
  assert.deepEqual(text("(a OR -(b c)) NOT (d OR e)"), and(or(t("a"), not(and(t("b"), t("c")))), not(or(t("d"), t("e")))));
  assert.deepEqual(text("foo(bar)"), and(t("foo"), t("bar")));
});

test("phrases, with straight or curly quotes; * inside a phrase is punctuation", () => {
  assert.deepEqual(text('"slow burn"'), ph(["slow", "burn"]));
  assert.deepEqual(text("“slow burn” ”x”"), and(ph(["slow", "burn"]), ph(["x"])));
  assert.deepEqual(text('"drag* queen"'), ph(["drag", "queen"]));
  assert.deepEqual(text('"  It\'s   FINE!  "'), ph(["its", "fine"]));
  assert.deepEqual(text('a"b c"d'), and(t("a"), ph(["b", "c"]), t("d")));
});

test("each text field and alias", () => {
  const cases: [string, TextField][] = [
    ["title", "title"],
    ["creator", "creators"],
    ["creators", "creators"],
    ["author", "creators"],
    ["authors", "creators"],
    ["summary", "summary"],
    ["notes", "notes"],
    ["endnotes", "endnotes"],
    ["end_notes", "endnotes"],
    ["tag", "tags"],
    ["tags", "tags"],
    ["fandom", "fandoms"],
    ["fandoms", "fandoms"],
    ["character", "characters"],
    ["characters", "characters"],
    ["relationship", "relationships"],
    ["relationships", "relationships"],
    ["freeform", "freeforms"],
    ["freeforms", "freeforms"],
    ["Fandom", "fandoms"],
    ["series", "series"],
    ["text", "text"],
    ["body", "text"],
    ["TITLE", "title"],
  ];
  for (const [name, field] of cases) {
    assert.deepEqual(text(`${name}:Dragon`), t("dragon", field), name);
    assert.deepEqual(text(`${name}:"the end"`), ph(["the", "end"], field), name);
    assert.deepEqual(text(`${name}:drag*`), t("drag", field, true), name);
  }
});

test("field values: groups, a space after the colon, several words, overriding", () => {
  assert.deepEqual(text("title:(dragon OR wyv*) -summary:(sad)"), and(or(t("dragon", "title"), t("wyv", "title", true)), not(t("sad", "summary"))));
  assert.deepEqual(text("title: dragon"), t("dragon", "title"));
  assert.deepEqual(text('title: "the end"'), ph(["the", "end"], "title"));
  assert.deepEqual(text("title:harry/draco"), and(t("harry", "title"), t("draco", "title")));
  assert.deepEqual(text("title:(a summary:b)"), and(t("a", "title"), t("b", "summary")));
  assert.deepEqual(text("title:OR"), t("or", "title"));
  assert.deepEqual(text("-title:x"), not(t("x", "title")));
});

test("unknown fields are plain words", () => {
  assert.deepEqual(text("xyz:abc"), and(t("xyz"), t("abc")));
  assert.deepEqual(text('universe:"star wars"'), and(t("universe"), ph(["star", "wars"])));
  assert.deepEqual(text("constructor:x __proto__:y toString"), and(t("constructor"), t("x"), t("proto"), t("y"), t("tostring")));
  assert.deepEqual(text("a: b"), and(t("a"), t("b")));
});

test("punctuation splits words and the pieces are ANDed; apostrophes are dropped", () => {
  assert.deepEqual(text("harry/draco"), and(t("harry"), t("draco")));
  assert.deepEqual(text("don't Don’t ‘quoted’ rock'n'roll"), and(t("dont"), t("dont"), t("quoted"), t("rocknroll")));
  assert.deepEqual(text("90's é'a"), and(t("90"), t("s"), t("éa"))); // only between letters, as the index drops them
  assert.deepEqual(text("e.g. foo_bar"), and(t("e"), t("g"), t("foo"), t("bar")));
  assert.deepEqual(text("harry/dra*"), and(t("harry"), t("dra", "any", true)));
  assert.deepEqual(text("@#$% &"), null);
});

test("bare m/m, f/f, f/m, m/f are phrases", () => {
  assert.deepEqual(text("m/m"), ph(["m", "m"]));
  assert.deepEqual(text("F/F"), ph(["f", "f"]));
  assert.deepEqual(text("f/m OR m/f"), or(ph(["f", "m"]), ph(["m", "f"])));
  assert.deepEqual(text("tags:M/M -f/f"), and(ph(["m", "m"], "tags"), not(ph(["f", "f"]))));
  assert.deepEqual(text("m/m/f"), and(t("m"), t("m"), t("f")));
});

test("wildcards: trailing only", () => {
  assert.deepEqual(text("drag*"), t("drag", "any", true));
  assert.deepEqual(text("drag**"), t("drag", "any", true));
  assert.deepEqual(text("Ｄrag*"), t("drag", "any", true));
  assert.deepEqual(text("dr* OR wy*"), or(t("dr", "any", true), t("wy", "any", true)));
  fails("*lock", 0, /only go at the end of a word/);
  fails("dr*g", 2, /only go at the end of a word/);
  fails("foo **bar", 4, /only go at the end of a word/);
  fails("a*", 1, /at least 2 letters/);
  fails("ok *", 3, /at least 2 letters/);
  fails("x/*", 2, /at least 2 letters/);
  fails("title:*", 6, /at least 2 letters/);
});

test("Unicode: NFKC, lower case, CJK kept together, Cyrillic, accents, other scripts", () => {
  assert.deepEqual(text("Привет МИР"), and(t("привет"), t("мир")));
  assert.deepEqual(text("Café NAÏVE e\u0301te\u0301"), and(t("café"), t("naïve"), t("été")));
  assert.deepEqual(text("ｆｉｎｅ ﬁne"), and(t("fine"), t("fine")));
  assert.deepEqual(text("一个简单の栗子"), t("一个简单の栗子"));
  assert.deepEqual(text("嘿Bob"), and(t("嘿"), t("bob")));
  assert.deepEqual(text("你好，世界"), and(t("你好"), t("世界")));
  assert.deepEqual(text('"一个简单的栗子"'), ph(["一个简单的栗子"]));
  assert.deepEqual(text('"嘿Bob 说"'), ph(["嘿", "bob", "说"]));
  assert.deepEqual(text("コーヒー ｺｰﾋｰ"), and(t("コーヒー"), t("コーヒー")));
  assert.deepEqual(text("สวัสดีครับ"), t("สวัสดีครับ"));
  assert.deepEqual(text("안녕 세계"), and(t("안녕"), t("세계")));
  assert.deepEqual(text("title:日本語"), t("日本語", "title"));
  assert.deepEqual(text("東京*"), t("東京", "any", true));
  assert.deepEqual(text("ΟΔΟΣ"), t("οδος"));
  assert.deepEqual(text("emoji 🐉 dragon"), and(t("emoji"), t("dragon")));
});

test("count ranges: every form and alias", () => {
  const r = (q: string) => parse(q).ranges;
  assert.deepEqual(r("words>1000"), { words: { min: 1001 } });
  assert.deepEqual(r("words:>1000"), { words: { min: 1001 } });
  assert.deepEqual(r("words>=1000"), { words: { min: 1000 } });
  assert.deepEqual(r("words<1000"), { words: { max: 999 } });
  assert.deepEqual(r("words:<=1000"), { words: { max: 1000 } });
  assert.deepEqual(r("words:1000-5000"), { words: { min: 1000, max: 5000 } });
  assert.deepEqual(r("words=1000-5000"), { words: { min: 1000, max: 5000 } });
  assert.deepEqual(r("words:5000-1000"), { words: { min: 1000, max: 5000 } });
  assert.deepEqual(r("words:1,000-5,000"), { words: { min: 1000, max: 5000 } });
  assert.deepEqual(r("words>1.000"), { words: { min: 1001 } });
  assert.deepEqual(r("words>1_000"), { words: { min: 1001 } });
  assert.deepEqual(r("word_count>10 WORDS_COUNT<20 wordcount>11"), { words: { min: 12, max: 19 } });
  assert.deepEqual(r("kudos>10"), { kudos: { min: 11 } });
  assert.deepEqual(r("kudos:100-500"), { kudos: { min: 100, max: 500 } });
  assert.deepEqual(r("kudos_count=7"), { kudos: { min: 7, max: 7 } });
  assert.deepEqual(r("hits<50"), { hits: { max: 49 } });
  assert.deepEqual(r("hits:<100"), { hits: { max: 99 } });
  assert.deepEqual(r("comments=3"), { comments: { min: 3, max: 3 } });
  assert.deepEqual(r("comments:3"), { comments: { min: 3, max: 3 } });
  assert.deepEqual(r("comment_count>0"), { comments: { min: 1 } });
  assert.deepEqual(r("bookmarks_count>5"), { bookmarks: { min: 6 } });
  assert.deepEqual(r("bookmark:2"), { bookmarks: { min: 2, max: 2 } });
  assert.deepEqual(r("chapters:1-3"), { chapters: { min: 1, max: 3 } });
  assert.deepEqual(r("words:0"), { words: { min: 0, max: 0 } });
  assert.deepEqual(r("(words>10) kudos>1 (a)"), { words: { min: 11 }, kudos: { min: 2 } });
  const q = parse("arthur merlin words>1000 sort:hits");
  assert.deepEqual(q.text, and(t("arthur"), t("merlin")));
  assert.deepEqual(q.ranges, { words: { min: 1001 } });
  assert.deepEqual(q.sort, { column: "hits", direction: "desc" });
  // counts inside words or fields are words
  assert.deepEqual(text("title:words>5"), and(t("words", "title"), t("5", "title")));
  assert.deepEqual(text("wordsmith:5"), and(t("wordsmith"), t("5")));
});

test("count range errors", () => {
  fails("words>", 0, /“words>” needs a number/);
  fails("a kudos:lots", 2, /needs a number: try kudos>100/);
  fails("words>1000-5000", 0, /needs a number/);
  fails("words> 5", 0, /needs a number/);
  fails("words>5x", 0, /needs a number/);
  fails("words>9999999999999999", 0, /too large/);
  fails("hits<0", 0, /can never match/);
  fails("kudos>10 kudos<5", 9, /“kudos<5” contradicts “kudos>10”/);
  fails("words:1-5 words:10-20", 10, /contradicts/);
});

test("updated dates relative to now", () => {
  const u = (q: string) => parse(q).updated;
  assert.deepEqual(u("updated<7 days"), { after: "2024-06-08T12:34:56.000Z" });
  assert.deepEqual(u("updated:<7days"), { after: "2024-06-08T12:34:56.000Z" });
  assert.deepEqual(u("updated>2 weeks"), { before: "2024-06-01T12:34:56.000Z" });
  assert.deepEqual(u("updated<1 week"), { after: "2024-06-08T12:34:56.000Z" });
  assert.deepEqual(u("updated<3 hours"), { after: "2024-06-15T09:34:56.000Z" });
  assert.deepEqual(u("updated>1 year"), { before: "2023-06-15T12:34:56.000Z" });
  assert.deepEqual(u("date:13-21 months"), { after: "2022-09-15T12:34:56.000Z", before: "2023-05-15T12:34:56.000Z" });
  assert.deepEqual(u("date:21-13 months"), u("date:13-21 months"));
  assert.deepEqual(u("Revised_At<2 Days"), { after: "2024-06-13T12:34:56.000Z" });
  // exact: that whole calendar period (UTC)
  assert.deepEqual(u("updated:2 months ago"), { after: "2024-04-01T00:00:00.000Z", before: "2024-04-30T23:59:59.999Z" });
  assert.deepEqual(u("updated=2 months"), u("updated:2 months ago"));
  assert.deepEqual(u("date:1 day"), { after: "2024-06-14T00:00:00.000Z", before: "2024-06-14T23:59:59.999Z" });
  assert.deepEqual(u("date:0 weeks"), { after: "2024-06-10T00:00:00.000Z", before: "2024-06-16T23:59:59.999Z" });
  assert.deepEqual(u("date:1 year"), { after: "2023-01-01T00:00:00.000Z", before: "2023-12-31T23:59:59.999Z" });
  assert.deepEqual(u("date:2 hours"), { after: "2024-06-15T10:00:00.000Z", before: "2024-06-15T10:59:59.999Z" });
  // both bounds intersect; months clamp the day; absurd numbers stop at year 1
  assert.deepEqual(u("updated>1 week updated<1 month"), { after: "2024-05-15T12:34:56.000Z", before: "2024-06-08T12:34:56.000Z" });
  const march31 = parseSearchQuery("updated<1 month", { now: new Date("2024-03-31T00:00:00Z") });
  assert.ok(march31.ok);
  assert.deepEqual(march31.query.updated, { after: "2024-02-29T00:00:00.000Z" });
  assert.deepEqual(u("updated<99999999999 years"), { after: "0001-01-01T00:00:00.000Z" });
  assert.deepEqual(u("updated<99999999999 days"), { after: "0001-01-01T00:00:00.000Z" });
  // the default now is the current time
  const r = parseSearchQuery("updated<1 day");
  assert.ok(r.ok);
  assert.ok(Math.abs(Date.parse(r.query.updated!.after!) - (Date.now() - 86_400_000)) < 60_000);
});

test("updated date errors", () => {
  fails("updated<7", 0, /needs a number and a unit/);
  fails("x date:yesterday", 2, /needs a number and a unit/);
  fails("updated<7 fortnights", 0, /needs a number and a unit/);
  fails("updated<1-2 days", 0, /needs a number and a unit/);
  fails("updated<1 week updated>2 weeks", 15, /“updated>2 weeks” contradicts “updated<1 week”/);
});

test("filters: completion, crossover, single chapter, language, rating", () => {
  const f = (q: string) => parse(q).filters;
  assert.deepEqual(f("complete:true"), { complete: true });
  assert.deepEqual(f("complete:yes"), { complete: true });
  assert.deepEqual(f("complete:NO"), { complete: false });
  assert.deepEqual(f("complete:false"), { complete: false });
  assert.deepEqual(f("crossover:true"), { crossover: true });
  assert.deepEqual(f("crossovers:f"), { crossover: false });
  assert.deepEqual(f("single_chapter:true"), { singleChapter: true });
  assert.deepEqual(f("singlechapter:0"), { singleChapter: false });
  assert.deepEqual(f("language:en"), { language: "en" });
  assert.deepEqual(f("language_id:EN"), { language: "en" });
  assert.deepEqual(f("language:pt-br"), { language: "pt-BR" });
  assert.deepEqual(f("lang:zh_hans"), { language: "zh-Hans" });
  assert.deepEqual(f("language:German"), { language: "de" });
  assert.deepEqual(f("language:Русский"), { language: "ru" });
  assert.deepEqual(f("language:gsw"), { language: "gsw" }); // well-formed but not in our list
  assert.deepEqual(f("rating:explicit"), { rating: "Explicit" });
  assert.deepEqual(f("rating:EXPLICIT"), { rating: "Explicit" });
  assert.deepEqual(f("rating:general"), { rating: "General Audiences" });
  assert.deepEqual(f("rating:teen"), { rating: "Teen And Up Audiences" });
  assert.deepEqual(f("rating:mature"), { rating: "Mature" });
  assert.deepEqual(f("rating:notrated"), { rating: "Not Rated" });
  assert.deepEqual(f('rating:"not rated"'), { rating: "Not Rated" });
  assert.deepEqual(f('rating:"Teen And Up Audiences"'), { rating: "Teen And Up Audiences" });
  assert.deepEqual(f("rating:general_audiences"), { rating: "General Audiences" });
  assert.deepEqual(f("rating: mature complete: true"), { rating: "Mature", complete: true });
  assert.deepEqual(f("complete:true complete:yes"), { complete: true });
  const q = parse("dragon complete:true (crossover:false) language:en rating:teen");
  assert.deepEqual(q.text, t("dragon"));
  assert.deepEqual(q.filters, { complete: true, crossover: false, language: "en", rating: "Teen And Up Audiences" });
});

test("filter errors", () => {
  fails("complete:maybe", 0, /“complete:” takes true or false/);
  fails("a crossover:", 2, /“crossover:” needs a value/);
  fails("rating:xyz", 0, /no rating “xyz”/);
  fails("language:klingon", 0, /no language “klingon”/);
  fails("language:x", 0, /no language/);
  fails("language:constructor", 0, /no language “constructor”/);
  fails("language:__proto__", 0, /no language/);
  fails("rating:constructor", 0, /no rating/);
  fails("complete:constructor", 0, /takes true or false/);
  fails("sort:constructor", 0, /can't be sorted by/);
  fails('rating:"teen', 7, /quotation mark is never closed/);
  fails("complete:true complete:false", 14, /“complete:false” contradicts “complete:true”/);
  fails("rating:teen rating:mature", 12, /contradicts/);
  fails("language:en language:de", 12, /contradicts/);
});

test("filters apply to the whole search: not under NOT, not beside OR", () => {
  fails("x NOT kudos>5", 6, /can't be negated/);
  fails("-complete:true", 1, /can't be negated; use complete:false instead/);
  fails("-(a crossover:true)", 4, /use crossover:false instead/);
  fails("a OR kudos>5", 5, /one side of an OR/);
  fails("kudos>5 a OR b", 0, /one side of an OR/);
  fails("(a sort:kudos) OR b", 3, /one side of an OR/);
  fails("a OR (b updated<2 days)", 8, /one side of an OR/);
});

test("sorting", () => {
  const s = (q: string) => parse(q).sort;
  assert.deepEqual(s("sort:kudos"), { column: "kudos", direction: "desc" });
  assert.deepEqual(s("sort:>words"), { column: "words", direction: "asc" });
  assert.deepEqual(s("sort:<words"), { column: "words", direction: "desc" });
  assert.deepEqual(s("sort:title"), { column: "title", direction: "asc" });
  assert.deepEqual(s("sort:<title"), { column: "title", direction: "desc" });
  assert.deepEqual(s("sort:creator"), { column: "creator", direction: "asc" });
  assert.deepEqual(s("sort:author descending"), { column: "creator", direction: "desc" });
  assert.deepEqual(s("sorted by: title ascending"), { column: "title", direction: "asc" });
  assert.deepEqual(s("sorted by: title descending"), { column: "title", direction: "desc" });
  assert.deepEqual(s("sort by:kudos asc"), { column: "kudos", direction: "asc" });
  assert.deepEqual(s("sort:hits"), { column: "hits", direction: "desc" });
  assert.deepEqual(s("sort:comments"), { column: "comments", direction: "desc" });
  assert.deepEqual(s("sort:bookmarks"), { column: "bookmarks", direction: "desc" });
  assert.deepEqual(s("sort:posted"), { column: "posted", direction: "desc" });
  assert.deepEqual(s("sorted by: date posted"), { column: "posted", direction: "desc" });
  assert.deepEqual(s('sort:"date updated"'), { column: "updated", direction: "desc" });
  assert.deepEqual(s("sort:updated asc"), { column: "updated", direction: "asc" });
  assert.deepEqual(s("sort:word_count"), { column: "words", direction: "desc" });
  assert.deepEqual(s("sort:word count"), { column: "words", direction: "desc" });
  assert.deepEqual(s("sort:best"), { column: "best", direction: "desc" });
  assert.deepEqual(s('sort:"best match"'), { column: "best", direction: "desc" });
  assert.deepEqual(s("sort:>words ascending"), { column: "words", direction: "asc" });
  const q = parse("sorted by: date updated descending dragon");
  assert.deepEqual(q.text, t("dragon"));
  assert.deepEqual(q.sort, { column: "updated", direction: "desc" });
  assert.deepEqual(text("sort kudos"), and(t("sort"), t("kudos")));
  fails("sort:", 0, /what to sort by/);
  fails("a sort:colour", 2, /can't be sorted by “colour”/);
  fails("sort:>title descending", 0, /two different directions/);
  fails("sort:kudos sort:hits", 11, /contradicts/);
});

test("syntax errors name the problem and its position", () => {
  fails("foo OR", 4, /^OR needs a search term after it/);
  fails("foo ||", 4, /^\|\| needs a search term after it/);
  fails("OR foo", 0, /^OR needs a search term before it/);
  fails("a AND", 2, /^AND needs a search term after it/);
  fails("AND a", 0, /^AND needs a search term before it/);
  fails("a AND OR b", 2, /^AND needs a search term after it/);
  fails("a OR OR b", 2, /^OR needs a search term after it/);
  fails("NOT", 0, /^NOT needs a search term after it/);
  fails("a NOT", 2, /^NOT needs a search term after it/);
  fails("NOT OR a", 0, /^NOT needs a search term after it/);
  fails("-AND", 0, /minus sign/);
  fails("(a", 0, /This \( is never closed/);
  fails("x ((a) b", 2, /This \( is never closed/);
  fails("a)", 1, /This \) has no matching \(/);
  fails("(a)) b", 3, /This \) has no matching \(/);
  fails("()", 0, /parentheses have nothing inside/);
  fails("a (  ) b", 2, /parentheses have nothing inside/);
  fails("(OR a)", 1, /OR needs a search term before it/);
  fails('"abc', 0, /quotation mark is never closed/);
  fails('a "b" "c', 6, /quotation mark is never closed/);
  fails('sort:"kudos', 5, /quotation mark is never closed/);
  fails("title:", 0, /“title:” needs a word or a "phrase"/);
  fails("a Author:", 2, /“Author:” needs a word/);
  fails("title: OR x", 0, /“title:” needs a word/);
  fails("title:) ", 0, /needs a word/);
  fails("(title:)", 1, /needs a word/);
  fails('title:""', 0, /needs a word/);
  fails("title:...", 0, /needs a word/);
  fails("title:()", 6, /parentheses have nothing inside/);
  fails("title:(a", 6, /This \( is never closed/);
});

test("bounds: length, terms, nesting, wildcards", () => {
  const long = "a ".repeat(500) + "b";
  fails(long, SEARCH_LIMITS.maxLength, /1,001 characters long; the most is 1,000/);
  assert.equal(parseSearchQuery("x".repeat(1000)).ok, true);

  const fifty = Array.from({ length: 50 }, (_, i) => `w${i}`).join(" ");
  assert.equal(parse(fifty).text?.kind, "and");
  fails(`${fifty} extra`, fifty.length + 1, /more than 50 words and phrases/);
  fails(`${Array.from({ length: 51 }, () => '"a b"').join(" ")}`, 50 * 6, /more than 50/);
  fails("a/".repeat(51), 100, /more than 50/); // one typed token, 51 words
  assert.equal(parse('"' + "word ".repeat(150) + '"').text?.kind, "phrase"); // a long passage is one phrase

  const nest = (n: number) => "(".repeat(n) + "a" + ")".repeat(n);
  assert.deepEqual(text(nest(10)), t("a"));
  fails(nest(11), 10, /nested at most 10 deep/);
  assert.deepEqual(text("title:" + nest(10)), t("a", "title"));
  fails("(title:" + nest(10) + ")", 16, /nested at most 10 deep/);

  assert.equal(parse("ab* cd* ef* gh* ij*").text?.kind, "and");
  fails("ab* cd* ef* gh* ij* kl*", 20, /at most 5 \* wildcards/);
});

test("never throws on odd input", () => {
  for (const q of [undefined, null, 42, {}] as unknown as string[]) assert.deepEqual(parseSearchQuery(q), { ok: true, query: { text: null, ranges: {}, filters: {} } });
  assert.equal(parseSearchQuery("updated<1 day", { now: new Date("garbage") }).ok, true);
  assert.equal(parseSearchQuery("a", null as unknown as undefined).ok, true);
  assert.equal(parseSearchQuery("\uD800 a\uDFFF \u0000").ok, true);
});

test("describeQuery summarises for the results heading", () => {
  const d = (q: string) => describeQuery(parse(q));
  assert.equal(d(""), "all works");
  assert.equal(d("kudos>99 sort:hits"), "kudos ≥ 100, sorted by hits");
  assert.equal(
    d('Dragon* title:"The End" words:1000-50000 hits<50 comments=3 complete:true crossover:false single_chapter:true language:de rating:teen updated<7 days sort:>words'),
    'dragon* title:"the end", words 1,000–50,000, comments = 3, hits ≤ 49, updated since 2024-06-08, complete, no crossovers, single chapter, language: Deutsch, rated Teen And Up Audiences, sorted by word count (ascending)',
  );
  assert.equal(d("a b OR c -(d OR e) m/m"), "a b OR c NOT (d OR e) m/m");
  assert.equal(d("(a OR b) c"), "(a OR b) c");
  assert.equal(d("date:13-21 months complete:no crossover:yes single_chapter:no sort:<title"), "updated 2022-09-15 to 2023-05-15, works in progress, crossovers only, multi-chapter, sorted by title (descending)");
  assert.equal(d("updated>2 weeks sort:title"), "updated before 2024-06-01, sorted by title");
  assert.equal(d("language:gsw"), "language: gsw");
});

test("formatNode writes a tree that parses back to itself", () => {
  for (const q of ["a b OR c", "-(a b) OR title:drag* tags:m/m", '"一个 简单" NOT (x OR summary:"y z")', "a OR (b (c OR d))", "NOT a"]) {
    const node = text(q)!;
    assert.deepEqual(text(formatNode(node)), node, q);
  }
});

/** Checks the normal form the compilers rely on; returns the number of terms and wildcards. */
function checkTree(node: Node, counts = { leaves: 0, wildcards: 0 }) {
  switch (node.kind) {
    case "term":
      counts.leaves++;
      assert.match(node.value, /^[\p{L}\p{M}\p{N}]+$/u);
      assert.equal(node.value, node.value.normalize("NFKC").toLowerCase().normalize("NFKC"));
      if (node.prefix) {
        counts.wildcards++;
        assert.ok([...node.value].length >= SEARCH_LIMITS.minPrefixLength);
      }
      break;
    case "phrase":
      counts.leaves++;
      assert.ok(node.words.length > 0);
      for (const w of node.words) assert.match(w, /^[\p{L}\p{M}\p{N}]+$/u);
      break;
    case "and":
    case "or":
      assert.ok(node.children.length >= 2);
      for (const c of node.children) {
        assert.notEqual(c.kind, node.kind);
        checkTree(c, counts);
      }
      break;
    case "not":
      assert.notEqual(node.child.kind, "not");
      checkTree(node.child, counts);
      break;
  }
  return counts;
}

test("fuzz: 5,000 random strings from the syntax alphabet never throw and finish fast", () => {
  let seed = 0x5eed;
  const random = () => {
    // mulberry32: deterministic, so a failure can be replayed
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const pieces = [
    "a", "bc", "dragon", "Ω", "ж", "日本", "é", "ｆ", "İ", "'", "’", " ", " ", " ", "  ", "\t", "(", ")", '"', "“", "”", "-", "--", "*", "**",
    ":", "<", ">", "=", "<=", "|", "||", "&", "&&", ",", ".", "_", "/", "m/m", "F/F", "0", "7", "100", "1,000", "AND", "OR", "NOT", "and",
    "title:", "creator:", "tags:", "body:", "xyz:", "words", "kudos", "hits", "_count", "updated", "date", " days", "months", " ago",
    "sort:", "sorted by:", "ascending", "desc", "complete:", "true", "no", "crossover:", "single_chapter:", "language:", "en", "rating:",
    "teen", "explicit", "constructor", "__proto__", "\u0301", "🐉", "\uD800", "ｰ", "Ⅻ", "½",
  ];
  const started = performance.now();
  let ok = 0;
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 24);
    let input = "";
    for (let j = 0; j < length; j++) input += pick(pieces);
    let r;
    try {
      r = parseSearchQuery(input, { now: NOW });
    } catch (error) {
      assert.fail(`threw on ${JSON.stringify(input)}: ${error}`);
    }
    if (!r.ok) {
      assert.ok(r.message.length > 0 && !r.message.startsWith("Sorry"), `internal error on ${JSON.stringify(input)}`);
      assert.ok(Number.isInteger(r.position) && r.position >= 0 && r.position <= input.length, `position ${r.position} in ${JSON.stringify(input)}`);
      continue;
    }
    ok++;
    const { text: node } = r.query;
    if (node) {
      const counts = checkTree(node);
      assert.ok(counts.leaves <= SEARCH_LIMITS.maxTerms && counts.wildcards <= SEARCH_LIMITS.maxWildcards);
      const again = parseSearchQuery(formatNode(node), { now: NOW });
      assert.ok(again.ok, `formatted ${JSON.stringify(formatNode(node))} of ${JSON.stringify(input)} does not parse`);
      assert.deepEqual(again.query.text, node, `round trip of ${JSON.stringify(input)}`);
    }
    assert.equal(typeof describeQuery(r.query), "string");
  }
  const elapsed = performance.now() - started;
  assert.ok(ok > 1000, `only ${ok} of 5,000 parsed; the fuzz alphabet is too hostile to test much`);
  // Not a benchmark: the bound is loose enough for a loaded CI machine (it took about 0.5 s on a
  // quiet one) and still catches parsing that grows exponentially with nesting.
  assert.ok(elapsed < 30_000, `fuzz took ${Math.round(elapsed)} ms`);
});

test("worst cases stay fast", () => {
  const inputs = [
    "(".repeat(1000),
    "-".repeat(999) + "a",
    "NOT ".repeat(249) + "a",
    '"'.repeat(999),
    "a".repeat(1000),
    "*".repeat(1000),
    "words:" + "1,".repeat(497),
    "sort:" + " ".repeat(995),
    "a/".repeat(500),
    "日本".repeat(500),
    "updated<" + "9".repeat(600) + " days",
    '-""'.repeat(333),
    "-(".repeat(500),
    "title:(".repeat(142),
    "sort:".repeat(200),
  ];
  const started = performance.now();
  for (const q of inputs) for (let i = 0; i < 20; i++) parseSearchQuery(q, { now: NOW });
  // A loose bound (see the fuzz above): exponential backtracking on these inputs would take hours.
  assert.ok(performance.now() - started < 10_000);
});

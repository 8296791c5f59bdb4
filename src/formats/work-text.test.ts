import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import sanitizeHtml from "sanitize-html";
import {
  HEADER_LABELS,
  htmlToText,
  parseWorkText,
  serializeWorkText,
  splitHeaderList,
  textToHtml,
  type ParseResult,
  type WorkText,
} from "./work-text.js";
import { sharedFile } from "../../test/support/shared.js";

const NB = "\u00a0";
const FIXTURES = ["work-text-multichapter.txt", "work-text-cjk.txt", "work-text-tricky.txt"].map(
  (name) => new URL(`../../test/fixtures/${name}`, import.meta.url),
);

function parsed(text: string): Extract<ParseResult, { ok: true }> {
  const r = parseWorkText(text);
  if (!r.ok) assert.fail(r.error.message);
  return r;
}
const bodyOf = (file: string) => file.slice(file.indexOf("\nWork Text:\n\n") + 13).replace(/\n$/, "");
const headerLinesOf = (file: string) =>
  file.slice(0, file.indexOf("\nWork Text:\n")).split("\n").filter((l) => /^[A-Za-z ]+: ./.test(l));

/** The format's promises, checked on one file. */
function checkPromises(file: string) {
  const first = parsed(file);
  const out = serializeWorkText(first.work);
  const lf = file.replace(/\r\n/g, "\n"); // CRLF is accepted on import, LF is written
  assert.equal(bodyOf(out), bodyOf(lf), "body after Work Text: byte for byte");
  for (const line of headerLinesOf(lf)) {
    if (HEADER_LABELS.some((l) => line.startsWith(`${l}: `))) assert.ok(out.split("\n").includes(line), `header kept: ${line}`);
  }
  assert.deepEqual(parsed(out).work, first.work, "importing the export gives the same work");
  return { first, out };
}

test("the seed file round-trips", (t) => {
  const seed = sharedFile(t, "fixtures/seed-work.txt", "the seed file's round trip");
  if (!seed) return;
  const file = readFileSync(seed, "utf8");
  const { first, out } = checkPromises(file);
  assert.equal(first.work.title, "that constant sting they call love");
  assert.deepEqual(first.work.headers, []);
  assert.equal(first.work.chapters.length, 1);
  assert.deepEqual(first.warnings, []);
  assert.equal(out, file.endsWith("\n") ? file : file + "\n"); // already canonical: the whole file survives
});

for (const url of FIXTURES) {
  const name = url.pathname.split("/").pop();
  test(`fixture ${name} round-trips, also as CRLF`, () => {
    const file = readFileSync(url, "utf8");
    const { first, out } = checkPromises(file);
    assert.equal(out, file.endsWith("\n") ? file : file + "\n"); // written in canonical form
    const crlf = checkPromises(file.replace(/\n/g, "\r\n"));
    assert.deepEqual(crlf.first.work, first.work);
  });
}

test("multi-chapter fixture: every header, sections and chapter titles", () => {
  const r = parsed(readFileSync(FIXTURES[0], "utf8"));
  // Every label of the format's first version (the later ones are tested on their own below).
  const firstVersion = ["Rating", "Archive Warning", "Category", "Fandom", "Relationship", "Character", "Additional Tags", "Language", "Series", "Author", "Published", "Updated", "Completed", "Words", "Chapters"];
  assert.deepEqual(r.work.headers.map((h) => h.label), HEADER_LABELS.filter((label) => firstVersion.includes(label)));
  assert.equal(r.headerLines[0], 5);
  assert.equal(r.work.headers[3].value, "Original Work");
  assert.deepEqual(splitHeaderList(r.work.headers[5].value), ["Maren Holt", "Ilse Varga", "The Cartographer"]);
  assert.match(r.work.summary!, /^<p>Maren has kept.*<\/p>\n<p>Then a cartographer.*<\/p>$/);
  assert.equal(r.work.notes, "<p>Written for the Small Islands exchange.<br />Thanks to R. for reading this twice &amp; catching the tides.</p>");
  assert.match(r.work.endNotes!, /^<p>The Teeth are real.*<br \/>Comments are always welcome\.<\/p>$/);
  assert.deepEqual(r.work.chapters.map((c) => c.title), ["Fog Bell", null, "The Ledger"]);
  assert.match(r.work.chapters[1].html, /^<p>The cartographer’s map/);
  assert.match(r.work.chapters[1].html, /rain\.<br \/>“Who drew this\?”<br \/>/);
});

test("CJK fixture keeps its text and list values", () => {
  const r = parsed(readFileSync(FIXTURES[1], "utf8"));
  assert.equal(r.work.title, "纸灯笼");
  assert.deepEqual(splitHeaderList(r.work.headers.find((h) => h.label === "Character")!.value), ["林小雨", "佐藤ハナ"]);
  assert.match(r.work.chapters[0].html, /<p>「また明日ね」と、ハナは別れ際に言った。<\/p>/);
});

test("tricky fixture: escaping, U+00A0, trailing spaces, blank-line runs", () => {
  const r = parsed(readFileSync(FIXTURES[2], "utf8"));
  const html = r.work.chapters[0].html;
  assert.equal(r.work.title, "Ampersands & <Angles>");
  assert.match(html, /BREAD &amp; SALT &lt;since 1890&gt;, and somebody had added &lt;3 in chalk underneath\.\u00a0<\/p>/);
  assert.match(html, /wrote &amp;amp; on/);
  assert.match(html, /her oven\. {3}<br \/>/);
  assert.ok(html.includes(`<p><span>${NB}</span></p>`));
  assert.equal(html.match(/<p>&nbsp;<\/p>/g)?.length, 1 + 2 + 3 + 4);
  assert.match(r.warnings[0], /^Line 33: "Chapter 3" looks like a chapter heading/);
});

test("textToHtml follows the paragraph rules exactly", () => {
  assert.equal(textToHtml("a\nb\n\nc"), "<p>a<br />b</p>\n<p>c</p>");
  assert.equal(textToHtml("a\n\n\n\nb"), "<p>a</p>\n<p>&nbsp;</p>\n<p>&nbsp;</p>\n<p>b</p>");
  assert.equal(textToHtml("x < y & z > w"), "<p>x &lt; y &amp; z &gt; w</p>");
  assert.equal(textToHtml(`“curly”${NB}  `), `<p>“curly”${NB}  </p>`);
  assert.equal(textToHtml(NB), `<p><span>${NB}</span></p>`);
  assert.equal(textToHtml("a\r\nb"), "<p>a<br />b</p>");
  assert.equal(textToHtml(""), "");
});

test("htmlToText inverts textToHtml on tricky bodies, even after sanitize-html", () => {
  const bodies = [
    "one", "a\nb", "a\n\nb", "a\n\n\nb", "a\n\n\n\n\n\nb", "\nleading", "\n\n\nleading", "trailing\n", "trailing\n\n\n",
    NB, `a\n\n${NB}\n\nb`, `a\n\n\n${NB}\n\n\nb`, `${NB}\n${NB}`, " ", "  \n\t", " x \n   \n\ty ",
    "<3 &amp; &nbsp; <p>not a tag</p> & > <", `line${NB}\n${NB}line`, "‘quote’ “quote” — dash…",
    "a\rb", "\n", "\n\n", "Chapter 1\n\nnot a heading here", "漢字\n\nかな カナ", "",
  ];
  for (const body of bodies) {
    const html = textToHtml(body);
    assert.equal(htmlToText(html), body, JSON.stringify(body));
    // The stored HTML may pass through the sanitizer; spacers and NBSP paragraphs stay apart.
    assert.equal(htmlToText(sanitizeHtml(html)), body, `sanitized ${JSON.stringify(body)}`);
  }
});

test("htmlToText on arbitrary HTML", () => {
  assert.equal(htmlToText("<p>a<em>b</em></p><ul><li>x</li></ul>"), "ab\n\nx");
  assert.equal(htmlToText("<p>caf&eacute; &amp; &lt;tea&gt;&nbsp;</p>"), `café & <tea>${NB}`);
  assert.equal(htmlToText("<p>one\n  two<br />\nthree<br /></p>\n\n<p></p><div>\n</div>"), "one two\nthree");
  assert.equal(htmlToText("<p>x</p><p>&#160;</p><p>\u00a0</p><hr /><p>y</p>"), "x\n\n\n\n\ny");
  assert.equal(htmlToText("<h2>Title</h2>loose <b>text</b><blockquote><p>q</p></blockquote>"), "Title\n\nloose text\n\nq");
  assert.equal(htmlToText("<pre>\n  code\n    more</pre><script>alert(1)</script><style>p{}</style>"), "  code\n    more");
  assert.equal(htmlToText("<table><tr><td>c1</td><td>c2</td></tr></table>"), "c1\n\nc2");
});

function fails(text: string, line: number, expected: RegExp) {
  const r = parseWorkText(text);
  assert.equal(r.ok, false, `should fail: ${JSON.stringify(text)}`);
  if (r.ok) return;
  assert.equal(r.error.line, line, r.error.message);
  assert.match(r.error.expected, expected);
  assert.ok(r.error.message.startsWith(`Line ${line}: expected `), r.error.message);
}

test("malformed files fail with the line and what was expected", () => {
  const head = "Work Header\n\nTitle\n\n";
  fails("", 1, /"Work Header"/);
  fails("Work header\n\nTitle\n\nWork Text:\n\nx\n", 1, /"Work Header"/);
  fails("Title\n\nWork Text:\n\nx", 1, /"Work Header"/);
  fails("Work Header\nTitle\n", 2, /blank line/);
  fails("Work Header\n\n\nWork Text:\n\nx", 3, /title/);
  fails("Work Header\n\n", 3, /title/);
  fails("Work Header\n\nTitle\nRating: Mature\n", 4, /blank line after the title/);
  fails(head + "Rating: Mature\n", 6, /"Work Text:"/);
  fails(head + "Rating: Mature\n\nThe story begins.\n", 7, /"Label: value"/);
  fails(head + "Rating Mature\n\nWork Text:\n\nx", 5, /"Label: value"/);
  fails(head + "Fandom: F\nPublished: 14/03/2024\n\nWork Text:\n\nx", 6, /YYYY-MM-DD/);
  fails(head + "Published: 2024-02-30\n\nWork Text:\n\nx", 5, /YYYY-MM-DD/);
  fails(head + "Chapters: three\n\nWork Text:\n\nx", 5, /x\/y/);
  fails(head + "Words: lots\n\nWork Text:\n\nx", 5, /number of words/);
  fails(head + "Series: The Salt Roads\n\nWork Text:\n\nx", 5, /Part N of NAME/);
  fails(head + "Summary: inline\n\nWork Text:\n\nx", 5, /on a line of its own/);
  fails(head + "Summary:\nno blank\n\nWork Text:\n\nx", 6, /blank line after "Summary:"/);
  fails(head + "Summary:\n\nsomething\n", 8, /"Work Text:"/);
  fails(head + "Summary:\n\na\n\nSummary:\n\nb\n\nWork Text:\n\nx", 9, /already given/);
  fails(head + "Work Text:\nx\n", 6, /blank line after "Work Text:"/);
  fails(head + "Work Text:\n", 6, /blank line after "Work Text:"/);
  fails(head + "Work Text:\n\n", 7, /the work's text/);
  fails(head + "Work Text:\n\n\n\n   \n", 7, /the work's text/);
  fails(head + "Work Text:\n\nfine\nbad \u0000 byte\n", 8, /NUL/);
  fails("Work Header\n\nT\uFFFDtle\n\nWork Text:\n\nx", 3, /U\+FFFD/);
  fails("Work Header\r\n\r\nTitle\r\n\r\nRating: Mature\r\noops\r\n\r\nWork Text:\r\n\r\nx", 6, /"Label: value"/);
});

test("warnings: unknown, empty and repeated labels, chapter count", () => {
  const r = parsed(
    "Work Header\n\nT\n\nKudos: 12\nRating:\nFandom: A\nfandom: B\nChapters: 2/3\n\nWork Text:\n\nChapter 1\n\none\n\nChapter 3\n\nthree",
  );
  assert.deepEqual(r.work.headers, [{ label: "Fandom", value: "A" }, { label: "Fandom", value: "B" }, { label: "Chapters", value: "2/3" }]);
  assert.deepEqual(r.headerLines, [7, 8, 9]);
  assert.equal(r.work.chapters.length, 1); // "Chapter 3" after "Chapter 1" is out of sequence
  assert.deepEqual(
    r.warnings.map((w) => w.slice(0, 8)),
    ["Line 5: ", "Line 6: ", "Line 8: ", "Line 13:", "Line 17:", "Line 9: "],
  );
  assert.match(r.warnings[0], /unknown label "Kudos" skipped/);
  assert.match(r.warnings[5], /text has 1 chapter/);
});

test("lenient header part: BOM, order, case, extra blank lines, no final newline", () => {
  const file = "\uFEFFWork Header\n\nT  \n\n\nchapters: 1/1\nRATING: Mature\n\n\nNotes:\n\nn\n\n\nSummary:\n\n\ns\n\n\n\nWork Text:\n\nbody  ";
  const r = parsed(file);
  assert.equal(r.work.title, "T  ");
  assert.deepEqual(r.work.headers, [{ label: "Rating", value: "Mature" }, { label: "Chapters", value: "1/1" }]);
  assert.deepEqual(r.headerLines, [7, 6]);
  assert.equal(r.work.summary, "<p>s</p>");
  assert.equal(r.work.notes, "<p>n</p>");
  const out = checkPromises(file).out;
  assert.equal(out, "Work Header\n\nT  \n\nRating: Mature\nChapters: 1/1\n\nSummary:\n\ns\n\nNotes:\n\nn\n\nWork Text:\n\nbody  \n");
});

test("chapter headings", () => {
  const body = (b: string) => parsed(`Work Header\n\nT\n\nWork Text:\n\n${b}`).work.chapters;
  assert.deepEqual(body("Chapter 1\n\nonly"), [{ title: null, html: "<p>Chapter 1</p>\n<p>only</p>" }]);
  assert.deepEqual(body("Chapter 1: Named\n\nonly"), [{ title: "Named", html: "<p>only</p>" }]);
  assert.deepEqual(body("Chapter 1\n\na\n\n\nChapter 2: Two\n\nb\n"), [
    { title: null, html: "<p>a</p>\n<p>&nbsp;</p>" },
    { title: "Two", html: "<p>b</p>" },
  ]);
  // A heading needs blank lines around it and at least one line of text before the next one.
  assert.equal(body("Chapter 1: A\n\na\nChapter 2\n\nb").length, 1);
  assert.equal(body("Chapter 1: A\n\n\nChapter 2\n\nb").length, 1);
  for (const b of ["Chapter 1\n\nx\n\nChapter 2\n\ny", "Chapter 1: A\n\nx\n\n\n\nChapter 2\n\ny\n\nEnd Notes:\n\nz", "Chapter 1\n\nx\n\nChapter 2: B"]) {
    checkPromises(`Work Header\n\nT\n\nWork Text:\n\n${b}`);
  }
});

test("end notes: the last End Notes: line between blank lines", () => {
  const r = parsed("Work Header\n\nT\n\nWork Text:\n\nShe said:\n\nEnd Notes:\n\nand left.\n\nEnd Notes:\n\nthanks\n");
  assert.equal(r.work.chapters[0].html, "<p>She said:</p>\n<p>End Notes:</p>\n<p>and left.</p>");
  assert.equal(r.work.endNotes, "<p>thanks</p>");
});

test("serializing a work built by the caller", () => {
  const work: WorkText = {
    title: "Built",
    headers: [{ label: "Words", value: "12" }, { label: "Rating", value: "Explicit" }, { label: "Author", value: "" }],
    summary: "<p>&nbsp;</p><p>Sum <em>mary</em></p>",
    notes: null,
    endNotes: "",
    chapters: [{ title: "One", html: "<p>a</p>" }, { title: null, html: "" }, { title: "", html: "<p>c</p>" }],
  };
  const out = serializeWorkText(work);
  assert.equal(
    out,
    "Work Header\n\nBuilt\n\nRating: Explicit\nWords: 12\n\nSummary:\n\nSum mary\n\nWork Text:\n\n" +
      "Chapter 1: One\n\na\n\nChapter 2\n\n\n\nChapter 3\n\nc\n",
  );
  const again = parsed(out).work;
  assert.deepEqual(again.chapters, [{ title: "One", html: "<p>a</p>" }, { title: null, html: "" }, { title: null, html: "<p>c</p>" }]);
  assert.deepEqual(parsed(serializeWorkText(again)).work, again);
  assert.throws(() => serializeWorkText({ ...work, chapters: [] }), RangeError);
  assert.throws(() => serializeWorkText({ ...work, title: " " }), RangeError);
});

test("chapter sections and the later labels: parsed onto their chapters, written back the same", () => {
  const file = [
    "Work Header", "", "Lossless", "",
    "Author: keeper, Second Keeper (second_keeper)",
    "Gift For: friend, Auntie Margaret",
    "Published: 2023-01-05",
    "Chapters: 2/2",
    "Chapter Dates: 2023-01-05, 2023-01-19",
    "Registered Only: yes",
    "Comments: registered users only",
    "Original URL: https://example.org/works/1",
    "",
    "Summary:", "", "The work's summary.", "",
    "Chapter 1 Summary:", "", "What the first chapter holds.", "",
    "Chapter 2 Notes:", "", "Before the second chapter.", "On two lines.", "",
    "Chapter 2 End Notes:", "", "After the second chapter.", "",
    "Work Text:", "", "Chapter 1: One", "", "First text.", "", "Chapter 2", "", "Second text.", "",
  ].join("\n");
  const r = parsed(file);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.work.headers.map((h) => h.label), ["Author", "Gift For", "Published", "Chapters", "Chapter Dates", "Registered Only", "Comments", "Original URL"]);
  assert.equal(r.work.summary, "<p>The work's summary.</p>");
  assert.deepEqual(r.work.chapters, [
    { title: "One", html: "<p>First text.</p>", summary: "<p>What the first chapter holds.</p>" },
    { title: null, html: "<p>Second text.</p>", notes: "<p>Before the second chapter.<br />On two lines.</p>", endNotes: "<p>After the second chapter.</p>" },
  ]);
  assert.equal(serializeWorkText(r.work), file);
  assert.deepEqual(parsed(serializeWorkText(r.work)).work, r.work);
});

test("chapter sections and the later labels: bad shapes are errors, a section past the last chapter a warning", () => {
  const head = "Work Header\n\nT\n\n";
  fails(head + "Registered Only: maybe\n\nWork Text:\n\nx", 5, /"yes" or "no"/);
  fails(head + "Comments: sometimes\n\nWork Text:\n\nx", 5, /registered users only/);
  fails(head + "Chapter Dates: 2023-01-05, 2023-02-30\n\nWork Text:\n\nx", 5, /dates YYYY-MM-DD/);
  fails(head + "Chapter 1 Notes:\nno blank\n\nWork Text:\n\nx", 6, /blank line after "Chapter 1 Notes:"/);
  fails(head + "Chapter 1 Notes:\n\na\n\nChapter 1 Notes:\n\nb\n\nWork Text:\n\nx", 9, /already given/);
  const r = parsed(head + "Chapter 3 End Notes:\n\nlate\n\nWork Text:\n\nx");
  assert.deepEqual(r.warnings, ['Line 5: "Chapter 3 End Notes:" but the text has 1 chapter(s); skipped.']);
  assert.deepEqual(r.work.chapters, [{ title: null, html: "<p>x</p>" }]);
  // A work summary runs until the next section line, a chapter's included.
  const s = parsed(head + "Summary:\n\nsum\n\nChapter 1 Summary:\n\nchapter sum\n\nWork Text:\n\nx");
  assert.equal(s.work.summary, "<p>sum</p>");
  assert.equal(s.work.chapters[0]!.summary, "<p>chapter sum</p>");
});

import type { Db } from "../../src/platform/db/index.js";
import { readZip as readEpubZip } from "../../src/formats/epub-reader.js";
import { createWork } from "../../src/works/commands.js";
import { parseChapter, parseWork, type WorkFormValues } from "../../src/works/schema.js";

/**
 * Test helpers for downloads: works posted through the same parsing (and so the same sanitizer)
 * as the posting form, the books the suite checks, and a small zip reader for EPUB contents.
 */

export interface TestChapter {
  title?: string;
  summary?: string;
  notes?: string;
  endnotes?: string;
  content: string;
}

export interface TestBook {
  title: string;
  language?: string;
  summary?: string;
  notes?: string;
  endnotes?: string;
  fandoms?: string;
  freeforms?: string;
  restricted?: boolean;
  draft?: boolean;
  chapters: TestChapter[];
}

/** Posts a work as the form would (text boxes parsed and sanitized); returns its id. */
export async function postBook(db: Db, pseudId: number, book: TestBook): Promise<number> {
  const values: WorkFormValues = {
    title: book.title,
    pseudIds: [String(pseudId)],
    rating: "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["Gen"],
    tags: { Fandom: book.fandoms ?? "Original Work", Relationship: "", Character: "Mira", Freeform: book.freeforms ?? "Sea, Lighthouses" },
    language: book.language ?? "en",
    summary: book.summary ?? "",
    notes: book.notes ?? "",
    endnotes: book.endnotes ?? "",
    restricted: book.restricted ?? false,
    commentPermission: "registered",
    expectedChapters: String(book.chapters.length),
    backdate: false,
    publishedOn: "",
  };
  const work = parseWork(values, { ownPseudIds: [pseudId], isAdmin: false, chapterCount: book.chapters.length, today: new Date().toISOString().slice(0, 10) });
  if (!work.ok) throw new Error(`test work rejected: ${JSON.stringify(work.errors)}`);
  const chapters = book.chapters.map((c) => {
    const parsed = parseChapter({ title: c.title ?? "", summary: c.summary ?? "", notes: c.notes ?? "", endnotes: c.endnotes ?? "", content: c.content });
    if (!parsed.ok) throw new Error(`test chapter rejected: ${JSON.stringify(parsed.errors)}`);
    return parsed.value;
  });
  return (await createWork(db, work.value, chapters, { draft: book.draft ?? false })).workId;
}

/** Every element the sanitizer allows (src/platform/html/sanitize.ts), each where HTML5 allows it, with the HTML4 attributes it keeps. */
export const EVERY_ELEMENT = `<h1 align="center">One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>
<p align="justify" dir="ltr" lang="fr" title="t">A <a href="https://example.org/x?a=1&amp;b=2">link</a>, a <a href="relative/page">relative link</a>, an <a name="here">anchor</a> and <a href="#here">a link to it</a>, <a href="#nowhere">a dead fragment</a>, <abbr title="abbreviation">abbr</abbr>, <acronym title="acronym">acr</acronym>, <b>b</b>, <big>big</big>, <cite>cite</cite>, <code>code</code>, <del>del</del>, <dfn>dfn</dfn>, <em>em</em>, <i>i</i>, <ins>ins</ins>, <kbd>kbd</kbd>, <q cite="https://example.org/q">q</q>, <s>s</s>, <samp>samp</samp>, <small>small</small>, <span class="my-style">span</span>, <strike>strike</strike>, <strong>strong</strong>, x<sub>sub</sub>, x<sup>sup</sup>, <tt>tt</tt>, <u>u</u>, <var>var</var>,<br>break, <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby> &amp; &lt;tags&gt; &nbsp;&copy;.</p>
<address>An address</address>
<blockquote cite="https://example.org/b"><p>Quoted.</p></blockquote>
<center>Centred</center>
<details open><summary>Summary</summary><p>Details.</p></details>
<figure><img src="https://example.org/fig.png" alt="A figure"><figcaption>Caption</figcaption></figure>
<div class="box">A div with an image <img src="https://example.org/plain.png"> and a <a href="https://example.org/"><img src="https://example.org/in-link.png" alt="linked"></a>.</div>
<dl><dt>Term</dt><dd>Definition</dd></dl>
<hr width="50%">
<ol start="3" type="a"><li>three</li><li>four</li></ol>
<ul type="disc"><li>bullet</li></ul>
<pre>pre
  formatted</pre>
<table border="1" summary="s" width="100%"><caption>Table</caption><colgroup span="2" width="10"><col span="1" width="5"></colgroup><thead><tr><th scope="col" abbr="H">Head</th><th>Head 2</th></tr></thead><tbody><tr><td colspan="1" rowspan="1" width="3" axis="a">Cell</td><td align="right">Cell 2</td></tr></tbody><tfoot><tr><td>Foot</td><td>Foot 2</td></tr></tfoot></table>`;

/** The books whose EPUBs must pass epubcheck: one chapter, thirty, images, CJK, right-to-left, every element. */
export function epubCases(): { name: string; book: TestBook }[] {
  return [
    {
      name: "one chapter",
      book: {
        title: "Salt & <Light>",
        summary: "A <em>storm</em> summary & more.",
        notes: "Beginning <strong>notes</strong>.",
        endnotes: "End notes.",
        chapters: [{ content: "The lamp turned all night.\n\nBy morning the sea was glass.", notes: "A chapter note.", endnotes: "A chapter end note." }],
      },
    },
    {
      name: "thirty chapters",
      book: {
        title: "Thirty Tides",
        summary: "Thirty chapters.",
        chapters: Array.from({ length: 30 }, (_, i) => ({
          title: i % 3 === 0 ? "" : `Tide ${i + 1}`,
          summary: i % 5 === 0 ? `Summary of chapter ${i + 1}.` : "",
          notes: i % 7 === 0 ? `Notes for chapter ${i + 1}.` : "",
          endnotes: i % 4 === 0 ? `End notes for chapter ${i + 1}.` : "",
          content: `Chapter ${i + 1} begins.\n\nThe water rose ${i + 1} feet.`,
        })),
      },
    },
    {
      name: "images",
      book: {
        title: "Pictures",
        chapters: [
          { content: '<p>Before.</p><p><img src="https://example.org/a.png" alt="A lighthouse" width="300" height="200" border="0"></p><p><img src="http://example.org/b.jpg"></p>' },
          { content: '<p><a href="https://example.org/full.png"><img src="https://example.org/thumb.png" alt="thumb"></a></p>' },
        ],
      },
    },
    {
      name: "CJK",
      book: {
        title: "灯台守の夜",
        language: "ja",
        summary: "嵐の夜、灯台守は光を守った。",
        fandoms: "オリジナル作品",
        chapters: [
          { title: "第一章", content: "灯台の光は一晩中回り続けた。\n\n朝になると海は鏡のようだった。🌊" },
          { title: "第二章", content: "<p>中文：灯塔的光整夜旋转。</p><p>한국어: 등대의 불빛이 밤새 돌았다.</p>" },
        ],
      },
    },
    {
      name: "right-to-left",
      book: {
        title: "منارة البحر",
        language: "ar",
        summary: "قصة عن منارة.",
        chapters: [
          { title: "الفصل الأول", content: "دار ضوء المنارة طوال الليل.\n\nوفي الصباح كان البحر كالزجاج." },
          { content: '<p dir="ltr">Some English inside, then עברית.</p>' },
        ],
      },
    },
    { name: "every allowed element", book: { title: "Every Element", summary: "<p>A <em>summary</em> with <a href='https://example.org'>a link</a>.</p>", chapters: [{ content: EVERY_ELEMENT }] } },
  ];
}

/** The entries of a zip file (stored or deflated), by name, in order: the archive's own ZIP reader (src/formats/epub-reader.ts), as a map. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const entries = readEpubZip(zip);
  return new Map(entries.names.map((name) => [name, entries.read(name)!]));
}

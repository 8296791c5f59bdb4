import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { htmlToTextarea, makeParagraphs } from "./paragraphs.js";
import { sanitizeUserHtml, stripToPlainText, type HtmlField } from "./sanitize.js";

const clean = (html: string, field: HtmlField = "content") => sanitizeUserHtml(html, field);
const pipeline = (raw: string, field: HtmlField = "content") => clean(makeParagraphs(raw), field);

describe("sanitizeUserHtml: removal", () => {
  it("removes script elements together with their content", () => {
    assert.equal(clean("a<script>alert(1)</script>b"), "ab");
    assert.equal(clean("<SCRIPT src=//evil.example/x.js></SCRIPT>ok"), "ok");
  });

  it("removes the content of every dangerous or non-prose container", () => {
    for (const tag of ["style", "iframe", "math", "noembed", "noframes", "noscript", "svg", "xmp", "textarea", "title"]) {
      assert.equal(clean(`a<${tag}><b>hidden</b> text</${tag}>b`), "ab", tag);
    }
    assert.equal(clean("<svg><g><text>evil</text></g><script>x</script></svg>after"), "after");
    assert.equal(clean("<xmp><img src=x onerror=alert(1)></xmp>ok"), "ok");
    assert.equal(clean("ok<plaintext>everything after"), "ok");
  });

  it("removes iframes and leaves no media embeds", () => {
    assert.equal(clean('<iframe src="https://www.youtube.com/embed/x">fallback</iframe>after'), "after");
    assert.equal(clean('<video src="https://v.example/a.mp4">fallback</video><embed src="https://x"><object data="x">o</object>'), "fallbacko");
  });

  it("removes event handler attributes", () => {
    assert.equal(clean('<img src="https://i.example/a.png" onerror="alert(1)">'), '<img src="https://i.example/a.png" />');
    assert.equal(clean('<p onclick="alert(1)" onmouseover="x">t</p>'), "<p>t</p>");
    assert.equal(clean('<a href="https://x.example" onclick="alert(1)">t</a>'), '<a href="https://x.example" rel="nofollow">t</a>');
  });

  it("removes javascript: hrefs, including obfuscated spellings", () => {
    const vectors = [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "  javascript:alert(1)",
      "\tjavascript:alert(1)",
      "&#106;avascript:alert(1)",
      "&#x6A;&#x61;vascript&colon;alert(1)",
      "java&#9;script:alert(1)",
      "java&#x0A;script:alert(1)",
      "java\nscript:alert(1)",
      "java&#1;script:alert(1)",
      "java<!--x-->script:alert(1)",
      "vbscript:msgbox(1)",
    ];
    for (const href of vectors) assert.equal(clean(`<a href="${href}">x</a>`), "<a>x</a>", href);
  });

  it("removes data: URLs from links and images", () => {
    assert.equal(clean('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>'), "<a>x</a>");
    assert.equal(clean('<img src="data:image/png;base64,AAAA">'), "");
  });

  it("removes the style attribute everywhere, and id/target", () => {
    assert.equal(clean('<p style="color:red" id="x">t</p><span style="x">s</span>'), "<p>t</p><span>s</span>");
    assert.equal(clean('<a href="/x" target="_blank">t</a>'), '<a href="/x" rel="nofollow">t</a>');
  });

  it("removes NUL and C0 control characters, including entity-encoded ones", () => {
    assert.equal(clean("a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\u007Fh"), "abcdefgh");
    assert.equal(clean("<p>a&#1;b&#31;c</p>"), "<p>abc</p>");
    assert.equal(clean("tab\tand\nnewline"), "tab\tand\nnewline");
  });

  it("removes form controls and document-level elements", () => {
    assert.equal(clean('<form action="/x"><input value="y"><button>b</button></form>'), "b");
    assert.equal(clean('<meta http-equiv="refresh" content="0;url=javascript:x"><base href="javascript:x">ok'), "ok");
  });
});

describe("sanitizeUserHtml: what is kept", () => {
  it("keeps inline formatting", () => {
    const html = "<em>e</em><strong>s</strong><i>i</i><b>b</b><u>u</u><s>s</s><sub>1</sub><sup>2</sup><code>c</code><abbr title=\"t\">a</abbr>";
    assert.equal(clean(html), html);
  });

  it("keeps block structure: blockquote, lists, headings, hr, pre, details", () => {
    const html =
      '<h2>T</h2><blockquote cite="https://src.example/"><p>q</p></blockquote><ol start="3" type="a"><li>x</li></ol>' +
      '<ul type="disc"><li>y</li></ul><dl><dt>t</dt><dd>d</dd></dl><hr /><pre>  code</pre><details open><summary>s</summary>d</details>';
    assert.equal(clean(html), html);
  });

  it("keeps tables with their allowed attributes only", () => {
    assert.equal(
      clean('<table border=1 summary=s style=x><caption>c</caption><tr><th scope=col colspan=2>h</th><td rowspan=1 onclick=x>d</td></tr></table>'),
      '<table border="1" summary="s"><caption>c</caption><tr><th scope="col" colspan="2">h</th><td rowspan="1">d</td></tr></table>',
    );
    assert.equal(clean("<colgroup span=2><col width=3></colgroup>"), '<colgroup span="2"><col width="3" /></colgroup>');
  });

  it("keeps links with allowed schemes and adds rel=nofollow", () => {
    for (const href of ["https://x.example/a?b=1&amp;c=2", "http://x.example", "mailto:a@b.example", "ftp://f.example", "/relative", "#frag", "//proto.example/x"]) {
      assert.equal(clean(`<a href="${href}">t</a>`), `<a href="${href}" rel="nofollow">t</a>`, href);
    }
  });

  it("replaces a user-supplied rel, and puts none on anchors without a link", () => {
    assert.equal(clean('<a href="https://x.example" rel="opener">t</a>'), '<a href="https://x.example" rel="nofollow">t</a>');
    assert.equal(clean('<a name="ch1" rel="nofollow"></a>'), '<a name="ch1"></a>');
  });

  it("keeps images with absolute http(s) sources only", () => {
    assert.equal(
      clean('<img src="https://i.example/a.png" alt="" width="10" height="5" border="0" align="left" style="x">'),
      '<img src="https://i.example/a.png" alt="" width="10" height="5" border="0" align="left" />',
    );
    assert.equal(clean('<img src="http://i.example/a.png">'), '<img src="http://i.example/a.png" />');
    assert.equal(clean('<img src="/relative.png"><img src="//proto.example/a.png"><img src="javascript:x"><img alt="no src">'), "");
  });

  it("restricts cite URLs to http(s) and relative", () => {
    assert.equal(clean('<blockquote cite="javascript:x">q</blockquote>'), "<blockquote>q</blockquote>");
    assert.equal(clean('<q cite="mailto:a@b.example">q</q><q cite="/rel">r</q>'), '<q>q</q><q cite="/rel">r</q>');
  });

  it("keeps lang, dir, title and align on any element", () => {
    const html = '<p lang="fr" dir="rtl" title="t" align="center">x</p><span lang="ja">日本</span>';
    assert.equal(clean(html), html);
  });

  it("keeps U+00A0 (as &nbsp;), &nbsp; and typographic characters", () => {
    assert.equal(clean("a\u00A0b &nbsp; “curly” ‘quotes’ — é ☃"), "a&nbsp;b &nbsp; “curly” ‘quotes’ — é ☃");
    assert.equal(clean("&amp;nbsp; &lt;3"), "&amp;nbsp; &lt;3");
  });

  it("closes unclosed markup and drops comments", () => {
    assert.equal(clean("<b>unclosed <i>nested"), "<b>unclosed <i>nested</i></b>");
    assert.equal(clean("<!-- hidden --><p>x</p>"), "<p>x</p>");
  });
});

describe("sanitizeUserHtml: per-field class rules", () => {
  const html = '<p class="a bb my-class _bad 9no x_y">t</p>';

  it("allows well-formed class names in content, notes and endnotes", () => {
    for (const field of ["content", "notes", "endnotes"] as const) {
      assert.equal(clean(html, field), '<p class="bb my-class x_y">t</p>', field);
    }
  });

  it("drops the class attribute when no class name is valid", () => {
    assert.equal(clean('<span class="1 _ -">t</span>', "content"), "<span>t</span>");
  });

  it("allows no class in summary, comment and profile", () => {
    for (const field of ["summary", "comment", "profile"] as const) {
      assert.equal(clean(html, field), "<p>t</p>", field);
    }
  });

  it("still allows images and links in comments", () => {
    assert.equal(
      clean('<img src="https://i.example/a.png"><a href="https://x.example">l</a>', "comment"),
      '<img src="https://i.example/a.png" /><a href="https://x.example" rel="nofollow">l</a>',
    );
  });
});

describe("stripToPlainText", () => {
  it("removes control characters, normalises to NFC and trims, without escaping", () => {
    assert.equal(stripToPlainText("  Cafe\u0301 <b>&amp;</b>\u0000\u0007 "), "Café <b>&amp;</b>");
    assert.equal(stripToPlainText("line\r\nline\ttab"), "line\nline\ttab");
    assert.equal(stripToPlainText("\u00A0nbsp-padded\u00A0"), "nbsp-padded");
  });
});

describe("makeParagraphs", () => {
  it("turns a single newline into <br /> and a blank line into a new paragraph", () => {
    assert.equal(makeParagraphs("one\ntwo\n\nthree"), "<p>one<br />two</p>\n<p>three</p>");
  });

  it("adds a spacer paragraph for 3+ newlines", () => {
    assert.equal(makeParagraphs("a\n\n\nb"), "<p>a</p>\n<p>&nbsp;</p>\n<p>b</p>");
    assert.equal(makeParagraphs("a\n\n\n\n\n\n\nb"), "<p>a</p>\n<p>&nbsp;</p>\n<p>b</p>");
  });

  it("treats 2 consecutive <br> as a paragraph split and 3+ as split plus spacer", () => {
    assert.equal(makeParagraphs("a<br><br>b"), "<p>a</p>\n<p>b</p>");
    assert.equal(makeParagraphs("a<br/><br/><br/>b"), "<p>a</p>\n<p>&nbsp;</p>\n<p>b</p>");
  });

  it("counts <br> followed by a newline as one line break", () => {
    assert.equal(makeParagraphs("a<br>\nb"), "<p>a<br />b</p>");
    assert.equal(makeParagraphs("a<br />\n<br />\nb"), "<p>a</p>\n<p>b</p>");
  });

  it("normalises CRLF and CR", () => {
    assert.equal(makeParagraphs("a\r\nb\r\n\r\nc\rd"), "<p>a<br />b</p>\n<p>c<br />d</p>");
  });

  it("wraps bare inline content and splits inline elements across paragraphs", () => {
    assert.equal(makeParagraphs("<em>one\n\ntwo</em> three"), "<p><em>one</em></p>\n<p><em>two</em> three</p>");
    assert.equal(makeParagraphs('<img src="https://i.example/a.png">'), '<p><img src="https://i.example/a.png" /></p>');
  });

  it("does not wrap block elements, and lifts them out of inline elements and <p>", () => {
    assert.equal(makeParagraphs("<h2>Title</h2>\nText"), "<h2>Title</h2>\n<p>Text</p>");
    assert.equal(makeParagraphs("text\n\n<hr>\n\ntext"), "<p>text</p>\n<hr />\n<p>text</p>");
    assert.equal(makeParagraphs("<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    assert.equal(makeParagraphs("<table><tr><td>a</td></tr></table>"), "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>");
    assert.equal(
      makeParagraphs("<p><em>a<ul><li>x</li></ul>b</em></p>"),
      "<p><em>a</em></p>\n<ul>\n<li><em>x</em></li>\n</ul>\n<p><em>b</em></p>",
    );
  });

  it("puts paragraphs inside blockquote and div, and inside list items only when there are several", () => {
    assert.equal(makeParagraphs("<blockquote>one\n\ntwo</blockquote>"), "<blockquote>\n<p>one</p>\n<p>two</p>\n</blockquote>");
    assert.equal(makeParagraphs("<ul><li>one\nline</li><li>a\n\nb</li></ul>"), "<ul>\n<li>one<br />line</li>\n<li><p>a</p>\n<p>b</p></li>\n</ul>");
  });

  it("only inserts <br> inside headings", () => {
    assert.equal(makeParagraphs("<h1>a\nb</h1>"), "<h1>a<br />b</h1>");
  });

  it("leaves text inside <pre> alone", () => {
    assert.equal(makeParagraphs("<pre>line\n\n\n  indented <3</pre>"), "<pre>line\n\n\n  indented &lt;3</pre>");
  });

  it("escapes a < that does not start a tag", () => {
    assert.equal(makeParagraphs("I <3 you"), "<p>I &lt;3 you</p>");
    assert.equal(makeParagraphs("I </3 you, a < b <= c"), "<p>I &lt;/3 you, a &lt; b &lt;= c</p>");
    assert.equal(makeParagraphs("AT&T"), "<p>AT&amp;T</p>");
  });

  it("keeps paragraphs the user wrote, applying line breaks inside them", () => {
    assert.equal(makeParagraphs("<p>a</p><p>b</p>"), "<p>a</p>\n<p>b</p>");
    assert.equal(makeParagraphs('<p align="center">a\nb\n\nc</p>'), '<p align="center">a<br />b</p>\n<p align="center">c</p>');
    assert.equal(makeParagraphs("<p>&nbsp;</p>"), "<p>&nbsp;</p>");
  });

  it("deletes empty paragraphs and strips whitespace around blocks", () => {
    assert.equal(makeParagraphs("<p></p><p> </p><p><br></p>"), "");
    assert.equal(makeParagraphs("  \n\n lead and trail  \n\n"), "<p>lead and trail</p>");
    assert.equal(makeParagraphs("a \n b"), "<p>a<br />b</p>");
  });

  it("drops the bits of a pasted document that are not content", () => {
    assert.equal(makeParagraphs("<html><head><title>t</title><style>p{}</style></head><body><p>Doc</p></body></html>"), "<p>Doc</p>");
  });

  it("is idempotent", () => {
    for (const sample of SAMPLES) {
      const once = makeParagraphs(sample);
      assert.equal(makeParagraphs(once), once, JSON.stringify(sample));
    }
  });
});

describe("htmlToTextarea", () => {
  it("turns paragraphs into blank lines, <br> into newlines and a spacer into an extra blank line", () => {
    assert.equal(htmlToTextarea("<p>a<br />b</p>\n<p>c</p>\n<p>&nbsp;</p>\n<p>d</p>"), "a\nb\n\nc\n\n\n\nd");
  });

  it("keeps other markup as HTML", () => {
    assert.equal(
      htmlToTextarea('<h2>T</h2>\n<p><em>x</em></p>\n<p class="note">y</p>'),
      '<h2>T</h2>\n\n<em>x</em>\n\n<p class="note">y</p>',
    );
  });

  it("shows a spacer it cannot express as blank lines as &nbsp;", () => {
    assert.equal(htmlToTextarea("<p>&nbsp;</p>\n<p>a</p>\n<p>&nbsp;</p>\n<p>&nbsp;</p>\n<p>b</p>"), "&nbsp;\n\na\n\n\n\n&nbsp;\n\nb");
  });

  it("leaves <3 and & readable", () => {
    assert.equal(htmlToTextarea("<p>I &lt;3 you &amp; &lt;b&gt; &amp;amp;</p>"), "I <3 you & &lt;b> &amp;amp;");
  });

  it("round-trips through makeParagraphs", () => {
    for (const sample of SAMPLES) {
      const stored = makeParagraphs(sample);
      assert.equal(makeParagraphs(htmlToTextarea(stored)), stored, JSON.stringify(sample));
      const sanitized = clean(stored);
      assert.equal(pipeline(htmlToTextarea(sanitized)), sanitized, `sanitized ${JSON.stringify(sample)}`);
    }
  });
});

describe("the full pipeline", () => {
  it("is idempotent: sanitized output survives another makeParagraphs + sanitize unchanged", () => {
    for (const sample of SAMPLES) {
      const out = pipeline(sample);
      assert.equal(clean(out), out, JSON.stringify(sample));
      assert.equal(pipeline(out), out, JSON.stringify(sample));
    }
  });

  it("stays idempotent and round-trips on randomly assembled tag soup", () => {
    const pieces = [
      "word ", " ", "\n", "\n\n", "\n\n\n", "<br>", " <br> ", "<p>", "</p>", "<p class=ab>", "<em>", "</em>",
      "<h2>", "</h2>", "<ul>", "<li>", "</li>", "</ul>", "<blockquote>", "</blockquote>", "<div>", "</div>",
      "<pre>\n a\n</pre>", "<hr>", "<img src='https://i.example/x.png'>", "<a href='https://x.example'>", "</a>",
      "<table>", "<tr>", "<td>", "</td>", "</table>", "&nbsp;", "<3", "&amp;", "<dl>", "<dt>", "<dd>",
      "<details>", "<summary>", "</summary>", "<a name=n></a>", "<script>x</script>", "\r\n", "“q”",
    ];
    let seed = 20240611;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 1500; n++) {
      let sample = "";
      for (let i = 1 + Math.floor(random() * 20); i > 0; i--) sample += pieces[Math.floor(random() * pieces.length)];
      const once = makeParagraphs(sample);
      assert.equal(makeParagraphs(once), once, JSON.stringify(sample));
      assert.equal(makeParagraphs(htmlToTextarea(once)), once, JSON.stringify(sample));
      const out = clean(once);
      assert.equal(clean(out), out, JSON.stringify(sample));
      assert.equal(pipeline(out), out, JSON.stringify(sample));
    }
  });

  it("handles a 300,000-word chapter (time is logged, not asserted)", () => {
    const words = ["the", "quick", "brown", "fox", "<em>jumps</em>", "over", "a", "lazy", "dog", "“hello”", "she", "said"];
    const parts: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      parts.push(words[i % words.length]);
      parts.push(i % 97 !== 96 ? " " : i % 970 === 969 ? "\n\n\n" : i % 3 === 0 ? "\n" : "\n\n");
    }
    const raw = parts.join("");
    const started = performance.now();
    const out = pipeline(raw);
    const elapsed = performance.now() - started;
    assert.ok(out.startsWith("<p>the quick brown fox <em>jumps</em>"));
    assert.equal(out.match(/<p>&nbsp;<\/p>/g)?.length, 309);
    assert.equal(clean(out), out);
    console.log(`  300k words (${raw.length} chars) through makeParagraphs + sanitize: ${elapsed.toFixed(0)} ms`);
  });
});

const SAMPLES = [
  "Plain text.",
  "First paragraph\nwith a line break.\n\nSecond paragraph.\n\n\nAfter a scene break.\n\n\n\n\nAnother <3",
  "She said, <em>“No.”</em>\n\nHe <strong>really</strong> didn't <em>listen\n\nat all</em>.",
  "Shopping:\n<ul>\n<li>eggs</li>\n<li>milk\nsemi-skimmed</li>\n<li>one\n\ntwo</li>\n</ul>\nDone.",
  "<h1>Chapter One</h1>\n<h2>A subtitle\nover two lines</h2>\nIt began.\n<hr>\nIt ended.",
  "<blockquote>Quoted\n\ntext</blockquote>\n<p align=\"center\">centred\ntext</p>\n<div class=\"note\">in a div</div>",
  "<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td>1</td><td>two\nlines</td></tr>\n</table>",
  "<pre>  code\n\n\n  more</pre>\nafter",
  "<p>&nbsp;</p><p>Word paste</p><p>&nbsp;</p><p>&nbsp;</p><p>with spacers</p>",
  "<details><summary>Spoiler</summary>hidden\ntext</details>",
  "a<br>b<br><br>c<br><br><br>d",
  "<a name=\"top\"></a>\n<a href=\"https://example.org\">link</a> and <img src=\"https://i.example/x.png\" alt=\"x\">",
  "line one \r\nline two\r\n\r\nthird",
];

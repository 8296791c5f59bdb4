import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { epubcheckAvailable, epubcheckFile } from "../../test/support/epubcheck.js";
import { ALLOWED_TAGS, sanitizeUserHtml } from "../platform/html/sanitize.js";
import { toXhtml } from "./xhtml.js";

const BASE = "https://archive.example/works/1";
const convert = (html: string) => toXhtml(sanitizeUserHtml(html, "content"), { base: BASE, ids: new Set() });

test("XHTML: escaping, entities, void elements, HTML4 markup made HTML5", () => {
  assert.equal(convert("<p>a &amp; b &lt;c&gt; &nbsp;&copy; &quot;</p>"), '<p>a &amp; b &lt;c&gt; \u00a0© "</p>');
  assert.equal(convert("<p>one<br>two</p><hr>"), "<p>one<br/>two</p><hr/>");
  assert.equal(convert('<center>c</center><big>b</big><tt>t</tt><strike>s</strike><acronym title="x">a</acronym>'), '<div class="center">c</div><span class="big">b</span><span class="tt">t</span><s>s</s><abbr title="x">a</abbr>');
  assert.match(convert('<p align="right">r</p>'), /^<p class="align-right">r<\/p>$/);
  assert.equal(convert('<table border="1" width="5" summary="s"><tr><td width="3" axis="a">x</td></tr></table>'), "<table><tr><td>x</td></tr></table>");
  assert.equal(convert('<ul type="disc"><li>x</li></ul>'), "<ul><li>x</li></ul>");
});

test("XHTML: links resolved, fragment links kept only when their target exists, images become labelled links", () => {
  assert.equal(convert('<a href="page.html">p</a>'), '<a href="https://archive.example/works/page.html" rel="nofollow">p</a>');
  assert.equal(convert('<a href="//cdn.example/x">x</a>'), '<a href="https://cdn.example/x" rel="nofollow">x</a>');
  assert.equal(convert('<a name="top">t</a> <a href="#top">up</a> <a href="#gone">gone</a>'), '<a id="top">t</a> <a href="#top" rel="nofollow">up</a> <a>gone</a>');
  assert.equal(convert('<p><img src="https://img.example/a.png" alt="A map"></p>'), '<p><a class="image" href="https://img.example/a.png">[Image: A map]</a></p>');
  assert.equal(convert('<a href="https://x.example/"><img src="https://img.example/a.png"></a>'), '<a href="https://x.example/" rel="nofollow"><span class="image">[Image]</span></a>');
  assert.equal(convert('<a href="https://a.example/"><a href="https://b.example/">in</a></a>'), '<a href="https://a.example/" rel="nofollow"><span>in</span></a>');
});

test("XHTML: content HTML5 does not allow where it is is repaired", () => {
  assert.equal(convert("<em><p>x</p></em>"), '<em><span class="as-p">x</span></em>');
  assert.equal(convert("<ul>stray<li>ok</li><p>p</p></ul>"), "<ul><li>stray</li><li>ok</li><li><p>p</p></li></ul>");
  assert.equal(convert("<li>orphan</li>"), "<div>orphan</div>");
  assert.equal(convert("<dl><dd>first</dd><dt>t</dt></dl>"), "<div><div>first</div><div>t</div></div>");
  assert.equal(convert("<table><td>c</td></table>"), "<table><tr><td>c</td></tr></table>");
  assert.equal(convert("<details><p>no summary</p></details>"), "<div><p>no summary</p></div>");
  assert.equal(convert("<ruby>no rt</ruby>"), "<span>no rt</span>");
  assert.equal(convert("<address><h2>h</h2><address>a</address></address>"), '<address><p class="as-h2">h</p><div>a</div></address>');
});

/** Deterministic random nestings of every allowed element, with the attributes the sanitizer keeps. */
function randomFragments(seed: number, count: number): string[] {
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const attributes = [' align="center"', ' width="3"', ' border="1"', ' type="a"', ' start="2"', ' colspan="2"', ' span="2"', " open", ' title="x"', ' lang="fr"', ' dir="rtl"', ' href="#a"', ' name="a"', ' href="x.html"', ' src="https://e.org/i.png" alt="i"', ' cite="q.html"', ' scope="row"'];
  const fragment = (depth: number): string => {
    if (depth > 6 || rnd(4) === 0) return ["text", "a &amp; b", " ", "x<br>y"][rnd(4)]!;
    const tag = ALLOWED_TAGS[rnd(ALLOWED_TAGS.length)]!;
    const attrs = rnd(2) ? attributes[rnd(attributes.length)]! : "";
    const children = Array.from({ length: rnd(4) }, () => fragment(depth + 1)).join("");
    return ["br", "hr", "img", "col"].includes(tag) ? `<${tag}${attrs}>` : `<${tag}${attrs}>${children}</${tag}>`;
  };
  return Array.from({ length: count }, () => fragment(0) + fragment(0));
}

test("XHTML: 1,200 random nestings of every allowed element pass epubcheck's XHTML rules", async (t) => {
  if (!epubcheckAvailable(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "fanfold-xhtml-"));
  try {
    const parts = [1, 2, 3].flatMap((seed) => randomFragments(seed, 400)).map((html) => `<div>${convert(html)}</div>`);
    const path = join(dir, "random.xhtml");
    writeFileSync(
      path,
      `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head><title>Random</title></head><body>\n${parts.join("\n")}\n</body></html>\n`,
    );
    const result = await epubcheckFile(path, ["--mode", "xhtml", "-v", "3.0"]);
    assert.ok(result.ok, `epubcheck found problems:\n${result.messages.slice(0, 20).join("\n")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

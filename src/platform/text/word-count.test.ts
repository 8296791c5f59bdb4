import { test } from "node:test";
import assert from "node:assert/strict";
import { countWords, countWordsInText } from "./word-count.js";

test("archive spec examples", () => {
  assert.equal(countWords("一个简单の栗子"), 7);
  assert.equal(countWords("“嘿Bob,” Alice说，‘啊？！？’"), 5);
  assert.equal(countWords("?!... — “” ‘’ -- ***"), 0);
  assert.equal(countWords(""), 0);
});

test("apostrophes and hyphens join, a double hyphen splits", () => {
  assert.equal(countWords("don't"), 1);
  assert.equal(countWords("don’t ‘quoted’"), 2);
  assert.equal(countWords("arm-rest"), 1);
  assert.equal(countWords("one--two"), 2);
  assert.equal(countWords("one---two"), 2);
  assert.equal(countWords("one — two"), 2);
});

test("scripts: Hangul by spaces, kana and Thai per character, mixed text", () => {
  assert.equal(countWords("안녕하세요 세계"), 2);
  assert.equal(countWords("ひらがな"), 4);
  assert.equal(countWords("สวัสดี"), 6);
  assert.equal(countWords("I ate 寿司 in Tōkyō, 2024_05 style"), 8);
  assert.equal(countWords("naïve café résumé"), 3);
  assert.equal(countWords("e\u0301te\u0301"), 1); // combining marks stay inside the word
});

test("HTML: tags delimit, entities decode, script/style/comments ignored", () => {
  assert.equal(countWords("<p>a</p><p>b</p>"), 2);
  assert.equal(countWords("a<em>b</em>"), 2); // per text node, as the archive counts
  assert.equal(countWords("line one<br />line two"), 4);
  assert.equal(countWords("<p>caf&eacute; au lait</p>"), 3);
  assert.equal(countWords("<p>caf&eacute;</p>"), 1);
  assert.equal(countWords("<p>Tom &amp; Jerry don&rsquo;t stop</p>"), 4);
  assert.equal(countWords("<p>&nbsp;</p><p>one&nbsp;two</p>"), 2);
  assert.equal(countWords('<p title="not counted">x</p><!-- nor this -->'), 1);
  assert.equal(countWords("<style>p { color: red }</style><script>var a = 1;</script><p>ok</p>"), 1);
  assert.equal(countWords("<p>一个<em>简单</em>の栗子 and more</p>"), 9);
});

test("countWordsInText does not parse HTML", () => {
  assert.equal(countWordsInText("<em>x</em>"), 3);
  assert.equal(countWordsInText("caf&eacute;"), 2);
});

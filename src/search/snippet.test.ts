import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../cli/random.js";
import { buildSnippet } from "./snippet.js";

const leaf = (text: string, prefix = false) => ({ words: text.split(" "), prefix });

test("a snippet marks the words where they first occur, with the text around them", () => {
  const html = "<p>One two three.</p><p>The <em>lighthouse</em> keeper &amp; his ships.</p>";
  assert.equal(buildSnippet(html, [leaf("lighthouse keeper")], { before: 2, after: 2 }), "… three. The <mark>lighthouse</mark> <mark>keeper</mark> &amp; his …");
  assert.equal(buildSnippet(html, [leaf("ship", true)]), "One two three. The lighthouse keeper &amp; his <mark>ships</mark>");
  assert.equal(buildSnippet(html, [leaf("nowhere")]), null);
  assert.equal(buildSnippet("<p>我们一起去看海</p>", [leaf("看 海")]), "我们一起去<mark>看</mark><mark>海</mark>");
});

test("a long chapter's snippet, read from its head, is the one the whole chapter gives", () => {
  const rng = new Random({ a: 3, b: 5, c: 8, d: 13 }, 16);
  const words = ["alpha", "beta", "gamma", "delta", "épée", "naïve", "海", "don't"];
  for (let round = 0; round < 60; round++) {
    // Paragraphs of filler with the searched words placed anywhere, often around the head's edges.
    const paragraphs: string[] = [];
    const length = 200 + rng.int(4000);
    for (let p = 0; p < length; p++) paragraphs.push(`<p>${Array.from({ length: 1 + rng.int(12) }, () => (rng.int(50) === 0 ? words[rng.int(words.length)] : "filler")).join(" ")}</p>`);
    const html = paragraphs.join("");
    const wanted = [[leaf("gamma delta")], [leaf("epee")], [leaf("naive", true)], [leaf("海")], [leaf("dont")], [leaf("absent")], [leaf("alpha"), leaf("beta")]][round % 7]!;
    for (const head of [64, 1000, 16_384]) {
      assert.equal(buildSnippet(html, wanted, { head }), buildSnippet(html, wanted, { head: Number.POSITIVE_INFINITY }), `round ${round}, head ${head}`);
    }
  }
});

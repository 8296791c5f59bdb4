import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Selectable } from "kysely";
import type { ChaptersTable, CommentsTable } from "../db/tables.js";
import { rawHtml } from "../http/components.js";
import { sanitizeUserHtml } from "./sanitize.js";
import { EMPTY_HTML, escapeText, html, joinHtml, type TrustedHtml } from "./trusted-html.js";

// Type-level checks: `npm test` runs tsc over this file first, and every `@ts-expect-error` below
// fails the build if the line after it ever compiles, that is, if a plain string is accepted where
// trusted markup is required. The function is never called; only its types matter.
export function typeChecks(userInput: string, chapter: Selectable<ChaptersTable>, comment: Selectable<CommentsTable>): JSX.Element[] {
  const out: JSX.Element[] = [];
  // @ts-expect-error a plain string is not trusted markup
  out.push(rawHtml(userInput));
  // @ts-expect-error nor is a template literal around one
  out.push(rawHtml(`<p>${userInput}</p>`));
  // @ts-expect-error the html template's holes take only trusted markup (or numbers)
  out.push(rawHtml(html`<p>${userInput}</p>`));
  // @ts-expect-error a string is not assignable to the brand
  const forged: TrustedHtml = userInput;
  // @ts-expect-error joining plain strings does not make them trusted
  out.push(rawHtml(joinHtml([userInput])));
  out.push(rawHtml(forged));
  // What is allowed: the sanitizer's output, sanitized columns read back, escaped text, our own markup.
  out.push(rawHtml(sanitizeUserHtml(userInput, "comment")));
  out.push(rawHtml(chapter.content), rawHtml(chapter.summary), rawHtml(comment.content));
  out.push(rawHtml(html`<p>${escapeText(userInput)}</p>`), rawHtml(EMPTY_HTML));
  return out;
}

test("escapeText escapes what could open a tag or leave an attribute", () => {
  assert.equal(escapeText(`<script>"x" & 'y'</script>`), "&lt;script>&#34;x&#34; &amp; &#39;y&#39;&lt;/script>");
  assert.equal(escapeText(42), "42");
});

test("html joins its literal parts with the trusted holes unchanged", () => {
  const name = escapeText("<b>Ana</b>");
  assert.equal(html`<p>by ${name}, ${3} works</p>`, "<p>by &lt;b>Ana&lt;/b>, 3 works</p>");
  assert.equal(joinHtml([html`<i>a</i>`, escapeText("<b>")], html`, `), "<i>a</i>, &lt;b>");
  assert.equal(joinHtml([]), "");
});

test("the sanitizer's trusted output carries no script", () => {
  const out = sanitizeUserHtml(`<p onclick="x()">Hi<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">l</a></p>`, "summary");
  assert.doesNotMatch(out, /<script|onerror|onclick|javascript:/i);
  assert.match(out, /<p>Hi<a>l<\/a><\/p>/);
});

const SRC = fileURLToPath(new URL("../..", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Source without its comments (roughly: enough that prose about casts is not taken for one). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

test("only the sanitizer and the trusted-markup constructors brand a string as TrustedHtml", () => {
  // A cast is the one way around the type; keeping casts to two files keeps the trust reviewable.
  const allowed = new Set(["platform/html/sanitize.ts", "platform/html/trusted-html.ts"]);
  const casting = sourceFiles(SRC)
    .filter((path) => /\bas\s+(unknown\s+as\s+)?TrustedHtml\b|(?<!\w)<TrustedHtml>/.test(withoutComments(readFileSync(path, "utf8"))))
    .map((path) => relative(SRC, path).split("\\").join("/"));
  assert.deepEqual(casting.filter((path) => !allowed.has(path)), []);
});

test("no view quiets the XSS lint with a safe… name", () => {
  // The @kitajs/ts-html-plugin lint lets any expression whose text starts with "safe" through as
  // already escaped. Markup is passed as TrustedHtml or JSX.Element instead, so no child
  // expression may lean on that name.
  const leaning = sourceFiles(SRC)
    .filter((path) => path.endsWith(".tsx"))
    .flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .map((line, i) => ({ line, where: `${relative(SRC, path)}:${i + 1}` }))
        // Attribute values (returnTo={safeReturnPath(…)}) and imports are not children.
        .filter(({ line }) => !/^\s*import\b/.test(line) && /(?<!=\s*)\{\s*safe[A-Z_]\w*/.test(line)),
    )
    .map(({ where }) => where);
  assert.deepEqual(leaning, []);
});

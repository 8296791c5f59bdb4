import { escapeHtml } from "@kitajs/html";

declare const trusted: unique symbol;

/**
 * Markup that may be placed in a page as it is. A plain string never is: the brand exists only in
 * the type system, so a `string` passed where `TrustedHtml` is wanted is a compile error, while the
 * value stays an ordinary string at run time (JSON, SQL and string methods see no difference).
 *
 * The only ways to get one:
 * - `sanitizeUserHtml` (sanitize.ts), the one sanitizer, for anything a person wrote;
 * - reading a column the schema declares as `SanitizedHtmlColumn` (src/platform/db/tables.ts):
 *   every write to those columns stores sanitizer output, so what comes back is trusted;
 * - the constructors below, which build markup from our own source text and escaped parts.
 *
 * Nothing else may cast to it; test/escaping/trusted-html.test.ts checks that no other file does.
 */
export type TrustedHtml = string & { readonly [trusted]: true };

/** The empty fragment. */
export const EMPTY_HTML = "" as TrustedHtml;

/** Plain text as markup: every character that could open a tag or end an attribute is escaped. */
export function escapeText(text: string | number): TrustedHtml {
  return escapeHtml(String(text)) as TrustedHtml;
}

/**
 * Markup written in our own source, with holes that take only trusted markup or numbers:
 * `html\`<p>by ${byline}</p>${summary}\``. A plain string in a hole is a type error; wrap it in
 * `escapeText` first. The literal parts are code, not data, so they need no escaping.
 */
export function html(literals: TemplateStringsArray, ...holes: (TrustedHtml | number)[]): TrustedHtml {
  let out = literals[0];
  for (let i = 0; i < holes.length; i++) out += String(holes[i]) + literals[i + 1];
  return out as TrustedHtml;
}

/** Trusted fragments one after another, with an optional trusted separator. */
export function joinHtml(parts: readonly TrustedHtml[], separator: TrustedHtml = EMPTY_HTML): TrustedHtml {
  return parts.join(separator) as TrustedHtml;
}

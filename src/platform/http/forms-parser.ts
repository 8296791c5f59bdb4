/** A parsed form body: each field's value, or all values when a name repeats (checkboxes). */
export type FormBody = Record<string, string | string[]>;

// C0 controls other than tab, line feed and carriage return, plus DEL: never stored.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const UTF8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Decodes one urlencoded component as browsers do (WHATWG URL: percent-decode to bytes, then
 * UTF-8 with each invalid sequence replaced by U+FFFD). Raw bytes that are not UTF-8 reach here as
 * U+FFFD already (the body is decoded the same way), so both kinds of invalid input are stored
 * alike. Replacing is the safer of the two choices: dropping bytes would silently join the text
 * on either side of them (Unicode TR36 warns against deletion for that reason) and make distinct
 * inputs equal.
 */
function decodeComponent(raw: string): string {
  const plus = raw.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    // Percent-escapes become their bytes and everything else its own UTF-8, then one decode.
    const parts = plus.split(/(%[0-9a-fA-F]{2})/);
    const bytes = Buffer.concat(parts.map((part) => (/^%[0-9a-fA-F]{2}$/.test(part) ? Buffer.from([Number.parseInt(part.slice(1), 16)]) : Buffer.from(part, "utf8"))));
    return UTF8.decode(bytes);
  }
}

/** Cleans one submitted value: control characters out, line ends to LF. */
export function cleanSubmittedText(value: string): string {
  return value.replace(/\r\n?/g, "\n").replace(CONTROL_CHARACTERS, "");
}

/** Parses an application/x-www-form-urlencoded body into cleaned values. */
export function parseFormBody(body: string): FormBody {
  const out: FormBody = Object.create(null);
  if (!body) return out;
  for (const pair of body.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = cleanSubmittedText(decodeComponent(eq === -1 ? pair : pair.slice(0, eq)));
    const value = cleanSubmittedText(decodeComponent(eq === -1 ? "" : pair.slice(eq + 1)));
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}

/** One field's value as text ("" when absent; the first value when it repeated). */
export function field(body: unknown, name: string): string {
  const value = (body as FormBody | undefined)?.[name];
  if (value === undefined) return "";
  return Array.isArray(value) ? (value[0] ?? "") : value;
}

/** All values of a repeated field (checkbox groups). */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as FormBody | undefined)?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A parsed form body: each field's value, or all values when a name repeats (checkboxes). */
export type FormBody = Record<string, string | string[]>;

// C0 controls other than tab, line feed and carriage return, plus DEL: never stored.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Decodes one urlencoded component, dropping bytes that are not valid UTF-8 instead of storing U+FFFD. */
function decodeComponent(raw: string): string {
  const plus = raw.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    const bytes = Buffer.from(plus.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), "latin1");
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/\uFFFD/g, "");
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

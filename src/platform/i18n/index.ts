import { en, type MessageKey } from "./en.js";

export type { MessageKey };

/** The message for `key` with `{name}` placeholders filled in (English until other locales exist). */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Formats a whole number with thousands separators, as AO3 shows word counts. */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

import { en, type MessageKey } from "./en.js";
import { escapeText, joinHtml, type TrustedHtml } from "../html/trusted-html.js";
import { pseudoLocalize } from "./pseudo.js";

export type { MessageKey };

/**
 * The locales the archive can speak. `en` is the catalogue itself; `pseudo` is English run through
 * `pseudoLocalize` (accented, about 30 % longer, bracketed), so a page rendered in it shows at a
 * glance which words did not come from the catalogue and whether layouts hold longer text. A real
 * translation would be a file of `en.ts`'s shape added here.
 */
export const LOCALES = ["en", "pseudo"] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The catalogue in use. One per process, chosen by configuration (FANFOLD_LOCALE, read in
 * platform/config.ts) when the app or the job runner starts: the archive has one language, so
 * `t()` keeps its plain call shape with no request to thread through. For that reason `t()` must
 * be called while rendering, never at module load (a constant built at import would keep English).
 */
let catalogue: Record<MessageKey, string> = en;
let tag = "en";

/** Switches every later `t()` to `locale`; the pseudo catalogue is derived from `en` here, not kept as a file. */
export function useLocale(locale: Locale): void {
  catalogue = locale === "pseudo" ? pseudoCatalogue() : en;
  // en-XA is the conventional tag of an accented pseudo-locale (XA: a private-use region).
  tag = locale === "pseudo" ? "en-XA" : "en";
}

/** The BCP 47 tag of the archive's language, for `lang` on pages and feeds. */
export function languageTag(): string {
  return tag;
}

let pseudoCache: Record<MessageKey, string> | null = null;
function pseudoCatalogue(): Record<MessageKey, string> {
  pseudoCache ??= Object.fromEntries(Object.entries(en).map(([key, text]) => [key, pseudoLocalize(text)])) as Record<MessageKey, string>;
  return pseudoCache;
}

/** The message for `key` with `{name}` placeholders filled in, in the configured locale. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = catalogue[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The message for `key` as markup, for HTML built outside JSX (feed summaries): the message's own
 * text is escaped, and each parameter is markup already (escape user text with escapeText first;
 * links come in as built markup) or a number. In JSX, use `t()` with `safe` or `escapeHtml`.
 */
export function tHtml(key: MessageKey, params: Record<string, TrustedHtml | number> = {}): TrustedHtml {
  const template: string = catalogue[key];
  const parts = template.split(/(\{\w+\})/).map((part, i) => {
    const value = i % 2 === 1 ? params[part.slice(1, -1)] : undefined;
    if (value === undefined) return escapeText(part);
    return typeof value === "number" ? escapeText(value) : value;
  });
  return joinHtml(parts);
}

/** Formats a whole number with thousands separators, as AO3 shows word counts. */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

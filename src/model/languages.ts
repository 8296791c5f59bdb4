/**
 * Work languages: BCP 47 tags with the language's own name. The tag goes into `lang` on the
 * work's text, so screen readers pronounce it right. Extend the list freely; codes must stay valid BCP 47.
 */
export const LANGUAGES: { code: string; name: string }[] = [
  { code: "af", name: "Afrikaans" },
  { code: "ar", name: "العربية" },
  { code: "be", name: "Беларуская" },
  { code: "bg", name: "Български" },
  { code: "bn", name: "বাংলা" },
  { code: "ca", name: "Català" },
  { code: "cs", name: "Čeština" },
  { code: "cy", name: "Cymraeg" },
  { code: "da", name: "Dansk" },
  { code: "de", name: "Deutsch" },
  { code: "el", name: "Ελληνικά" },
  { code: "en", name: "English" },
  { code: "eo", name: "Esperanto" },
  { code: "es", name: "Español" },
  { code: "et", name: "Eesti" },
  { code: "eu", name: "Euskara" },
  { code: "fa", name: "فارسی" },
  { code: "fi", name: "Suomi" },
  { code: "fil", name: "Filipino" },
  { code: "fr", name: "Français" },
  { code: "ga", name: "Gaeilge" },
  { code: "gd", name: "Gàidhlig" },
  { code: "gl", name: "Galego" },
  { code: "he", name: "עברית" },
  { code: "hi", name: "हिन्दी" },
  { code: "hr", name: "Hrvatski" },
  { code: "hu", name: "Magyar" },
  { code: "hy", name: "Հայերեն" },
  { code: "id", name: "Bahasa Indonesia" },
  { code: "is", name: "Íslenska" },
  { code: "it", name: "Italiano" },
  { code: "ja", name: "日本語" },
  { code: "ka", name: "ქართული" },
  { code: "kk", name: "Қазақ тілі" },
  { code: "ko", name: "한국어" },
  { code: "la", name: "Latina" },
  { code: "lt", name: "Lietuvių" },
  { code: "lv", name: "Latviešu" },
  { code: "mk", name: "Македонски" },
  { code: "ms", name: "Bahasa Melayu" },
  { code: "nl", name: "Nederlands" },
  { code: "nb", name: "Norsk bokmål" },
  { code: "nn", name: "Norsk nynorsk" },
  { code: "pl", name: "Polski" },
  { code: "pt-BR", name: "Português brasileiro" },
  { code: "pt-PT", name: "Português europeu" },
  { code: "ro", name: "Română" },
  { code: "ru", name: "Русский" },
  { code: "sk", name: "Slovenčina" },
  { code: "sl", name: "Slovenščina" },
  { code: "sq", name: "Shqip" },
  { code: "sr", name: "Српски" },
  { code: "sv", name: "Svenska" },
  { code: "sw", name: "Kiswahili" },
  { code: "ta", name: "தமிழ்" },
  { code: "th", name: "ไทย" },
  { code: "tl", name: "Tagalog" },
  { code: "tr", name: "Türkçe" },
  { code: "uk", name: "Українська" },
  { code: "ur", name: "اُردُو" },
  { code: "vi", name: "Tiếng Việt" },
  { code: "yi", name: "ייִדיש" },
  { code: "zh-Hans", name: "中文-简体" },
  { code: "zh-Hant", name: "中文-繁體" },
  { code: "yue", name: "粵語" },
];

const BY_CODE = new Map(LANGUAGES.map((l) => [l.code.toLowerCase(), l]));

/** The language with this BCP 47 code (any case), or undefined. */
export function findLanguage(code: string) {
  return BY_CODE.get(code.trim().toLowerCase());
}

// Names AO3 shows for languages whose name differs from ours, as found in exported files.
const AO3_NAMES: Record<string, string> = {
  "中文-普通话 國語": "zh-Hans",
  "中文-广东话 粵語": "yue",
  "中文": "zh-Hans",
  "português brasileiro": "pt-BR",
  "português europeu": "pt-PT",
  "norsk": "nb",
};
const ENGLISH_NAMES = new Intl.DisplayNames(["en"], { type: "language" });

/** The language for a name or code as written in an imported file ("English", "Deutsch", "German", "de"). */
export function languageFromLabel(label: string) {
  const key = label.trim().toLowerCase();
  const own = (name: string) => (Object.hasOwn(AO3_NAMES, name) ? AO3_NAMES[name] : undefined);
  const alias = own(label.trim()) ?? own(key);
  return (
    BY_CODE.get(key) ??
    (alias ? BY_CODE.get(alias.toLowerCase()) : undefined) ??
    LANGUAGES.find((l) => l.name.toLowerCase() === key || ENGLISH_NAMES.of(l.code)?.toLowerCase() === key)
  );
}

/** Right-to-left scripts, for `dir` on the work's text. */
export function isRtl(code: string): boolean {
  return ["ar", "fa", "he", "ur", "yi"].includes(code.split("-")[0]!.toLowerCase());
}

import { EMPTY_HTML, escapeText, html, joinHtml, type TrustedHtml } from "../platform/html/trusted-html.js";
import { downloadPath } from "../downloads/index.js";
import { t, tHtml } from "../platform/i18n/index.js";
import type { ChapterRow } from "../platform/db/tables.js";
import { tagPath, tagTypeLabel } from "../model/vocabulary.js";
import { findLanguage } from "../model/languages.js";
import { type Blurb, creatorName } from "../model/works.js";
import { chapterPath, pseudPath, workPath } from "../model/paths.js";
import { htmlText, node, rfc3339, text } from "./xml.js";

/** Atom's media type; OPDS feeds add a profile (./opds.ts). */
export const ATOM_TYPE = "application/atom+xml";
export const ATOM_NS = "http://www.w3.org/2005/Atom";

export interface FeedLink {
  rel: string;
  href: string;
  type?: string;
  title?: string;
  /** Extra attributes (opds:facetGroup, opds:activeFacet, thr:count). */
  extra?: Record<string, string | number | undefined>;
}

export interface FeedDoc {
  id: string;
  title: string;
  /** RFC 3339. */
  updated: string;
  links: FeedLink[];
  /** Already-built <entry> elements. */
  entries: string[];
  /** Extra namespace declarations on <feed>, prefix → URI. */
  namespaces?: Record<string, string>;
  /** Extra already-built children (opensearch:totalResults...). */
  extra?: string[];
  subtitle?: string;
}

export function linkXml(l: FeedLink): string {
  return node("link", { rel: l.rel, href: l.href, type: l.type, title: l.title, ...(l.extra ?? {}) });
}

/** A whole Atom document (RFC 4287): every value escaped, so it is always well-formed. */
export function atomDocument(doc: FeedDoc): string {
  const ns: Record<string, string> = { xmlns: ATOM_NS };
  for (const [prefix, uri] of Object.entries(doc.namespaces ?? {})) ns[`xmlns:${prefix}`] = uri;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${node("feed", ns, [
    text("id", doc.id),
    text("title", doc.title),
    ...(doc.subtitle ? [text("subtitle", doc.subtitle)] : []),
    text("updated", doc.updated),
    node("author", {}, [text("name", t("site.name"))]),
    ...doc.links.map(linkXml),
    ...(doc.extra ?? []),
    ...doc.entries,
  ])}\n`;
}

/** The newest `updated` among entries, or the epoch for an empty feed. */
export function newest(dates: string[]): string {
  return dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : rfc3339("1970-01-01");
}

/** An absolute URL on this archive. */
export function absolute(base: string, path: string): string {
  return `${base.replace(/\/$/, "")}${path}`;
}

/** The id of a work's entry: its page's URL (stable; the work's address never changes). */
export function workEntryId(base: string, workId: number): string {
  return absolute(base, workPath(workId));
}

const TAG_ORDER = ["Fandom", "Rating", "ArchiveWarning", "Category", "Relationship", "Character", "Freeform"] as const;
/** A tag type's label in a feed summary (AO3's feed says "Warnings" where pages say "Archive Warnings"). */
function tagLabel(type: string): string {
  return type === "ArchiveWarning" ? t("feeds.warnings") : tagTypeLabel(type, true);
}

/**
 * A work's summary as HTML for `<summary type="html">` (escaped once more by the XML writer), as
 * AO3's feed summary: byline, the creator's summary (already sanitized on input), counts, tags.
 */
export function workSummaryHtml(base: string, blurb: Blurb): TrustedHtml {
  const { work } = blurb;
  const byline = joinHtml(
    blurb.creators.map((c) => html`<a href="${escapeText(absolute(base, pseudPath(c.login, c.pseudName)))}">${escapeText(creatorName(c))}</a>`),
    html`, `,
  );
  const chapters = escapeText(`${blurb.postedChapters}/${work.expected_chapters ?? "?"}`);
  const language = findLanguage(work.language)?.name ?? work.language;
  const tagItems = joinHtml(
    TAG_ORDER.map((type) => {
      const tags = blurb.tags.filter((t) => t.type === type);
      if (!tags.length) return EMPTY_HTML;
      const links = tags.map((t) => html`<a href="${escapeText(absolute(base, tagPath(t.name)))}">${escapeText(t.name)}</a>`);
      return html`<li>${tHtml("feeds.tag_list", { label: escapeText(tagLabel(type)), tags: joinHtml(links, html`, `) })}</li>`;
    }),
  );
  return html`<p>${tHtml("feeds.by", { byline: byline || escapeText(t("subscriptions.mail.anonymous")) })}</p>${work.summary}<p>${tHtml("feeds.counts", { words: work.word_count, chapters, language: escapeText(language) })}</p>${tagItems ? html`<ul>${tagItems}</ul>` : EMPTY_HTML}`;
}

/** Authors, one per creator, each with their pseud's page. */
export function authorsXml(base: string, blurb: Blurb): string[] {
  if (!blurb.creators.length) return [node("author", {}, [text("name", t("subscriptions.mail.anonymous"))])];
  return blurb.creators.map((c) => node("author", {}, [text("name", c.pseudName), text("uri", absolute(base, pseudPath(c.login, c.pseudName)))]));
}

/** One work as an Atom entry: links to the work page and (extra) to its downloads. */
export function workEntry(base: string, blurb: Blurb, extra: { links?: FeedLink[]; children?: string[] } = {}): string {
  const { work } = blurb;
  return node("entry", {}, [
    text("id", workEntryId(base, work.id)),
    text("title", work.title),
    text("updated", rfc3339(work.updated_at)),
    text("published", rfc3339(work.published_on)),
    ...authorsXml(base, blurb),
    ...blurb.tags.map((t) => node("category", { term: t.name, label: t.name })),
    htmlText("summary", workSummaryHtml(base, blurb)),
    linkXml({ rel: "alternate", type: "text/html", href: absolute(base, workPath(work.id)) }),
    ...(extra.links ?? []).map(linkXml),
    ...(extra.children ?? []),
  ]);
}

/** The EPUB and PDF of a work, as absolute download links. */
export function downloadHref(base: string, work: Blurb["work"], format: "epub" | "pdf"): string {
  return absolute(base, downloadPath(work, format));
}

/** One posted chapter of a work as an entry (for a work's chapter feed). */
export function chapterEntry(base: string, work: Blurb["work"], authors: string[], chapter: ChapterRow): string {
  const heading = chapter.title ? t("subscriptions.mail.chapter_titled", { n: chapter.position, title: chapter.title }) : t("subscriptions.mail.chapter", { n: chapter.position });
  const href = absolute(base, chapterPath(work.id, chapter.id));
  return node("entry", {}, [
    text("id", href),
    text("title", heading),
    text("updated", rfc3339(chapter.updated_at)),
    text("published", rfc3339(chapter.published_on)),
    ...authors,
    htmlText("summary", html`${chapter.summary}<p>${tHtml("feeds.chapter_words", { words: chapter.word_count })}</p>`),
    linkXml({ rel: "alternate", type: "text/html", href }),
  ]);
}

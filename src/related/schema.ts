import { field, fieldList } from "../platform/http/forms-parser.js";

/** The work form's related-work fields (one new link per save; the links kept are listed with a Remove box each). */
export const RELATED_FIELDS = {
  url: "work[parent_url]",
  title: "work[parent_title]",
  author: "work[parent_author]",
  translation: "work[parent_translation]",
  remove: "work[remove_parent_ids][]",
} as const;

/** AO3's URL limit; titles and names as a work title's; how many works one work may name. */
export const RELATED_LIMITS = { url: 2080, title: 255, author: 255, parents: 10 } as const;

/** One related work as typed: where it is (a work here by URL or number, or an outside URL), and for an outside one its title and author. */
export interface ParentFormValues {
  url: string;
  title: string;
  author: string;
  translation: boolean;
}

/** A checked link from a work to what inspired it (or what it translates). */
export type ParentLink = { kind: "work"; workId: number; translation: boolean } | { kind: "url"; url: string; title: string; author: string; translation: boolean };

export type LinkStatus = "pending" | "approved" | "hidden";

/** The key that makes one link per child and parent. */
export function parentKey(link: ParentLink): string {
  return link.kind === "work" ? `w:${link.workId}` : `u:${link.url}`;
}

/** The form's new related work, as typed. */
export function readParentForm(body: unknown): ParentFormValues {
  return {
    url: field(body, RELATED_FIELDS.url),
    title: field(body, RELATED_FIELDS.title),
    author: field(body, RELATED_FIELDS.author),
    translation: field(body, RELATED_FIELDS.translation) === "1",
  };
}

/** The ids of the kept links the form asks to remove. */
export function readRemovedParents(body: unknown): string[] {
  return fieldList(body, RELATED_FIELDS.remove);
}

/**
 * Where a typed reference points: a work of this archive (its number, `/works/N`, or a full URL on
 * the archive's own address, a chapter's included), an outside http(s) URL, or nothing usable.
 */
export function parseParentReference(typed: string, publicUrl: string): { kind: "work"; workId: number } | { kind: "url"; url: string } | { kind: "invalid" } {
  const text = typed.trim();
  const workPath = (path: string) => /^\/works\/(\d{1,10})(?:\/|$)/.exec(path);
  if (/^\d{1,10}$/.test(text)) return { kind: "work", workId: Number(text) };
  if (text.startsWith("/")) {
    const match = workPath(text.split(/[?#]/)[0]!);
    return match ? { kind: "work", workId: Number(match[1]) } : { kind: "invalid" };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: "invalid" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { kind: "invalid" };
  if (url.host === new URL(publicUrl).host) {
    const match = workPath(url.pathname);
    return match ? { kind: "work", workId: Number(match[1]) } : { kind: "invalid" };
  }
  return { kind: "url", url: url.href };
}

import { field } from "../platform/http/forms-parser.js";
import type { FieldErrors } from "../platform/http/components.js";
import { makeParagraphs } from "../platform/html/paragraphs.js";
import { sanitizeUserHtml, stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { MAX_TAG_LENGTH, tagNameProblem } from "../model/vocabulary.js";

// AO3's limits for a bookmark: notes up to 5,000 characters, 75 tags. Each tag follows the rule
// of work tags (length and forbidden characters: tagNameProblem), so a name that is refused as a
// work tag is refused as a bookmarker's tag too.
export const MAX_NOTES = 5000;
export const MAX_TAGS = 75;

/** The bookmark form as typed, so a failed form is shown again exactly as it was. */
export interface BookmarkFormValues {
  notes: string;
  tags: string;
  private: boolean;
  rec: boolean;
}

/** A valid bookmark, ready to store: notes sanitized, tags split and cleaned. */
export interface BookmarkInput {
  notes: string;
  tags: string[];
  private: boolean;
  rec: boolean;
}

export const EMPTY_BOOKMARK: BookmarkFormValues = { notes: "", tags: "", private: false, rec: false };

export function readBookmarkForm(body: unknown): BookmarkFormValues {
  return {
    notes: field(body, "bookmark[notes]"),
    tags: field(body, "bookmark[tag_string]"),
    private: field(body, "bookmark[private]") === "1",
    rec: field(body, "bookmark[rec]") === "1",
  };
}

/** Comma-separated tag names: trimmed, blank ones dropped, repeats (ignoring case) kept once. */
export function splitTags(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(/[,，、]/)) {
    const name = stripToPlainText(part).replace(/\s+/g, " ");
    const key = name.toLowerCase();
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

export function parseBookmark(values: BookmarkFormValues): { ok: true; value: BookmarkInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (values.notes.length > MAX_NOTES) errors["bookmark[notes]"] = [t("responses.notes_can_be_at_most", { MAX_NOTES, length: values.notes.length })];
  const tags = splitTags(values.tags);
  const tagProblems: string[] = [];
  if (tags.length > MAX_TAGS) tagProblems.push(t("responses.a_bookmark_can_have_at", { MAX_TAGS }));
  for (const name of tags) {
    const problem = tagNameProblem(name);
    if (problem?.kind === "length") tagProblems.push(t("works.tag_too_long", { tag: `${name.slice(0, 40)}…`, max: MAX_TAG_LENGTH }));
    if (problem?.kind === "chars") tagProblems.push(t("works.tag_forbidden_chars", { tag: name, chars: problem.detail }));
  }
  if (tagProblems.length) errors["bookmark[tag_string]"] = tagProblems;
  if (Object.keys(errors).length) return { ok: false, errors };
  const notes = values.notes.trim() ? sanitizeUserHtml(makeParagraphs(values.notes), "notes") : "";
  return { ok: true, value: { notes, tags, private: values.private, rec: values.rec } };
}

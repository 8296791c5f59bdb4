import { type FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { cleanHtml } from "../platform/html/clean.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import type { TrustedHtml } from "../platform/html/trusted-html.js";
import { t } from "../platform/i18n/index.js";
import {
  CATEGORIES,
  MAX_TAG_LENGTH,
  MAX_USER_TAGS,
  RATINGS,
  splitTagField,
  tagNameProblem,
  USER_TAG_TYPES,
  type UserTagType,
  WARNINGS,
} from "../model/vocabulary.js";
import { findLanguage } from "../model/languages.js";
import { type AssociationValues, readAssociations, type WorkAssociations } from "./associations.js";

// AO3's limits (otwarchive config): titles 1–255, summary ≤1250, notes ≤5000, chapter text 10–510,000.
export const LIMITS = {
  title: 255,
  summary: 1250,
  notes: 5000,
  chapterMin: 10,
  chapterMax: 510_000,
  expectedChaptersMax: 5000,
};

export const COMMENT_PERMISSIONS = ["all", "registered", "none"] as const;
export type CommentPermission = (typeof COMMENT_PERMISSIONS)[number];

/** The work form exactly as typed, so a failed validation can show it again untouched. */
export interface WorkFormValues {
  title: string;
  pseudIds: string[];
  rating: string;
  warnings: string[];
  categories: string[];
  tags: Record<UserTagType, string>;
  language: string;
  summary: string;
  notes: string;
  endnotes: string;
  restricted: boolean;
  commentPermission: string;
  /** "Only show comments I approve" (src/comments holds the others for approval). */
  moderatedComments?: boolean;
  expectedChapters: string;
  backdate: boolean;
  publishedOn: string;
  /** Co-creators to invite, gifts, related works (src/works/associations.ts); absent: left as they are. */
  associations?: AssociationValues;
}

/** The tag fields of the work form, as typed: what an admin's tag edit (src/moderation) shows and reads too. */
export type WorkTagFormValues = Pick<WorkFormValues, "rating" | "warnings" | "categories" | "tags">;

/** The chapter part of a form, as typed. */
export interface ChapterFormValues {
  title: string;
  summary: string;
  notes: string;
  endnotes: string;
  content: string;
}

/** A validated work: plain text where no HTML is allowed, sanitized HTML where it is. */
export interface WorkInput {
  title: string;
  pseudIds: number[];
  rating: string;
  warnings: string[];
  categories: string[];
  tags: Record<UserTagType, string[]>;
  language: string;
  summary: string;
  notes: string;
  endnotes: string;
  restricted: boolean;
  commentPermission: CommentPermission;
  /** Absent: left as it is (new works: off). */
  moderatedComments?: boolean;
  expectedChapters: number | null;
  publishedOn: string | null;
  /** Checked co-creator invitations, gifts and related works; absent: left as they are. */
  associations?: WorkAssociations;
  /**
   * Editing: the creator who saves. `pseudIds` are then their own pseuds only, and every other
   * creator keeps their place (only they can leave: src/works/cocreators.ts).
   */
  editorUserId?: number;
}

/** A work's validated tags: what `setWorkTags` stores. */
export type WorkTagInput = Pick<WorkInput, "rating" | "warnings" | "categories" | "tags">;

export interface ChapterInput {
  title: string;
  summary: string;
  notes: string;
  endnotes: string;
  content: string;
}

/**
 * What the parsers return: the inputs with their HTML fields as the sanitizer left them, so a
 * preview can show them. Commands take the wider `WorkInput`/`ChapterInput` (tests build those).
 */
export type ParsedWorkInput = WorkInput & { summary: TrustedHtml; notes: TrustedHtml; endnotes: TrustedHtml };
export type ParsedChapterInput = ChapterInput & { summary: TrustedHtml; notes: TrustedHtml; endnotes: TrustedHtml; content: TrustedHtml };

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const TAG_FIELD_NAMES: Record<UserTagType, string> = {
  Fandom: "work[fandoms]",
  Relationship: "work[relationships]",
  Character: "work[characters]",
  Freeform: "work[freeforms]",
};

/** Reads the work fields of a submitted form. */
export function readWorkForm(body: unknown): WorkFormValues {
  return {
    title: field(body, "work[title]"),
    pseudIds: fieldList(body, "work[pseud_ids][]"),
    rating: field(body, "work[rating]"),
    warnings: fieldList(body, "work[warnings][]"),
    categories: fieldList(body, "work[categories][]"),
    tags: {
      Fandom: field(body, TAG_FIELD_NAMES.Fandom),
      Relationship: field(body, TAG_FIELD_NAMES.Relationship),
      Character: field(body, TAG_FIELD_NAMES.Character),
      Freeform: field(body, TAG_FIELD_NAMES.Freeform),
    },
    language: field(body, "work[language]"),
    summary: field(body, "work[summary]"),
    notes: field(body, "work[notes]"),
    endnotes: field(body, "work[endnotes]"),
    restricted: field(body, "work[restricted]") === "1",
    commentPermission: field(body, "work[comment_permission]"),
    moderatedComments: field(body, "work[moderated_commenting_enabled]") === "1",
    expectedChapters: field(body, "work[expected_chapters]"),
    backdate: field(body, "work[backdate]") === "1",
    publishedOn: field(body, "work[published_on]"),
    associations: readAssociations(body),
  };
}

/** Reads only the tag fields of a submitted work form (the same names). */
export function readWorkTagsForm(body: unknown): WorkTagFormValues {
  const { rating, warnings, categories, tags } = readWorkForm(body);
  return { rating, warnings, categories, tags };
}

/** Reads the chapter fields of a submitted form. */
export function readChapterForm(body: unknown): ChapterFormValues {
  return {
    title: field(body, "chapter[title]"),
    summary: field(body, "chapter[summary]"),
    notes: field(body, "chapter[notes]"),
    endnotes: field(body, "chapter[endnotes]"),
    content: field(body, "chapter[content]"),
  };
}

function lengthError(errors: FieldErrors, name: string, label: string, value: string, max: number) {
  if (value.length > max) (errors[name] ??= []).push(t("form.too_long", { field: label, max, length: value.length }));
}

export interface WorkRules {
  /** The viewer's own pseud ids: creators must be among them. */
  ownPseudIds: number[];
  /** Admins may exceed the user-tag limit, as on AO3. */
  isAdmin: boolean;
  /** Chapters the work already has (expected chapters can't be fewer). */
  chapterCount: number;
  today: string;
}

/**
 * Validates a work's tags (one rating, at least one warning, a fandom, the user-tag limit unless
 * the viewer is an admin, each name's length and characters), adding each problem to `errors`
 * under its field's name. The work form and an admin's tag edit share it.
 */
export function parseWorkTags(values: WorkTagFormValues, rules: { isAdmin: boolean }, errors: FieldErrors = {}): Parsed<WorkTagInput> {
  const add = (name: string, message: string) => (errors[name] ??= []).push(message);
  if (!RATINGS.some((r) => r.name === values.rating)) add("work[rating]", t("works.rating_required"));
  const warnings = WARNINGS.map((w) => w.name).filter((name) => values.warnings.includes(name));
  if (warnings.length === 0) add("work[warnings][]", t("works.warning_required"));
  const categories = CATEGORIES.map((c) => c.name).filter((name) => values.categories.includes(name));

  const tags = {} as Record<UserTagType, string[]>;
  let userTagCount = 0;
  for (const type of USER_TAG_TYPES) {
    const names = splitTagField(values.tags[type]).map(stripToPlainText).filter(Boolean);
    for (const name of names) {
      const problem = tagNameProblem(name);
      if (problem?.kind === "length") add(TAG_FIELD_NAMES[type], t("works.tag_too_long", { tag: `${name.slice(0, 40)}…`, max: MAX_TAG_LENGTH }));
      if (problem?.kind === "chars") add(TAG_FIELD_NAMES[type], t("works.tag_forbidden_chars", { tag: name, chars: problem.detail }));
    }
    tags[type] = names;
    userTagCount += names.length;
  }
  if (tags.Fandom.length === 0) add(TAG_FIELD_NAMES.Fandom, t("works.fandom_required"));
  if (userTagCount > MAX_USER_TAGS && !rules.isAdmin) add(TAG_FIELD_NAMES.Freeform, t("works.too_many_tags", { max: MAX_USER_TAGS, count: userTagCount }));
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { rating: values.rating, warnings, categories, tags } };
}

/** Validates the work fields; every problem is reported at once, per field. */
export function parseWork(values: WorkFormValues, rules: WorkRules): Parsed<ParsedWorkInput> {
  const errors: FieldErrors = {};
  const add = (name: string, message: string) => (errors[name] ??= []).push(message);

  const title = stripToPlainText(values.title);
  if (!title) add("work[title]", t("form.required", { field: t("search.title") }));
  lengthError(errors, "work[title]", t("search.title"), title, LIMITS.title);

  const pseudIds = [...new Set(values.pseudIds.map(Number))].filter((id) => rules.ownPseudIds.includes(id));
  if (pseudIds.length === 0) add("work[pseud_ids][]", t("works.creator_required"));

  const parsedTags = parseWorkTags(values, rules, errors);

  const language = findLanguage(values.language);
  if (!values.language) add("work[language]", t("works.language_required"));
  else if (!language) add("work[language]", t("works.language_unknown"));

  lengthError(errors, "work[summary]", t("works.summary"), values.summary, LIMITS.summary);
  lengthError(errors, "work[notes]", t("responses.notes"), values.notes, LIMITS.notes);
  lengthError(errors, "work[endnotes]", t("works.end_notes_2"), values.endnotes, LIMITS.notes);

  const commentPermission = values.commentPermission as CommentPermission;
  if (!COMMENT_PERMISSIONS.includes(commentPermission)) add("work[comment_permission]", t("works.comment_permission"));

  let expectedChapters: number | null = null;
  const expected = values.expectedChapters.trim();
  if (expected !== "" && expected !== "?") {
    const n = Number(expected);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.expectedChaptersMax) add("work[expected_chapters]", t("works.expected_chapters", { max: LIMITS.expectedChaptersMax }));
    else if (n < rules.chapterCount) add("work[expected_chapters]", t("works.expected_below_posted", { count: rules.chapterCount }));
    else expectedChapters = n;
  }

  let publishedOn: string | null = null;
  if (values.backdate) {
    const date = values.publishedOn.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      add("work[published_on]", t("works.date_format"));
    } else if (date > rules.today) add("work[published_on]", t("works.date_future"));
    else publishedOn = date;
  }

  if (Object.keys(errors).length || !parsedTags.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      pseudIds,
      ...parsedTags.value,
      language: language!.code,
      summary: cleanHtml(values.summary, "summary"),
      notes: cleanHtml(values.notes, "notes"),
      endnotes: cleanHtml(values.endnotes, "endnotes"),
      restricted: values.restricted,
      commentPermission,
      moderatedComments: values.moderatedComments,
      expectedChapters,
      publishedOn,
    },
  };
}

/** Validates a chapter's fields. */
export function parseChapter(values: ChapterFormValues): Parsed<ParsedChapterInput> {
  const errors: FieldErrors = {};
  const title = stripToPlainText(values.title);
  lengthError(errors, "chapter[title]", t("works.chapter_title_2"), title, LIMITS.title);
  lengthError(errors, "chapter[summary]", t("works.chapter_summary_2"), values.summary, LIMITS.summary);
  lengthError(errors, "chapter[notes]", t("works.chapter_notes"), values.notes, LIMITS.notes);
  lengthError(errors, "chapter[endnotes]", t("works.chapter_end_notes_2"), values.endnotes, LIMITS.notes);
  const length = values.content.trim().length;
  if (length < LIMITS.chapterMin) (errors["chapter[content]"] ??= []).push(t("works.chapter_text_too_short", { min: LIMITS.chapterMin }));
  if (length > LIMITS.chapterMax) (errors["chapter[content]"] ??= []).push(t("works.chapter_text_too_long", { max: LIMITS.chapterMax, length }));
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      summary: cleanHtml(values.summary, "summary"),
      notes: cleanHtml(values.notes, "notes"),
      endnotes: cleanHtml(values.endnotes, "endnotes"),
      content: cleanHtml(values.content, "content"),
    },
  };
}

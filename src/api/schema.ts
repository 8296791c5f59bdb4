import { type Static, type TOptional, type TSchema, Type } from "@sinclair/typebox";
import { FACET_TYPES, SORT_COLUMNS, WORK_COLUMNS } from "../listing/index.js";
import { MAX_ID } from "../platform/http/routes.js";
import { LIMITS, COMMENT_PERMISSIONS, MAX_INVITES } from "../works/index.js";
import { GIFT_LIMITS } from "../gifts/index.js";
import { RELATED_LIMITS } from "../related/index.js";
import { MAX_NOTES, MAX_TAGS } from "../responses/index.js";
import { SERIES_LIMITS } from "../series/index.js";
import { CATEGORIES, MAX_TAG_LENGTH as WORK_TAG_LENGTH, MAX_USER_TAGS, RATINGS, TAG_FORBIDDEN_CHARS, type TagType, WARNINGS } from "../model/vocabulary.js";
import { LANGUAGES } from "../model/languages.js";
import { SEARCH_LIMITS } from "../search/index.js";
import type { MessageKey } from "../platform/i18n/index.js";
import { described, message } from "./described.js";

// One definition per shape: Fastify validates requests with these (src/api/plugin.ts), the
// OpenAPI document (src/api/openapi.ts) and the docs page (src/api/views/docs.tsx) are generated
// from them, and handlers take their TypeScript types from them. The archive's own rules (the
// same as the forms': src/works/schema.ts, src/responses/schema.ts) run after these, so a limit
// here is only a first, cheaper check of the same limit.
//
// Descriptions are catalogue messages, given with `described(key)` (src/api/described.ts says
// why): these shapes are built at module load, before the archive's language is chosen.

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: "date-time", ...described("api.schema.timestamp") });
const Day = Type.String({ format: "date", ...described("api.schema.day") });
/** User HTML fields are returned sanitized; on input they take plain text or HTML, as the forms do. */
const Html = (what: MessageKey, maxLength?: number) => Type.String({ ...described("api.schema.html", { description: message(what) }), ...(maxLength ? { maxLength } : {}) });

// Patterns state the archive's rules that are about characters (src/works/schema.ts and the
// comments' and search's own checks run after them, and must never refuse what these accept).
// Written with \uXXXX escapes only, so that they mean the same with and without the `u` flag:
// TypeBox compiles them without it, JSON Schema validators with it.
const u = (text: string) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
/** Characters the plain-text fields drop (src/platform/html/sanitize.ts: stripControlChars) or trim. */
const INVISIBLE = "\\s\\u0000-\\u001f\\u007f";
/** Somewhere a character that is not a space or a control character: the field is not blank. */
const NOT_BLANK = `[^${INVISIBLE}]`;
const TagName = Type.String({
  minLength: 1,
  maxLength: WORK_TAG_LENGTH,
  pattern: `^[^${u(TAG_FORBIDDEN_CHARS)}]*[^${u(TAG_FORBIDDEN_CHARS)}${INVISIBLE}][^${u(TAG_FORBIDDEN_CHARS)}]*$`,
  ...described("api.schema.tag_name", { max: WORK_TAG_LENGTH, chars: [...TAG_FORBIDDEN_CHARS].join(" ") }),
});

// ---- parameters ---------------------------------------------------------------------------------

export const WorkIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.work_id") }) });
export const ChapterParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.work_id") }), chapterId: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.chapter_id") }) });
export const BookmarkIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.bookmark_id") }) });
export const LoginParams = Type.Object({ login: Type.String({ minLength: 1, maxLength: 100, ...described("api.schema.login") }) });
export const TagNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 300, ...described("api.schema.tag_name_param") }) });

const Page = Type.Integer({ minimum: 1, maximum: 1_000_000, ...described("api.schema.page") });
export const PageQuery = Type.Object({ page: Type.Optional(Page) });

const TagIds = (verb: "include" | "exclude", type: TagType) =>
  Type.Optional(Type.Array(Type.String({ pattern: "^[0-9]{1,9}$" }), { maxItems: 200, ...described(`api.schema.tag_ids_${verb}`, { type: message(`api.schema.tag_type.${type}`) }) }));

/** The filter sidebar's parameters, with AO3's names, exactly as /works takes them. */
export const ListingQuery = Type.Object({
  page: Type.Optional(Page),
  "work_search[sort_column]": Type.Optional(Type.Union(Object.keys(SORT_COLUMNS).map((k) => Type.Literal(k)), described("api.schema.sort_column"))),
  "work_search[sort_direction]": Type.Optional(Type.Union([Type.Literal("asc"), Type.Literal("desc")])),
  "work_search[other_tag_names]": Type.Optional(Type.String({ maxLength: 2000, ...described("api.schema.other_tag_names") })),
  "work_search[excluded_tag_names]": Type.Optional(Type.String({ maxLength: 2000, ...described("api.schema.excluded_tag_names") })),
  "work_search[crossover]": Type.Optional(Type.Union([Type.Literal(""), Type.Literal("T"), Type.Literal("F")], described("api.schema.crossover", { yes: "T", no: "F" }))),
  "work_search[complete]": Type.Optional(Type.Union([Type.Literal(""), Type.Literal("T"), Type.Literal("F")], described("api.schema.complete", { yes: "T", no: "F" }))),
  // The sidebar's ranges (src/listing/columns.ts): word count, date updated.
  ...Object.fromEntries(WORK_COLUMNS.flatMap((c) => {
    if (!("sidebarRange" in c)) return [];
    const bound = { column: message(c.sort.label), format: message(c.kind === "count" ? "api.schema.format_whole_number" : "api.schema.format_day") };
    return [
      [`work_search[${c.sidebarRange.from}]`, Type.Optional(Type.String({ maxLength: 20, ...described("api.schema.range_from", bound) }))],
      [`work_search[${c.sidebarRange.to}]`, Type.Optional(Type.String({ maxLength: 20, ...described("api.schema.range_to", bound) }))],
    ];
  })),
  "work_search[query]": Type.Optional(Type.String({ maxLength: SEARCH_LIMITS.maxLength, ...described("api.schema.query_within", searchLimits()) })),
  "work_search[language_id]": Type.Optional(Type.String({ maxLength: 20, ...described("api.schema.language_filter") })),
  ...Object.fromEntries(FACET_TYPES.flatMap(({ type, param }) => [
    [`include_work_search[${param}][]`, TagIds("include", type)],
    [`exclude_work_search[${param}][]`, TagIds("exclude", type)],
  ])),
});

/** The search language's limits, named in the descriptions of the fields that take it. */
function searchLimits() {
  return { max: SEARCH_LIMITS.maxLength, terms: SEARCH_LIMITS.maxTerms, depth: SEARCH_LIMITS.maxDepth, wildcards: SEARCH_LIMITS.maxWildcards, prefix: SEARCH_LIMITS.minPrefixLength };
}

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: SEARCH_LIMITS.maxLength, ...described("api.schema.search_q", searchLimits()) }),
  page: Type.Optional(Page),
});

// ---- responses ----------------------------------------------------------------------------------

export const Problem = Type.Object(
  {
    type: Type.String(described("api.schema.problem_type")),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(described("api.schema.problem_code")),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(described("api.schema.problem_field")), message: Type.String() }))),
  },
  described("api.schema.problem"),
);

const Creator = Type.Object({ pseud: Type.String(), login: Type.String() });
const TagRef = Type.Object({ id: Type.Integer(), name: Type.String() });

export const WorkSummary = Type.Object({
  id: Type.Integer(),
  url: Type.String(described("api.schema.work_url")),
  title: Type.String(),
  creators: Type.Array(Creator),
  rating: Nullable(Type.String()),
  warnings: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  fandoms: Type.Array(Type.String()),
  relationships: Type.Array(Type.String()),
  characters: Type.Array(Type.String()),
  freeforms: Type.Array(Type.String()),
  tags: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.String() }), described("api.schema.work_tags")),
  language: Type.String(),
  summary: Html("api.schema.work_summary"),
  chapters_posted: Type.Integer(),
  expected_chapters: Nullable(Type.Integer()),
  complete: Type.Boolean(),
  restricted: Type.Boolean(described("api.schema.restricted")),
  draft: Type.Boolean(),
  held_for_review: Type.Boolean(described("api.schema.held_for_review")),
  ...listingColumns(),
});

/**
 * The listing columns (src/listing/columns.ts) under their own names: the counters and dates a
 * listing sorts and filters by (published_on is "Date Posted", revised_at "Date Updated"). Text
 * sort keys are internal and not shown.
 */
function listingColumns() {
  const kinds = { count: Type.Integer(), day: Day, instant: Timestamp };
  type Shown = Exclude<(typeof WORK_COLUMNS)[number], { kind: "text" }>;
  return Object.fromEntries(WORK_COLUMNS.flatMap((c) => (c.kind === "text" ? [] : [[c.column, kinds[c.kind]]]))) as {
    [S in Shown as S["column"]]: (typeof kinds)[S["kind"]];
  };
}

const ChapterRef = Type.Object({ id: Type.Integer(), position: Type.Integer(), title: Type.String(), word_count: Type.Integer(), published_on: Day });

const RelatedWorkOut = Type.Object({
  work_id: Nullable(Type.Integer(described("api.schema.related_work_id"))),
  url: Type.String(),
  title: Type.String(),
  author: Nullable(Type.String(described("api.schema.related_author"))),
  translation: Type.Boolean(),
});

export const Work = Type.Composite([
  WorkSummary,
  Type.Object({
    recipients: Type.Array(Type.String(), described("api.schema.recipients_out")),
    related_works: Type.Array(RelatedWorkOut, described("api.schema.related_works_out")),
    notes: Html("api.schema.work_notes"),
    endnotes: Html("api.schema.work_endnotes"),
    comment_permission: Type.String(),
    moderated_comments: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    chapters: Type.Array(ChapterRef, described("api.schema.work_chapters")),
    series: Type.Array(
      Type.Object({ id: Type.Integer(), title: Type.String(), part: Type.Integer(described("api.schema.work_series_part")), previous: Nullable(Type.Integer()), next: Nullable(Type.Integer()) }),
      described("api.schema.work_series"),
    ),
  }),
]);

export const Chapter = Type.Object({
  id: Type.Integer(),
  work_id: Type.Integer(),
  url: Type.String(),
  position: Type.Integer(),
  title: Type.String(),
  summary: Html("api.schema.chapter_summary"),
  notes: Html("api.schema.chapter_notes"),
  endnotes: Html("api.schema.chapter_endnotes"),
  content: Html("api.schema.chapter_text"),
  word_count: Type.Integer(),
  published_on: Day,
  updated_at: Timestamp,
});

export const ChapterList = Type.Object({ work_id: Type.Integer(), chapters: Type.Array(Chapter) });

const FacetCount = Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() });

export const WorkListing = Type.Object({
  total: Type.Integer(described("api.schema.listing_total")),
  page: Type.Integer(),
  per_page: Type.Integer(),
  works: Type.Array(WorkSummary),
  facets: Type.Optional(Type.Record(Type.String(), Type.Array(FacetCount), described("api.schema.listing_facets"))),
  notices: Type.Array(Type.String(), described("api.schema.listing_notices")),
});

const TagSummary = Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.String(), canonical: Type.Boolean() });
const CappedTags = Type.Object({ items: Type.Array(TagSummary), total: Type.Integer() });

export const Tag = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: Type.String(),
  canonical: Type.Boolean(),
  url: Type.String(),
  works_count: Type.Integer(described("api.schema.tag_works_count")),
  merger: Nullable(TagSummary),
  synonyms: CappedTags,
  parents: Type.Array(TagSummary),
  metatags: Type.Array(TagSummary),
  subtags: CappedTags,
  children: Type.Record(Type.String(), CappedTags, described("api.schema.tag_children")),
});

export const Series = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  title: Type.String(),
  creators: Type.Array(Creator),
  summary: Html("api.schema.series_summary"),
  notes: Html("api.schema.series_notes"),
  complete: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  works_count: Type.Integer(described("api.schema.series_works_count")),
  word_count: Type.Integer(described("api.schema.series_word_count")),
  bookmarks_count: Type.Integer(described("api.schema.series_bookmarks_count")),
  works: Type.Array(WorkSummary, described("api.schema.series_works")),
});

export const SeriesList = Type.Object({
  series: Type.Array(
    Type.Object({
      id: Type.Integer(),
      url: Type.String(),
      title: Type.String(),
      creators: Type.Array(Creator),
      complete: Type.Boolean(),
      updated_at: Timestamp,
      works_count: Type.Integer(described("api.schema.series_works_count")),
      word_count: Type.Integer(),
    }),
    described("api.schema.series_list"),
  ),
});

export const SeriesIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.series_id") }) });

export const User = Type.Object({
  login: Type.String(),
  url: Type.String(),
  joined_at: Timestamp,
  profile: Html("api.schema.user_profile"),
  pseuds: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), description: Html("api.schema.pseud_description"), default: Type.Boolean() })),
});

export const Me = Type.Object({
  login: Type.String(),
  token: Type.Object({ id: Type.Integer(), scope: Type.String() }),
  pseuds: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), default: Type.Boolean() })),
});

export const Bookmark = Type.Object({
  id: Type.Integer(),
  work_id: Nullable(Type.Integer({ ...described("api.schema.bookmark_work_id", { null: "null" }) })),
  series_id: Nullable(Type.Integer({ ...described("api.schema.bookmark_series_id", { null: "null" }) })),
  owner: Type.String(described("api.schema.bookmark_owner")),
  notes: Html("api.schema.bookmark_notes"),
  tags: Type.Array(Type.String()),
  private: Type.Boolean(),
  rec: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const BookmarkListing = Type.Object({ total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer(), bookmarks: Type.Array(Bookmark) });

// ---- comments ------------------------------------------------------------------------------------

export interface CommentJson {
  id: number;
  parent_id: number | null;
  chapter_id: number | null;
  chapter_position: number | null;
  author: { login: string | null; guest_name: string | null };
  content: string;
  held: boolean;
  deleted: boolean;
  frozen: boolean;
  edited_at: string | null;
  created_at: string;
  replies: CommentJson[];
  more_replies: boolean;
}

const CommentFields = {
  id: Type.Integer(),
  parent_id: Nullable(Type.Integer()),
  chapter_id: Nullable(Type.Integer({ ...described("api.schema.comment_chapter_id", { null: "null" }) })),
  chapter_position: Nullable(Type.Integer()),
  author: Type.Object({ login: Nullable(Type.String()), guest_name: Nullable(Type.String()) }),
  content: Html("api.schema.comment_content"),
  held: Type.Boolean(described("api.schema.comment_held")),
  deleted: Type.Boolean(),
  frozen: Type.Boolean(),
  edited_at: Nullable(Timestamp),
  created_at: Timestamp,
  more_replies: Type.Boolean(described("api.schema.comment_more_replies")),
};

export const Comment = Type.Recursive((This) => Type.Object({ ...CommentFields, replies: Type.Array(This) }), { $id: "Comment" });

export const CommentListing = Type.Object({
  work_id: Type.Integer(),
  comments_count: Type.Integer(described("api.schema.comments_count")),
  threads_total: Type.Integer(),
  page: Type.Integer(),
  per_page: Type.Integer(),
  threads: Type.Array(Comment, described("api.schema.comment_threads")),
});

export const CommentListQuery = Type.Object({ page: Type.Optional(Page), chapter_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.comments_of_chapter") })) });

export const NewCommentBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 10_000, pattern: NOT_BLANK, ...described("api.schema.new_comment_content") }),
    chapter_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.new_comment_chapter_id") })),
    parent_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.new_comment_parent_id") })),
  },
  { additionalProperties: false },
);
export type NewCommentBody = Static<typeof NewCommentBody>;

export const KudosResult = Type.Object({ result: Type.Union([Type.Literal("left"), Type.Literal("already")]), kudos_count: Type.Integer() });

// ---- request bodies -----------------------------------------------------------------------------

const ChapterFields = {
  title: Type.String({ maxLength: LIMITS.title }),
  summary: Type.String({ maxLength: LIMITS.summary }),
  notes: Type.String({ maxLength: LIMITS.notes }),
  endnotes: Type.String({ maxLength: LIMITS.notes }),
  // At least chapterMin characters once trimmed: two non-spaces that far apart.
  content: Type.String({
    minLength: LIMITS.chapterMin,
    maxLength: LIMITS.chapterMax,
    pattern: `\\S[\\s\\S]{${LIMITS.chapterMin - 2},}\\S`,
    ...described("api.schema.chapter_content", { min: LIMITS.chapterMin, max: LIMITS.chapterMax }),
  }),
};

// Relationships and characters need no words beyond their names; their empty description is kept
// so that the published OpenAPI document stays as it was.
const TagList = (what?: MessageKey, params?: Parameters<typeof described>[1]) => Type.Array(TagName, { maxItems: MAX_USER_TAGS * 2, ...(what ? described(what, params) : { description: "" }) });

/**
 * AO3's "Add to series" on the work form: one of the caller's series (by id, at a part), or a new
 * one (by a title that is not blank; it begins with this work as part 1). The two shapes are two
 * schemas, so that the document states "an id or a title, not both" and "a new series' part is 1".
 */
const SeriesPart = Type.Integer({ minimum: 1, maximum: 999_999, ...described("api.schema.series_membership_part") });
const SeriesMembership = Type.Union(
  [
    Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, ...described("api.schema.series_membership_id") }), part: Type.Optional(SeriesPart) }, { additionalProperties: false }),
    Type.Object(
      { title: Type.String({ minLength: 1, maxLength: SERIES_LIMITS.title, pattern: NOT_BLANK, ...described("api.schema.series_membership_title") }), part: Type.Optional(Type.Literal(1, described("api.series_new_part"))) },
      { additionalProperties: false },
    ),
  ],
  described("api.schema.series_membership"),
);
/** Either shape, as the handlers read it (they check the same rules again). */
export type SeriesMembership = { id?: number; title?: string; part?: number };

const WorkFields = {
  title: Type.String({ minLength: 1, maxLength: LIMITS.title, pattern: NOT_BLANK }),
  pseud_ids: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ID }), { minItems: 1, maxItems: 50, ...described("api.schema.pseud_ids") }),
  rating: Type.Union(RATINGS.map((r) => Type.Literal(r.name))),
  warnings: Type.Array(Type.Union(WARNINGS.map((w) => Type.Literal(w.name))), { minItems: 1, maxItems: WARNINGS.length, ...described("api.schema.warnings") }),
  categories: Type.Array(Type.Union(CATEGORIES.map((c) => Type.Literal(c.name))), { maxItems: CATEGORIES.length }),
  fandoms: Type.Array(TagName, { minItems: 1, maxItems: MAX_USER_TAGS * 2, ...described("api.schema.at_least_one") }),
  relationships: TagList(),
  characters: TagList(),
  freeforms: TagList("api.schema.freeforms", { max: MAX_USER_TAGS }),
  language: Type.Union(LANGUAGES.map((l) => Type.Literal(l.code)), described("api.schema.language")),
  summary: Type.String({ maxLength: LIMITS.summary }),
  notes: Type.String({ maxLength: LIMITS.notes }),
  endnotes: Type.String({ maxLength: LIMITS.notes }),
  restricted: Type.Boolean(described("api.schema.restricted")),
  comment_permission: Type.Union(COMMENT_PERMISSIONS.map((p) => Type.Literal(p))),
  moderated_comments: Type.Boolean(described("api.schema.moderated_comments")),
  expected_chapters: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.expectedChaptersMax, ...described("api.schema.expected_chapters", { null: "null" }) })),
  published_on: Nullable(Type.String({ format: "date", ...described("api.schema.published_on", { null: "null" }) })),
  series: SeriesMembership,
  co_creators: Type.Array(Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }), { maxItems: MAX_INVITES, ...described("api.schema.co_creators") }),
  recipients: Type.Array(Type.String({ minLength: 1, maxLength: GIFT_LIMITS.name, pattern: NOT_BLANK }), { maxItems: GIFT_LIMITS.recipients, ...described("api.schema.recipients") }),
  related_works: Type.Array(
    Type.Object(
      {
        url: Type.String({ minLength: 1, maxLength: RELATED_LIMITS.url, ...described("api.schema.related_url") }),
        title: Type.Optional(Type.String({ maxLength: RELATED_LIMITS.title, ...described("api.schema.related_title") })),
        author: Type.Optional(Type.String({ maxLength: RELATED_LIMITS.author, ...described("api.schema.related_author_in") })),
        translation: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    { maxItems: RELATED_LIMITS.parents, ...described("api.schema.related_works") },
  ),
};

const optional = <T extends Record<string, TSchema>>(fields: T) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: TOptional<T[K]> };

export const NewChapterBody = Type.Object({ ...optional(ChapterFields), content: ChapterFields.content }, { additionalProperties: false });
export const ChapterPatchBody = Type.Object(optional(ChapterFields), { additionalProperties: false, minProperties: 1 });

export const NewWorkBody = Type.Object(
  {
    ...optional(WorkFields),
    title: WorkFields.title,
    rating: WorkFields.rating,
    warnings: WorkFields.warnings,
    fandoms: WorkFields.fandoms,
    draft: Type.Optional(Type.Boolean(described("api.schema.draft"))),
    chapter: NewChapterBody,
  },
  { additionalProperties: false },
);

export const WorkPatchBody = Type.Object(
  { ...optional(WorkFields), draft: Type.Optional(Type.Literal(false, { ...described("api.schema.post_draft", { false: "false" }) })) },
  { additionalProperties: false, minProperties: 1 },
);

const BookmarkFields = {
  notes: Type.String({ maxLength: MAX_NOTES }),
  // A bookmarker's tags follow the work-tag rule (tagNameProblem), as the bookmark form does.
  tags: Type.Array(TagName, { maxItems: MAX_TAGS }),
  private: Type.Boolean(),
  rec: Type.Boolean(described("api.schema.bookmark_rec")),
};
export const BookmarkBody = Type.Object(optional(BookmarkFields), { additionalProperties: false });
export const BookmarkPatchBody = Type.Object(optional(BookmarkFields), { additionalProperties: false, minProperties: 1 });

export type NewWorkBody = Static<typeof NewWorkBody>;
export type WorkPatchBody = Static<typeof WorkPatchBody>;
export type NewChapterBody = Static<typeof NewChapterBody>;
export type ChapterPatchBody = Static<typeof ChapterPatchBody>;
export type BookmarkBody = Static<typeof BookmarkBody>;
export type ListingQuery = Static<typeof ListingQuery>;
export type SearchQuery = Static<typeof SearchQuery>;

/** Named shapes: the OpenAPI document lists them under components and refers to them. */
export const NAMED_SCHEMAS: Record<string, TSchema> = { Problem, Work, WorkSummary, WorkListing, Chapter, ChapterList, Tag, Series, SeriesList, User, Me, Bookmark, BookmarkListing, KudosResult, Comment, CommentListing, NewCommentBody, NewWorkBody, WorkPatchBody, NewChapterBody, ChapterPatchBody, BookmarkBody, BookmarkPatchBody };

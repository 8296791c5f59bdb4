import { type Static, type TOptional, type TSchema, Type } from "@sinclair/typebox";
import { FACET_TYPES, SORT_COLUMNS, WORK_COLUMNS } from "../listing/index.js";
import { MAX_ID } from "../platform/http/routes.js";
import { LIMITS, COMMENT_PERMISSIONS } from "../works/index.js";
import { MAX_NOTES, MAX_TAGS } from "../responses/index.js";
import { CATEGORIES, MAX_TAG_LENGTH as WORK_TAG_LENGTH, MAX_USER_TAGS, RATINGS, WARNINGS } from "../model/vocabulary.js";
// The API\'s field descriptions are English only (they make the OpenAPI document): labels are read from en directly.
import { en } from "../platform/i18n/en.js";

// One definition per shape: Fastify validates requests with these (src/api/plugin.ts), the
// OpenAPI document (src/api/openapi.ts) and the docs page (src/api/views/docs.tsx) are generated
// from them, and handlers take their TypeScript types from them. The archive's own rules (the
// same as the forms': src/works/schema.ts, src/responses/schema.ts) run after these, so a limit
// here is only a first, cheaper check of the same limit.

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: "date-time", description: "ISO 8601, UTC." });
const Day = Type.String({ format: "date", description: "YYYY-MM-DD." });
/** User HTML fields are returned sanitized; on input they take plain text or HTML, as the forms do. */
const Html = (description: string, maxLength?: number) => Type.String({ description: `${description} HTML (sanitized).`, ...(maxLength ? { maxLength } : {}) });
const TagName = Type.String({ minLength: 1, maxLength: WORK_TAG_LENGTH, pattern: "^[^,，、]+$", description: "One tag name (no commas)." });

// ---- parameters ---------------------------------------------------------------------------------

export const WorkIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: "The work's id." }) });
export const ChapterParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: "The work's id." }), chapterId: Type.Integer({ minimum: 1, maximum: MAX_ID, description: "The chapter's id." }) });
export const BookmarkIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: "The bookmark's id." }) });
export const LoginParams = Type.Object({ login: Type.String({ minLength: 1, maxLength: 100, description: "The user's login name." }) });
export const TagNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 300, description: "The tag's name, URL-encoded." }) });

const Page = Type.Integer({ minimum: 1, maximum: 1_000_000, description: "1-based page number (20 works a page)." });
export const PageQuery = Type.Object({ page: Type.Optional(Page) });

const TagIds = (verb: string, label: string) =>
  Type.Optional(Type.Array(Type.String({ pattern: "^[0-9]{1,9}$" }), { maxItems: 200, description: `${label} tag ids to ${verb} (canonical tags; repeat the parameter).` }));

/** The filter sidebar's parameters, with AO3's names, exactly as /works takes them. */
export const ListingQuery = Type.Object({
  page: Type.Optional(Page),
  "work_search[sort_column]": Type.Optional(Type.Union(Object.keys(SORT_COLUMNS).map((k) => Type.Literal(k)), { description: "Sort by." })),
  "work_search[sort_direction]": Type.Optional(Type.Union([Type.Literal("asc"), Type.Literal("desc")])),
  "work_search[other_tag_names]": Type.Optional(Type.String({ maxLength: 2000, description: "Comma-separated tag names every work must have." })),
  "work_search[excluded_tag_names]": Type.Optional(Type.String({ maxLength: 2000, description: "Comma-separated tag names no work may have." })),
  "work_search[crossover]": Type.Optional(Type.Union([Type.Literal(""), Type.Literal("T"), Type.Literal("F")], { description: "T: crossovers only; F: no crossovers." })),
  "work_search[complete]": Type.Optional(Type.Union([Type.Literal(""), Type.Literal("T"), Type.Literal("F")], { description: "T: complete works only; F: works in progress only." })),
  // The sidebar's ranges (src/listing/columns.ts): word count, date updated.
  ...Object.fromEntries(WORK_COLUMNS.flatMap((c) => {
    if (!("sidebarRange" in c)) return [];
    const what = c.kind === "count" ? "a whole number" : "YYYY-MM-DD";
    return [
      [`work_search[${c.sidebarRange.from}]`, Type.Optional(Type.String({ maxLength: 20, description: `${en[c.sort.label]} from, inclusive (${what}).` }))],
      [`work_search[${c.sidebarRange.to}]`, Type.Optional(Type.String({ maxLength: 20, description: `${en[c.sort.label]} to, inclusive (${what}).` }))],
    ];
  })),
  "work_search[query]": Type.Optional(Type.String({ maxLength: 2000, description: "Search within results (the search query language)." })),
  "work_search[language_id]": Type.Optional(Type.String({ maxLength: 20, description: "Language code, such as en." })),
  ...Object.fromEntries(FACET_TYPES.flatMap(({ type, param }) => [
    [`include_work_search[${param}][]`, TagIds("include", type)],
    [`exclude_work_search[${param}][]`, TagIds("exclude", type)],
  ])),
});

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 1000, description: "A query in the search language (words, \"phrases\", field:value, ranges, sort:...), as on /works/search." }),
  page: Type.Optional(Page),
});

// ---- responses ----------------------------------------------------------------------------------

export const Problem = Type.Object(
  {
    type: Type.String({ description: "A link to this problem's description." }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: "A stable code from the archive's error catalogue." }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String({ description: "The field, as a dotted path into the request (or a parameter's name)." }), message: Type.String() }))),
  },
  { description: "An RFC 9457 problem (application/problem+json)." },
);

const Creator = Type.Object({ pseud: Type.String(), login: Type.String() });
const TagRef = Type.Object({ id: Type.Integer(), name: Type.String() });

export const WorkSummary = Type.Object({
  id: Type.Integer(),
  url: Type.String({ description: "The work's page." }),
  title: Type.String(),
  creators: Type.Array(Creator),
  rating: Nullable(Type.String()),
  warnings: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  fandoms: Type.Array(Type.String()),
  relationships: Type.Array(Type.String()),
  characters: Type.Array(Type.String()),
  freeforms: Type.Array(Type.String()),
  tags: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.String() }), { description: "All its tags in display order, with their ids (for filters)." }),
  language: Type.String(),
  summary: Html("Summary."),
  chapters_posted: Type.Integer(),
  expected_chapters: Nullable(Type.Integer()),
  complete: Type.Boolean(),
  restricted: Type.Boolean({ description: "Registered users only." }),
  draft: Type.Boolean(),
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

export const Work = Type.Composite([
  WorkSummary,
  Type.Object({
    notes: Html("Notes at the beginning."),
    endnotes: Html("Notes at the end."),
    comment_permission: Type.String(),
    moderated_comments: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    chapters: Type.Array(ChapterRef, { description: "Its chapters in reading order (posted ones; all of them on a draft)." }),
    series: Type.Array(
      Type.Object({ id: Type.Integer(), title: Type.String(), part: Type.Integer({ description: "Its place among the series' works you may see." }), previous: Nullable(Type.Integer()), next: Nullable(Type.Integer()) }),
      { description: "The series it is part of." },
    ),
  }),
]);

export const Chapter = Type.Object({
  id: Type.Integer(),
  work_id: Type.Integer(),
  url: Type.String(),
  position: Type.Integer(),
  title: Type.String(),
  summary: Html("Chapter summary."),
  notes: Html("Chapter notes."),
  endnotes: Html("Chapter end notes."),
  content: Html("The chapter's text."),
  word_count: Type.Integer(),
  published_on: Day,
  updated_at: Timestamp,
});

export const ChapterList = Type.Object({ work_id: Type.Integer(), chapters: Type.Array(Chapter) });

const FacetCount = Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() });

export const WorkListing = Type.Object({
  total: Type.Integer({ description: "Works matching, that you may see." }),
  page: Type.Integer(),
  per_page: Type.Integer(),
  works: Type.Array(WorkSummary),
  facets: Type.Optional(Type.Record(Type.String(), Type.Array(FacetCount), { description: "Per tag type, the top tags among the matching works, for further filtering." })),
  notices: Type.Array(Type.String(), { description: "What was ignored or corrected in the filters." }),
});

const TagSummary = Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.String(), canonical: Type.Boolean() });
const CappedTags = Type.Object({ items: Type.Array(TagSummary), total: Type.Integer() });

export const Tag = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: Type.String(),
  canonical: Type.Boolean(),
  url: Type.String(),
  works_count: Type.Integer({ description: "Works you may see under the tag." }),
  merger: Nullable(TagSummary),
  synonyms: CappedTags,
  parents: Type.Array(TagSummary),
  metatags: Type.Array(TagSummary),
  subtags: CappedTags,
  children: Type.Record(Type.String(), CappedTags, { description: "Child tags by type." }),
});

export const Series = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  title: Type.String(),
  creators: Type.Array(Creator),
  summary: Html("Description."),
  notes: Html("Notes."),
  complete: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  works_count: Type.Integer({ description: "Works in it you may see." }),
  word_count: Type.Integer({ description: "Their words." }),
  bookmarks_count: Type.Integer({ description: "Public bookmarks of the series." }),
  works: Type.Array(WorkSummary, { description: "The works you may see, in series order." }),
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
      works_count: Type.Integer({ description: "Works in it you may see." }),
      word_count: Type.Integer(),
    }),
    { description: "Newest update first; others' series only when you may see a work in them." },
  ),
});

export const SeriesIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: "The series' id." }) });

export const User = Type.Object({
  login: Type.String(),
  url: Type.String(),
  joined_at: Timestamp,
  pseuds: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), description: Type.String(), default: Type.Boolean() })),
});

export const Me = Type.Object({
  login: Type.String(),
  token: Type.Object({ id: Type.Integer(), scope: Type.String() }),
  pseuds: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), default: Type.Boolean() })),
});

export const Bookmark = Type.Object({
  id: Type.Integer(),
  work_id: Nullable(Type.Integer({ description: "The bookmarked work (null for a series)." })),
  series_id: Nullable(Type.Integer({ description: "The bookmarked series (null for a work)." })),
  owner: Type.String({ description: "The bookmarker's login." }),
  notes: Html("The bookmarker's notes."),
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
  chapter_id: Nullable(Type.Integer({ description: "The chapter it is on; null: the whole work." })),
  chapter_position: Nullable(Type.Integer()),
  author: Type.Object({ login: Nullable(Type.String()), guest_name: Nullable(Type.String()) }),
  content: Html("The comment; empty once deleted."),
  held: Type.Boolean({ description: "Awaiting the creator's approval (shown only to its writer and the work's creators)." }),
  deleted: Type.Boolean(),
  frozen: Type.Boolean(),
  edited_at: Nullable(Timestamp),
  created_at: Timestamp,
  more_replies: Type.Boolean({ description: "Replies deeper than shown: fetch them from this comment." }),
};

export const Comment = Type.Recursive((This) => Type.Object({ ...CommentFields, replies: Type.Array(This) }), { $id: "Comment" });

export const CommentListing = Type.Object({
  work_id: Type.Integer(),
  comments_count: Type.Integer({ description: "Approved, not deleted comments in these threads." }),
  threads_total: Type.Integer(),
  page: Type.Integer(),
  per_page: Type.Integer(),
  threads: Type.Array(Comment, { description: "First comments with their replies, nested." }),
});

export const CommentListQuery = Type.Object({ page: Type.Optional(Page), chapter_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, description: "Only this chapter's comments." })) });

export const NewCommentBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 10_000, description: "Plain text or HTML, sanitized as the form's." }),
    chapter_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, description: "Comment on this chapter (a posted chapter of the work)." })),
    parent_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, description: "Reply to this comment (on the same work)." })),
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
  content: Type.String({ minLength: 1, maxLength: LIMITS.chapterMax, description: `The text: plain text (blank lines make paragraphs) or HTML; ${LIMITS.chapterMin} to ${LIMITS.chapterMax} characters.` }),
};

const TagList = (description: string) => Type.Array(TagName, { maxItems: MAX_USER_TAGS * 2, description });

const WorkFields = {
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  pseud_ids: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ID }), { minItems: 1, maxItems: 50, description: "Your pseuds to post as (default: your default pseud)." }),
  rating: Type.Union(RATINGS.map((r) => Type.Literal(r.name))),
  warnings: Type.Array(Type.Union(WARNINGS.map((w) => Type.Literal(w.name))), { minItems: 1, maxItems: WARNINGS.length, description: "Archive warnings (at least one)." }),
  categories: Type.Array(Type.Union(CATEGORIES.map((c) => Type.Literal(c.name))), { maxItems: CATEGORIES.length }),
  fandoms: TagList("At least one."),
  relationships: TagList(""),
  characters: TagList(""),
  freeforms: TagList("Additional tags."),
  language: Type.String({ maxLength: 20, description: "Language code (default en)." }),
  summary: Type.String({ maxLength: LIMITS.summary }),
  notes: Type.String({ maxLength: LIMITS.notes }),
  endnotes: Type.String({ maxLength: LIMITS.notes }),
  restricted: Type.Boolean({ description: "Registered users only." }),
  comment_permission: Type.Union(COMMENT_PERMISSIONS.map((p) => Type.Literal(p))),
  moderated_comments: Type.Boolean({ description: "Hold others' comments until you approve them." }),
  expected_chapters: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.expectedChaptersMax, description: "null: not known yet." })),
  published_on: Nullable(Type.String({ format: "date", description: "Backdate to this day; null: the day it is posted." })),
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
    fandoms: Type.Array(TagName, { minItems: 1, maxItems: MAX_USER_TAGS * 2, description: "At least one." }),
    draft: Type.Optional(Type.Boolean({ description: "Save as a draft (only you see it) instead of posting." })),
    chapter: NewChapterBody,
  },
  { additionalProperties: false },
);

export const WorkPatchBody = Type.Object(
  { ...optional(WorkFields), draft: Type.Optional(Type.Literal(false, { description: "false posts a draft." })) },
  { additionalProperties: false, minProperties: 1 },
);

const BookmarkFields = {
  notes: Type.String({ maxLength: MAX_NOTES }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: "^[^,，、]+$" }), { maxItems: MAX_TAGS }),
  private: Type.Boolean(),
  rec: Type.Boolean({ description: "A recommendation." }),
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

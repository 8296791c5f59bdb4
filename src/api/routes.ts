import { get, post } from "../platform/http/routes.js";
import { endpoint, type Endpoint } from "./endpoint.js";
import * as c from "./comment-handlers.js";
import * as h from "./handlers.js";
import * as pages from "./pages.js";
import * as s from "./schema.js";
import { showApiDocs } from "./docs.js";

/** The token settings pages and the API's documentation page (HTML, in the site's route table). */
export const apiPageRoutes = [
  // The table below is read when a request comes, not when this array is built.
  get("/api", (req, reply) => showApiDocs(req, reply, API_ENDPOINTS)),
  get("/users/:login/api_tokens", pages.showTokensPage, { guard: "user" }),
  post("/users/:login/api_tokens", pages.postToken, { guard: "user" }),
  get("/users/:login/api_tokens/:id/confirm_revoke", pages.showRevokeTokenPage, { guard: "user" }),
  post("/users/:login/api_tokens/:id/revoke", pages.removeToken, { guard: "user" }),
];

const NEW_WORK_EXAMPLE = {
  title: "A Test of Tides",
  rating: "General Audiences",
  warnings: ["No Archive Warnings Apply"],
  fandoms: ["Original Work"],
  characters: ["Mira Okonkwo"],
  summary: "A keeper and a storm.",
  chapter: { content: "The lamp turned all night.\n\nBy morning the sea was glass." },
};

/** The JSON API v1 (under /api/v1): validation, the OpenAPI document and the docs page all come from this table. */
export const API_ENDPOINTS: Endpoint[] = [
  // ---- works
  endpoint({
    method: "GET", url: "/works", operationId: "listWorks", tag: "Works", access: "public",
    summary: "List works, with the filter sidebar's parameters",
    description: "The works you may see, newest update first unless sorted, 20 a page, with the same filters (and parameter names) as the sidebar on /works, and the facet counts it shows.",
    schema: { querystring: s.ListingQuery, responses: { 200: s.WorkListing } },
    example: { path: "/works?work_search[sort_column]=kudos_count&work_search[complete]=T&include_work_search[fandom_ids][]=12" },
    handler: h.listWorks,
  }),
  endpoint({
    method: "GET", url: "/search", operationId: "searchWorks", tag: "Works", access: "public",
    summary: "Search works",
    description: "Full-text search with the search page's query language (words, \"phrases\", title:, creators:, tags:, words>1000, complete:true, sort:kudos...).",
    schema: { querystring: s.SearchQuery, responses: { 200: s.WorkListing } },
    example: { path: "/search?q=lighthouse%20words%3E1000%20sort%3Akudos" },
    handler: h.searchWorksJson,
  }),
  endpoint({
    method: "POST", url: "/works", operationId: "postWork", tag: "Works", access: "write",
    summary: "Post a work (or save a draft) with its first chapter",
    description: "The same fields, limits and rules as the posting form. Text fields take plain text (blank lines make paragraphs) or HTML, sanitized as the form's are.",
    schema: { body: s.NewWorkBody, responses: { 201: s.Work, 422: s.Problem } },
    example: { path: "/works", body: NEW_WORK_EXAMPLE },
    handler: h.postWork,
  }),
  endpoint({
    method: "GET", url: "/works/:id", operationId: "getWork", tag: "Works", access: "public",
    summary: "A work: its metadata, tags and chapter list",
    description: "Registered-only works need a token (401 without); drafts are shown only to their creators (404 for anyone else).",
    schema: { params: s.WorkIdParams, responses: { 200: s.Work, 404: s.Problem } },
    example: { path: "/works/1" },
    handler: h.getWork,
  }),
  endpoint({
    method: "PATCH", url: "/works/:id", operationId: "editWork", tag: "Works", access: "write",
    summary: "Edit a work's metadata; post a draft",
    description: "Only the fields sent change. `\"draft\": false` posts a draft. Creators only.",
    schema: { params: s.WorkIdParams, body: s.WorkPatchBody, responses: { 200: s.Work, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1", body: { title: "A Test of Tides (revised)", freeforms: ["Sea", "Storms"] } },
    handler: h.patchWork,
  }),
  endpoint({
    method: "GET", url: "/works/:id/chapters", operationId: "getChapters", tag: "Works", access: "public",
    summary: "A work's chapters with their text",
    schema: { params: s.WorkIdParams, responses: { 200: s.ChapterList, 404: s.Problem } },
    example: { path: "/works/1/chapters" },
    handler: h.getChapters,
  }),
  endpoint({
    method: "POST", url: "/works/:id/chapters", operationId: "postChapter", tag: "Works", access: "write",
    summary: "Add a chapter at the end",
    schema: { params: s.WorkIdParams, body: s.NewChapterBody, responses: { 201: s.Chapter, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/chapters", body: { title: "Morning", content: "The sea was glass, and the keeper slept." } },
    handler: h.postChapter,
  }),
  endpoint({
    method: "GET", url: "/works/:id/chapters/:chapterId", operationId: "getChapter", tag: "Works", access: "public",
    summary: "One chapter with its text",
    schema: { params: s.ChapterParams, responses: { 200: s.Chapter, 404: s.Problem } },
    example: { path: "/works/1/chapters/1" },
    handler: h.getChapter,
  }),
  endpoint({
    method: "PATCH", url: "/works/:id/chapters/:chapterId", operationId: "editChapter", tag: "Works", access: "write",
    summary: "Edit a chapter's text or notes",
    description: "Only the fields sent change.",
    schema: { params: s.ChapterParams, body: s.ChapterPatchBody, responses: { 200: s.Chapter, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/chapters/1", body: { notes: "Thanks for reading." } },
    handler: h.patchChapter,
  }),
  endpoint({
    method: "POST", url: "/works/:id/kudos", operationId: "leaveKudos", tag: "Kudos and bookmarks", access: "write",
    summary: "Leave kudos on a work",
    description: "201 when left, 200 when you already had. Not on your own work or a draft (403).",
    schema: { params: s.WorkIdParams, responses: { 201: s.KudosResult, 200: s.KudosResult, 404: s.Problem } },
    example: { path: "/works/1/kudos" },
    handler: h.postKudos,
  }),
  endpoint({
    method: "GET", url: "/works/:id/comments", operationId: "listComments", tag: "Comments", access: "public",
    summary: "A work's comments, as threads",
    description: "20 threads a page, each first comment with its replies nested (5 levels; `more_replies` says where a thread goes deeper). Comments held for approval only to their writer and the work's creators.",
    schema: { params: s.WorkIdParams, querystring: s.CommentListQuery, responses: { 200: s.CommentListing, 404: s.Problem } },
    example: { path: "/works/1/comments?page=1" },
    handler: c.listComments,
  }),
  endpoint({
    method: "POST", url: "/works/:id/comments", operationId: "postComment", tag: "Comments", access: "write",
    summary: "Comment on a work or a chapter, or reply to a comment",
    description: "As the comment form: the work's comment permissions and moderation apply (403 COMMENT_REFUSED says why); the same text posted again in the same place answers the first comment (200). New accounts may post 3 comments per 15 minutes.",
    schema: { params: s.WorkIdParams, body: s.NewCommentBody, responses: { 201: s.Comment, 200: s.Comment, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/comments", body: { content: "The lighthouse scene!", chapter_id: 1 } },
    limit: c.newCommenterLimit,
    handler: c.postCommentJson,
  }),
  endpoint({
    method: "GET", url: "/works/:id/bookmarks", operationId: "listWorkBookmarks", tag: "Kudos and bookmarks", access: "public",
    summary: "A work's public bookmarks (and yours)",
    schema: { params: s.WorkIdParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/works/1/bookmarks" },
    handler: h.listWorkBookmarks,
  }),
  endpoint({
    method: "POST", url: "/works/:id/bookmarks", operationId: "postBookmark", tag: "Kudos and bookmarks", access: "write",
    summary: "Bookmark a work",
    description: "409 if you already have a bookmark of it (edit that one instead).",
    schema: { params: s.WorkIdParams, body: s.BookmarkBody, responses: { 201: s.Bookmark, 404: s.Problem, 409: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/bookmarks", body: { notes: "Read this on a stormy night.", tags: ["comfort read"], rec: true } },
    handler: h.postBookmark,
  }),
  endpoint({
    method: "GET", url: "/bookmarks/:id", operationId: "getBookmark", tag: "Kudos and bookmarks", access: "public",
    summary: "One bookmark",
    schema: { params: s.BookmarkIdParams, responses: { 200: s.Bookmark, 404: s.Problem } },
    example: { path: "/bookmarks/1" },
    handler: h.getBookmark,
  }),
  endpoint({
    method: "PATCH", url: "/bookmarks/:id", operationId: "editBookmark", tag: "Kudos and bookmarks", access: "write",
    summary: "Edit your bookmark",
    schema: { params: s.BookmarkIdParams, body: s.BookmarkPatchBody, responses: { 200: s.Bookmark, 404: s.Problem, 422: s.Problem } },
    example: { path: "/bookmarks/1", body: { private: true } },
    handler: h.patchBookmark,
  }),
  endpoint({
    method: "DELETE", url: "/bookmarks/:id", operationId: "deleteBookmark", tag: "Kudos and bookmarks", access: "write",
    summary: "Delete your bookmark",
    schema: { params: s.BookmarkIdParams, responses: { 204: null, 404: s.Problem } },
    example: { path: "/bookmarks/1" },
    handler: h.removeBookmark,
  }),
  endpoint({
    method: "GET", url: "/series/:id", operationId: "getSeries", tag: "Works", access: "public",
    summary: "A series and its works",
    description: "The works you may see in it, in series order, and their counts (registered-only works need a token; drafts are never listed).",
    schema: { params: s.SeriesIdParams, responses: { 200: s.Series, 404: s.Problem } },
    example: { path: "/series/1" },
    handler: h.getSeries,
  }),
  endpoint({
    method: "GET", url: "/series/:id/bookmarks", operationId: "listSeriesBookmarks", tag: "Kudos and bookmarks", access: "public",
    summary: "A series' public bookmarks (and yours)",
    schema: { params: s.SeriesIdParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/series/1/bookmarks" },
    handler: h.listSeriesBookmarks,
  }),
  endpoint({
    method: "POST", url: "/series/:id/bookmarks", operationId: "postSeriesBookmark", tag: "Kudos and bookmarks", access: "write",
    summary: "Bookmark a series",
    description: "409 if you already have a bookmark of it. Edit and delete it as any bookmark.",
    schema: { params: s.SeriesIdParams, body: s.BookmarkBody, responses: { 201: s.Bookmark, 404: s.Problem, 409: s.Problem, 422: s.Problem } },
    example: { path: "/series/1/bookmarks", body: { notes: "The whole saga.", rec: true } },
    handler: h.postSeriesBookmark,
  }),
  // ---- tags and users
  endpoint({
    method: "GET", url: "/tags/:name", operationId: "getTag", tag: "Tags and users", access: "public",
    summary: "A tag and its place in the tag graph",
    description: "Its canonical tag (if a synonym), synonyms, parents, metatags, subtags and children, and how many works you may see under it. Filter works by tag with /works.",
    schema: { params: s.TagNameParams, responses: { 200: s.Tag, 404: s.Problem } },
    example: { path: "/tags/Original%20Work" },
    handler: h.getTag,
  }),
  endpoint({
    method: "GET", url: "/users/:login", operationId: "getUser", tag: "Tags and users", access: "public",
    summary: "A user's public profile and pseuds",
    schema: { params: s.LoginParams, responses: { 200: s.User, 404: s.Problem } },
    example: { path: "/users/someone" },
    handler: h.getUser,
  }),
  endpoint({
    method: "GET", url: "/users/:login/works", operationId: "listUserWorks", tag: "Tags and users", access: "public",
    summary: "A user's works, with the sidebar's filters",
    schema: { params: s.LoginParams, querystring: s.ListingQuery, responses: { 200: s.WorkListing, 404: s.Problem } },
    example: { path: "/users/someone/works" },
    handler: h.listUserWorks,
  }),
  endpoint({
    method: "GET", url: "/users/:login/bookmarks", operationId: "listUserBookmarks", tag: "Tags and users", access: "public",
    summary: "A user's bookmarks (their private ones only to themselves)",
    schema: { params: s.LoginParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/users/someone/bookmarks" },
    handler: h.listUserBookmarks,
  }),
  endpoint({
    method: "GET", url: "/users/:login/series", operationId: "listUserSeries", tag: "Tags and users", access: "public",
    summary: "A user's series",
    schema: { params: s.LoginParams, responses: { 200: s.SeriesList, 404: s.Problem } },
    example: { path: "/users/someone/series" },
    handler: h.listUserSeries,
  }),
  endpoint({
    method: "GET", url: "/me", operationId: "getMe", tag: "Tags and users", access: "token",
    summary: "Who this token is: its user, scope and pseuds",
    schema: { responses: { 200: s.Me } },
    example: { path: "/me" },
    handler: h.getMe,
  }),
];

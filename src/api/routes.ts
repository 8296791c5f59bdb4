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
    summary: "api.op.listWorks.summary",
    description: "api.op.listWorks.description",
    schema: { querystring: s.ListingQuery, responses: { 200: s.WorkListing } },
    example: { path: "/works?work_search[sort_column]=kudos_count&work_search[complete]=T&include_work_search[fandom_ids][]=12" },
    handler: h.listWorks,
  }),
  endpoint({
    method: "GET", url: "/search", operationId: "searchWorks", tag: "Works", access: "public",
    summary: "api.op.searchWorks.summary",
    description: "api.op.searchWorks.description",
    schema: { querystring: s.SearchQuery, responses: { 200: s.WorkListing } },
    example: { path: "/search?q=lighthouse%20words%3E1000%20sort%3Akudos" },
    handler: h.searchWorksJson,
  }),
  endpoint({
    method: "POST", url: "/works", operationId: "postWork", tag: "Works", access: "write", contributes: true,
    summary: "api.op.postWork.summary",
    description: "api.op.postWork.description",
    schema: { body: s.NewWorkBody, responses: { 201: s.Work, 422: s.Problem } },
    example: { path: "/works", body: NEW_WORK_EXAMPLE },
    handler: h.postWork,
  }),
  endpoint({
    method: "GET", url: "/works/:id", operationId: "getWork", tag: "Works", access: "public",
    summary: "api.op.getWork.summary",
    description: "api.op.getWork.description",
    schema: { params: s.WorkIdParams, responses: { 200: s.Work, 404: s.Problem } },
    example: { path: "/works/1" },
    handler: h.getWork,
  }),
  endpoint({
    method: "PATCH", url: "/works/:id", operationId: "editWork", tag: "Works", access: "write", contributes: true,
    summary: "api.op.editWork.summary",
    description: "api.op.editWork.description",
    schema: { params: s.WorkIdParams, body: s.WorkPatchBody, responses: { 200: s.Work, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1", body: { title: "A Test of Tides (revised)", freeforms: ["Sea", "Storms"] } },
    handler: h.patchWork,
  }),
  endpoint({
    method: "GET", url: "/works/:id/chapters", operationId: "getChapters", tag: "Works", access: "public",
    summary: "api.op.getChapters.summary",
    schema: { params: s.WorkIdParams, responses: { 200: s.ChapterList, 404: s.Problem } },
    example: { path: "/works/1/chapters" },
    handler: h.getChapters,
  }),
  endpoint({
    method: "POST", url: "/works/:id/chapters", operationId: "postChapter", tag: "Works", access: "write", contributes: true,
    summary: "api.op.postChapter.summary",
    schema: { params: s.WorkIdParams, body: s.NewChapterBody, responses: { 201: s.Chapter, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/chapters", body: { title: "Morning", content: "The sea was glass, and the keeper slept." } },
    handler: h.postChapter,
  }),
  endpoint({
    method: "GET", url: "/works/:id/chapters/:chapterId", operationId: "getChapter", tag: "Works", access: "public",
    summary: "api.op.getChapter.summary",
    schema: { params: s.ChapterParams, responses: { 200: s.Chapter, 404: s.Problem } },
    example: { path: "/works/1/chapters/1" },
    handler: h.getChapter,
  }),
  endpoint({
    method: "PATCH", url: "/works/:id/chapters/:chapterId", operationId: "editChapter", tag: "Works", access: "write", contributes: true,
    summary: "api.op.editChapter.summary",
    description: "api.op.editChapter.description",
    schema: { params: s.ChapterParams, body: s.ChapterPatchBody, responses: { 200: s.Chapter, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/chapters/1", body: { notes: "Thanks for reading." } },
    handler: h.patchChapter,
  }),
  endpoint({
    method: "POST", url: "/works/:id/kudos", operationId: "leaveKudos", tag: "Kudos and bookmarks", access: "write", contributes: true,
    summary: "api.op.leaveKudos.summary",
    description: "api.op.leaveKudos.description",
    schema: { params: s.WorkIdParams, responses: { 201: s.KudosResult, 200: s.KudosResult, 404: s.Problem } },
    example: { path: "/works/1/kudos" },
    handler: h.postKudos,
  }),
  endpoint({
    method: "GET", url: "/works/:id/comments", operationId: "listComments", tag: "Comments", access: "public",
    summary: "api.op.listComments.summary",
    description: "api.op.listComments.description",
    schema: { params: s.WorkIdParams, querystring: s.CommentListQuery, responses: { 200: s.CommentListing, 404: s.Problem } },
    example: { path: "/works/1/comments?page=1" },
    handler: c.listComments,
  }),
  endpoint({
    method: "POST", url: "/works/:id/comments", operationId: "postComment", tag: "Comments", access: "write", contributes: true,
    summary: "api.op.postComment.summary",
    description: "api.op.postComment.description",
    schema: { params: s.WorkIdParams, body: s.NewCommentBody, responses: { 201: s.Comment, 200: s.Comment, 404: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/comments", body: { content: "The lighthouse scene!", chapter_id: 1 } },
    limit: c.newCommenterLimit,
    handler: c.postCommentJson,
  }),
  endpoint({
    method: "GET", url: "/works/:id/bookmarks", operationId: "listWorkBookmarks", tag: "Kudos and bookmarks", access: "public",
    summary: "api.op.listWorkBookmarks.summary",
    schema: { params: s.WorkIdParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/works/1/bookmarks" },
    handler: h.listWorkBookmarks,
  }),
  endpoint({
    method: "POST", url: "/works/:id/bookmarks", operationId: "postBookmark", tag: "Kudos and bookmarks", access: "write", contributes: true,
    summary: "api.op.postBookmark.summary",
    description: "api.op.postBookmark.description",
    schema: { params: s.WorkIdParams, body: s.BookmarkBody, responses: { 201: s.Bookmark, 404: s.Problem, 409: s.Problem, 422: s.Problem } },
    example: { path: "/works/1/bookmarks", body: { notes: "Read this on a stormy night.", tags: ["comfort read"], rec: true } },
    handler: h.postBookmark,
  }),
  endpoint({
    method: "GET", url: "/bookmarks/:id", operationId: "getBookmark", tag: "Kudos and bookmarks", access: "public",
    summary: "api.op.getBookmark.summary",
    schema: { params: s.BookmarkIdParams, responses: { 200: s.Bookmark, 404: s.Problem } },
    example: { path: "/bookmarks/1" },
    handler: h.getBookmark,
  }),
  endpoint({
    method: "PATCH", url: "/bookmarks/:id", operationId: "editBookmark", tag: "Kudos and bookmarks", access: "write", contributes: true,
    summary: "api.op.editBookmark.summary",
    schema: { params: s.BookmarkIdParams, body: s.BookmarkPatchBody, responses: { 200: s.Bookmark, 404: s.Problem, 422: s.Problem } },
    example: { path: "/bookmarks/1", body: { private: true } },
    handler: h.patchBookmark,
  }),
  endpoint({
    method: "DELETE", url: "/bookmarks/:id", operationId: "deleteBookmark", tag: "Kudos and bookmarks", access: "write",
    summary: "api.op.deleteBookmark.summary",
    schema: { params: s.BookmarkIdParams, responses: { 204: null, 404: s.Problem } },
    example: { path: "/bookmarks/1" },
    handler: h.removeBookmark,
  }),
  endpoint({
    method: "GET", url: "/series/:id", operationId: "getSeries", tag: "Works", access: "public",
    summary: "api.op.getSeries.summary",
    description: "api.op.getSeries.description",
    schema: { params: s.SeriesIdParams, responses: { 200: s.Series, 404: s.Problem } },
    example: { path: "/series/1" },
    handler: h.getSeries,
  }),
  endpoint({
    method: "GET", url: "/series/:id/bookmarks", operationId: "listSeriesBookmarks", tag: "Kudos and bookmarks", access: "public",
    summary: "api.op.listSeriesBookmarks.summary",
    schema: { params: s.SeriesIdParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/series/1/bookmarks" },
    handler: h.listSeriesBookmarks,
  }),
  endpoint({
    method: "POST", url: "/series/:id/bookmarks", operationId: "postSeriesBookmark", tag: "Kudos and bookmarks", access: "write", contributes: true,
    summary: "api.op.postSeriesBookmark.summary",
    description: "api.op.postSeriesBookmark.description",
    schema: { params: s.SeriesIdParams, body: s.BookmarkBody, responses: { 201: s.Bookmark, 404: s.Problem, 409: s.Problem, 422: s.Problem } },
    example: { path: "/series/1/bookmarks", body: { notes: "The whole saga.", rec: true } },
    handler: h.postSeriesBookmark,
  }),
  // ---- tags and users
  endpoint({
    method: "GET", url: "/tags/:name", operationId: "getTag", tag: "Tags and users", access: "public",
    summary: "api.op.getTag.summary",
    description: "api.op.getTag.description",
    schema: { params: s.TagNameParams, responses: { 200: s.Tag, 404: s.Problem } },
    example: { path: "/tags/Original%20Work" },
    handler: h.getTag,
  }),
  endpoint({
    method: "GET", url: "/users/:login", operationId: "getUser", tag: "Tags and users", access: "public",
    summary: "api.op.getUser.summary",
    schema: { params: s.LoginParams, responses: { 200: s.User, 404: s.Problem } },
    example: { path: "/users/someone" },
    handler: h.getUser,
  }),
  endpoint({
    method: "GET", url: "/users/:login/works", operationId: "listUserWorks", tag: "Tags and users", access: "public",
    summary: "api.op.listUserWorks.summary",
    schema: { params: s.LoginParams, querystring: s.ListingQuery, responses: { 200: s.WorkListing, 404: s.Problem } },
    example: { path: "/users/someone/works" },
    handler: h.listUserWorks,
  }),
  endpoint({
    method: "GET", url: "/users/:login/bookmarks", operationId: "listUserBookmarks", tag: "Tags and users", access: "public",
    summary: "api.op.listUserBookmarks.summary",
    schema: { params: s.LoginParams, querystring: s.PageQuery, responses: { 200: s.BookmarkListing, 404: s.Problem } },
    example: { path: "/users/someone/bookmarks" },
    handler: h.listUserBookmarks,
  }),
  endpoint({
    method: "GET", url: "/users/:login/series", operationId: "listUserSeries", tag: "Tags and users", access: "public",
    summary: "api.op.listUserSeries.summary",
    schema: { params: s.LoginParams, responses: { 200: s.SeriesList, 404: s.Problem } },
    example: { path: "/users/someone/series" },
    handler: h.listUserSeries,
  }),
  endpoint({
    method: "GET", url: "/me", operationId: "getMe", tag: "Tags and users", access: "token",
    summary: "api.op.getMe.summary",
    schema: { responses: { 200: s.Me } },
    example: { path: "/me" },
    handler: h.getMe,
  }),
];

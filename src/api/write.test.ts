import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { appWithUser, Client, assertMatch } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator } from "../../test/support/factories.js";
import { createToken } from "./commands.js";

test("API: a token posts, edits and reads a work through the API alone", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const { token } = await createToken(testDb.db, userId, "my script", "write");
      const api = new ApiClient(app, token);

      const posted = await api.post("/works", apiWork({ freeforms: ["Sea"], chapter: { title: "Night", content: "The lamp turned all night.\n\nBy morning the sea was <b>glass</b>.<script>alert(1)</script>" } }));
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const id = posted.body.id as number;
      assert.equal(posted.headers.location, `/api/v1/works/${id}`);
      assert.equal(posted.body.title, "A Test of Tides");
      assert.deepEqual(posted.body.creators, [{ pseud: "writer", login: "writer" }]);
      assert.equal(posted.body.draft, false);
      assert.equal(posted.body.chapters.length, 1);

      const edited = await api.patch(`/works/${id}`, { title: "A Test of Tides (revised)", freeforms: ["Sea", "Storms"], expected_chapters: null });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.title, "A Test of Tides (revised)");
      assert.deepEqual(edited.body.freeforms, ["Sea", "Storms"]);
      assert.deepEqual(edited.body.fandoms, ["Original Work"], "fields not sent keep their values");
      assert.equal(edited.body.summary, "<p>A keeper and a storm.</p>");
      assert.equal(edited.body.expected_chapters, null);

      const chapterId = posted.body.chapters[0].id as number;
      const second = await api.post(`/works/${id}/chapters`, { title: "Morning", content: "The sea was glass, and the keeper slept." });
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.equal(second.body.position, 2);
      const chapterEdit = await api.patch(`/works/${id}/chapters/${chapterId}`, { notes: "Thanks for reading." });
      assert.equal(chapterEdit.status, 200);
      assert.equal(chapterEdit.body.notes, "<p>Thanks for reading.</p>");

      const read = await api.get(`/works/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.title, "A Test of Tides (revised)");
      assert.deepEqual(read.body.chapters.map((c: { title: string }) => c.title), ["Night", "Morning"]);
      assert.equal(read.body.chapters_posted, 2);
      const chapters = await api.get(`/works/${id}/chapters`);
      assert.equal(chapters.status, 200);
      const first = chapters.body.chapters[0];
      assert.match(first.content, /<b>glass<\/b>/);
      assert.doesNotMatch(first.content, /script/, "the text went through the one sanitizer");
      assert.equal(first.notes, "<p>Thanks for reading.</p>");
      assert.match(first.content, /The lamp turned all night/, "editing the notes kept the text");
      const one = await api.get(`/works/${id}/chapters/${second.body.id}`);
      assert.equal(one.body.content, "<p>The sea was glass, and the keeper slept.</p>");

      // And the work's own page shows what the API wrote.
      assertMatch((await new Client(app).get(`/works/${id}`)).body, /A Test of Tides \(revised\)/);
    } finally {
      await app.close();
    }
  });
});

test("API writes: drafts, rules as the forms' (422 per field), schema (400 naming the field), tokens and scopes", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId, login, password } = await appWithUser(testDb.db, testDb.url);
    try {
      const write = new ApiClient(app, (await createToken(testDb.db, userId, "w", "write")).token);
      const read = new ApiClient(app, (await createToken(testDb.db, userId, "r", "read")).token);
      const other = await makeCreator(testDb.db, "other");
      const otherApi = new ApiClient(app, (await createToken(testDb.db, other.userId, "o", "write")).token);
      const guest = new ApiClient(app);

      // A draft: only its creator sees it; `"draft": false` posts it.
      const draft = await write.post("/works", apiWork({ title: "Unfinished", draft: true }));
      assert.equal(draft.status, 201);
      assert.equal(draft.body.draft, true);
      assert.equal((await otherApi.get(`/works/${draft.body.id}`)).status, 404);
      assert.equal((await guest.get(`/works/${draft.body.id}`)).status, 404);
      assert.equal((await guest.get("/works")).body.total, 0);
      const publish = await write.patch(`/works/${draft.body.id}`, { draft: false });
      assert.equal(publish.body.draft, false);
      assert.equal((await guest.get(`/works/${draft.body.id}`)).status, 200);
      const id = draft.body.id as number;

      // Malformed JSON.
      const malformed = await write.request("POST", "/works", '{"title": ', { "content-type": "application/json" });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.headers["content-type"], "application/problem+json; charset=utf-8");
      assert.equal(malformed.body.code, "MALFORMED_JSON");
      assert.equal(malformed.body.errors[0].field, "body");
      // Schema violations: each field named.
      const invalid = await write.post("/works", { ...apiWork({ rating: "Very Explicit", surprise: 1 }), chapter: { title: 5 } });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.code, "INVALID_REQUEST");
      const fields = invalid.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ["chapter.content", "chapter.title", "rating", "surprise"]);
      assert.match(invalid.body.errors.find((e: { field: string }) => e.field === "rating").message, /General Audiences/);
      assert.equal((await write.patch(`/works/${id}`, {})).status, 400, "an edit that changes nothing is refused");
      const badParam = await write.get("/works/abc");
      assert.equal(badParam.status, 400);
      assert.equal(badParam.body.errors[0].field, "id");
      // Ids past what the tables hold are refused as such, not passed to PostgreSQL (which would fail).
      assert.equal((await write.get("/works/99999999999")).status, 400);
      assert.equal((await write.patch("/bookmarks/3000000000", { rec: true })).status, 400);
      assert.equal((await write.post("/works", apiWork({ pseud_ids: [99999999999] }))).body.errors[0].field, "pseud_ids.0");
      // The archive's rules the schema states are refused by the schema (400), each field named.
      const stated = await write.post("/works", apiWork({ fandoms: ["Bad*Tag"], chapter: { content: "short" } }));
      assert.equal(stated.status, 400);
      assert.deepEqual(stated.body.errors.map((e: { field: string }) => e.field).sort(), ["chapter.content", "fandoms.0"]);
      // The rules no schema can state (whose pseud it is, the chapters a work has): 422, named as the JSON names them.
      const refused = await write.post("/works", apiWork({ pseud_ids: [other.pseudId] }));
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, "UNPROCESSABLE");
      assert.deepEqual(refused.body.errors.map((e: { field: string }) => e.field).sort(), ["pseud_ids"]);
      const tooFew = await write.patch(`/works/${id}`, { published_on: "2999-01-01" });
      assert.equal(tooFew.status, 422);
      assert.equal(tooFew.body.errors[0].field, "published_on");
      assert.equal((await write.request("POST", "/works", "title=x", { "content-type": "text/plain" })).status, 415);

      // Tokens: none (401), unknown (401), read scope (403), someone else's work (403).
      const noToken = await guest.post("/works", apiWork());
      assert.equal(noToken.status, 401);
      assert.equal(noToken.body.code, "TOKEN_REQUIRED");
      assert.match(String(noToken.headers["www-authenticate"]), /^Bearer /);
      const unknown = await new ApiClient(app, "fanfold_notarealtokennotarealtokennotarealtoken").get("/works");
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.code, "TOKEN_INVALID");
      assert.equal((await app.inject({ method: "GET", url: "/api/v1/works", headers: { authorization: "Basic abc" } })).statusCode, 401);
      const readOnly = await read.post("/works", apiWork());
      assert.equal(readOnly.status, 403);
      assert.equal(readOnly.body.code, "TOKEN_SCOPE");
      assert.equal((await read.post(`/works/${id}/kudos`)).status, 403);
      assert.equal((await read.get(`/works/${id}`)).status, 200, "a read token reads");
      const notMine = await otherApi.patch(`/works/${id}`, { title: "Mine now" });
      assert.equal(notMine.status, 403);
      assert.equal(notMine.body.code, "FORBIDDEN");
      assert.equal((await otherApi.post(`/works/${id}/chapters`, { content: "Someone else's chapter." })).status, 403);

      // A logged-in browser's cookie does not authenticate the API (and needs no CSRF token there, so none could be forged).
      const browser = new Client(app);
      await browser.logIn(login, password);
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const withCookie = await app.inject({ method: "POST", url: "/api/v1/works", headers: { cookie, "content-type": "application/json" }, payload: JSON.stringify(apiWork()) });
      assert.equal(withCookie.statusCode, 401);
      const meByCookie = await app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
      assert.equal(meByCookie.statusCode, 401);
      const me = await read.get("/me");
      assert.deepEqual(me.body.token.scope, "read");
      assert.equal(me.body.login, "writer");

      const total = await testDb.db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      assert.equal(Number(total.n), 1, "nothing refused was written");
    } finally {
      await app.close();
    }
  });
});

test("API writes: kudos and bookmarks", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const author = new ApiClient(app, (await createToken(testDb.db, userId, "w", "write")).token);
      const reader = await makeCreator(testDb.db, "reader");
      const api = new ApiClient(app, (await createToken(testDb.db, reader.userId, "w", "write")).token);
      const id = (await author.post("/works", apiWork())).body.id as number;

      const kudos = await api.post(`/works/${id}/kudos`);
      assert.equal(kudos.status, 201);
      assert.deepEqual(kudos.body, { result: "left", kudos_count: 1 });
      const again = await api.post(`/works/${id}/kudos`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { result: "already", kudos_count: 1 });
      const own = await author.post(`/works/${id}/kudos`);
      assert.equal(own.status, 403);
      assert.equal(own.body.code, "KUDOS_REFUSED");
      assert.match(own.body.detail, /your own work/);
      assert.equal((await api.post("/works/999999/kudos")).status, 404);

      const created = await api.post(`/works/${id}/bookmarks`, { notes: "Read on a stormy night.", tags: ["comfort read", "sea"], rec: true });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const bookmarkId = created.body.id as number;
      assert.equal(created.headers.location, `/api/v1/bookmarks/${bookmarkId}`);
      assert.deepEqual({ ...created.body, created_at: undefined, updated_at: undefined }, {
        id: bookmarkId,
        work_id: id,
        series_id: null,
        owner: "reader",
        notes: "<p>Read on a stormy night.</p>",
        tags: ["comfort read", "sea"],
        private: false,
        rec: true,
        created_at: undefined,
        updated_at: undefined,
      });
      const duplicate = await api.post(`/works/${id}/bookmarks`, {});
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.body.detail, new RegExp(`bookmark ${bookmarkId}`));
      assert.equal((await author.get(`/works/${id}`)).body.bookmarks_count, 1);

      const tooLong = await api.patch(`/bookmarks/${bookmarkId}`, { notes: "x".repeat(5001) });
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.body.errors[0].field, "notes");
      const privately = await api.patch(`/bookmarks/${bookmarkId}`, { private: true });
      assert.equal(privately.status, 200);
      assert.equal(privately.body.private, true);
      assert.deepEqual(privately.body.tags, ["comfort read", "sea"], "fields not sent keep their values");
      assert.equal(privately.body.notes, "<p>Read on a stormy night.</p>");
      assert.equal((await author.get(`/works/${id}`)).body.bookmarks_count, 0, "a private bookmark is not counted");
      assert.equal((await author.get(`/bookmarks/${bookmarkId}`)).status, 404, "nor seen by others");
      assert.equal((await author.patch(`/bookmarks/${bookmarkId}`, { rec: false })).status, 404);
      await api.patch(`/bookmarks/${bookmarkId}`, { private: false });
      const theirs = await author.patch(`/bookmarks/${bookmarkId}`, { rec: false });
      assert.equal(theirs.status, 403, "a public bookmark of someone else: seen, not editable");
      assert.equal((await author.delete(`/bookmarks/${bookmarkId}`)).status, 403);

      const gone = await api.delete(`/bookmarks/${bookmarkId}`);
      assert.equal(gone.status, 204);
      assert.equal((await api.delete(`/bookmarks/${bookmarkId}`)).status, 404);
      assert.equal((await author.get(`/works/${id}`)).body.bookmarks_count, 0);
    } finally {
      await app.close();
    }
  });
});

test("API rate limits: X-RateLimit headers on every answer, 429 as problem+json, per token and per address", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const api = new ApiClient(app, (await createToken(testDb.db, userId, "w", "write")).token);
      const first = await api.get("/me");
      assert.equal(first.headers["x-ratelimit-limit"], "600");
      assert.equal(first.headers["x-ratelimit-remaining"], "599");
      assert.ok(Number(first.headers["x-ratelimit-reset"]) > 0);
      const guest = new ApiClient(app);
      let last = await guest.get("/users/nobody");
      assert.equal(last.headers["x-ratelimit-limit"], "120");
      for (let i = 1; i <= 120 && last.status !== 429; i++) last = await guest.get("/users/nobody");
      assert.equal(last.status, 429);
      assert.equal(last.headers["content-type"], "application/problem+json; charset=utf-8");
      assert.equal(last.body.code, "RATE_LIMITED");
      assert.ok(Number(last.headers["retry-after"]) > 0);
      assert.equal((await api.get("/me")).status, 200, "a token has its own allowance");
    } finally {
      await app.close();
    }
  });
});

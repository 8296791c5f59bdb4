import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { appWithUser, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { createToken } from "./commands.js";
import { openApiPath } from "./openapi.js";
import { API_ENDPOINTS } from "./routes.js";

// The API keeps to its contract (issue 19, "a strict API"): one spelling per id, 405 with Allow,
// private answers to tokens, and the 401s the document states.

/** A concrete path for an endpoint's URL pattern. */
const concrete = (url: string) => url.replace(/:id|:chapterId/g, "1").replace(":login", "writer").replace(":name", "Original%20Work");

test("ids are positive integers written canonically: any other spelling is a 400 and writes nothing", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const api = new ApiClient(app, (await createToken(testDb.db, userId, "w", "write")).token);
      const posted = await api.post("/works", apiWork());
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const id = posted.body.id as number;
      assert.equal(id, 1, "the first work is 1, so each odd spelling below would have named it");
      assert.equal((await api.get("/works/1")).status, 200);

      for (const odd of ["true", "1.0", "0x1", "%201", "1%20", "+1", "01", "1e0", "-1", "0", "1,", "%EF%BC%91", "2147483648", "99999999999999999999"]) {
        const read = await api.get(`/works/${odd}`);
        assert.equal(read.status, 400, `GET /works/${odd}: ${JSON.stringify(read.body)}`);
        assert.equal(read.body.code, "INVALID_REQUEST");
        assert.equal(read.body.errors[0].field, "id");
        assert.equal((await api.get(`/works/1/chapters/${odd}`)).status, 400, `chapter ${odd}`);
        assert.equal((await api.post(`/works/${odd}/kudos`)).status, 400, `kudos ${odd}`);
        assert.equal((await api.post(`/series/${odd}/bookmarks`, { notes: "x" })).status, 400, `series bookmark ${odd}`);
        assert.equal((await api.get(`/works/1/comments?page=${odd}`)).status, 400, `page ${odd}`);
        assert.equal((await api.get(`/works/1/comments?chapter_id=${odd}`)).status, 400, `chapter_id ${odd}`);
      }
      // The largest id a table holds is still an id: no such work, a 404.
      assert.equal((await api.get("/works/2147483647")).status, 404);
      const bookmarks = await testDb.db.selectFrom("bookmarks").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      assert.equal(Number(bookmarks.n), 0, "no odd spelling wrote a bookmark");
      // Query integers are as strict: one page, in digits.
      assert.equal((await api.get("/works?page=1")).status, 200);
      assert.equal((await api.get("/works?page=1.0")).status, 400);
      assert.equal((await api.get("/works?page=1&page=2")).status, 400, "a number given twice is not a number");
    } finally {
      await app.close();
    }
  });
});

test("every API path answers 405 with Allow to a method it does not take; unknown API paths get the API's 404, never the site's CSRF check", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const { token } = await createToken(testDb.db, userId, "w", "write");
      const byUrl = new Map<string, Set<string>>([["/openapi.json", new Set(["GET"])]]);
      for (const e of API_ENDPOINTS) (byUrl.get(e.url) ?? byUrl.set(e.url, new Set()).get(e.url)!).add(e.method);
      const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"] as const;
      for (const [url, taken] of byUrl) {
        const allowed = new Set(taken);
        if (taken.has("GET")) allowed.add("HEAD");
        for (const method of methods.filter((m) => !allowed.has(m))) {
          for (const authorization of [undefined, `Bearer ${token}`, "Bearer nonsense"]) {
            const res = await app.inject({ method, url: `/api/v1${concrete(url)}`, headers: authorization ? { authorization } : {}, payload: method === "TRACE" || method === "OPTIONS" ? undefined : "{}" });
            const label = `${method} ${url} (${authorization ?? "no token"})`;
            assert.equal(res.statusCode, 405, `${label}: ${res.body}`);
            assert.deepEqual(String(res.headers.allow).split(", ").sort(), [...allowed].sort(), label);
            assert.match(String(res.headers["content-type"]), /^application\/problem\+json/, label);
            if (method !== "HEAD") assert.equal(JSON.parse(res.body).code, "METHOD_NOT_ALLOWED", label);
          }
        }
      }
      // An unknown API path: the API's problem, whatever the method, with or without a browser's cookies.
      const browser = new Client(app);
      await browser.get("/users/login");
      for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"] as const) {
        const res = await app.inject({ method, url: "/api/v1/no/such/path", headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/json" }, payload: method === "GET" ? undefined : "{}" });
        assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
        assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
        assert.equal(JSON.parse(res.body).code, "NOT_FOUND");
      }
    } finally {
      await app.close();
    }
  });
});

test("answers to a token are private and vary with Authorization; a bad Authorization header is a documented 401 everywhere", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId } = await appWithUser(testDb.db, testDb.url);
    try {
      const { token } = await createToken(testDb.db, userId, "r", "read");
      const api = new ApiClient(app, token);
      const guest = new ApiClient(app);
      const doc = (await guest.get("/openapi.json")).body;
      for (const path of ["/works", "/me", "/works/1", "/openapi.json", "/users/writer"]) {
        const res = await api.get(path);
        assert.match(String(res.headers["cache-control"]), /^private\b/, `${path}: ${res.headers["cache-control"]}`);
        assert.doesNotMatch(String(res.headers["cache-control"]), /public/, path);
        assert.match(String(res.headers.vary), /\bAuthorization\b/, path);
        const anonymous = await guest.get(path);
        assert.match(String(anonymous.headers.vary), /\bAuthorization\b/, `${path} without a token`);
      }
      assert.equal((await guest.get("/openapi.json")).headers["cache-control"], "public, max-age=300", "the document itself stays cacheable for guests");

      // A malformed or unknown token is refused on every operation, and every operation says so.
      for (const authorization of ["Bearer", "Basic dXNlcjpwYXNz", "Bearer fanfold_unknown", "token", "Bearer a b"]) {
        for (const e of API_ENDPOINTS) {
          const res = await app.inject({ method: e.method, url: `/api/v1${concrete(e.url)}`, headers: { authorization, "content-type": "application/json" }, payload: e.method === "GET" || e.method === "DELETE" ? undefined : "{}" });
          assert.equal(res.statusCode, 401, `${e.operationId} with ${authorization}: ${res.body}`);
          assert.equal(JSON.parse(res.body).code, "TOKEN_INVALID");
          assert.match(String(res.headers["www-authenticate"]), /^Bearer /);
        }
      }
      for (const e of API_ENDPOINTS) assert.ok(doc.paths[openApiPath(e.url)][e.method.toLowerCase()].responses["401"], `${e.operationId} documents its 401`);
    } finally {
      await app.close();
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, Client } from "../../test/support/app.js";
import { openTestDb } from "../../test/support/db.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";

// The pages this capability adds pass the Nu HTML checker: the API's documentation and the token
// settings (empty, with a new token shown once, with errors, the revoke confirmation). The pages
// read no dialect-specific SQL beyond the token queries tested on both in tokens.test.ts.
test("API docs and token pages pass the Nu HTML checker", async (t) => {
  if (!htmlCheckerAvailable(t)) return;
  const testDb = (await openTestDb("sqlite", t))!;
  const { app, login, password } = await appWithUser(testDb.db, testDb.url);
  try {
    const browser = new Client(app);
    await browser.logIn(login, password);
    const pages: Record<string, string> = {};
    pages["API docs (logged in)"] = (await browser.get("/api")).body;
    pages["API docs (guest)"] = (await new Client(app).get("/api")).body;
    pages["no tokens"] = (await browser.get(`/users/${login}/api_tokens`)).body;
    pages["token form with errors"] = (await browser.post(`/users/${login}/api_tokens`, { "token[name]": "", "token[scope]": "" })).body;
    pages["new token shown"] = (await browser.post(`/users/${login}/api_tokens`, { "token[name]": "Kobo", "token[scope]": "read" })).body;
    pages["tokens listed"] = (await browser.get(`/users/${login}/api_tokens`)).body;
    const id = (await testDb.db.selectFrom("api_tokens").select("id").executeTakeFirstOrThrow()).id;
    pages["revoke confirmation"] = (await browser.get(`/users/${login}/api_tokens/${id}/confirm_revoke`)).body;
    const errors = await checkHtmlPages(pages);
    assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
  } finally {
    await app.close();
    await testDb.close();
  }
});

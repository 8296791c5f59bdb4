import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../../test/support/api.js";
import { appWithUser, assertMatch, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator } from "../../test/support/factories.js";
import { createToken, LAST_USED_PRECISION_MS, noteTokenUse, revokeToken } from "./commands.js";
import { tokensOf, viewerForToken } from "./queries.js";
import { hashToken } from "./tokens.js";

test("tokens: only a hash is stored; a token finds its user and scope until revoked; last use noted once a minute", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { userId } = await makeCreator(db, "maker");
    const other = await makeCreator(db, "other");
    const { id, token } = await createToken(db, userId, "e-reader", "read");
    assert.match(token, /^fanfold_[A-Za-z0-9_-]{43}$/);
    const row = await db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, hashToken(token));
    assert.ok(!JSON.stringify(row).includes(token.slice(8)), "the token itself is nowhere in the row");
    assert.equal(row.last_used_at, null);

    const found = await viewerForToken(db, token);
    assert.deepEqual(found?.viewer.user, { id: userId, login: "maker", roles: [], sanction: null, warnings: 0 });
    assert.equal(found?.token.scope, "read");
    assert.equal(await viewerForToken(db, `${token.slice(0, -1)}x`), null);
    assert.equal(await viewerForToken(db, "not a token"), null);

    const now = new Date("2026-01-01T00:00:00.000Z");
    await noteTokenUse(db, found!.token, now);
    const used = (await tokensOf(db, userId))[0]!;
    assert.equal(used.last_used_at, now.toISOString());
    await noteTokenUse(db, { id, lastUsedAt: used.last_used_at }, new Date(now.getTime() + LAST_USED_PRECISION_MS - 1));
    assert.equal((await tokensOf(db, userId))[0]!.last_used_at, now.toISOString(), "not written again within the minute");

    assert.equal(await revokeToken(db, other.userId, id), false, "only its owner revokes it");
    assert.equal(await revokeToken(db, userId, id), true);
    assert.equal(await viewerForToken(db, token), null);
    assert.equal(await revokeToken(db, userId, id), false);
  });
});

test("token settings page: create (shown once), list, revoke behind a confirmation; only one's own", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, login, password } = await appWithUser(testDb.db, testDb.url);
    try {
      await makeCreator(testDb.db, "other");
      const browser = new Client(app);
      await browser.logIn(login, password);
      assertMatch((await browser.get(`/users/${login}/edit`)).body, /href="\/users\/writer\/api_tokens"/, "account settings link to the tokens");
      const page = await browser.get(`/users/${login}/api_tokens`);
      assert.equal(page.statusCode, 200);
      assertMatch(page.body, /You have no tokens/);

      // Bad input: the form again, as typed, a message per field.
      const bad = await browser.post(`/users/${login}/api_tokens`, { "token[name]": "  ", "token[scope]": "admin" });
      assert.equal(bad.statusCode, 422);
      assertMatch(bad.body, /Name is required/);
      assertMatch(bad.body, /choose the token&#39;s scope|choose the token's scope/);
      // No CSRF token: nothing made.
      assert.equal((await browser.post(`/users/${login}/api_tokens`, { "token[name]": "x", "token[scope]": "read" }, { csrf: false })).statusCode, 403);

      const made = await browser.post(`/users/${login}/api_tokens`, { "token[name]": "Kobo & phone", "token[scope]": "write" });
      assert.equal(made.statusCode, 201);
      assert.match(String(made.headers["cache-control"]), /no-store/, "the page with the token is not cached");
      const token = /<code class="token">(fanfold_[A-Za-z0-9_-]+)<\/code>/.exec(made.body)?.[1];
      assert.ok(token, "the new token is shown");
      assertMatch(made.body, /Kobo &amp; phone/);
      const me = await new ApiClient(app, token).get("/me");
      assert.equal(me.status, 200);
      assert.equal(me.body.token.scope, "write");

      const listed = await browser.get(`/users/${login}/api_tokens`);
      assert.ok(!listed.body.includes(token), "shown only once");
      assertMatch(listed.body, /<th scope="row">Kobo &amp; phone<\/th>\s*<td>write<\/td>/);
      const tokenId = (await tokensOf(testDb.db, (await testDb.db.selectFrom("users").select("id").where("login", "=", login).executeTakeFirstOrThrow()).id))[0]!.id;
      assertMatch(listed.body, new RegExp(`<td>\\s*<time datetime="[^"]+">\\d{4}-\\d{2}-\\d{2}</time>\\s*</td>\\s*<td>\\s*<time`), "last used is shown after the API call");

      // Someone else's token page: 403; a guest is sent to log in.
      assert.equal((await browser.get("/users/other/api_tokens")).statusCode, 403);
      assert.equal((await browser.post("/users/other/api_tokens", { "token[name]": "x", "token[scope]": "read" })).statusCode, 403);
      assert.equal((await new Client(app).get(`/users/${login}/api_tokens`)).statusCode, 303);

      const confirm = await browser.get(`/users/${login}/api_tokens/${tokenId}/confirm_revoke`);
      assert.equal(confirm.statusCode, 200);
      assertMatch(confirm.body, /Revoke the token “Kobo &amp; phone”/);
      const revoked = await browser.post(`/users/${login}/api_tokens/${tokenId}/revoke`, {});
      assert.equal(revoked.statusCode, 303);
      assertMatch((await browser.get(String(revoked.headers.location))).body, /was revoked/);
      const after = await new ApiClient(app, token).get("/me");
      assert.equal(after.status, 401);
      assert.equal(after.body.code, "TOKEN_INVALID");
      assert.equal((await browser.post(`/users/${login}/api_tokens/${tokenId}/revoke`, {})).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

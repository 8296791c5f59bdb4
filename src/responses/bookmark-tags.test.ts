import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatch, loggedInUser, testConfig } from "../../test/support/app.js";
import { ApiClient } from "../../test/support/api.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp } from "../app.js";
import { createToken } from "../api/commands.js";
import { tagNameProblem } from "../model/vocabulary.js";

test("a bookmarker's tags follow the work-tag rule: what a work tag refuses, a bookmark tag refuses", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { pseudId } = await makeCreator(db);
    const workId = await makeWork(db, pseudId);
    const { client, userId } = await loggedInUser(app, db, "ana");
    await client.get(`/works/${workId}/bookmarks/new`);
    for (const bad of ["a*b", "x<y", "caret^", "braces{}", "eq=", "tick`", "back\\slash", "per%cent", "x".repeat(151)]) {
      assert.ok(tagNameProblem(bad), `${bad} is refused as a work tag`);
      const res = await client.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": "", "bookmark[tag_string]": `fine, ${bad}` });
      assert.equal(res.statusCode, 422, bad);
      assertMatch(res.body, /contains a character tags can(&#39;|')t have|is too long: tags are at most 150 characters/, bad);
    }
    assert.equal((await db.selectFrom("bookmarks").select("id").execute()).length, 0);
    const ok = await client.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": "", "bookmark[tag_string]": `fine, ${"y".repeat(150)}` });
    assert.equal(ok.statusCode, 303, "a 150-character tag is fine, as for works");

    // The API's schema states the same rule (400, as for a work's tags).
    const { token } = await createToken(db, userId, "bookmarks", "write");
    const api = new ApiClient(app, token);
    const other = await makeWork(db, pseudId, { title: "Other" });
    const refused = await api.post(`/works/${other}/bookmarks`, { tags: ["a*b"] });
    assert.equal(refused.status, 400);
    await app.close();
  });
});

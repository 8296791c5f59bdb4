import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";
import { createUser } from "../users/commands.js";

// The pages this capability adds pass the Nu HTML checker (the work page itself, with its
// feedback block, is checked with axe-core too by test/browser/validators.test.ts).
test("kudos and bookmark pages pass the Nu HTML checker", async (t) => {
  if (!htmlCheckerAvailable(t)) return;
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Checked Work" });
    assert.ok((await createUser(db, { login: "ana", email: "ana@example.com", password: "reader password 1" })).ok);
    const ana = new Client(app);
    await ana.logIn("ana", "reader password 1");
    await ana.post(`/works/${workId}/kudos`, {});
    const pages: Record<string, string> = {};
    pages["new bookmark form"] = (await ana.get(`/works/${workId}/bookmarks/new`)).body;
    pages["bookmark form with errors"] = (await ana.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": "x".repeat(5001), "bookmark[tag_string]": "a" })).body;
    await ana.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": "A <em>note</em>.", "bookmark[tag_string]": "one, two", "bookmark[rec]": "1", "bookmark[private]": "1" });
    const id = (await db.selectFrom("bookmarks").select("id").executeTakeFirstOrThrow()).id;
    pages["work page with kudos and feedback"] = (await ana.get(`/works/${workId}`)).body;
    pages["edit bookmark form"] = (await ana.get(`/bookmarks/${id}/edit`)).body;
    pages["confirm delete"] = (await ana.get(`/bookmarks/${id}/confirm_delete`)).body;
    pages["user's bookmarks"] = (await ana.get("/users/ana/bookmarks")).body;
    pages["work's bookmarks"] = (await ana.get(`/works/${workId}/bookmarks`)).body;
    const kudosRefused = new Client(app);
    await kudosRefused.logIn("writer", "correct horse battery");
    pages["kudos refused"] = (await kudosRefused.post(`/works/${workId}/kudos`, {})).body;
    const errors = await checkHtmlPages(pages);
    assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
    await app.close();
  });
});

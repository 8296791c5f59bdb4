import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { assertMatch, Client, loggedInUser, redirectedId, testConfig, workForm } from "../../test/support/app.js";
import { makeCreator } from "../../test/support/factories.js";
import { ApiClient } from "../../test/support/api.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { up as escapeStoredDescriptions } from "../platform/db/migrations/0018_profiles.js";

const HOSTILE = 'Night <img src=x onerror=alert(1)> owl <script>alert(2)</script><a href="javascript:alert(3)">x</a>';
const SURVIVED = /<script>|onerror|href="javascript:/i;

test("a pseud description with <img onerror> comes back sanitized from its page and the API", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client } = await loggedInUser(app, db, "owl");
    const made = await client.post("/users/owl/pseuds", { "pseud[name]": "Night Owl", "pseud[description]": HOSTILE });
    assert.equal(made.statusCode, 303);
    assert.equal(made.headers.location, "/users/owl/pseuds/Night%20Owl");
    const stored = await db.selectFrom("pseuds").select("description").where("name", "=", "Night Owl").executeTakeFirstOrThrow();
    assert.doesNotMatch(stored.description, SURVIVED, "stored sanitized");

    const page = await client.get("/users/owl/pseuds/Night%20Owl");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /<blockquote class="userstuff">[\s\S]*Night[\s\S]*owl/, "the description is on the pseud's page");
    assert.doesNotMatch(page.body, SURVIVED);

    const api = await new ApiClient(app).get("/users/owl");
    assert.equal(api.status, 200);
    const pseud = api.body.pseuds.find((p: { name: string }) => p.name === "Night Owl");
    assert.match(pseud.description, /Night/);
    assert.doesNotMatch(pseud.description, SURVIVED, "the API serves the sanitized description");
    await app.close();
  });
});

test("profile text is sanitized, shown on the profile page and in the API; too long is explained with the text kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client } = await loggedInUser(app, db, "owl");
    assertMatch((await client.get("/users/owl")).body, /href="\/users\/owl\/profile\/edit"/, "the profile links its edit page");
    assert.equal((await client.get("/users/owl/profile/edit")).statusCode, 200);
    const long = await client.post("/users/owl/profile", { "user[profile]": `kept ${"x".repeat(2001)}` });
    assert.equal(long.statusCode, 422);
    assertMatch(long.body, /at most 2000 characters/);
    assertMatch(long.body, /kept x/);
    const saved = await client.post("/users/owl/profile", { "user[profile]": HOSTILE });
    assert.equal(saved.statusCode, 303);
    const profile = await new Client(app).get("/users/owl");
    assertMatch(profile.body, /<h3 id="profile-about"[^>]*>About<\/h3>\s*<blockquote class="userstuff">[\s\S]*Night/);
    assert.doesNotMatch(profile.body, SURVIVED);
    const api = await new ApiClient(app).get("/users/owl");
    assert.match(api.body.profile, /Night/);
    assert.doesNotMatch(api.body.profile, SURVIVED);

    const { client: other } = await loggedInUser(app, db, "other");
    assert.equal((await other.get("/users/owl/profile/edit")).statusCode, 403);
    assert.equal((await other.post("/users/owl/profile", { "user[profile]": "mine now" })).statusCode, 403);
    await app.close();
  });
});

test("pseud edit and delete as AO3: rename, describe, make default; deleting passes works to the default pseud; the default can't be deleted", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client, userId, pseudId: defaultId } = await loggedInUser(app, db, "owl");
    await client.post("/users/owl/pseuds", { "pseud[name]": "Moth", "pseud[description]": "" });
    const moth = await db.selectFrom("pseuds").select("id").where("name", "=", "Moth").executeTakeFirstOrThrow();
    await client.get("/works/new");
    const solo = redirectedId(await client.post("/works", workForm(moth.id, { "work[title]": "Solo Moth" })));
    const both = redirectedId(await client.post("/works", workForm(moth.id, { "work[title]": "Both Of Us", "work[pseud_ids][]": [String(moth.id), String(defaultId)] })));

    // Edit: rename and describe; the byline, search and listing follow the new name.
    assertMatch((await client.get("/users/owl/pseuds/Moth/edit")).body, /name="pseud\[name\]"[^>]*value="Moth"/);
    const taken = await client.post("/users/owl/pseuds/Moth", { "pseud[name]": "OWL", "pseud[description]": "typed" });
    assert.equal(taken.statusCode, 422);
    assertMatch(taken.body, /already have a pseud with that name/);
    assertMatch(taken.body, /typed/, "what was typed is kept");
    const renamed = await client.post("/users/owl/pseuds/Moth", { "pseud[name]": "Luna Moth", "pseud[description]": "<em>Green</em> wings" });
    assert.equal(renamed.statusCode, 303);
    assert.equal(renamed.headers.location, "/users/owl/pseuds/Luna%20Moth");
    assertMatch((await client.get("/users/owl/pseuds/Luna%20Moth")).body, /<em>Green<\/em> wings/);
    assertMatch((await client.get(`/works/${solo}`)).body, /Luna Moth/, "the byline shows the new name");
    const sortKey = await db.selectFrom("works").select("creators_sort").where("id", "=", solo).executeTakeFirstOrThrow();
    assert.match(sortKey.creators_sort, /luna moth/i);
    assertMatch((await client.get("/works/search?work_search%5Bquery%5D=creators%3A%22Luna%20Moth%22")).body, /Solo Moth/, "search finds the new name");

    // The default pseud: no delete link, the confirmation page explains, the POST is refused.
    const defaultPage = await client.get("/users/owl/pseuds/owl");
    assert.doesNotMatch(defaultPage.body, /confirm_delete/);
    assertMatch((await client.get("/users/owl/pseuds/owl/confirm_delete")).body, /default pseud can(&#39;|')t be deleted/);
    assert.equal((await client.post("/users/owl/pseuds/owl/delete", {})).statusCode, 422);

    // Make Luna Moth the default, then back, through the checkbox.
    await client.post("/users/owl/pseuds/Luna%20Moth", { "pseud[name]": "Luna Moth", "pseud[description]": "", "pseud[is_default]": "1" });
    const defaults = await db.selectFrom("pseuds").select(["name", "is_default"]).where("user_id", "=", userId).orderBy("name").execute();
    assert.deepEqual(defaults, [{ name: "Luna Moth", is_default: 1 }, { name: "owl", is_default: 0 }]);
    await client.post("/users/owl/pseuds/owl", { "pseud[name]": "owl", "pseud[description]": "", "pseud[is_default]": "1" });

    // Delete: the works pass to the default pseud; a work both signed keeps one creator row.
    assertMatch((await client.get("/users/owl/pseuds/Luna%20Moth/confirm_delete")).body, /pass to your default pseud, owl/);
    const deleted = await client.post("/users/owl/pseuds/Luna%20Moth/delete", {});
    assert.equal(deleted.statusCode, 303);
    assertMatch((await client.get("/users/owl")).body, /The pseud Luna Moth was deleted/);
    const creators = await db.selectFrom("work_creators").select(["work_id", "pseud_id"]).orderBy("work_id").execute();
    assert.deepEqual(creators, [
      { work_id: solo, pseud_id: defaultId },
      { work_id: both, pseud_id: defaultId },
    ]);
    const listing = await client.get("/users/owl/pseuds/owl/works");
    assertMatch(listing.body, /Solo Moth/, "the default pseud's listing has the moved work");
    assert.equal((await client.get("/users/owl/pseuds/Luna%20Moth")).statusCode, 404);

    // Someone else's pseuds: no edit links, and the pages and posts are refused.
    const { client: other } = await loggedInUser(app, db, "other");
    assert.doesNotMatch((await other.get("/users/owl/pseuds/owl")).body, /\/edit"/);
    assert.equal((await other.get("/users/owl/pseuds/owl/edit")).statusCode, 403);
    assert.equal((await other.post("/users/owl/pseuds/owl", { "pseud[name]": "stolen", "pseud[description]": "" })).statusCode, 403);
    assert.equal((await other.post("/users/owl/pseuds/owl/delete", {})).statusCode, 403);
    assert.equal((await other.get("/users/owl/pseuds/nobody")).statusCode, 404);
    await app.close();
  });
});

test("migration 0018 escapes the pseud descriptions stored before they were sanitized", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId } = await makeCreator(db, "old");
    const now = new Date().toISOString();
    await db.insertInto("pseuds").values({ user_id: userId, name: "Raw", name_key: "raw", description: '<img src=x onerror=alert(1)> & "q"', is_default: 0, created_at: now }).execute();
    await db.insertInto("pseuds").values({ user_id: userId, name: "Plain", name_key: "plain", description: "just words", is_default: 0, created_at: now }).execute();
    await sql`alter table users drop column profile`.execute(db);
    await escapeStoredDescriptions(db);
    const rows = await db.selectFrom("pseuds").select(["name", "description"]).where("name", "in", ["Raw", "Plain"]).orderBy("name").execute();
    assert.deepEqual(rows, [
      { name: "Plain", description: "just words" },
      { name: "Raw", description: "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;" },
    ]);
    const user = await db.selectFrom("users").select("profile").where("id", "=", userId).executeTakeFirstOrThrow();
    assert.equal(user.profile, "");
  });
});

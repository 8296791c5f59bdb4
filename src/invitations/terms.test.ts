import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import { assertMatch, Client, loggedInUser, signupForm as signup, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { t as message } from "../platform/i18n/index.js";
import { publishTerms, TERMS_MAX } from "./terms.js";

/** A catalogue message as it appears in a page, as a pattern. */
const said = (key: Parameters<typeof message>[0], params: Record<string, string | number> = {}) => escapeHtml(message(key, params)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const acceptances = (db: Db, login: string) =>
  db.selectFrom("terms_acceptances").innerJoin("users", "users.id", "terms_acceptances.user_id").select(["terms_acceptances.version", "terms_acceptances.accepted_at"]).where("users.login", "=", login).orderBy("version").execute();

test("sign-up asks for the terms, the privacy policy and the minimum age (an admin setting), and records the version accepted", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app, "198.51.100.20");
    let form = (await guest.get("/signup")).body;
    for (const [name, label] of [
      ["terms_of_service", message("users.signup.accept_tos")],
      ["privacy_policy", message("users.signup.accept_privacy")],
      ["age_confirmed", message("users.signup.age", { age: 13 })],
    ]) {
      assertMatch(form, new RegExp(`<input type="checkbox" id="field-user-${name}" name="user\\[${name}\\]" value="1" required/>\\s*<label for="field-user-${name}">${escapeHtml(label!)}</label>`), `a labelled box: ${label}`);
    }
    assertMatch(form, /<a href="\/tos" target="_blank">/);

    const unticked = await guest.post("/signup", signup("careful_reader", { "user[terms_of_service]": "", "user[privacy_policy]": "", "user[age_confirmed]": "" }));
    assert.equal(unticked.statusCode, 422);
    for (const [key, params] of [["users.signup.accept_tos_required", {}], ["users.signup.accept_privacy_required", {}], ["users.signup.age_required", { age: 13 }]] as const) assertMatch(unticked.body, new RegExp(said(key, params)));
    assertMatch(unticked.body, /name="user\[login\]"[^>]*value="careful_reader"/, "what was typed is kept");
    assertMatch(unticked.body, /<a href="#field-user-terms_of_service">/, "the summary links to the box");
    // One box left: only its message.
    const oneLeft = await guest.post("/signup", signup("careful_reader", { "user[age_confirmed]": "" }));
    assert.equal(oneLeft.statusCode, 422);
    assert.doesNotMatch(oneLeft.body, new RegExp(said("users.signup.accept_tos_required")));
    assertMatch(oneLeft.body, /name="user\[terms_of_service\]" value="1" checked/);

    // The admin raises the age; the form and its message follow.
    const { client: boss } = await loggedInUser(app, db, "boss", ["admin"]);
    await boss.get("/admin/terms");
    for (const typed of ["12", "abc", "", "100"]) {
      const bad = await boss.post("/admin/terms/minimum_age", { "terms[minimum_age]": typed });
      assert.equal(bad.statusCode, 422, typed);
      assertMatch(bad.body, new RegExp(said("invitations.admin.range", { min: 13, max: 99 })));
      assertMatch(bad.body, new RegExp(`name="terms\\[minimum_age\\]"[^>]*value="${typed}"`));
    }
    assert.equal((await boss.post("/admin/terms/minimum_age", { "terms[minimum_age]": "16" })).statusCode, 303);
    form = (await guest.get("/signup")).body;
    assertMatch(form, new RegExp(said("users.signup.age", { age: 16 })));
    assertMatch((await guest.post("/signup", signup("young_reader", { "user[age_confirmed]": "" }))).body, new RegExp(said("users.signup.age_required", { age: 16 })));

    // In: the default text's version (0) is recorded, with the time.
    assert.equal((await guest.post("/signup", signup("careful_reader"))).statusCode, 303);
    const [accepted] = await acceptances(db, "careful_reader");
    assert.equal(accepted?.version, 0);
    assert.ok(accepted && Date.now() - Date.parse(accepted.accepted_at) < 60_000);
    await app.close();
  });
});

test("the terms: a superadmin publishes them (sanitized), /tos and /privacy show them; bad input is refused and kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    assertMatch((await guest.get("/tos")).body, new RegExp(said("terms.default_tos", { site: message("site.name") })), "the default text before any is published");
    assertMatch((await guest.get("/")).body, /<a href="\/tos">Terms of Service<\/a> · <a href="\/privacy">Privacy Policy<\/a>/, "linked in the footer");

    const { client: support } = await loggedInUser(app, db, "helpdesk", ["support"]);
    assert.equal((await support.get("/admin/terms")).statusCode, 403, "the terms are the superadmin's");
    assert.equal((await support.post("/admin/terms", { "terms[tos]": "x", "terms[privacy]": "y" })).statusCode, 403);

    const { client: boss } = await loggedInUser(app, db, "boss", ["admin"]);
    assertMatch((await boss.get("/admin/terms")).body, new RegExp(said("terms.admin.none_yet")));
    const empty = await boss.post("/admin/terms", { "terms[tos]": "  ", "terms[privacy]": "<script>x</script>" });
    assert.equal(empty.statusCode, 422);
    assertMatch(empty.body, new RegExp(said("terms.admin.empty", { field: message("terms.tos") })));
    assertMatch(empty.body, new RegExp(said("terms.admin.empty", { field: message("terms.privacy") })), "markup that sanitizes to nothing is empty");
    const long = await boss.post("/admin/terms", { "terms[tos]": "a".repeat(TERMS_MAX + 1), "terms[privacy]": "Fine." });
    assert.equal(long.statusCode, 422);
    assertMatch(long.body, /Fine\.<\/textarea>/, "the other text is kept");
    assert.equal((await db.selectFrom("terms_versions").select("version").execute()).length, 0);

    const published = await boss.post("/admin/terms", { "terms[tos]": "Be kind.\n\n<script>alert(1)</script><b onclick=\"x()\">Really.</b>", "terms[privacy]": "We keep your <em>email</em>." });
    assert.equal(published.statusCode, 303);
    assertMatch((await boss.get("/admin/terms")).body, new RegExp(said("terms.admin.published", { version: 1 })));
    const tos = (await guest.get("/tos")).body;
    assertMatch(tos, /<p>Be kind\.<\/p>/);
    assertMatch(tos, /<b>Really\.<\/b>/);
    assert.doesNotMatch(tos, /alert\(1\)|onclick/, "through the one sanitizer");
    assertMatch(tos, new RegExp(said("terms.version_line", { version: 1, date: new Date().toISOString().slice(0, 10) })));
    assertMatch((await guest.get("/privacy")).body, /We keep your <em>email<\/em>\./);
    // The admin who wrote them accepted them; the same text again publishes nothing.
    assert.deepEqual((await acceptances(db, "boss")).map((a) => a.version), [1]);
    assert.equal((await boss.get("/works")).statusCode, 200, "the author is not sent to accept");
    const form = (await boss.get("/admin/terms")).body;
    assertMatch(form, new RegExp(said("terms.admin.current", { version: 1, date: new Date().toISOString().slice(0, 10), count: 1 })));
    const again = await boss.post("/admin/terms", { "terms[tos]": "Be kind.\n\n<b>Really.</b>", "terms[privacy]": "We keep your <em>email</em>." });
    assert.equal(again.statusCode, 303);
    assertMatch((await boss.get("/admin/terms")).body, new RegExp(said("terms.admin.unchanged")));
    assert.equal((await db.selectFrom("terms_versions").select("version").execute()).length, 1);
    await app.close();
  });
});

test("new terms: every logged-in user is sent to accept them before any page; reading them and logging out stay open; acceptance is recorded", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client: reader } = await loggedInUser(app, db, "reader");
    const { userId: bossId } = await loggedInUser(app, db, "boss", ["admin"]);
    assert.equal((await reader.get("/works")).statusCode, 200);
    await publishTerms(db, bossId, { tos: "Version one.", privacy: "Private one." });

    const sent = await reader.get("/works?page=2");
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, "/terms/accept?return_to=%2Fworks%3Fpage%3D2");
    for (const path of ["/users/reader", "/users/reader/edit", "/"]) assert.equal((await reader.get(path)).statusCode, 303, path);
    for (const path of ["/tos", "/privacy", "/users/logout"]) assert.equal((await reader.get(path)).statusCode, 200, `${path} stays open`);
    const page = await reader.get("/terms/accept?return_to=%2Fworks%3Fpage%3D2");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /Version one\./);
    assertMatch(page.body, /Private one\./);
    assertMatch(page.body, new RegExp(`<label for="field-terms-accept-0">${said("terms.accept.checkbox")}</label>`));
    // Guests are not asked.
    assert.equal((await new Client(app).get("/works")).statusCode, 200);

    // Not ticked: asked again. An older version's form: shown the newest instead.
    const unticked = await reader.post("/terms/accept", { "terms[version]": "1", return_to: "/works?page=2" });
    assert.equal(unticked.statusCode, 422);
    assertMatch(unticked.body, new RegExp(said("terms.accept.required")));
    await publishTerms(db, bossId, { tos: "Version two.", privacy: "Private two." });
    const stale = await reader.post("/terms/accept", { "terms[version]": "1", "terms[accept]": "1", return_to: "/works?page=2" });
    assert.equal(stale.statusCode, 409);
    assertMatch(stale.body, new RegExp(said("terms.accept.changed_again")));
    assertMatch(stale.body, /Version two\./);
    assert.deepEqual(await acceptances(db, "reader"), []);

    const accepted = await reader.post("/terms/accept", { "terms[version]": "2", "terms[accept]": "1", return_to: "/works?page=2" });
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, "/works?page=2", "back where they were going");
    const [row] = await acceptances(db, "reader");
    assert.equal(row?.version, 2);
    assert.equal((await reader.get("/works")).statusCode, 200);
    assert.equal((await reader.get("/terms/accept?return_to=%2Fusers%2Freader")).headers.location, "/users/reader", "nothing left to accept");
    // Another site's address is not a place to return to.
    await publishTerms(db, bossId, { tos: "Version three.", privacy: "Private two." });
    assert.equal((await reader.post("/terms/accept", { "terms[version]": "3", "terms[accept]": "1", return_to: "https://evil.example/" })).headers.location, "/");

    // At the next log-in: the log-in itself works, the first page after it is the terms.
    await publishTerms(db, bossId, { tos: "Version four.", privacy: "Private two." });
    const later = new Client(app);
    const loggedIn = await later.logIn("reader", "reader password 1");
    assert.equal(loggedIn.statusCode, 303);
    assert.equal((await later.get(String(loggedIn.headers.location))).statusCode, 303);
    assert.match(String((await later.get("/works")).headers.location), /^\/terms\/accept/);
    // And logging out works without accepting.
    await later.get("/users/logout");
    assert.equal((await later.post("/users/logout", {})).statusCode, 303);
    assert.equal((await later.get("/works")).statusCode, 200, "a guest again");
    await app.close();
  });
});

test("two admins publishing at the same moment make two versions, one after the other", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { userId: one } = await loggedInUser(app, db, "boss_one", ["admin"]);
    const { userId: two } = await loggedInUser(app, db, "boss_two", ["admin"]);
    const results = await Promise.all([publishTerms(db, one, { tos: "From one.", privacy: "P." }), publishTerms(db, two, { tos: "From two.", privacy: "P." })]);
    assert.deepEqual(results.map((r) => (r.ok ? r.version : null)).sort(), [1, 2]);
    assert.deepEqual((await db.selectFrom("terms_versions").select("version").orderBy("version").execute()).map((r) => r.version), [1, 2]);
    await app.close();
  });
});

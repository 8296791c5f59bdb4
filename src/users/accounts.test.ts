import assert from "node:assert/strict";
import { test } from "node:test";
import { setSetting } from "../model/archive-settings.js";
import { insertInvitation } from "../invitations/codes.js";
import { appWithUser, assertMatch, Client, signupForm as signup, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { createPseud, createUser } from "./commands.js";

test("sign up, log out, log in; passwords are argon2id; bad input is explained", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const client = new Client(app);
    await client.get("/signup");
    const bad = await client.post("/signup", signup("x", { "user[email]": "nope", "user[password_confirmation]": "different password" }));
    assert.equal(bad.statusCode, 422);
    assertMatch(bad.body, /User names are 3 to 40 characters/);
    assertMatch(bad.body, /Please enter a valid email address/);
    assertMatch(bad.body, /The two passwords don(&#39;|')t match/);
    assertMatch(bad.body, /value="nope"/, "the email typed is kept");

    const ok = await client.post("/signup", signup("new_reader"));
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, "/users/new_reader");
    assertMatch((await client.get("/users/new_reader")).body, /<a href="\/users\/new_reader">new_reader<\/a>/, "logged in after sign-up");
    const row = await db.selectFrom("users").select("password_hash").where("login", "=", "new_reader").executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    const pseud = await db.selectFrom("pseuds").select(["name", "is_default"]).executeTakeFirstOrThrow();
    assert.deepEqual(pseud, { name: "new_reader", is_default: 1 });

    const taken = await new Client(app).post("/signup", signup("NEW_READER"));
    assert.equal(taken.statusCode, 422);
    assertMatch(taken.body, /already taken/);

    assert.equal((await client.post("/users/logout", {})).statusCode, 303);
    assertMatch((await client.get("/works")).body, /href="\/users\/login"/, "logged out");

    const wrong = await client.post("/users/login", { "user[login]": "new_reader", "user[password]": "not the password" });
    assert.equal(wrong.statusCode, 401);
    assertMatch(wrong.body, /The password or user name you entered doesn(&#39;|')t match our records/);
    assertMatch(wrong.body, /value="new_reader"/);
    const right = await client.post("/users/login", { "user[login]": "New_Reader", "user[password]": "a long enough password", return_to: "/works" });
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, "/works");
    const offsite = await client.post("/users/login", { "user[login]": "new_reader", "user[password]": "a long enough password", return_to: "//evil.example/" });
    assert.equal(offsite.headers.location, "/", "never redirects to another site");
    await app.close();
  });
});

test("logging in rotates the session; logging out and changing the password end sessions", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, login, password, userId } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const first = client.cookies.get("fanfold_session");
    assert.ok(first);
    const setCookie = (await client.logIn(login, password)).headers["set-cookie"];
    assert.match(String(setCookie), /fanfold_session=[^;]+;.*HttpOnly/i);
    assert.match(String(setCookie), /SameSite=Lax/i);
    const second = client.cookies.get("fanfold_session");
    assert.notEqual(second, first, "a new session id on every log-in");
    const stale = await app.inject({ method: "GET", url: "/works/new", headers: { cookie: `fanfold_session=${first}` } });
    assert.equal(stale.statusCode, 303, "the old session no longer works");
    assert.equal((await db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).length, 1);

    const other = new Client(app);
    await other.logIn(login, password);
    const changed = await client.post(`/users/${login}/password`, {
      current_password: password,
      "user[password]": "brand new password",
      "user[password_confirmation]": "brand new password",
    });
    assert.equal(changed.statusCode, 303);
    assert.equal((await other.get("/works/new")).statusCode, 303, "other sessions end when the password changes");
    assert.equal((await client.get("/works/new")).statusCode, 200, "this session stays");
    const wrongCurrent = await client.post(`/users/${login}/password`, { current_password: "nope", "user[password]": "x".repeat(10), "user[password_confirmation]": "x".repeat(10) });
    assert.equal(wrongCurrent.statusCode, 422);
    assertMatch(wrongCurrent.body, /current password is not right/);

    const email = await client.post(`/users/${login}/email`, { "user[email]": "moved@example.net", email_password: "brand new password" });
    assert.equal(email.statusCode, 303);
    assert.equal((await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow()).email, "moved@example.net");

    await client.post("/users/logout", {});
    assert.equal((await db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).length, 0);
    await app.close();
  });
});

test("sessions are marked Secure behind https", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    await createUser(db, { login: "secure_one", email: "s@example.com", password: "long password here" });
    const app = await buildApp(testConfig(url, { publicUrl: "https://archive.example" }), db);
    const client = new Client(app);
    const res = await client.logIn("secure_one", "long password here");
    assert.match(String(res.headers["set-cookie"]), /fanfold_session=[^;]+;.*Secure/i);
    await app.close();
  });
});

test("sign-up by invitation, and closed sign-ups", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    await setSetting(db, "signup_mode", "invitation");
    const client = new Client(app);
    assertMatch((await client.get("/signup")).body, /Invitation code/);
    const without = await client.post("/signup", signup("invited_one"));
    assert.equal(without.statusCode, 422);
    assertMatch(without.body, /open by invitation/);
    const bogus = await client.post("/signup", signup("invited_one", { invitation_code: "bogus" }));
    assertMatch(bogus.body, /isn(&#39;|')t one this archive issued/);
    const { code } = await db.transaction().execute((trx) => insertInvitation(trx, { createdBy: null }));
    assert.equal((await client.post("/signup", signup("invited_one", { invitation_code: code }))).statusCode, 303);
    const reused = await new Client(app).post("/signup", signup("invited_two", { invitation_code: code }));
    assert.equal(reused.statusCode, 422, "an invitation works once");

    await setSetting(db, "signup_mode", "closed");
    const closed = await new Client(app).post("/signup", signup("closed_out"));
    assert.equal(closed.statusCode, 403);
    assertMatch(closed.body, /Sign-ups are closed/);
    await app.close();
  });
});

test("log-in attempts are rate limited", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, login } = await appWithUser(db, url);
    const client = new Client(app);
    await client.get("/users/login");
    const codes: number[] = [];
    // Other accounts each time: one account's own limit (login-protection.test.ts) is not what is tested here.
    for (let i = 0; i < 7; i++) codes.push((await client.post("/users/login", { "user[login]": i ? `${login}_${i}` : login, "user[password]": "guessing" })).statusCode);
    assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(codes[6], 429);
    const limited = await client.post("/users/login", { "user[login]": login, "user[password]": "guessing" });
    assertMatch(limited.body, /Too many attempts/);
    assert.ok(limited.headers["retry-after"]);
    await app.close();
  });
});

test("pseuds: create, choose when posting, list works by pseud", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, login, password, userId } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const bad = await client.post(`/users/${login}/pseuds`, { "pseud[name]": "no<tags>", "pseud[description]": "" });
    assert.equal(bad.statusCode, 422);
    assert.equal((await client.post(`/users/${login}/pseuds`, { "pseud[name]": "Night Owl", "pseud[description]": "" })).statusCode, 303);
    const dup = await createPseud(db, userId, "night owl", "");
    assert.equal(dup.ok, false, "pseud names are unique per user, any case");
    const owl = await db.selectFrom("pseuds").select("id").where("name", "=", "Night Owl").executeTakeFirstOrThrow();
    assertMatch((await client.get("/works/new")).body, /<label for="field-work-pseud_ids-1">Night Owl<\/label>|Night Owl<\/label>/);
    const { workForm } = await import("../../test/support/app.js");
    const posted = await client.post("/works", workForm(owl.id, { "work[title]": "By The Owl" }));
    assert.equal(posted.statusCode, 303);
    const page = (await client.get(String(posted.headers.location))).body;
    assertMatch(page, /<a rel="author" href="\/users\/writer\/pseuds\/Night%20Owl">Night Owl \(writer\)<\/a>/);
    assertMatch((await client.get("/users/writer/pseuds/Night%20Owl/works")).body, /By The Owl/);
    assertMatch((await client.get("/users/writer/pseuds/writer/works")).body, /0 Works/);
    assertMatch((await client.get("/users/writer/works")).body, /By The Owl/);
    assertMatch((await client.get("/users/writer")).body, /Night Owl/);
    await app.close();
  });
});

test("the first admin is created through the one-time setup URL", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { issueSetupToken } = await import("../model/archive-settings.js");
    const app = await buildApp(testConfig(url), db);
    const token = await issueSetupToken(db);
    const client = new Client(app);
    assert.equal((await client.get("/setup?token=wrong")).statusCode, 404);
    assertMatch((await client.get(`/setup?token=${token}`)).body, /Create the first admin account/);
    const res = await client.post("/setup", { token, ...signup("site_admin") });
    assert.equal(res.statusCode, 303);
    assert.equal((await client.get("/admin/settings")).statusCode, 200);
    assert.equal((await client.get(`/setup?token=${token}`)).statusCode, 404, "the token works once");
    const roles = await db.selectFrom("user_roles").select("role").execute();
    assert.deepEqual(roles.map((r) => r.role), ["admin"]);
    const stranger = new Client(app);
    await createUser(db, { login: "plain_user", email: "p@example.com", password: "plain password" });
    await stranger.logIn("plain_user", "plain password");
    assert.equal((await stranger.get("/admin/settings")).statusCode, 403);
    assert.equal((await stranger.post("/admin/settings", { signup_mode: "closed" })).statusCode, 403);
    await app.close();
  });
});

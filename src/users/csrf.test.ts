import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { GUEST_CSRF_COOKIE } from "../platform/http/csrf.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { createUser } from "./commands.js";

/** POSTs a form with exactly these cookies and this token (no client bookkeeping). */
function postWith(app: FastifyInstance, url: string, cookies: Record<string, string>, token: string, form: Record<string, string> = {}) {
  return app.inject({
    method: "POST",
    url,
    payload: new URLSearchParams({ ...form, authenticity_token: token }).toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: Object.entries(cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join("; "),
    },
  });
}

const pseudForm = (name: string) => ({ "pseud[name]": name, "pseud[description]": "" });

test("a planted CSRF pair (the attacker's cookie and token) is refused with the victim's session", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, login, password } = await appWithUser(db, url, "victim");
    const attacker = new Client(app);
    await attacker.get("/users/login");
    const planted = { cookie: attacker.cookies.get(GUEST_CSRF_COOKIE)!, token: attacker.csrf };
    assert.ok(planted.cookie && planted.token, "a guest gets a pre-session cookie and a token");

    // The attacker's pair works as a guest's (that is what guest forms rely on) …
    const asGuest = await postWith(app, "/users/login", { [GUEST_CSRF_COOKIE]: planted.cookie }, planted.token, { "user[login]": login, "user[password]": "wrong password" });
    assert.equal(asGuest.statusCode, 401, "a guest's own pair passes the CSRF check");

    // … but the victim, holding the planted cookie, logs in: the cookie is replaced …
    const victim = new Client(app);
    victim.cookies.set(GUEST_CSRF_COOKIE, planted.cookie);
    await victim.logIn(login, password);
    assert.notEqual(victim.cookies.get(GUEST_CSRF_COOKIE), planted.cookie, "log-in replaces the guest cookie");
    const session = victim.cookies.get(SESSION_COOKIE)!;

    // … and the planted pair, sent with the victim's session, is refused either way.
    for (const cookies of <Record<string, string>[]>[{ [SESSION_COOKIE]: session, [GUEST_CSRF_COOKIE]: planted.cookie }, { [SESSION_COOKIE]: session }]) {
      const forged = await postWith(app, "/users/victim/pseuds", cookies, planted.token, pseudForm("Forged"));
      assert.equal(forged.statusCode, 403);
    }
    // A token from another logged-in user's session is refused too.
    await createUser(db, { login: "other", email: "other@example.org", password: "other password 1" });
    const other = new Client(app);
    await other.logIn("other", "other password 1");
    await other.get("/users/other");
    const borrowed = await postWith(app, "/users/victim/pseuds", { [SESSION_COOKIE]: session }, other.csrf, pseudForm("Borrowed"));
    assert.equal(borrowed.statusCode, 403);
    assert.equal((await db.selectFrom("pseuds").select("id").where("name", "in", ["Forged", "Borrowed"]).execute()).length, 0);

    // The victim's own page token works.
    await victim.get("/users/victim/pseuds/new");
    assert.equal((await victim.post("/users/victim/pseuds", pseudForm("Mine"))).statusCode, 303);
    await app.close();
  });
});

test("the CSRF token changes at log-in and at log-out", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    await createUser(db, { login: "reader", email: "reader@example.org", password: "reader password 1" });
    const client = new Client(app);
    await client.get("/users/login");
    const guestToken = client.csrf;
    const guestCookie = client.cookies.get(GUEST_CSRF_COOKIE)!;
    await client.logIn("reader", "reader password 1");
    const session = client.cookies.get(SESSION_COOKIE)!;
    await client.get("/users/reader");
    const userToken = client.csrf;
    assert.notEqual(userToken, guestToken);

    // The guest's token is worthless once logged in.
    assert.equal((await postWith(app, "/users/reader/pseuds", { [SESSION_COOKIE]: session, [GUEST_CSRF_COOKIE]: guestCookie }, guestToken, pseudForm("Stale"))).statusCode, 403);
    assert.equal((await postWith(app, "/users/reader/pseuds", { [SESSION_COOKIE]: session }, userToken, pseudForm("Fresh"))).statusCode, 303);

    assert.equal((await client.post("/users/logout", {})).statusCode, 303);
    const afterCookie = client.cookies.get(GUEST_CSRF_COOKIE)!;
    assert.notEqual(afterCookie, guestCookie, "log-out starts a new guest id");
    // Neither the logged-in token nor the old guest pair works for the guest that remains.
    const signIn = { "user[login]": "reader", "user[password]": "reader password 1" };
    assert.equal((await postWith(app, "/users/login", { [GUEST_CSRF_COOKIE]: afterCookie }, userToken, signIn)).statusCode, 403);
    assert.equal((await postWith(app, "/users/login", { [GUEST_CSRF_COOKIE]: afterCookie }, guestToken, signIn)).statusCode, 403);
    await client.get("/users/login");
    assert.notEqual(client.csrf, guestToken);
    assert.equal((await client.post("/users/login", signIn)).statusCode, 303, "the new guest token logs in");
    await app.close();
  });
});

test("tokens that are malformed or missing are refused with the CSRF page, never a 500", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const client = new Client(app);
    await client.get("/users/login");
    const cookie = client.cookies.get(GUEST_CSRF_COOKIE)!;
    for (const token of ["", ".", "x.", ".x", "a".repeat(500), `${client.csrf}x`, client.csrf.replace(".", "")]) {
      const res = await postWith(app, "/users/logout", { [GUEST_CSRF_COOKIE]: cookie }, token);
      assert.equal(res.statusCode, 403, JSON.stringify(token));
    }
    assert.equal((await postWith(app, "/users/logout", {}, client.csrf)).statusCode, 403, "no cookie, no binding");
    assert.equal((await postWith(app, "/users/logout", { [GUEST_CSRF_COOKIE]: cookie }, client.csrf)).statusCode, 303, "the right pair passes");
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import type { FastifyInstance } from "fastify";
import { assertMatch, Client, loggedInUser, signupForm as signup, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { t as message } from "../platform/i18n/index.js";
import { createUser } from "../users/commands.js";
import { getSetting, issueSetupToken, isSetupToken, setSetting } from "../model/archive-settings.js";

/** The sign-up mode whose radio button the settings page shows chosen ("" when none is). */
function checkedMode(html: string): string {
  const checked = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]).filter((tag) => /name="signup_mode"/.test(tag) && /\bchecked\b/.test(tag));
  assert.ok(checked.length <= 1, "at most one sign-up mode is chosen");
  return checked.length ? /value="([^"]*)"/.exec(checked[0]!)![1]! : "";
}

const invitationCount = async (db: Db) => (await db.selectFrom("invitations").select("id").execute()).length;

async function adminApp(db: Db, url: string): Promise<{ app: FastifyInstance; admin: Client; adminId: number }> {
  const app = await buildApp(testConfig(url), db);
  const { client, userId } = await loggedInUser(app, db, "site_admin", ["admin"]);
  return { app, admin: client, adminId: userId };
}

test("the settings page shows the sign-up mode in force, saves each mode, and sign-up obeys it", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, admin } = await adminApp(db, url);
    const page = await admin.get("/admin/settings");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /<legend>Sign-ups<\/legend>/);
    for (const label of ["Anyone can sign up", "Sign-up needs an invitation code", "Nobody can sign up (admins add accounts)"]) {
      assertMatch(page.body, new RegExp(`<label for="[^"]+">${escapeHtml(label).replace(/[()]/g, "\\$&")}</label>`), `a labelled choice: ${label}`);
    }
    assert.equal(checkedMode(page.body), "open", "open until an admin chooses otherwise");

    for (const mode of ["invitation", "closed", "open"]) {
      const saved = await admin.post("/admin/settings", { signup_mode: mode });
      assert.equal(saved.statusCode, 303, mode);
      assert.equal(saved.headers.location, "/admin/settings");
      assert.equal(await getSetting(db, "signup_mode"), mode);
      assert.equal(checkedMode((await admin.get("/admin/settings")).body), mode, `the page shows ${mode} chosen`);

      // What the setting is for: the sign-up form follows it at once.
      const visitor = new Client(app);
      const form = await visitor.get("/signup");
      if (mode === "invitation") assertMatch(form.body, /Invitation code/);
      else assert.doesNotMatch(form.body, /Invitation code/);
      const joined = await visitor.post("/signup", signup(`joiner_${mode}`));
      assert.equal(joined.statusCode, { open: 303, invitation: 422, closed: 403 }[mode], `signing up while ${mode}`);
    }
    await app.close();
  });
});

// Invitation codes (making them, listing them, who used each) are tested in src/invitations.

test("guards: guests are sent to log in, users without the admin role are refused, admins pass", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, admin } = await adminApp(db, url);
    await setSetting(db, "signup_mode", "invitation");

    const guest = new Client(app);
    const guestPage = await guest.get("/admin/settings");
    assert.equal(guestPage.statusCode, 303);
    assert.equal(guestPage.headers.location, "/users/login?return_to=%2Fadmin%2Fsettings", "to the log-in page, and back afterwards");
    await guest.get("/users/login"); // a real form token, so only the guard can refuse
    for (const [path, form] of [["/admin/settings", { signup_mode: "open" }], ["/admin/invitations", {}]] as const) {
      const refused = await guest.post(path, form);
      assert.equal(refused.statusCode, 401, `guest ${path}`);
      assertMatch(refused.body, new RegExp(escapeHtml(message("error.LOGIN_REQUIRED"))));
    }

    // A wrangler holds a role, just not this one.
    for (const roles of [[], ["wrangler"]]) {
      const { client } = await loggedInUser(app, db, `someone_${roles.length}`, roles);
      const page = await client.get("/admin/settings");
      assert.equal(page.statusCode, 403, `roles [${roles.join()}]`);
      assertMatch(page.body, new RegExp(escapeHtml(message("error.FORBIDDEN"))));
      assert.equal((await client.post("/admin/settings", { signup_mode: "open" })).statusCode, 403);
      assert.equal((await client.post("/admin/invitations", {})).statusCode, 403);
    }
    assert.equal(await getSetting(db, "signup_mode"), "invitation", "no refused request changed the mode");
    assert.equal(await invitationCount(db), 0, "no refused request made a code");

    assert.equal((await admin.get("/admin/settings")).statusCode, 200);
    assert.equal((await admin.post("/admin/settings", { signup_mode: "open" })).statusCode, 303);
    assert.equal((await admin.post("/admin/invitations", {})).statusCode, 303);
    assert.equal(await getSetting(db, "signup_mode"), "open");
    assert.equal(await invitationCount(db), 1);
    await app.close();
  });
});

test("CSRF: an admin's browser sending a form without this page's token changes nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, admin } = await adminApp(db, url);
    const csrfMessage = new RegExp(escapeHtml(message("error.CSRF_INVALID")));
    await admin.get("/admin/settings");
    for (const [path, form] of [["/admin/settings", { signup_mode: "closed" }], ["/admin/invitations", {}]] as const) {
      const missing = await admin.post(path, form, { csrf: false });
      assert.equal(missing.statusCode, 403, `${path} without a token`);
      assertMatch(missing.body, csrfMessage);
      const forged = await admin.post(path, { ...form, authenticity_token: "forged" }, { csrf: false });
      assert.equal(forged.statusCode, 403, `${path} with a made-up token`);
      assertMatch(forged.body, csrfMessage);
    }
    // A token that is valid, but for another browser (another CSRF cookie), is refused too.
    const other = new Client(app);
    await other.get("/users/login");
    const borrowed = await admin.post("/admin/settings", { signup_mode: "closed", authenticity_token: other.csrf }, { csrf: false });
    assert.equal(borrowed.statusCode, 403);
    assert.equal(await getSetting(db, "signup_mode"), undefined, "the mode was never written");
    assert.equal(await invitationCount(db), 0);
    await app.close();
  });
});

test("bad input is shown again with a message, and nothing is changed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, admin } = await adminApp(db, url);
    await setSetting(db, "signup_mode", "invitation");
    await admin.get("/admin/settings");
    const explained = escapeHtml(message("admin.signup_mode_invalid"));
    for (const form of [{ signup_mode: "sometimes" }, { signup_mode: "" }, {}] as Record<string, string>[]) {
      const bad = await admin.post("/admin/settings", form);
      assert.equal(bad.statusCode, 422, JSON.stringify(form));
      assertMatch(bad.body, /role="alert"/, "the error summary");
      assertMatch(bad.body, new RegExp(`<a href="#field-signup_mode">${explained}</a>`), "the summary links to the choice");
      assertMatch(bad.body, new RegExp(`id="field-signup_mode-error"><strong>Error:</strong> <span>${explained}</span>`), "the message sits by the choice");
      assert.equal(checkedMode(bad.body), "invitation", "the page shows the mode still in force");
      assertMatch(bad.body, /name="authenticity_token" value="[^"]+"/, "the form can be sent again");
    }
    assert.equal(await getSetting(db, "signup_mode"), "invitation");
    await app.close();
  });
});

test("the setup page: bad input keeps what was typed; the link stops working once an admin exists", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const token = await issueSetupToken(db);
    const client = new Client(app);
    await client.get(`/setup?token=${token}`);
    const bad = await client.post("/setup", { token, ...signup("x", { "user[email]": "not-an-address", "user[password_confirmation]": "something else" }) });
    assert.equal(bad.statusCode, 422);
    assertMatch(bad.body, new RegExp(escapeHtml(message("users.login_format"))));
    assertMatch(bad.body, new RegExp(escapeHtml(message("users.email_format"))));
    assertMatch(bad.body, new RegExp(escapeHtml(message("users.password_mismatch"))));
    assertMatch(bad.body, /name="user\[login\]"[^>]*value="x"/, "the user name typed is kept");
    assertMatch(bad.body, /name="user\[email\]"[^>]*value="not-an-address"/, "the email typed is kept");
    assert.doesNotMatch(bad.body, /a long enough password/, "passwords are never sent back");
    assertMatch(bad.body, new RegExp(`name="token" value="${token}"`), "the form can be sent again");
    assert.equal(await isSetupToken(db, token), true, "a failed attempt does not spend the link");
    assert.equal((await db.selectFrom("users").select("id").execute()).length, 0);

    assert.equal((await client.post("/setup", { token: "wrong", ...signup("sneaky_admin") })).statusCode, 404, "a wrong token is not found");

    // An admin made another way (`fanfold user add --role admin`) retires the page, even while
    // a setup token from an earlier start is still stored.
    const made = await createUser(db, { login: "cli_admin", email: "cli@example.org", password: "a long enough password", roles: ["admin"] });
    assert.ok(made.ok);
    assert.equal(await isSetupToken(db, token), true);
    assert.equal((await client.get(`/setup?token=${token}`)).statusCode, 404);
    assert.equal((await client.post("/setup", { token, ...signup("second_admin") })).statusCode, 404);
    assert.equal((await db.selectFrom("users").select("id").execute()).length, 1);
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { importedAccount, UNUSABLE_PASSWORD_HASH } from "../../test/support/legacy.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { changePassword, passwordLogIn } from "./commands.js";
import { hashPassword, matchesLegacyPassword } from "./passwords.js";
import { LOCK_MS } from "./throttle.js";

const CLIENT = { address: "127.0.0.1", userAgent: "test" };
const OLD = "aureliepass1";

const stored = (db: Db, id: number) => db.selectFrom("users").select(["password_hash", "legacy_password"]).where("id", "=", id).executeTakeFirstOrThrow();

test("an eFiction MD5 is matched only in its own form", () => {
  assert.equal(matchesLegacyPassword("md5:8a9e2a8c2cca2bcd6ed8f8d4c05fff7e", "nope"), false);
  assert.equal(matchesLegacyPassword("md5:5f4dcc3b5aa765d61d8327deb882cf99", "password"), true);
  assert.equal(matchesLegacyPassword("md5:5F4DCC3B5AA765D61D8327DEB882CF99", "password"), false, "the importer writes lowercase hex");
  assert.equal(matchesLegacyPassword("sha1:5f4dcc3b5aa765d61d8327deb882cf99", "password"), false);
  assert.equal(matchesLegacyPassword("", ""), false);
});

test("an imported account logs in with its eFiction password, which is replaced by an argon2id hash at once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const id = await importedAccount(db, { login: "aurelie", oldPassword: OLD, uid: 2 });
    const app = await buildApp(testConfig(url), db);
    const browser = new Client(app);
    await browser.get("/users/login");
    const res = await browser.post("/users/login", { "user[login]": "aurelie", "user[password]": OLD });
    assert.equal(res.statusCode, 303, "logged in");
    assert.equal((await browser.get("/users/aurelie/edit")).statusCode, 200, "with a session");
    const after = await stored(db, id);
    assert.equal(after.legacy_password, null, "the old hash is gone");
    assert.match(after.password_hash, /^\$argon2id\$/);
    // The same password now meets the argon2id hash; the old one is no longer consulted.
    assert.equal((await passwordLogIn(db, "aurelie", OLD, CLIENT)).kind, "ok");
    assert.deepEqual(await passwordLogIn(db, "aurelie", OLD, CLIENT), { kind: "ok", userId: id });
    await app.close();
  });
});

test("a wrong password on an imported account counts as a failure and changes nothing; a locked account is not upgraded", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const id = await importedAccount(db, { login: "nikos", oldPassword: "nikospass1", uid: 3 });
    assert.deepEqual(await passwordLogIn(db, "nikos", "not it", CLIENT), { kind: "wrong" });
    assert.deepEqual(await passwordLogIn(db, "nikos", "a password nobody knows 1", CLIENT), { kind: "wrong" }, "the hash createUser made was replaced");
    const throttle = await db.selectFrom("login_throttles").select("failures").where("user_id", "=", id).executeTakeFirstOrThrow();
    assert.equal(throttle.failures, 2, "both counted against the account");
    assert.equal((await stored(db, id)).password_hash, UNUSABLE_PASSWORD_HASH);

    await db.updateTable("login_throttles").set({ locked_until: new Date(Date.now() + LOCK_MS).toISOString() }).where("user_id", "=", id).execute();
    assert.equal((await passwordLogIn(db, "nikos", "nikospass1", CLIENT)).kind, "locked", "the lock holds for the old password too");
    assert.notEqual((await stored(db, id)).legacy_password, null, "nothing was upgraded while locked");
  });
});

test("two log-ins at once with the old password both get in and upgrade it once", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const id = await importedAccount(db, { login: "mei_lin", oldPassword: "mei_linpass1", uid: 4 });
    const outcomes = await Promise.all([passwordLogIn(db, "mei_lin", "mei_linpass1", CLIENT), passwordLogIn(db, "mei_lin", "mei_linpass1", CLIENT)]);
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ["ok", "ok"],
    );
    assert.equal(outcomes.filter((o) => o.kind === "ok" && o.upgradedLegacyPassword).length, 1, "exactly one wrote the new hash");
    const after = await stored(db, id);
    assert.equal(after.legacy_password, null);
    assert.equal((await passwordLogIn(db, "mei_lin", "mei_linpass1", CLIENT)).kind, "ok", "the hash that stayed is the typed password's");
  });
});

test("a new password set on an imported account clears its old one", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const id = await importedAccount(db, { login: "zoe", oldPassword: "zoepass1", uid: 9 });
    await db.updateTable("users").set({ password_hash: await hashPassword("current one 1") }).where("id", "=", id).execute();
    const changed = await changePassword(db, id, "current one 1", "a brand new password", "a brand new password");
    assert.ok(changed.ok);
    assert.equal((await stored(db, id)).legacy_password, null);
    assert.deepEqual(await passwordLogIn(db, "zoe", "zoepass1", CLIENT), { kind: "wrong" }, "the eFiction password no longer opens it");
  });
});

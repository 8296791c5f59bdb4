import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { TOTP, Secret } from "otpauth";
import { assertMatch, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp, jobSteps } from "../app.js";
import { ConfigError, loadConfig, type Config } from "../platform/config.js";
import type { Db } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import { outboxFolder } from "../platform/mail.js";
import { createUser } from "./commands.js";
import { MAX_FAILURES } from "./throttle.js";

const PASSWORD = "the right password";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

async function account(db: Db, login: string, roles: ("admin" | "wrangler")[] = []): Promise<number> {
  const made = await createUser(db, { login, email: `${login}@example.org`, password: PASSWORD, roles });
  assert.ok(made.ok);
  return made.value.id;
}

/** A browser at an address of its own (the log-in protection is per account, whatever the address). */
function browserAt(app: FastifyInstance, address: string, userAgent = FIREFOX): Client {
  return new Client({ inject: (options: { headers?: object }) => app.inject({ ...options, remoteAddress: address, headers: { ...options.headers, "user-agent": userAgent } }) } as unknown as FastifyInstance);
}

async function attempt(app: FastifyInstance, address: string, login: string, password: string) {
  const browser = browserAt(app, address);
  await browser.get("/users/login");
  return { browser, res: await browser.post("/users/login", { "user[login]": login, "user[password]": password }) };
}

/** Lets the progressive delay pass at once, as the clock would. */
const skipDelay = (db: Db, userId: number) => db.updateTable("login_throttles").set({ next_attempt_at: null }).where("user_id", "=", userId).execute();

function dataFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-login-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function outbox(dataDir: string): string[] {
  try {
    return readdirSync(outboxFolder(dataDir)).map((name) => readFileSync(join(outboxFolder(dataDir), name), "utf8"));
  } catch {
    return [];
  }
}

const codeFor = (secret: string, offsetSeconds = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSeconds * 1000 });
const secretOf = async (db: Db, userId: number) => (await db.selectFrom("user_totp").select("secret").where("user_id", "=", userId).executeTakeFirstOrThrow()).secret;

test("TRUST_PROXY: unset believes nobody; a list of addresses and ranges; a hop count only on loopback; nonsense refused", () => {
  const env = (vars: Record<string, string>) => loadConfig({ SECRET: "a secret of enough length", DATA_DIR: "/nonexistent", ...vars });
  assert.equal(env({}).trustProxy, false);
  assert.equal(env({ PUBLIC_URL: "https://archive.example" }).trustProxy, false, "an https address makes no proxy trusted");
  assert.equal(env({ TRUST_PROXY: "1" }).trustProxy, 1);
  assert.deepEqual(env({ TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback" }).trustProxy, ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "loopback"]);
  assert.throws(() => env({ TRUST_PROXY: "1", HOST: "0.0.0.0" }), (e: Error) => e instanceof ConfigError && /loopback/.test(e.message));
  assert.throws(() => env({ TRUST_PROXY: "true" }), ConfigError);
  assert.throws(() => env({ TRUST_PROXY: "10.0.0.0/33" }), ConfigError);
  assert.throws(() => env({ TRUST_PROXY: "proxy.example" }), ConfigError);
});

/**
 * Each per-address limit, hit by one client that writes a new X-Forwarded-For on every request.
 * `send` delivers a request as the deployment would: straight from the client, or through a proxy.
 */
type Send = (i: number, options: { method: "GET" | "POST"; url: string; headers?: Record<string, string> }) => Promise<{ statusCode: number }>;

async function limitsHoldAgainstRotatingHeaders(app: FastifyInstance, db: Db, send: Send) {
  const codes = async (n: number, options: Parameters<typeof send>[1]) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await send(out.length + Math.floor(Math.random() * 1e6), options)).statusCode);
    return out;
  };
  const form = { "content-type": "application/x-www-form-urlencoded" };

  // Log-in: 5 per 20 seconds per address (unknown logins, so no account's own limit is involved).
  let got = await codes(6, { method: "POST", url: "/users/login", headers: form });
  assert.ok(!got.slice(0, 5).includes(429) && got[5] === 429, `log-in limit holds: ${got}`);
  // Sign-up: 5 per hour.
  got = await codes(6, { method: "POST", url: "/signup", headers: form });
  assert.ok(!got.slice(0, 5).includes(429) && got[5] === 429, `sign-up limit holds: ${got}`);
  // Guest comments: 5 per window; guest kudos: 10 a minute.
  const { pseudId } = await makeCreator(db, `creator${Math.floor(Math.random() * 1e6)}`);
  const workId = await makeWork(db, pseudId);
  await db.updateTable("works").set({ comment_permission: "all" }).where("id", "=", workId).execute();
  got = await codes(6, { method: "POST", url: `/works/${workId}/comments`, headers: form });
  assert.ok(!got.slice(0, 5).includes(429) && got[5] === 429, `guest comment limit holds: ${got}`);
  got = await codes(11, { method: "POST", url: `/works/${workId}/kudos`, headers: form });
  assert.ok(!got.slice(0, 10).includes(429) && got[10] === 429, `guest kudos limit holds: ${got}`);
  // OPDS Basic: 5 wrong credentials per 20 seconds per address.
  const basic = `Basic ${Buffer.from("nobody_here:wrong password").toString("base64")}`;
  got = await codes(6, { method: "GET", url: "/opds", headers: { authorization: basic } });
  assert.deepEqual(got, [401, 401, 401, 401, 401, 429], "OPDS Basic limit holds");
  // Hits: one per address per work per day.
  for (let i = 0; i < 4; i++) await send(i, { method: "GET", url: `/works/${workId}`, headers: { "user-agent": FIREFOX } });
  assert.equal(await app.hits.flush(), 1, "one hit, however the header changes");
}

test("rotating X-Forwarded-For raises no per-address limit, with TRUST_PROXY unset, a hop count or a list; behind the trusted proxy its address is the client's", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    await account(db, "behind_proxy");
    const setups: { trustProxy: Config["trustProxy"]; peer: string; header: (i: number) => string; client: string }[] = [
      // No proxy trusted: a client connecting directly and writing the header is known by its own address.
      { trustProxy: false, peer: "203.0.113.5", header: (i) => `10.1.${i % 250}.${i % 200}`, client: "203.0.113.5" },
      // One proxy on loopback, which appends the address it saw to what the client wrote.
      { trustProxy: 1, peer: "127.0.0.1", header: (i) => `10.1.${i % 250}.${i % 200}, 198.51.100.7`, client: "198.51.100.7" },
      { trustProxy: ["127.0.0.1"], peer: "127.0.0.1", header: (i) => `10.2.${i % 250}.1, 192.0.2.44`, client: "192.0.2.44" },
    ];
    for (const setup of setups) {
      // Behind https, as the attack was found: PUBLIC_URL no longer decides whom to believe.
      const config = testConfig(url, { trustProxy: setup.trustProxy, publicUrl: "https://archive.example" });
      const sender = (app: FastifyInstance) => (i: number, options: { method: "GET" | "POST"; url: string; headers?: Record<string, string> }) =>
        app.inject({ payload: options.method === "POST" ? "" : undefined, ...options, remoteAddress: setup.peer, headers: { ...options.headers, "x-forwarded-for": setup.header(i) } });

      // The address the account's log records is the one the trusted proxy gave (or the peer's).
      const first = await buildApp(config, db);
      const send = sender(first);
      const proxied = new Client({ inject: (options: { headers?: object }) => send(99, options as never) } as unknown as FastifyInstance);
      await proxied.get("/users/login");
      const res = await proxied.post("/users/login", { "user[login]": "behind_proxy", "user[password]": PASSWORD });
      assert.equal(res.statusCode, 303, `logged in through ${JSON.stringify(setup.trustProxy)}`);
      const logged = await db.selectFrom("login_events").select("address").orderBy("id", "desc").executeTakeFirstOrThrow();
      assert.equal(logged.address, setup.client, `TRUST_PROXY=${JSON.stringify(setup.trustProxy)}: the client is ${setup.client}`);
      await first.close();

      // Fresh counts for the limits themselves: they are shared by every process through the
      // database, so the log-in above still counts against this address until it is forgotten.
      await db.deleteFrom("rate_limits").execute();
      const app = await buildApp(config, db);
      await limitsHoldAgainstRotatingHeaders(app, db, sender(app));
      await app.close();
    }
  });
});

test("per account: delays grow, the fifth wrong password locks the account from every address (right password too), its owner is mailed, counts are shared by processes", async (t) => {
  await eachDialect(t, async (t, { db, url }) => {
    const dataDir = dataFolder(t);
    const config = testConfig(url, { dataDir });
    const app = await buildApp(config, db);
    const other = await buildApp(config, db); // a second process over the same database
    const userId = await account(db, "guessed_at");

    // Progressive delay: after the second failure the next attempt must wait, whatever it is.
    assert.equal((await attempt(app, "192.0.2.1", "guessed_at", "guess 1")).res.statusCode, 401);
    assert.equal((await attempt(other, "192.0.2.2", "guessed_at", "guess 2")).res.statusCode, 401);
    const early = (await attempt(app, "192.0.2.3", "guessed_at", PASSWORD)).res;
    assert.equal(early.statusCode, 429, "too soon after two failures, even with the right password");
    assertMatch(early.body, /please wait \d+ seconds before trying again/);
    assert.ok(Number(early.headers["retry-after"]) >= 1);
    await skipDelay(db, userId);

    // Failures from five addresses through two processes add up; the fifth locks.
    for (let i = 3; i < MAX_FAILURES; i++) {
      const { res } = await attempt(i % 2 ? app : other, `198.51.100.${i}`, "guessed_at", `guess ${i}`);
      assert.equal(res.statusCode, 401, `wrong password ${i}`);
      await skipDelay(db, userId);
    }
    const fifth = (await attempt(other, "198.51.100.50", "guessed_at", "guess 5")).res;
    assert.equal(fifth.statusCode, 429);
    assertMatch(fifth.body, /This account is locked for 15 minutes after too many wrong passwords or codes, from any address/);
    const sixth = (await attempt(app, "203.0.113.99", "guessed_at", PASSWORD)).res;
    assert.equal(sixth.statusCode, 429, "locked: the right password from a new address fails too");
    assertMatch(sixth.body, /This account is locked/);
    assertMatch(sixth.body, /value="guessed_at"/, "the login typed is kept");
    const row = await db.selectFrom("login_throttles").selectAll().where("user_id", "=", userId).executeTakeFirstOrThrow();
    assert.equal(row.failures, MAX_FAILURES);
    assert.ok(row.locked_until && row.locked_until > new Date().toISOString());

    // The owner's mail: queued with the lock, sent by the job, once.
    assert.deepEqual(outbox(dataDir), [], "sent by the job, not in the request");
    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    const mails = outbox(dataDir);
    assert.equal(mails.length, 1, "one mail per lock");
    assert.match(mails[0]!, /^To: guessed_at@example\.org$/m);
    assert.match(mails[0]!, /^Subject: Your Fanfold account was locked after wrong passwords$/m);
    assert.match(mails[0]!, /198\.51\.100\.50/, "names the last address");
    // Attempts while locked neither extend the lock nor mail again.
    await attempt(other, "203.0.113.100", "guessed_at", "guess 7");
    assert.equal(await drainJobs(db, jobSteps(config)), 0);

    // Once the lock is over, the right password works and the count starts again.
    await db.updateTable("login_throttles").set({ locked_until: new Date(Date.now() - 1000).toISOString() }).where("user_id", "=", userId).execute();
    assert.equal((await attempt(app, "203.0.113.101", "guessed_at", PASSWORD)).res.statusCode, 303);
    assert.equal((await db.selectFrom("login_throttles").select("user_id").where("user_id", "=", userId).execute()).length, 0);

    // OPDS Basic counts against the same account, and is refused while it is locked.
    const basic = (password: string, address: string) =>
      app.inject({ method: "GET", url: "/opds/shelf/bookmarks", remoteAddress: address, headers: { authorization: `Basic ${Buffer.from(`guessed_at:${password}`).toString("base64")}` } });
    for (let i = 1; i < MAX_FAILURES; i++) {
      assert.equal((await basic("wrong", `192.0.2.${100 + i}`)).statusCode, 401);
      await skipDelay(db, userId);
    }
    assert.equal((await basic("wrong", "192.0.2.150")).statusCode, 429, "the fifth locks");
    assert.equal((await basic(PASSWORD, "192.0.2.200")).statusCode, 429, "a locked account is locked for the catalog too");
    await app.close();
    await other.close();
  });
});

test("the log-in log: time, address, agent and result of recent attempts on the account page, for its owner only, escaped", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const userId = await account(db, "log_owner");
    await account(db, "log_other");
    const sneaky = browserAt(app, "192.0.2.77", "<script>alert(1)</script> Agent");
    await sneaky.get("/users/login");
    assert.equal((await sneaky.post("/users/login", { "user[login]": "log_owner", "user[password]": "not it" })).statusCode, 401);
    await skipDelay(db, userId);
    const owner = browserAt(app, "2001:db8::5");
    await owner.logIn("log_owner", PASSWORD);
    const page = (await owner.get("/users/log_owner/edit")).body;
    assertMatch(page, /<h3 class="heading" id="login-log">Recent log-ins<\/h3>/);
    assertMatch(page, /<td>2001:db8::5<\/td><td>Mozilla\/5\.0 \(X11; Linux x86_64; rv:132\.0\) Gecko\/20100101 Firefox\/132\.0<\/td><td>Logged in<\/td>/);
    assertMatch(page, /<td>192\.0\.2\.77<\/td><td>&lt;script>alert\(1\)&lt;\/script> Agent<\/td><td>Wrong password<\/td>/);
    assert.ok(page.indexOf("2001:db8::5") < page.indexOf("192.0.2.77"), "newest first");
    assertMatch(page, /<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/);
    const stranger = browserAt(app, "192.0.2.8");
    await stranger.logIn("log_other", PASSWORD);
    assert.equal((await stranger.get("/users/log_owner/edit")).statusCode, 403);
    await app.close();
  });
});

/** Turns two-factor on through the pages; returns the secret and the recovery codes shown. */
async function turnOnTwoFactor(browser: Client, db: Db, login: string, userId: number): Promise<{ secret: string; codes: string[] }> {
  await browser.get(`/users/${login}/two_factor`);
  assert.equal((await browser.post(`/users/${login}/two_factor/setup`, {})).statusCode, 303);
  const page = (await browser.get(`/users/${login}/two_factor`)).body;
  const secret = await secretOf(db, userId);
  assertMatch(page, new RegExp(`<code>${secret.replace(/(.{4})(?=.)/g, "$1 ")}</code>`), "the secret, as text");
  assertMatch(page, new RegExp(`otpauth://totp/Fanfold:${login}\\?issuer=Fanfold&amp;secret=${secret}&amp;algorithm=SHA1&amp;digits=6&amp;period=30`), "the otpauth URI");
  const wrong = await browser.post(`/users/${login}/two_factor/enable`, { code: "000000" === codeFor(secret) ? "111111" : "000000" });
  assert.equal(wrong.statusCode, 422);
  assertMatch(wrong.body, /That code isn(&#39;|')t right/);
  assert.equal((await db.selectFrom("user_totp").select("enabled_at").where("user_id", "=", userId).executeTakeFirstOrThrow()).enabled_at, null, "not on before a right code");
  const on = await browser.post(`/users/${login}/two_factor/enable`, { code: codeFor(secret) });
  assert.equal(on.statusCode, 200);
  assertMatch(on.body, /Two-factor authentication is now on/);
  const codes = [...on.body.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(codes.length, 10);
  return { secret, codes };
}

test("two-factor: set up with a confirming code; log-in asks for the code on a second step without a session before it; codes and recovery codes work once; off with password and code", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const userId = await account(db, "careful");
    const browser = browserAt(app, "192.0.2.10");
    await browser.logIn("careful", PASSWORD);
    const { secret, codes } = await turnOnTwoFactor(browser, db, "careful", userId);

    // Stored: the secret in its own table; recovery codes only as hashes; nothing in users or the API.
    const stored = await db.selectFrom("recovery_codes").select("code_hash").where("user_id", "=", userId).execute();
    assert.equal(stored.length, 10);
    for (const code of codes) assert.ok(!stored.some((row) => row.code_hash.includes(code.replace("-", ""))), "codes are stored hashed");
    assert.ok(!JSON.stringify(await db.selectFrom("users").selectAll().where("id", "=", userId).execute()).includes(secret));
    const apiUser = await app.inject({ method: "GET", url: "/api/v1/users/careful" });
    assert.ok(!apiUser.body.includes(secret), "the API shows no secret");
    assertMatch((await browser.get("/users/careful/edit")).body, /Two-factor authentication<\/a> <span>\(on\)<\/span>/);
    await browser.post("/users/logout", {});

    // The password step makes no session: only the signed step cookie, then the code.
    const phone = browserAt(app, "192.0.2.11");
    await phone.get("/users/login");
    const step = await phone.post("/users/login", { "user[login]": "careful", "user[password]": PASSWORD, return_to: "/works" });
    assert.equal(step.statusCode, 303);
    assert.equal(step.headers.location, "/users/login/two_factor?return_to=%2Fworks");
    assert.equal(phone.cookies.get("fanfold_session"), undefined, "no session after the password alone");
    assert.equal((await db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).length, 0);
    assert.equal((await phone.get("/works/new")).statusCode, 303, "not logged in between the steps");
    const form = await phone.get("/users/login/two_factor?return_to=%2Fworks");
    assertMatch(form.body, /<label for="field-code">Authentication code or recovery code<\/label>/);
    const wrong = await phone.post("/users/login/two_factor", { code: "12345", return_to: "/works" });
    assert.equal(wrong.statusCode, 401);
    assertMatch(wrong.body, /That code isn(&#39;|')t right/);
    const code = codeFor(secret, 30); // the set-up spent this step's code
    const right = await phone.post("/users/login/two_factor", { code, return_to: "/works" });
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, "/works");
    assert.equal((await phone.get("/works/new")).statusCode, 200, "logged in after the code");

    // The same code again, in another browser: refused (a code works once).
    const thief = browserAt(app, "203.0.113.66");
    await thief.get("/users/login");
    await thief.post("/users/login", { "user[login]": "careful", "user[password]": PASSWORD });
    assert.equal((await thief.post("/users/login/two_factor", { code })).statusCode, 401, "a code is not accepted twice");
    await db.deleteFrom("login_throttles").execute();
    // A recovery code works once, typed in capitals or without its dash.
    const recovered = await thief.post("/users/login/two_factor", { code: codes[0]!.toUpperCase() });
    assert.equal(recovered.statusCode, 303);
    const again = browserAt(app, "203.0.113.67");
    await again.get("/users/login");
    await again.post("/users/login", { "user[login]": "careful", "user[password]": PASSWORD });
    assert.equal((await again.post("/users/login/two_factor", { code: codes[0]!.replace("-", "") })).statusCode, 401, "a recovery code works once");

    // Without the step cookie (or with a forged one) there is nothing to check a code against.
    const forged = browserAt(app, "203.0.113.68");
    await forged.get("/users/login");
    forged.cookies.set("fanfold_2fa", `${userId}.${Date.now() + 60_000}`);
    const noStep = await forged.post("/users/login/two_factor", { code: codes[1]! });
    assert.equal(noStep.statusCode, 401);
    assertMatch(noStep.body, /The time to enter your code ran out/);
    assert.equal((await forged.get("/users/login/two_factor")).statusCode, 303, "the step page sends back to the password");

    // Wrong codes count toward the account's lock like wrong passwords.
    await db.deleteFrom("login_throttles").execute();
    const guesser = browserAt(app, "203.0.113.70");
    await guesser.get("/users/login");
    await guesser.post("/users/login", { "user[login]": "careful", "user[password]": PASSWORD });
    let last = 0;
    for (let i = 0; i < MAX_FAILURES; i++) {
      last = (await guesser.post("/users/login/two_factor", { code: String(100000 + i) })).statusCode;
      await skipDelay(db, userId);
    }
    assert.equal(last, 429, "the fifth wrong code locks the account");
    await db.deleteFrom("login_throttles").execute();

    // The catalog takes no password for an account with two-factor (a token, yes).
    const opds = await app.inject({ method: "GET", url: "/opds/shelf/bookmarks", headers: { authorization: `Basic ${Buffer.from(`careful:${PASSWORD}`).toString("base64")}` } });
    assert.equal(opds.statusCode, 401);

    // Off: needs the password and a code (a recovery code does).
    const badOff = await phone.post("/users/careful/two_factor/disable", { "disable[password]": "wrong", "disable[code]": codes[2]! });
    assert.equal(badOff.statusCode, 422);
    assertMatch(badOff.body, /Your current password is not right/);
    const off = await phone.post("/users/careful/two_factor/disable", { "disable[password]": PASSWORD, "disable[code]": codes[2]! });
    assert.equal(off.statusCode, 303);
    assertMatch((await phone.get("/users/careful/two_factor")).body, /Two-factor authentication is now off/);
    assert.equal((await db.selectFrom("user_totp").select("user_id").execute()).length, 0);
    assert.equal((await db.selectFrom("recovery_codes").select("id").execute()).length, 0);
    await phone.post("/users/logout", {});
    assert.equal((await phone.logIn("careful", PASSWORD)).statusCode, 303, "the password alone again");
    await app.close();
  });
});

test("two-factor required for admins: the setting, refused to an admin without it, and an admin without it sent to set it up", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const firstId = await account(db, "first_admin", ["admin"]);
    const secondId = await account(db, "second_admin", ["admin"]);
    const first = browserAt(app, "192.0.2.20");
    await first.logIn("first_admin", PASSWORD);
    const settings = await first.get("/admin/settings");
    assertMatch(settings.body, /<legend>Two-factor authentication<\/legend>/);
    const refused = await first.post("/admin/settings", { signup_mode: "open", two_factor_admins: "required" });
    assert.equal(refused.statusCode, 422, "an admin without two-factor cannot require it");
    assertMatch(refused.body, /Turn on two-factor authentication on your own account first/);
    await turnOnTwoFactor(first, db, "first_admin", firstId);
    assert.equal((await first.post("/admin/settings", { signup_mode: "open", two_factor_admins: "required" })).statusCode, 303);
    assertMatch((await first.get("/admin/settings")).body, /value="required" checked/);
    assert.equal((await first.get("/admin/settings")).statusCode, 200, "an admin with two-factor passes");

    const second = browserAt(app, "192.0.2.21");
    await second.logIn("second_admin", PASSWORD);
    const sent = await second.get("/admin/settings");
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, "/users/second_admin/two_factor?required=admin");
    assertMatch((await second.get(String(sent.headers.location))).body, /This archive requires admins to use two-factor authentication/);
    const post = await second.post("/admin/invitations", {});
    assert.equal(post.statusCode, 303, "admin actions too");
    assert.equal((await db.selectFrom("invitations").select("code").execute()).length, 0, "and nothing was done");
    await turnOnTwoFactor(second, db, "second_admin", secondId);
    assert.equal((await second.get("/admin/settings")).statusCode, 200);

    // Off again: admins without two-factor pass.
    assert.equal((await first.post("/admin/settings", { signup_mode: "open" })).statusCode, 303);
    await db.deleteFrom("user_totp").where("user_id", "=", secondId).execute();
    assert.equal((await second.get("/admin/settings")).statusCode, 200);
    await app.close();
  });
});

test("every new form has its CSRF field and a label for every control", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const userId = await account(db, "labelled");
    const browser = browserAt(app, "192.0.2.30");
    await browser.logIn("labelled", PASSWORD);
    const pages: string[] = [(await browser.get("/users/labelled/two_factor")).body];
    await browser.post("/users/labelled/two_factor/setup", {});
    pages.push((await browser.get("/users/labelled/two_factor")).body);
    const secret = await secretOf(db, userId);
    await browser.post("/users/labelled/two_factor/enable", { code: codeFor(secret) });
    pages.push((await browser.get("/users/labelled/two_factor")).body, (await browser.get("/users/labelled/edit")).body);
    await browser.post("/users/logout", {});
    await browser.get("/users/login");
    await browser.post("/users/login", { "user[login]": "labelled", "user[password]": PASSWORD });
    pages.push((await browser.get("/users/login/two_factor")).body);
    for (const page of pages) {
      const main = page.slice(page.indexOf("<main"));
      for (const form of main.match(/<form[\s\S]*?<\/form>/g) ?? []) {
        assert.match(form, /<input type="hidden" name="authenticity_token" value="[^"]+"/, "every form carries the CSRF token");
        for (const control of form.match(/<input(?![^>]*type="hidden")[^>]*>/g) ?? []) {
          const id = /id="([^"]+)"/.exec(control)?.[1];
          assert.ok(id && form.includes(`<label for="${id}"`), `a label for ${control}`);
        }
      }
    }
    await app.close();
  });
});

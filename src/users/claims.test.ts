import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { importedAccount } from "../../test/support/legacy.js";
import { dataFolder, outbox } from "../../test/support/outbox.js";
import { buildApp, jobSteps } from "../app.js";
import { claimsCommand, ClaimsCliError } from "../cli/claims.js";
import type { Db } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import { createUser, passwordLogIn } from "./commands.js";

const CLIENT = { address: "127.0.0.1", userAgent: "test" };
const NEW_PASSWORD = "a fresh password for here";

/** Three eFiction accounts, one from another importer, and one made here. */
async function archive(db: Db) {
  const aurelie = await importedAccount(db, { login: "aurelie", oldPassword: "aureliepass1", uid: 2 });
  const nikos = await importedAccount(db, { login: "nikos", oldPassword: "nikospass1", uid: 3 });
  const mei = await importedAccount(db, { login: "mei_lin", oldPassword: "mei_linpass1", uid: 4 });
  const other = await importedAccount(db, { login: "elsewhere", oldPassword: "elsewherepass1", uid: 2, source: "another" });
  const native = await createUser(db, { login: "native", email: "native@example.org", password: "native password 1" });
  assert.ok(native.ok);
  return { aurelie, nikos, mei, other, native: native.value.id };
}

/** The claim link in the newest mail to an address. */
function linkFor(dataDir: string, to: string): string {
  const mail = outbox(dataDir).filter((m) => m.to === to).at(-1);
  assert.ok(mail, `a mail to ${to}`);
  const link = /http:\/\/127\.0\.0\.1:3000(\/claim\/[A-Za-z0-9_-]+)/.exec(mail.body);
  assert.ok(link, "the mail holds the claim link");
  return link[1]!;
}

const legacyOf = async (db: Db, id: number) => (await db.selectFrom("users").select("legacy_password").where("id", "=", id).executeTakeFirstOrThrow()).legacy_password;

test("`fanfold claims send` queues one durable mail per unclaimed imported account, and not again while its link works", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    await archive(db);
    assert.deepEqual(await claimsCommand(db, ["send", "--source", "efiction"]), ["Queued 3 claim emails.", "They are sent by the background jobs (`fanfold serve` or `fanfold jobs run`)."]);
    assert.equal(await drainJobs(db, jobSteps(testConfig(url, { dataDir }))), 3);
    const mails = outbox(dataDir);
    assert.deepEqual(mails.map((m) => m.to).sort(), ["aurelie@example.org", "mei_lin@example.org", "nikos@example.org"]);
    const mail = mails.find((m) => m.to === "aurelie@example.org")!;
    assert.match(mail.body, /Subject: \[Fanfold\] Your works have moved/);
    assert.match(mail.body, /under the account aurelie/);
    // The link's token is in the mail only: the database keeps its hash.
    const token = linkFor(dataDir, "aurelie@example.org").slice("/claim/".length);
    const stored = await db.selectFrom("account_claims").select("token_sha256").execute();
    assert.ok(stored.every((row) => row.token_sha256 && row.token_sha256 !== token && /^[0-9a-f]{64}$/.test(row.token_sha256)));
    const jobs = await db.selectFrom("jobs").select("payload").where("kind", "=", "account_claim_mail").execute();
    assert.ok(jobs.every((job) => !job.payload.includes(token)), "nor does the job");

    assert.deepEqual(await claimsCommand(db, ["send", "--source", "efiction"]), ["Queued 0 claim emails.", "Skipped 3 accounts whose earlier link still works."]);
    assert.deepEqual(await claimsCommand(db, ["send"]), ["Queued 1 claim email.", "Skipped 3 accounts whose earlier link still works.", "They are sent by the background jobs (`fanfold serve` or `fanfold jobs run`)."], "without --source: every importer's accounts");
  });
});

test("`fanfold claims` refuses bad input with one line", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    await archive(db);
    for (const [args, message] of [
      [["frob"], /Unknown claims command "frob"/],
      [["send", "--days", "0"], /--days must be a whole number from 1 to 365, not "0"/],
      [["send", "--days", "many"], /--days must be/],
      [["send", "--source", "nowhere"], /No accounts were imported from "nowhere"/],
      [["send", "extra"], /Unexpected argument "extra"/],
    ] as const) {
      await assert.rejects(claimsCommand(db, [...args]), (error: Error) => error instanceof ClaimsCliError && message.test(error.message) && !error.message.includes("\n"), args.join(" "));
    }
    assert.match((await claimsCommand(db, []))[0]!, /^Usage: fanfold claims send/);
    assert.equal(await db.selectFrom("account_claims").select("id").executeTakeFirst(), undefined, "nothing queued");
  });
});

test("a claim link sets the password, clears the old one, logs the owner in, and then is spent", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    const accounts = await archive(db);
    await claimsCommand(db, ["send"]);
    await drainJobs(db, jobSteps(testConfig(url, { dataDir })));
    const app = await buildApp(testConfig(url, { dataDir }), db);
    const link = linkFor(dataDir, "aurelie@example.org");
    const owner = new Client(app);
    const page = await owner.get(link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /under the account aurelie/);
    assert.equal(page.headers["referrer-policy"], "no-referrer", "the token does not leave in a Referer");
    assert.equal((await owner.post(link, { "user[password]": NEW_PASSWORD, "user[password_confirmation]": NEW_PASSWORD }, { csrf: false })).statusCode, 403, "the form's token is checked");
    const mismatch = await owner.post(link, { "user[password]": NEW_PASSWORD, "user[password_confirmation]": "something else" });
    assert.equal(mismatch.statusCode, 422);
    assert.match(mismatch.body, /The two passwords don(’|'|&#39;)t match/);
    assert.notEqual(await legacyOf(db, accounts.aurelie), null, "nothing taken yet");

    const done = await owner.post(link, { "user[password]": NEW_PASSWORD, "user[password_confirmation]": NEW_PASSWORD });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/users/aurelie");
    assert.equal((await owner.get("/users/aurelie/edit")).statusCode, 200, "logged in");
    assert.equal(await legacyOf(db, accounts.aurelie), null, "the old password is gone");
    assert.equal((await passwordLogIn(db, "aurelie", NEW_PASSWORD, CLIENT)).kind, "ok");
    assert.deepEqual(await passwordLogIn(db, "aurelie", "aureliepass1", CLIENT), { kind: "wrong" });

    const again = await new Client(app).get(link);
    assert.equal(again.statusCode, 410, "used");
    assert.match(again.body, /This link cannot be used/);
    const reuse = await new Client(app).post(link, { "user[password]": "someone else's pick", "user[password_confirmation]": "someone else's pick" });
    assert.equal(reuse.statusCode, 410);
    assert.equal((await passwordLogIn(db, "aurelie", NEW_PASSWORD, CLIENT)).kind, "ok", "the password set stays");

    assert.equal((await new Client(app).get("/claim/no-such-token")).statusCode, 404);
    assert.equal((await new Client(app).get(`/claim/${"x".repeat(300)}`)).statusCode, 404);
    await app.close();
  });
});

test("a link is spent once it expires, or once its account is taken by logging in with the old password", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    const accounts = await archive(db);
    await claimsCommand(db, ["send", "--source", "efiction", "--days", "3"]);
    await drainJobs(db, jobSteps(testConfig(url, { dataDir })));
    const app = await buildApp(testConfig(url, { dataDir }), db);
    await db.updateTable("account_claims").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("user_id", "=", accounts.nikos).execute();
    assert.equal((await new Client(app).get(linkFor(dataDir, "nikos@example.org"))).statusCode, 410, "expired");
    assert.notEqual(await legacyOf(db, accounts.nikos), null, "an expired link took nothing");

    assert.equal((await passwordLogIn(db, "mei_lin", "mei_linpass1", CLIENT)).kind, "ok");
    const mei = new Client(app);
    assert.equal((await mei.get(linkFor(dataDir, "mei_lin@example.org"))).statusCode, 410, "the account was taken with its old password");
    assert.equal((await mei.post(linkFor(dataDir, "mei_lin@example.org"), { "user[password]": NEW_PASSWORD, "user[password_confirmation]": NEW_PASSWORD })).statusCode, 410);
    assert.equal((await passwordLogIn(db, "mei_lin", "mei_linpass1", CLIENT)).kind, "ok", "the password the owner typed stays");
    // An expired link may be sent again; a taken account is written to no more.
    assert.deepEqual(await claimsCommand(db, ["send", "--source", "efiction"]), ["Queued 1 claim email.", "Skipped 1 account whose earlier link still works.", "They are sent by the background jobs (`fanfold serve` or `fanfold jobs run`)."]);
    await app.close();
  });
});

test("two uses of one link at once: exactly one takes the account", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    await archive(db);
    await claimsCommand(db, ["send"]);
    await drainJobs(db, jobSteps(testConfig(url, { dataDir })));
    const app = await buildApp(testConfig(url, { dataDir }), db);
    const link = linkFor(dataDir, "nikos@example.org");
    const [a, b] = [new Client(app), new Client(app)];
    await a.get(link);
    await b.get(link);
    const answers = await Promise.all([a.post(link, { "user[password]": "first password here", "user[password_confirmation]": "first password here" }), b.post(link, { "user[password]": "second password here", "user[password_confirmation]": "second password here" })]);
    assert.deepEqual(answers.map((r) => r.statusCode).sort(), [303, 410]);
    const winner = answers[0]!.statusCode === 303 ? "first password here" : "second password here";
    assert.equal((await passwordLogIn(db, "nikos", winner, CLIENT)).kind, "ok", "the winner's password is the one set");
    await app.close();
  });
});

test("the admin home says how many imported accounts are unclaimed, only when there are some", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const admin = await createUser(db, { login: "boss", email: "boss@example.org", password: "boss password 1", roles: ["admin"] });
    assert.ok(admin.ok);
    const app = await buildApp(testConfig(url), db);
    const client = new Client(app);
    await client.logIn("boss", "boss password 1");
    assert.doesNotMatch((await client.get("/admin")).body, /Imported accounts not yet claimed/);
    await archive(db);
    const home = await client.get("/admin");
    assert.match(home.body, /Imported accounts not yet claimed[^<]*<\/a>: <strong class="count nonzero">4<\/strong>/);
    await app.close();
  });
});

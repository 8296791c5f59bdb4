import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import { assertMatch, Client, loggedInUser, signupForm as signup, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { dataFolder, outbox } from "../../test/support/outbox.js";
import { buildApp, jobSteps } from "../app.js";
import { setSetting } from "../model/archive-settings.js";
import type { Db } from "../platform/db/index.js";
import { t as message } from "../platform/i18n/index.js";
import { drainJobs } from "../platform/jobs.js";
import { createUser } from "../users/commands.js";
import { insertInvitation } from "./codes.js";

/** A catalogue message as it appears in a page, as a pattern. */
const said = (key: Parameters<typeof message>[0], params: Record<string, string | number> = {}) => escapeHtml(message(key, params)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const newCode = (db: Db, input: Parameters<typeof insertInvitation>[1] = { createdBy: null }) => db.transaction().execute((trx) => insertInvitation(trx, input));
let visitors = 0;
/** A browser from an address of its own, so the per-address sign-up limit is not what a test meets. */
const visitor = (app: Awaited<ReturnType<typeof buildApp>>) => new Client(app, `198.51.100.${++visitors}`);
const users = async (db: Db) => (await db.selectFrom("users").select("login").orderBy("login").execute()).map((u) => u.login);

test("signing up with an invitation: the link fills the code in; a code used twice, expired or for another address is refused, and what was typed is kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    await setSetting(db, "signup_mode", "invitation");
    const bound = await newCode(db, { createdBy: null, inviteeEmail: "invited@example.org", sentAt: new Date().toISOString() });

    // The link from the mail: code and address filled in.
    const guest = visitor(app);
    const form = await guest.get(`/signup?invitation_token=${bound.code}`);
    assert.equal(form.statusCode, 200);
    assertMatch(form.body, new RegExp(`name="invitation_code"[^>]*value="${bound.code}"`));
    assertMatch(form.body, /name="user\[email\]"[^>]*value="invited@example\.org"/);
    // Another address: refused beside the address, everything typed kept.
    const other = await guest.post("/signup", signup("wanderer", { invitation_code: bound.code, "user[email]": "someone.else@example.org" }));
    assert.equal(other.statusCode, 422);
    assertMatch(other.body, new RegExp(`id="field-user-email-error"><strong>Error:</strong> <span>${said("invitations.code_for_another_email")}`));
    assertMatch(other.body, /name="user\[login\]"[^>]*value="wanderer"/);
    assertMatch(other.body, /name="user\[email\]"[^>]*value="someone\.else@example\.org"/);
    assertMatch(other.body, new RegExp(`name="invitation_code"[^>]*value="${bound.code}"`));
    assertMatch(other.body, /name="user\[terms_of_service\]" value="1" checked/, "the boxes stay ticked");
    // Its own address, in another spelling of the same mailbox: in.
    const ok = await guest.post("/signup", signup("invited_one", { invitation_code: bound.code, "user[email]": "Invited@Example.org" }));
    assert.equal(ok.statusCode, 303);
    const used = await db.selectFrom("invitations").select(["used_by_user_id", "used_at"]).where("id", "=", bound.id).executeTakeFirstOrThrow();
    assert.ok(used.used_by_user_id && used.used_at);

    // Used twice.
    const twice = await visitor(app).post("/signup", signup("invited_two", { invitation_code: bound.code, "user[email]": "invited@example.org" }));
    assert.equal(twice.statusCode, 422);
    assertMatch(twice.body, new RegExp(said("invitations.code_used")));
    assertMatch(twice.body, /name="user\[login\]"[^>]*value="invited_two"/);
    // Expired.
    const stale = await newCode(db, { createdBy: null, expiresAt: "2020-01-02T00:00:00.000Z" });
    const expired = await visitor(app).post("/signup", signup("too_late", { invitation_code: stale.code }));
    assert.equal(expired.statusCode, 422);
    assertMatch(expired.body, new RegExp(said("invitations.code_expired", { date: "2020-01-02" })));
    // Unknown, and missing.
    assertMatch((await visitor(app).post("/signup", signup("guesser", { invitation_code: "made-up" }))).body, new RegExp(said("invitations.code_unknown")));
    assertMatch((await visitor(app).post("/signup", signup("guesser"))).body, new RegExp(said("users.invitation_required")));
    // A code not sent to anyone works for any address; in open mode the code is not asked for.
    const loose = await newCode(db);
    assert.equal((await visitor(app).post("/signup", signup("loose_one", { invitation_code: loose.code }))).statusCode, 303);
    await setSetting(db, "signup_mode", "open");
    assert.doesNotMatch((await visitor(app).get(`/signup?invitation_token=${loose.code}`)).body, /name="invitation_code"/);
    assert.deepEqual(await users(db), ["invited_one", "loose_one"]);
    await app.close();
  });
});

test("one code, many sign-ups at the same moment: exactly one account is made", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    await setSetting(db, "signup_mode", "invitation");
    const { code } = await newCode(db);
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = visitor(app);
        await client.get("/signup");
        return client;
      }),
    );
    const results = await Promise.all(clients.map((client, i) => client.post("/signup", signup(`racer_${i}`, { invitation_code: code }))));
    const statuses = results.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [303, 422, 422, 422, 422, 422], "one wins");
    for (const lost of results.filter((r) => r.statusCode === 422)) assertMatch(lost.body, new RegExp(said("invitations.code_used")));
    assert.equal((await users(db)).length, 1, "the losers' accounts were rolled back");
    const winner = await db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const invitation = await db.selectFrom("invitations").select("used_by_user_id").where("code", "=", code).executeTakeFirstOrThrow();
    assert.equal(invitation.used_by_user_id, winner.id);
    assert.equal((await db.selectFrom("pseuds").select("id").execute()).length, 1);
    await app.close();
  });
});

test("users' invitations: an admin grants them, the user sends one to an address, it is mailed; others cannot see or send them", async (t) => {
  await eachDialect(t, async (st, { db, url }) => {
    const dataDir = dataFolder(st);
    const config = testConfig(url, { dataDir, publicUrl: "https://archive.example" });
    const app = await buildApp(config, db);
    const { client: admin } = await loggedInUser(app, db, "helpdesk", ["support"]);
    const { client: writer, userId: writerId } = await loggedInUser(app, db, "generous");
    const { client: nosy } = await loggedInUser(app, db, "nosy");

    let page = await writer.get("/users/generous/invitations");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, new RegExp(said("invitations.user.none")));
    const none = await writer.post("/users/generous/invitations", { "invitation[invitee_email]": "friend@example.org" });
    assert.equal(none.statusCode, 422);
    assertMatch(none.body, new RegExp(said("invitations.none_left")));

    // Bad grants: nothing given.
    await admin.get("/admin/invitations");
    for (const [form, key] of [
      [{ "grant[logins]": "generous, nobody_here", "grant[count]": "2" }, "invitations.grant_unknown"],
      [{ "grant[logins]": "", "grant[count]": "2" }, "invitations.grant_who"],
      [{ "grant[logins]": "generous", "grant[count]": "0" }, "invitations.count_range"],
      [{ "grant[logins]": "generous", "grant[count]": "lots" }, "invitations.count_range"],
    ] as const) {
      const bad = await admin.post("/admin/invitations/grant", form);
      assert.equal(bad.statusCode, 422, JSON.stringify(form));
      assertMatch(bad.body, new RegExp(said(key, { logins: "nobody_here", max: 100 })));
      assertMatch(bad.body, new RegExp(`>\\n${escapeHtml(form["grant[logins]"])}</textarea>`), "the names typed are kept");
    }
    assert.equal((await db.selectFrom("invitations").select("id").execute()).length, 0);
    const granted = await admin.post("/admin/invitations/grant", { "grant[logins]": "generous\nGENEROUS", "grant[count]": "2" });
    assert.equal(granted.statusCode, 303);
    assertMatch((await admin.get("/admin/invitations")).body, new RegExp(said("invitations.admin.granted", { count: 2, users: 1 })));

    page = await writer.get("/users/generous/invitations");
    assertMatch(page.body, new RegExp(said("invitations.user.unsent", { count: 2 })));
    // Bad addresses: refused, kept.
    for (const [email, key] of [
      ["friend at example", "invitations.email_format"],
      ["NOSY@example.com", "invitations.email_has_account"],
    ] as const) {
      const bad = await writer.post("/users/generous/invitations", { "invitation[invitee_email]": email });
      assert.equal(bad.statusCode, 422);
      assertMatch(bad.body, new RegExp(said(key)));
      assertMatch(bad.body, new RegExp(`value="${escapeHtml(email)}"`));
    }
    // Someone else's page and form.
    assert.equal((await nosy.get("/users/generous/invitations")).statusCode, 403);
    assert.equal((await nosy.post("/users/generous/invitations", { "invitation[invitee_email]": "x@example.org" })).statusCode, 403);
    assert.equal((await nosy.get("/users/no_such_user/invitations")).statusCode, 404);

    // Sent: bound to the address, mailed by the job, from the user.
    const sent = await writer.post("/users/generous/invitations", { "invitation[invitee_email]": "friend@example.org" });
    assert.equal(sent.statusCode, 303);
    page = await writer.get("/users/generous/invitations");
    assertMatch(page.body, new RegExp(said("invitations.send.sent", { email: "friend@example.org" })));
    assertMatch(page.body, new RegExp(said("invitations.user.unsent", { count: 1 })));
    assertMatch(page.body, /friend@example\.org/);
    assert.deepEqual(outbox(dataDir), []);
    await drainJobs(db, jobSteps(config));
    const [mail] = outbox(dataDir);
    assert.equal(mail?.to, "friend@example.org");
    assertMatch(mail!.body, new RegExp(escapeHtml(message("invitations.mail.from_user", { login: "generous", site: message("site.name") }))));
    const row = await db.selectFrom("invitations").selectAll().where("invitee_email", "=", "friend@example.org").executeTakeFirstOrThrow();
    assert.equal(row.owner_user_id, writerId);
    assertMatch(mail!.body, new RegExp(`https://archive\\.example/signup\\?invitation_token=${row.code}`));

    // The friend signs up with it; the page says so.
    await setSetting(db, "signup_mode", "invitation");
    assert.equal((await visitor(app).post("/signup", signup("new_friend", { invitation_code: row.code, "user[email]": "friend@example.org" }))).statusCode, 303);
    assertMatch((await writer.get("/users/generous/invitations")).body, new RegExp(said("invitations.state.used_by", { login: "new_friend" })));

    // Two sends at once with one invitation left: one is sent, the other told none are left.
    const both = await Promise.all([writer.post("/users/generous/invitations", { "invitation[invitee_email]": "one@example.org" }), writer.post("/users/generous/invitations", { "invitation[invitee_email]": "two@example.org" })]);
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [303, 422]);
    assert.equal((await db.selectFrom("invitations").select("id").where("owner_user_id", "=", writerId).where("invitee_email", "is not", null).execute()).length, 2, "both granted invitations sent, neither twice");
    await app.close();
  });
});

test("admin tools: make codes, send one, grant to every user (a job), find invitations; bad input kept; support admins only", async (t) => {
  await eachDialect(t, async (st, { db, url }) => {
    const dataDir = dataFolder(st);
    const config = testConfig(url, { dataDir });
    const app = await buildApp(config, db);
    const { client: admin, userId: adminId } = await loggedInUser(app, db, "helpdesk", ["support"]);
    for (let i = 0; i < 3; i++) await createUser(db, { login: `member_${i}`, email: `member_${i}@example.org`, password: "member password" });

    const first = await admin.get("/admin/invitations");
    assert.equal(first.statusCode, 200);
    assertMatch(first.body, new RegExp(said("invitations.search.found", { total: 0 })));
    // Codes.
    assert.equal((await admin.post("/admin/invitations", { "invitation[count]": "3" })).statusCode, 303);
    const codes = await db.selectFrom("invitations").select(["code", "created_by_user_id", "owner_user_id", "invitee_email"]).execute();
    assert.equal(codes.length, 3);
    assert.ok(codes.every((c) => c.created_by_user_id === adminId && c.owner_user_id === null && c.invitee_email === null));
    for (const count of ["0", "101", "-1", "2.5", "many"]) {
      const bad = await admin.post("/admin/invitations", { "invitation[count]": count });
      assert.equal(bad.statusCode, 422, count);
      assertMatch(bad.body, new RegExp(said("invitations.count_range", { max: 100 })));
      assertMatch(bad.body, new RegExp(`name="invitation\\[count\\]"[^>]*value="${escapeHtml(count)}"`));
    }
    // Sent to an address.
    assert.equal((await admin.post("/admin/invitations/send", { "invitation[invitee_email]": "guest.writer@example.org" })).statusCode, 303);
    const bad = await admin.post("/admin/invitations/send", { "invitation[invitee_email]": "member_1@EXAMPLE.org" });
    assert.equal(bad.statusCode, 422);
    assertMatch(bad.body, new RegExp(said("invitations.email_has_account")));
    // Every user (a job): helpdesk and the three members.
    assert.equal((await admin.post("/admin/invitations/grant", { "grant[everyone]": "1", "grant[count]": "2" })).statusCode, 303);
    assert.equal((await db.selectFrom("invitations").select("id").where("owner_user_id", "is not", null).execute()).length, 0, "the job grants them");
    await drainJobs(db, jobSteps(config));
    assert.equal((await db.selectFrom("invitations").select("id").where("owner_user_id", "is not", null).execute()).length, 8);
    assert.deepEqual(outbox(dataDir).map((m) => m.to), ["guest.writer@example.org"]);

    // Finding them: by part of an address, by user name, by state, by code.
    const find = (params: Record<string, string>) => admin.get(`/admin/invitations?${new URLSearchParams(params)}`);
    const page = (await find({ "invitation_search[query]": "GUEST.writer" })).body;
    assertMatch(page, new RegExp(said("invitations.search.found", { total: 1 })));
    assertMatch(page, /guest\.writer@example\.org/);
    assertMatch((await find({ "invitation_search[query]": "member_2" })).body, new RegExp(said("invitations.search.found", { total: 2 })));
    assertMatch((await find({ "invitation_search[state]": "sent" })).body, new RegExp(said("invitations.search.found", { total: 1 })));
    assertMatch((await find({ "invitation_search[state]": "unsent" })).body, new RegExp(said("invitations.search.found", { total: 11 })));
    assertMatch((await find({ "invitation_search[query]": codes[0]!.code })).body, new RegExp(said("invitations.search.found", { total: 1 })));
    assertMatch((await find({ "invitation_search[query]": "%" })).body, new RegExp(said("invitations.search.found", { total: 0 })), "LIKE wildcards are text");
    assert.equal((await find({ "invitation_search[state]": "nonsense", page: "999" })).statusCode, 200);

    // Settings: each bad value is named and kept, and nothing changes.
    const settings = await admin.post("/admin/invitations/settings", { "queue[enabled]": "1", "queue[batch_size]": "0", "queue[batch_hours]": "9999", "queue[expiry_days]": "soon" });
    assert.equal(settings.statusCode, 422);
    assertMatch(settings.body, new RegExp(said("invitations.admin.range", { min: 1, max: 1000 })));
    assertMatch(settings.body, new RegExp(said("invitations.admin.range", { min: 1, max: 720 })));
    assertMatch(settings.body, new RegExp(said("invitations.admin.range_or_blank", { min: 1, max: 365 })));
    assertMatch(settings.body, /name="queue\[expiry_days\]"[^>]*value="soon"/);
    assert.equal((await db.selectFrom("settings").select("key").where("key", "like", "invite_queue%").execute()).length, 0);
    const sendNow = await admin.post("/admin/invitations/queue", { "queue[count]": "none" });
    assert.equal(sendNow.statusCode, 422);

    // Guards: a plain user, a tag wrangling admin and a wrangler are refused; a superadmin passes.
    for (const roles of [[], ["tag_wrangling"], ["wrangler"]]) {
      const { client } = await loggedInUser(app, db, `outsider_${roles.join("") || "plain"}`, roles);
      assert.equal((await client.get("/admin/invitations")).statusCode, 403);
      assert.equal((await client.post("/admin/invitations", { "invitation[count]": "1" })).statusCode, 403);
      assert.equal((await client.post("/admin/invitations/grant", { "grant[everyone]": "1", "grant[count]": "1" })).statusCode, 403);
    }
    const { client: boss } = await loggedInUser(app, db, "boss", ["admin"]);
    assert.equal((await boss.get("/admin/invitations")).statusCode, 200);
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import { assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { dataFolder, outbox } from "../../test/support/outbox.js";
import { buildApp, jobSteps } from "../app.js";
import { setSetting } from "../model/archive-settings.js";
import { type Db, openDatabase } from "../platform/db/index.js";
import { t as message } from "../platform/i18n/index.js";
import { claimJob, drainJobs } from "../platform/jobs.js";
import { createUser } from "../users/commands.js";
import { INVITE_QUEUE_BATCH, inviteQueueBatchStep, inviteRequestCount, joinQueue, nextBatchAt } from "./queue.js";

/** A catalogue message as it appears in a page, as a pattern. */
const said = (key: Parameters<typeof message>[0], params: Record<string, string | number> = {}) => escapeHtml(message(key, params)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HOUR = 3_600_000;

const scheduledJobs = (db: Db) =>
  db.selectFrom("jobs").select(["id", "state", "run_after", "payload"]).where("kind", "=", INVITE_QUEUE_BATCH).where("state", "=", "queued").where("payload", "like", '%"scheduled":true%').execute();

async function join(db: Db, ...emails: string[]) {
  for (const email of emails) {
    const joined = await joinQueue(db, email, "203.0.113.5");
    assert.ok(joined.ok, `${email} joins: ${JSON.stringify(joined)}`);
  }
}

test("the waiting list: an address joins and sees its place; bad input is refused with what was typed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    // Open sign-up needs no list.
    let page = await guest.get("/invite_requests");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, new RegExp(said("invitations.queue.signup_open")));
    assert.doesNotMatch(page.body, /action="\/invite_requests"/);
    assert.equal((await guest.post("/invite_requests", { "invite_request[email]": "early@example.org" })).statusCode, 403, "no list to join while sign-up is open");

    await setSetting(db, "signup_mode", "invitation");
    page = await guest.get("/invite_requests");
    assertMatch(page.body, new RegExp(said("invitations.queue.rate", { count: 10, hours: 12 })), "AO3's rate by default");
    assertMatch(page.body, /<label for="field-invite_request-email">Email<\/label>/);

    for (const [typed, key] of [
      ["not an address", "invitations.email_format"],
      ["", "invitations.email_format"],
      [`${"x".repeat(250)}@example.org`, "invitations.email_format"],
    ] as const) {
      const bad = await guest.post("/invite_requests", { "invite_request[email]": typed });
      assert.equal(bad.statusCode, 422, typed);
      assertMatch(bad.body, new RegExp(said(key)));
      assertMatch(bad.body, new RegExp(`value="${escapeHtml(typed)}"`), "what was typed is kept");
    }
    await createUser(db, { login: "member", email: "Member@Example.org", password: "member password" });
    const member = await guest.post("/invite_requests", { "invite_request[email]": "member@example.org" });
    assert.equal(member.statusCode, 422);
    assertMatch(member.body, new RegExp(said("invitations.email_has_account")));

    const joined = await guest.post("/invite_requests", { "invite_request[email]": "first.reader@gmail.com" });
    assert.equal(joined.statusCode, 303);
    assert.equal(joined.headers.location, "/invite_requests/status");
    page = await guest.get("/invite_requests/status");
    assertMatch(page.body, new RegExp(said("invitations.queue.joined", { position: 1 })));
    // One mailbox waits once, however it is spelt.
    for (const again of ["First.Reader@gmail.com", "firstreader+fics@googlemail.com"]) {
      const twice = await guest.post("/invite_requests", { "invite_request[email]": again });
      assert.equal(twice.statusCode, 422, again);
      assertMatch(twice.body, new RegExp(said("invitations.queue.already_waiting", { position: 1 })));
    }
    await join(db, "second@example.org", "third@example.org");
    assert.equal(await inviteRequestCount(db), 3);

    const status = await guest.get(`/invite_requests/status?${new URLSearchParams({ "invite_request[email]": "THIRD@example.org" })}`);
    assertMatch(status.body, new RegExp(said("invitations.status.position", { position: 3 })));
    // The first request scheduled the first batch for now: the third address is in it.
    assertMatch(status.body, new RegExp(said("invitations.status.expected", { date: new Date().toISOString().slice(0, 10) })));
    assertMatch((await guest.get("/invite_requests/status?invite_request%5Bemail%5D=nobody%40example.org")).body, new RegExp(said("invitations.status.unknown")));
    const invalid = await guest.get("/invite_requests/status?invite_request%5Bemail%5D=%3Cb%3E");
    assert.equal(invalid.statusCode, 200);
    assertMatch(invalid.body, new RegExp(said("invitations.email_format")));
    assertMatch(invalid.body, /value="&lt;b>"/, "kept, escaped");
    assert.equal((await scheduledJobs(db)).length, 1, "one batch is scheduled, however many join");

    // The list turned off: nobody joins, and waiting addresses are told it is paused.
    await setSetting(db, "invite_queue_enabled", "0");
    const off = await guest.post("/invite_requests", { "invite_request[email]": "late@example.org" });
    assert.equal(off.statusCode, 403);
    assertMatch(off.body, new RegExp(said("invitations.queue.closed")));
    assert.equal(await inviteRequestCount(db), 3);
    await app.close();
  });
});

test("the batch job: scheduled every N hours, oldest first, mailed through the outbox; a restart loses nothing and nothing is sent twice", async (t) => {
  await eachDialect(t, async (st, { db, url }) => {
    const dataDir = dataFolder(st);
    const config = testConfig(url, { dataDir, publicUrl: "https://archive.example" });
    const app = await buildApp(config, db);
    await setSetting(db, "signup_mode", "invitation");
    const { client: admin } = await loggedInUser(app, db, "support_admin", ["support"]);
    await admin.get("/admin/invitations");
    const saved = await admin.post("/admin/invitations/settings", { "queue[enabled]": "1", "queue[batch_size]": "2", "queue[batch_hours]": "6", "queue[expiry_days]": "14" });
    assert.equal(saved.statusCode, 303);
    await join(db, "a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org");
    assert.deepEqual(outbox(dataDir), [], "nothing is sent in a request");

    // The first batch is due at once (no batch has run yet).
    assert.equal((await scheduledJobs(db)).length, 1);
    await drainJobs(db, jobSteps(config));
    let mails = outbox(dataDir);
    assert.deepEqual(mails.map((m) => m.to), ["a@example.org", "b@example.org"], "the two oldest");
    const invitation = await db.selectFrom("invitations").selectAll().where("invitee_email", "=", "a@example.org").executeTakeFirstOrThrow();
    assert.equal(invitation.from_queue, 1);
    assert.ok(invitation.sent_at && invitation.expires_at);
    assert.ok(Math.abs(Date.parse(invitation.expires_at) - Date.parse(invitation.sent_at) - 14 * 24 * HOUR) < 1000, "works 14 days");
    assertMatch(mails[0]!.body, new RegExp(`https://archive\\.example/signup\\?invitation_token=${invitation.code}`), "the mail holds the sign-up link");
    assertMatch(mails[0]!.body, new RegExp(escapeHtml(message("invitations.mail.from_queue", { site: message("site.name") }))));
    const request = await db.selectFrom("invite_requests").selectAll().where("email", "=", "a@example.org").executeTakeFirstOrThrow();
    assert.equal(request.invitation_id, invitation.id);

    // The next batch waits its six hours: nothing runs now.
    const [next] = await scheduledJobs(db);
    assert.ok(next && Math.abs(Date.parse(next.run_after!) - Date.now() - 6 * HOUR) < 60_000, "the next batch is 6 hours away");
    assert.equal(await drainJobs(db, jobSteps(config)), 0);
    assert.equal(outbox(dataDir).length, 2);
    assert.equal(await inviteRequestCount(db), 3);
    const guest = new Client(app);
    const status = await guest.get(`/invite_requests/status?${new URLSearchParams({ "invite_request[email]": "e@example.org" })}`);
    assertMatch(status.body, new RegExp(said("invitations.status.position", { position: 3 })));
    assertMatch(status.body, new RegExp(said("invitations.status.expected", { date: new Date(Date.parse(next.run_after!) + 6 * HOUR).toISOString().slice(0, 10) })), "two batches away");
    const invited = await guest.get(`/invite_requests/status?${new URLSearchParams({ "invite_request[email]": "a@example.org" })}`);
    assertMatch(invited.body, new RegExp(said("invitations.status.invited", { date: request.invited_at!.slice(0, 10) })));

    // Six hours later (the job made due), the next two.
    await db.updateTable("jobs").set({ run_after: new Date(Date.now() - 1000).toISOString() }).where("id", "=", next.id).execute();
    await drainJobs(db, jobSteps(config));
    mails = outbox(dataDir);
    assert.deepEqual(mails.map((m) => m.to).sort(), ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]);
    // A batch that committed is never sent again, even when its step runs once more (a crash
    // between the commit and the job's "done").
    const ran = await db.selectFrom("jobs").selectAll().where("id", "=", next.id).executeTakeFirstOrThrow();
    assert.equal(await inviteQueueBatchStep(db, ran), false);
    assert.equal((await db.selectFrom("invitations").select("id").execute()).length, 4);

    // An admin sends one now; the worker that claimed it dies mid-run; the next worker takes it
    // over once it is stale, and sends it.
    const now = await admin.post("/admin/invitations/queue", { "queue[count]": "1" });
    assert.equal(now.statusCode, 303);
    const claimed = await claimJob(db);
    assert.equal(claimed?.kind, INVITE_QUEUE_BATCH);
    await db.updateTable("jobs").set({ locked_at: new Date(Date.now() - 10 * 60_000).toISOString() }).where("id", "=", claimed!.id).execute();
    await drainJobs(db, jobSteps(config));
    assert.deepEqual(outbox(dataDir).map((m) => m.to).sort(), ["a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"]);
    assert.equal(await inviteRequestCount(db), 0);

    // A mail job run twice writes one message (the outbox file is named by the invitation).
    await db.transaction().execute((trx) => trx.insertInto("jobs").values({ kind: "invitation_mail", payload: JSON.stringify({ invitationId: invitation.id }), state: "queued", total: 1, locked_by: null, locked_at: null, error: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute());
    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    assert.equal(outbox(dataDir).length, 5);

    // Turned off: the scheduled batch is dropped and nothing is planned.
    assert.equal((await admin.post("/admin/invitations/settings", { "queue[batch_size]": "2", "queue[batch_hours]": "6", "queue[expiry_days]": "" })).statusCode, 303);
    assert.equal((await scheduledJobs(db)).length, 0);
    assert.equal(await nextBatchAt(db), null);
    // And on again: the next batch is one interval after the last.
    assert.equal((await admin.post("/admin/invitations/settings", { "queue[enabled]": "1", "queue[batch_size]": "2", "queue[batch_hours]": "6", "queue[expiry_days]": "" })).statusCode, 303);
    const [planned] = await scheduledJobs(db);
    assert.ok(planned && Date.parse(planned.run_after!) > Date.now() + 5 * HOUR, "not at once: the last batch ran moments ago");
    await app.close();
  });
});

test("two workers draining at once: every request gets one invitation and one mail", async (t) => {
  await eachDialect(t, async (st, { db, url, dialect }) => {
    const dataDir = dataFolder(st);
    const config = testConfig(url, { dataDir });
    await setSetting(db, "signup_mode", "invitation");
    await setSetting(db, "invite_queue_enabled", "0"); // only the admins' batches below
    const emails = Array.from({ length: 12 }, (_, i) => `reader${String(i).padStart(2, "0")}@example.org`);
    await join(db, ...emails);
    const app = await buildApp(config, db);
    const { client: admin } = await loggedInUser(app, db, "queue_admin", ["admin"]);
    await admin.get("/admin/invitations");
    for (let i = 0; i < 4; i++) assert.equal((await admin.post("/admin/invitations/queue", { "queue[count]": "4" })).statusCode, 303);
    // On PostgreSQL, two processes' worth of connections; on SQLite (one writer), the one handle twice.
    const other = dialect === "postgres" ? openDatabase(url) : db;
    try {
      await Promise.all([drainJobs(db, jobSteps(config)), drainJobs(other, jobSteps(config)), drainJobs(other, jobSteps(config))]);
    } finally {
      if (other !== db) await other.destroy();
    }
    const requests = await db.selectFrom("invite_requests").select(["email", "invitation_id"]).execute();
    assert.ok(requests.every((r) => r.invitation_id !== null), "all twelve invited");
    assert.equal(new Set(requests.map((r) => r.invitation_id)).size, 12, "each its own invitation");
    assert.equal((await db.selectFrom("invitations").select("id").execute()).length, 12, "no invitation issued twice");
    assert.deepEqual(outbox(dataDir).map((m) => m.to).sort(), emails, "one mail each");
    const jobs = await db.selectFrom("jobs").select(["state"]).where("kind", "=", INVITE_QUEUE_BATCH).execute();
    assert.ok(jobs.every((j) => j.state === "done"));
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml } from "@kitajs/html";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import type { MailMessage } from "../platform/mail.js";
import { t as message } from "../platform/i18n/index.js";
import { accountStanding, sanctionInForce } from "../model/sanctions.js";
import { moderationJobSteps } from "./mail-job.js";
import { sanctionUser } from "./sanctions.js";

const says = (res: LightMyRequestResponse, text: string) => res.body.includes(escapeHtml(text));

async function auditActions(db: Db, userId: number): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("action").where("target_user_id", "=", userId).orderBy("id").execute();
  return rows.map((r) => r.action);
}

async function mailsOf(db: Db): Promise<MailMessage[]> {
  const sent: MailMessage[] = [];
  await drainJobs(db, moderationJobSteps({ destination: "memory", send: async (m) => void sent.push(m) }, "https://archive.example"));
  return sent;
}

async function setUp(db: Db, url: string) {
  const app = await buildApp(testConfig(url), db);
  const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
  const target = await loggedInUser(app, db, "troubled");
  const workIds = [await makeWork(db, target.pseudId, { title: "First" }), await makeWork(db, target.pseudId, { title: "Second" })];
  return { app, policy, target, workIds };
}

const hiddenIds = async (db: Db) => (await db.selectFrom("works").select("id").where("hidden_by_admin", "=", 1).orderBy("id").execute()).map((r) => r.id);

test("a policy admin finds an account, warns, suspends, bans and lifts; each action is audited and mailed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, target, workIds } = await setUp(db, url);
    const admin = policy.client;

    const found = await admin.get("/admin/users?query=TROUB");
    assert.equal(found.statusCode, 200);
    assertMatch(found.body, /<a href="\/admin\/users\/troubled">troubled<\/a>/, "found by part of the login, any case");
    assertMatch((await admin.get("/admin/users?query=troubled%40example.com")).body, /href="\/admin\/users\/troubled"/, "found by email");
    assert.ok(says(await admin.get("/admin/users?query=nobody_at_all"), message("sanctions.admin.no_users_found")));
    assert.equal((await admin.get("/admin/users/no_such_login")).statusCode, 404);

    const page = await admin.get("/admin/users/troubled");
    assert.equal(page.statusCode, 200);
    assert.ok(says(page, message("sanctions.admin.good_standing")));
    assertMatch(page.body, /troubled@example\.com/);
    assertMatch(page.body, /2 in all: 2 posted/);

    // Warn: a reason is required; the page comes back with the message.
    const empty = await admin.post("/admin/users/troubled/warn", { reason: "   " });
    assert.equal(empty.statusCode, 422);
    assert.ok(says(empty, message("sanctions.admin.reason_required")));
    const warned = await admin.post("/admin/users/troubled/warn", { reason: "Please tag your works." });
    assert.equal(warned.statusCode, 303);
    assert.equal(warned.headers.location, "/admin/users/troubled");
    assert.deepEqual(await auditActions(db, target.userId), ["warn_user"]);
    assert.equal((await accountStanding(db, target.userId)).warnings, 1);

    // Suspend: bad days re-render the form with what was typed.
    const badDays = await admin.post("/admin/users/troubled/suspend", { days: "0", reason: "Harassment in comments.", hide_works: "yes" });
    assert.equal(badDays.statusCode, 422);
    assert.ok(says(badDays, message("sanctions.admin.days_invalid", { max: 3650 })));
    assertMatch(badDays.body, /<textarea id="field-suspend-reason" name="reason"[^>]*>\nHarassment in comments\.<\/textarea>/, "the reason typed is kept");
    assertMatch(badDays.body, /id="field-suspend-hide_works-yes" name="hide_works" value="yes" checked/, "the choice made is kept");
    for (const days of ["3651", "-1", "two", "1.5"]) assert.equal((await admin.post("/admin/users/troubled/suspend", { days, reason: "x", hide_works: "no" })).statusCode, 422, days);
    assert.equal((await admin.post("/admin/users/troubled/suspend", { days: "3", reason: "x", hide_works: "maybe" })).statusCode, 422);
    assert.deepEqual(await auditActions(db, target.userId), ["warn_user"], "nothing refused was recorded");

    const before = Date.now();
    const suspended = await admin.post("/admin/users/troubled/suspend", { days: "3", reason: "Harassment in comments.", hide_works: "yes" });
    assert.equal(suspended.statusCode, 303);
    const standing = await accountStanding(db, target.userId);
    assert.equal(standing.sanction?.kind, "suspended");
    const until = Date.parse(standing.sanction!.until!);
    assert.ok(until >= before + 3 * 86_400_000 - 5000 && until <= Date.now() + 3 * 86_400_000 + 5000, "three days from now");
    assert.deepEqual(await hiddenIds(db), workIds, "the admin chose to hide the works");
    assert.deepEqual(await auditActions(db, target.userId), ["warn_user", "hide_work", "hide_work", "suspend_user"]);
    const suspendEntry = await db.selectFrom("audit_log").selectAll().where("action", "=", "suspend_user").executeTakeFirstOrThrow();
    assert.equal(suspendEntry.actor_user_id, policy.userId);
    assert.equal(suspendEntry.reason, "Harassment in comments.");
    assert.equal(JSON.parse(suspendEntry.detail).days, 3);
    const shown = await admin.get("/admin/users/troubled");
    assertMatch(shown.body, /Suspended until \d{4}-\d\d-\d\d at \d\d:\d\d UTC/);
    assertMatch(shown.body, /<span>Suspended<\/span><span class="detail"> \(3 days · until/, "the audit log shows the action and its days");

    // Ban, sent from another admin page: back there. A return path to another site is ignored.
    const banned = await admin.post("/admin/users/troubled/ban", { reason: "Spam.", hide_works: "no", return_to: "/admin/spam" });
    assert.equal(banned.statusCode, 303);
    assert.equal(banned.headers.location, "/admin/spam");
    assert.equal((await accountStanding(db, target.userId)).sanction?.kind, "banned");
    const offsite = await admin.post("/admin/users/troubled/ban", { reason: "Spam again.", hide_works: "no", return_to: "https://elsewhere.example/" });
    assert.equal(offsite.headers.location, "/admin/users/troubled");
    assert.equal((await db.selectFrom("user_sanctions").select("user_id").execute()).length, 1, "one sanction row: the last replaces the others");
    assert.deepEqual(JSON.parse((await db.selectFrom("user_sanctions").select("hidden_work_ids").executeTakeFirstOrThrow()).hidden_work_ids), workIds, "a later ban keeps the list of works the suspension hid");

    // Lift: the works it hid are shown again.
    const lifted = await admin.post("/admin/users/troubled/lift", { reason: "Appeal granted.", unhide_works: "yes" });
    assert.equal(lifted.statusCode, 303);
    assert.equal((await accountStanding(db, target.userId)).sanction, null);
    assert.deepEqual(await hiddenIds(db), []);
    assert.deepEqual((await auditActions(db, target.userId)).slice(-3), ["unhide_work", "unhide_work", "lift_suspension"]);
    const again = await admin.post("/admin/users/troubled/lift", { reason: "", unhide_works: "yes" });
    assert.equal(again.statusCode, 422);
    assert.ok(says(again, message("sanctions.admin.nothing_to_lift")));

    // Every action mailed the user: warning, suspension, two bans, the lift.
    const mails = await mailsOf(db);
    assert.equal(mails.length, 5);
    assert.ok(mails.every((m) => m.to === "troubled@example.com"));
    assert.match(mails[0]!.text, /Please tag your works\./);
    assert.match(mails[1]!.text, /suspended your account until \d{4}-\d\d-\d\d at/);
    assert.match(mails[1]!.text, /https:\/\/archive\.example\/users\/troubled\/notices/);
    assert.match(mails[4]!.text, /lifted/);
    await app.close();
  });
});

test("support admins look but do not act; other roles and plain users are refused", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await setUp(db, url);
    const support = await loggedInUser(app, db, "support_sam", ["support"]);
    const page = await support.client.get("/admin/users/troubled");
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /action="\/admin\/users\/troubled\/suspend"/, "no action forms for support");
    assert.equal((await support.client.get("/admin/users?query=troubled")).statusCode, 200);
    for (const action of ["warn", "suspend", "ban", "lift"]) {
      assert.equal((await support.client.post(`/admin/users/troubled/${action}`, { reason: "r", days: "1", hide_works: "no" })).statusCode, 403, action);
    }
    const wrangler = await loggedInUser(app, db, "wrangler_wren", ["tag_wrangling"]);
    assert.equal((await wrangler.client.get("/admin/users/troubled")).statusCode, 403);
    const plain = await loggedInUser(app, db, "plain_pia");
    assert.equal((await plain.client.get("/admin/users")).statusCode, 403);
    assert.equal((await plain.client.post("/admin/users/troubled/ban", { reason: "r", hide_works: "no" })).statusCode, 403);
    assert.equal((await db.selectFrom("audit_log").select("id").execute()).length, 0);
    await app.close();
  });
});

test("an admin cannot suspend or ban themself or the last superadmin in good standing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
    const root = await loggedInUser(app, db, "root_rae", ["admin"]);

    const self = await policy.client.post("/admin/users/policy_pat/suspend", { days: "2", reason: "Testing myself.", hide_works: "no" });
    assert.equal(self.statusCode, 422);
    assert.ok(says(self, message("sanctions.admin.refused_self")));
    assertMatch(self.body, />\nTesting myself\.<\/textarea>/, "what was typed is kept");
    assert.equal((await root.client.post("/admin/users/root_rae/ban", { reason: "Me.", hide_works: "no" })).statusCode, 422, "a superadmin neither");

    const last = await policy.client.post("/admin/users/root_rae/ban", { reason: "Rogue admin.", hide_works: "no" });
    assert.equal(last.statusCode, 422);
    assert.ok(says(last, message("sanctions.admin.refused_last_superadmin")));
    assert.equal((await db.selectFrom("user_sanctions").select("user_id").execute()).length, 0);
    assert.equal((await db.selectFrom("audit_log").select("id").execute()).length, 0, "nothing refused is recorded");

    // With a second superadmin one may go; then the other is the last in good standing.
    const second = await loggedInUser(app, db, "root_sol", ["admin"]);
    assert.equal((await policy.client.post("/admin/users/root_rae/suspend", { days: "1", reason: "Cooling off.", hide_works: "no" })).statusCode, 303);
    assert.equal((await policy.client.post("/admin/users/root_sol/ban", { reason: "Both?", hide_works: "no" })).statusCode, 422);
    assert.equal((await accountStanding(db, second.userId)).sanction, null);
    // Warning oneself or the last superadmin is no sanction: allowed.
    assert.equal((await policy.client.post("/admin/users/root_sol/warn", { reason: "Mind the tags." })).statusCode, 303);
    await app.close();
  });
});

test("two admins suspending one account at the same moment leave one sanction with every hidden work, each action recorded once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, target, workIds } = await setUp(db, url);
    const other = await loggedInUser(app, db, "policy_quinn", ["policy_and_abuse"]);
    const outcomes = await Promise.all([
      sanctionUser(db, policy.userId, target.userId, { kind: "suspended", days: 2, reason: "First.", hideWorks: true }),
      sanctionUser(db, other.userId, target.userId, { kind: "suspended", days: 5, reason: "Second.", hideWorks: true }),
      sanctionUser(db, policy.userId, target.userId, { kind: "banned", reason: "Third.", hideWorks: true }),
    ]);
    assert.ok(outcomes.every((o) => o.ok));
    const hiddenByAll = outcomes.flatMap((o) => (o.ok ? o.hidden : [])).sort((a, b) => a - b);
    assert.deepEqual(hiddenByAll, workIds, "each work was hidden by exactly one of them");
    const rows = await db.selectFrom("user_sanctions").selectAll().execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0]!.hidden_work_ids).sort((a: number, b: number) => a - b), workIds);
    const actions = await auditActions(db, target.userId);
    assert.equal(actions.filter((a) => a === "hide_work").length, 2, "one hide entry per work");
    assert.equal(actions.filter((a) => a === "suspend_user" || a === "ban_user").length, 3, "one entry per decision");

    // Two admins suspending each other's last-superadmin partner at once: one of them is refused.
    const a = await loggedInUser(app, db, "root_a", ["admin"]);
    const b = await loggedInUser(app, db, "root_b", ["admin"]);
    const race = await Promise.all([
      sanctionUser(db, policy.userId, a.userId, { kind: "banned", reason: "x", hideWorks: false }),
      sanctionUser(db, other.userId, b.userId, { kind: "banned", reason: "y", hideWorks: false }),
    ]);
    assert.equal(race.filter((o) => o.ok).length, 1, "never both superadmins");
    await app.close();
  });
});

test("a suspension ends by itself when its time has passed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, target } = await setUp(db, url);
    await sanctionUser(db, policy.userId, target.userId, { kind: "suspended", days: 1, reason: "A day off.", hideWorks: false });
    assert.equal((await target.client.get("/works/new")).statusCode, 403);
    await db.updateTable("user_sanctions").set({ ends_at: new Date(Date.now() - 1000).toISOString() }).execute();
    assert.equal((await accountStanding(db, target.userId)).sanction, null);
    assert.equal((await target.client.get("/works/new")).statusCode, 200, "free to post again");
    const page = await policy.client.get("/admin/users/troubled");
    assertMatch(page.body, /A suspension ended on/);
    assert.equal(sanctionInForce({ kind: "suspended", reason: "", ends_at: "2000-01-01T00:00:00.000Z" }), null);
    assert.equal(sanctionInForce({ kind: "banned", reason: "r", ends_at: null })?.kind, "banned");
    await app.close();
  });
});

test("the user sees why and until when: a line on every page, the notices page, and dismisses warnings", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, policy, target } = await setUp(db, url);
    assert.equal((await policy.client.post("/admin/users/troubled/warn", { reason: "Keep it civil <please>." })).statusCode, 303);
    const home = await target.client.get("/");
    assert.ok(says(home, message("sanctions.you_have_warnings.one")));
    const notices = await target.client.get("/users/troubled/notices");
    assert.equal(notices.statusCode, 200);
    assert.ok(says(notices, "Keep it civil <please>."), "the warning, escaped");
    const warning = await db.selectFrom("user_warnings").select("id").executeTakeFirstOrThrow();
    assert.equal((await target.client.post(`/users/troubled/notices/${warning.id}/dismiss`, {})).statusCode, 303);
    assert.ok(!says(await target.client.get("/"), message("sanctions.you_have_warnings.one")), "gone once read");
    assert.equal((await target.client.post(`/users/troubled/notices/${warning.id}/dismiss`, {})).statusCode, 404, "read already");
    // Someone else's notices are nobody else's business.
    assert.equal((await policy.client.get("/users/troubled/notices")).statusCode, 404);
    assert.equal((await policy.client.post(`/users/troubled/notices/${warning.id}/dismiss`, {})).statusCode, 404);

    await policy.client.post("/admin/users/troubled/suspend", { days: "7", reason: "Second strike.", hide_works: "no" });
    for (const path of ["/", "/users/troubled", "/users/troubled/edit"]) {
      const res = await target.client.get(path);
      assertMatch(res.body, /Your account is suspended until \d{4}-\d\d-\d\d at \d\d:\d\d UTC\./, path);
    }
    const standing = await target.client.get("/users/troubled/notices");
    assert.ok(says(standing, "Second strike."));
    assert.ok(says(standing, message("sanctions.still_can")));
    await app.close();
  });
});

test("a guest is asked to log in; ids and logins that name nothing are not found", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app: FastifyInstance = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    assert.equal((await guest.get("/admin/users")).statusCode, 303);
    assert.equal((await guest.get("/users/anyone/notices")).statusCode, 303);
    const policy = await loggedInUser(app, db, "policy_pat", ["policy_and_abuse"]);
    assert.equal((await policy.client.post("/admin/users/ghost/suspend", { days: "1", reason: "r", hide_works: "no" })).statusCode, 404);
    assert.equal((await policy.client.post("/users/policy_pat/notices/99999999999/dismiss", {})).statusCode, 404);
    await app.close();
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp, jobSteps } from "../app.js";
import type { Db } from "../platform/db/index.js";
import type { FastifyInstance } from "fastify";
import { SESSION_COOKIE } from "../platform/http/server.js";
import type { Role, Viewer } from "../platform/http/viewer.js";
import { createUser, startSession } from "../users/index.js";
import { drainJobs } from "../platform/jobs.js";
import { outboxFolder } from "../platform/mail.js";
import { createWork } from "../works/commands.js";
import { auditLogOfWork } from "./audit.js";
import { deleteWorkAsAdmin, editWorkTagsAsAdmin, hideWork } from "./commands.js";
import { hideWorksOfUser, WORK_HIDDEN_MAIL } from "./hiding.js";

// The policy admins' actions on a work (/admin/works/ID): hide, show again, delete, edit tags;
// each with its audit entry in its transaction, its refusals in words, never a 500; and who may
// reach them (the route-table test checks every guard in general; here the pages themselves).

/** A user with these roles and a session of their own, without the log-in form (six log-ins from one address would meet its limit). */
async function sessionAs(app: FastifyInstance, db: Db, login: string, roles: Role[] = []): Promise<{ client: Client; userId: number }> {
  const made = await createUser(db, { login, email: `${login}@example.com`, password: "moderation password", roles });
  assert.ok(made.ok);
  const client = new Client(app);
  client.cookies.set(SESSION_COOKIE, await startSession(db, made.value.id, 1));
  await client.get("/users/login");
  return { client, userId: made.value.id };
}

const audit = (db: Db) => db.selectFrom("audit_log").select(["action", "actor_user_id", "target_user_id", "work_id", "reason", "detail"]).orderBy("id").execute();
const mailJobs = async (db: Db) => (await db.selectFrom("jobs").select("payload").where("kind", "=", WORK_HIDDEN_MAIL).orderBy("id").execute()).map((j) => JSON.parse(j.payload));
const tagNames = async (db: Db, workId: number, type: string) =>
  (await db.selectFrom("work_tags").innerJoin("tags", "tags.id", "work_tags.tag_id").select("tags.name").where("work_tags.work_id", "=", workId).where("tags.type", "=", type).orderBy("work_tags.position").execute()).map((r) => r.name);

function dataFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-moderation-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function outbox(dataDir: string): string[] {
  try {
    return readdirSync(outboxFolder(dataDir)).sort().map((name) => readFileSync(join(outboxFolder(dataDir), name), "utf8"));
  } catch {
    return [];
  }
}

test("hiding: a reason is required; the creators are mailed once; a repeat is recorded but changes nothing; a missing work is said to be missing; return_to is followed when it is local", async (t) => {
  await eachDialect(t, async (t, testDb) => {
    const { db } = testDb;
    const dataDir = dataFolder(t);
    const config = testConfig(testDb.url, { dataDir });
    const app = await buildApp(config, db);
    try {
      const writer = await makeCreator(db, "writer");
      const cowriter = await makeCreator(db, "cowriter");
      const policy = await loggedInUser(app, db, "policy", ["policy_and_abuse"]);
      const { workId } = await createWork(
        db,
        { title: "Shared Tide", pseudIds: [writer.pseudId, cowriter.pseudId], rating: "General Audiences", warnings: ["No Archive Warnings Apply"], categories: [], tags: { Fandom: ["Original Work"], Relationship: [], Character: [], Freeform: [] }, language: "en", summary: "", notes: "", endnotes: "", restricted: false, commentPermission: "all", expectedChapters: 1, publishedOn: null },
        [{ title: "", summary: "", notes: "", endnotes: "", content: "<p>Two hands wrote this.</p>" }],
        { draft: false },
      );
      const page = await policy.client.get(`/admin/works/${workId}`);
      assert.equal(page.statusCode, 200);
      assertMatch(page.body, /<a href="\/works\/\d+">Shared Tide<\/a>/, "the work's title links to it");
      assertMatch(page.body, /writer<\/a>, <a[^>]*>cowriter<\/a>/, "its creators");
      assertMatch(page.body, /No admin has acted on this yet\./, "an empty audit log");

      // No reason, or too long a one: the page again, with what was typed and a message.
      let res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "   " });
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /Please say why: the work(&#39;|')s creators are told\./);
      res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: `Spam ${"x".repeat(2000)}` });
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /Spam xxxx/, "the typed reason is kept");
      assert.deepEqual(await audit(db), [], "nothing recorded");

      // Hidden: the flash says so; one mail job, which mails each creator.
      res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "Spam links" });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/admin/works/${workId}`);
      const after = await policy.client.get(`/admin/works/${workId}`);
      assertMatch(after.body, /The work is hidden: only its creators and admins can see it\./);
      assertMatch(after.body, /Hidden by an admin: Spam links/);
      assertMatch(after.body, /<td>policy<\/td>\s*<td>Hid the work<\/td>\s*<td>Spam links<\/td>/, "the audit log shows who, what and why");
      assertMatch(after.body, /Make visible again/, "the unhide form replaces the hide form");
      // Again, same reason: recorded, nothing changes, no second mail.
      res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "Spam links" });
      assert.equal(res.statusCode, 303);
      assertMatch((await policy.client.get(`/admin/works/${workId}`)).body, /already hidden for this reason/);
      assert.equal((await mailJobs(db)).length, 1);
      assert.equal(await drainJobs(db, jobSteps(config)), 1);
      const mails = outbox(dataDir);
      assert.deepEqual(mails.map((m) => /^To: (.*)$/m.exec(m)?.[1]).sort(), ["cowriter@example.com", "writer@example.com"]);
      for (const mail of mails) {
        assert.match(mail, /^Subject: .*Your work Shared Tide has been hidden/m);
        assert.match(mail, /Why: Spam links/);
      }
      const entries = await audit(db);
      assert.deepEqual(
        entries.map((e) => [e.action, e.actor_user_id, e.target_user_id, e.work_id, e.reason]),
        [
          ["hide_work", policy.userId, writer.userId, workId, "Spam links"],
          ["hide_work", policy.userId, writer.userId, workId, "Spam links"],
        ],
      );

      // return_to: a local path is followed; anything else is not.
      res = await policy.client.post(`/admin/works/${workId}/unhide`, { reason: "Links removed", return_to: "/admin/reports/7?x=1" });
      assert.equal(res.headers.location, "/admin/reports/7?x=1");
      res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "Again", return_to: "https://elsewhere.example/" });
      assert.equal(res.headers.location, `/admin/works/${workId}`);
      res = await policy.client.post(`/admin/works/${workId}/unhide`, { return_to: "//elsewhere.example/" });
      assert.equal(res.headers.location, `/admin/works/${workId}`);
      res = await policy.client.post(`/admin/works/${workId}/unhide`, {});
      assertMatch((await policy.client.get(`/admin/works/${workId}`)).body, /The work was not hidden\./);
      // The admin page carries return_to into its forms and links.
      const carried = await policy.client.get(`/admin/works/${workId}?return_to=${encodeURIComponent("/admin/reports/7")}`);
      assertMatch(carried.body, /<input type="hidden" name="return_to" value="\/admin\/reports\/7"/);
      assertMatch(carried.body, /href="\/admin\/works\/\d+\/delete\?return_to=%2Fadmin%2Freports%2F7"/);

      // A work that does not exist (deleted, perhaps by another admin): said plainly, never a 500.
      for (const path of ["/admin/works/999999", "/admin/works/999999/delete", "/admin/works/999999/tags"]) {
        const gone = await policy.client.get(path);
        assert.equal(gone.statusCode, 404, path);
        assertMatch(gone.body, /Work 999999 does not exist/);
      }
      for (const action of ["hide", "unhide", "delete", "tags"]) {
        const gone = await policy.client.post(`/admin/works/999999/${action}`, { reason: "Too late" });
        assert.equal(gone.statusCode, 404, action);
        assertMatch(gone.body, /it may have been deleted, by its creator or by another admin\. Nothing was changed\./);
      }
      // Deleted between the page and the command: the command says "missing".
      const doomed = await makeWork(db, writer.pseudId, { title: "Doomed" });
      await db.deleteFrom("work_creators").where("work_id", "=", doomed).execute();
      await db.deleteFrom("chapters").where("work_id", "=", doomed).execute();
      await db.deleteFrom("works").where("id", "=", doomed).execute();
      const viewer: Viewer = { user: { id: policy.userId, login: "policy", roles: ["policy_and_abuse"] }, sessionId: null };
      assert.equal(await hideWork(db, viewer, doomed, "Late"), "missing");
      assert.equal(await deleteWorkAsAdmin(db, viewer, doomed, "Late"), "missing");
      assert.equal(await editWorkTagsAsAdmin(db, viewer, doomed, { rating: "Not Rated", warnings: ["No Archive Warnings Apply"], categories: [], tags: { Fandom: ["X"], Relationship: [], Character: [], Freeform: [] } }, ""), "missing");
      assert.deepEqual(await auditLogOfWork(db, doomed), [], "nothing recorded for a missing work");
    } finally {
      await app.close();
    }
  });
});

test("an admin edits a work's tags (past the writers' limit), with the tags before and after in the audit log; and deletes a work, whose log keeps its title", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const app = await buildApp(testConfig(testDb.url), db);
    try {
      const writer = await makeCreator(db, "writer");
      const policy = await loggedInUser(app, db, "policy", ["policy_and_abuse"]);
      const workId = await makeWork(db, writer.pseudId, { title: "Mislabelled", fandoms: ["Harbour Tales"], characters: ["Mira"], freeforms: ["Fluff"], rating: "General Audiences" });

      const form = await policy.client.get(`/admin/works/${workId}/tags?return_to=%2Fadmin`);
      assert.equal(form.statusCode, 200);
      assertMatch(form.body, /<input type="radio" id="[^"]+" name="work\[rating\]" value="General Audiences" checked/);
      assertMatch(form.body, /name="work\[fandoms\]" type="text" value="Harbour Tales"|name="work\[fandoms\]"[^>]*value="Harbour Tales"/);
      assertMatch(form.body, /name="return_to" value="\/admin"/);

      // Refused: no rating, no warning, no fandom, each said at its field; what was typed stays.
      let res = await policy.client.post(`/admin/works/${workId}/tags`, { "work[rating]": "", "work[fandoms]": "", "work[characters]": "Kept Typing", reason: "Wrong rating" });
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /id="error-summary"/);
      assertMatch(res.body, /value="Kept Typing"/);
      assertMatch(res.body, /Wrong rating/);

      // Saved: a new rating, a warning, a new fandom and 80 additional tags (writers may use 75 in all).
      const freeforms = Array.from({ length: 80 }, (_, i) => `Tag ${i + 1}`);
      res = await policy.client.post(`/admin/works/${workId}/tags`, {
        "work[rating]": "Explicit",
        "work[warnings][]": ["Graphic Depictions Of Violence"],
        "work[categories][]": ["F/F"],
        "work[fandoms]": "Harbour Tales, Lighthouse Cycle",
        "work[relationships]": "",
        "work[characters]": "Mira",
        "work[freeforms]": freeforms.join(", "),
        reason: "Wrong rating and warnings",
        return_to: "/admin",
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, "/admin");
      assertMatch((await policy.client.get("/admin")).body, /The work(&#39;|')s tags were saved\./, "the admin home shows what was done");
      assert.deepEqual(await tagNames(db, workId, "Rating"), ["Explicit"]);
      assert.deepEqual(await tagNames(db, workId, "Fandom"), ["Harbour Tales", "Lighthouse Cycle"]);
      assert.equal((await tagNames(db, workId, "Freeform")).length, 80);
      const [entry] = await auditLogOfWork(db, workId);
      assert.equal(entry!.action, "edit_work_tags");
      assert.equal(entry!.reason, "Wrong rating and warnings");
      assert.equal(entry!.targetUserId, writer.userId);
      assert.deepEqual((entry!.detail.before as Record<string, string[]>).Rating, ["General Audiences"]);
      assert.deepEqual((entry!.detail.after as Record<string, string[]>).Rating, ["Explicit"]);
      assert.deepEqual((entry!.detail.before as Record<string, string[]>).Freeform, ["Fluff"]);
      assert.deepEqual((entry!.detail.after as Record<string, string[]>).Fandom, ["Harbour Tales", "Lighthouse Cycle"]);
      const page = await policy.client.get(`/admin/works/${workId}`);
      assertMatch(page.body, /Edited the work(&#39;|')s tags/);
      assertMatch(page.body, /<ins>added Explicit<\/ins>; <del>removed General Audiences<\/del>/);
      // The listing index followed: the work is listed under its new fandom.
      assertMatch((await new Client(app).get("/works?work_search%5Bother_tag_names%5D=Lighthouse%20Cycle")).body, new RegExp(`<a href="/works/${workId}"`));

      // Delete: a confirmation page first, then gone, recorded with what it was.
      const confirm = await policy.client.get(`/admin/works/${workId}/delete`);
      assert.equal(confirm.statusCode, 200);
      assertMatch(confirm.body, /Delete the work (&#34;|")Mislabelled(&#34;|")/);
      res = await policy.client.post(`/admin/works/${workId}/delete`, { reason: "Duplicate of another work", return_to: `/admin/works/${workId}` });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, "/admin/works", "not back to the page of the deleted work");
      assertMatch((await policy.client.get("/admin/works")).body, /The work (&#34;|")Mislabelled(&#34;|") was deleted\./);
      assert.equal(await db.selectFrom("works").select("id").where("id", "=", workId).executeTakeFirst(), undefined);
      assert.equal((await new Client(app).get(`/works/${workId}`)).statusCode, 404);
      const log = await auditLogOfWork(db, workId);
      assert.equal(log[0]!.action, "delete_work");
      assert.deepEqual(log[0]!.detail, { title: "Mislabelled", creators: ["writer"] });
      const gone = await policy.client.get(`/admin/works/${workId}`);
      assert.equal(gone.statusCode, 404);
      assertMatch(gone.body, /Deleted the work/, "the log outlives the work");
      assertMatch(gone.body, /Mislabelled, by writer/);
      // Hiding the deleted work says so.
      res = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "Too late" });
      assert.equal(res.statusCode, 404);
      assertMatch(res.body, new RegExp(`Work ${workId} does not exist`));
    } finally {
      await app.close();
    }
  });
});

test("who reaches what: /admin for every admin role with the links each may use; work actions for policy admins and the superadmin only; the Admin link for admins", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const app = await buildApp(testConfig(testDb.url), db);
    try {
      const writer = await makeCreator(db, "writer");
      const workId = await makeWork(db, writer.pseudId, { title: "Plain Work" });
      const hiddenId = await makeWork(db, writer.pseudId, { title: "Hidden Work" });
      const users = {
        plain: await sessionAs(app, db, "plain"),
        wrangler: await sessionAs(app, db, "volunteer", ["wrangler"]),
        support: await sessionAs(app, db, "support", ["support"]),
        tags: await sessionAs(app, db, "tagadmin", ["tag_wrangling"]),
        policy: await sessionAs(app, db, "policy", ["policy_and_abuse"]),
        admin: await sessionAs(app, db, "boss", ["admin"]),
      };
      assert.equal((await users.policy.client.post(`/admin/works/${hiddenId}/hide`, { reason: "Hidden for the count" })).statusCode, 303);

      const routes: [string, string][] = [
        ["GET", "/admin/works"],
        ["GET", `/admin/works/${workId}`],
        ["POST", `/admin/works/${workId}/hide`],
        ["POST", `/admin/works/${workId}/unhide`],
        ["GET", `/admin/works/${workId}/delete`],
        ["POST", `/admin/works/${workId}/delete`],
        ["GET", `/admin/works/${workId}/tags`],
        ["POST", `/admin/works/${workId}/tags`],
      ];
      for (const name of ["plain", "wrangler", "support", "tags"] as const) {
        for (const [method, path] of routes) {
          const res = method === "GET" ? await users[name].client.get(path) : await users[name].client.post(path, { reason: "No" });
          assert.equal(res.statusCode, 403, `${name} ${method} ${path}`);
        }
      }
      assert.equal((await new Client(app).get(`/admin/works/${workId}`)).statusCode, 303, "a guest is sent to log in");
      assert.equal((await db.selectFrom("works").select("hidden_by_admin").where("id", "=", workId).executeTakeFirstOrThrow()).hidden_by_admin, 0, "nothing changed");

      // /admin: plain users and volunteer wranglers are refused; each admin sees the pages their roles open.
      for (const name of ["plain", "wrangler"] as const) assert.equal((await users[name].client.get("/admin")).statusCode, 403, name);
      const links = async (name: keyof typeof users) => {
        const res = await users[name].client.get("/admin");
        assert.equal(res.statusCode, 200, name);
        const pages = /<dl class="admin-pages">([\s\S]*?)<\/dl>/.exec(res.body)?.[1] ?? "";
        return { pages: [...pages.matchAll(/<dt><a href="([^"]+)"/g)].map((m) => m[1]), body: res.body };
      };
      assert.deepEqual((await links("support")).pages, ["/admin/users", "/admin/invitations"]);
      assert.deepEqual((await links("tags")).pages, ["/wrangling"]);
      const asPolicy = await links("policy");
      assert.deepEqual(asPolicy.pages, ["/admin/abuse_reports", "/admin/spam", "/admin/users", "/admin/works"]);
      assertMatch(asPolicy.body, /<a href="\/admin\/works">Hidden works<\/a>: <strong class="count nonzero">1<\/strong>/, "the hidden works count, for policy admins");
      assert.doesNotMatch((await links("support")).body, /Hidden works/, "not for other roles");
      assert.deepEqual((await links("admin")).pages, ["/admin/abuse_reports", "/admin/spam", "/admin/users", "/admin/works", "/admin/invitations", "/admin_posts/new", "/admin/banner", "/wrangling", "/admin/settings", "/admin/terms"]);

      // The navigation's Admin link: for admins of any role only.
      const nav = async (client: Client) => /<a href="\/admin">Admin<\/a>/.test((await client.get("/works")).body);
      assert.equal(await nav(new Client(app)), false);
      assert.equal(await nav(users.plain.client), false);
      assert.equal(await nav(users.wrangler.client), false);
      for (const name of ["support", "tags", "policy", "admin"] as const) assert.equal(await nav(users[name].client), true, name);

      // The superadmin acts on works; the hidden works page lists the hidden one.
      assert.equal((await users.admin.client.get(`/admin/works/${workId}`)).statusCode, 200);
      const list = await users.admin.client.get("/admin/works");
      assertMatch(list.body, /Hidden works \(1\)/);
      assertMatch(list.body, new RegExp(`<a href="/admin/works/${hiddenId}">Hidden Work</a>`));
      assert.equal((await users.admin.client.get("/admin/works?id=42")).headers.location, "/admin/works/42");
      const bad = await users.admin.client.get("/admin/works?id=forty-two");
      assert.equal(bad.statusCode, 400);
      assertMatch(bad.body, /(&#34;|")forty-two(&#34;|") is not a work id/);
    } finally {
      await app.close();
    }
  });
});

test("two admins at once: one hide changes the work and mails once, both are recorded; one delete deletes, the other finds it gone; hiding all of a user's works mails nobody", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const writer = await makeCreator(db, "writer");
    const first: Viewer = { user: { id: 9001, login: "first", roles: ["policy_and_abuse"] }, sessionId: null };
    const second: Viewer = { user: { id: 9002, login: "second", roles: ["policy_and_abuse"] }, sessionId: null };
    for (let round = 0; round < 3; round++) {
      const workId = await makeWork(db, writer.pseudId, { title: `Raced ${round}` });
      const outcomes = await Promise.all([hideWork(db, first, workId, "Same reason"), hideWork(db, second, workId, "Same reason")]);
      assert.deepEqual([...outcomes].sort(), ["changed", "unchanged"], `round ${round}`);
      assert.equal((await mailJobs(db)).filter((j) => j.workId === workId).length, 1, "one mail");
      assert.equal((await auditLogOfWork(db, workId)).length, 2, "both recorded");
      const deletions = await Promise.all([deleteWorkAsAdmin(db, first, workId, "Gone"), deleteWorkAsAdmin(db, second, workId, "Gone")]);
      assert.deepEqual([...deletions].sort(), ["deleted", "missing"], `round ${round}`);
      assert.equal((await auditLogOfWork(db, workId)).filter((e) => e.action === "delete_work").length, 1);
    }
    const a = await makeWork(db, writer.pseudId, { title: "Spam A" });
    const b = await makeWork(db, writer.pseudId, { title: "Spam B" });
    const jobsBefore = (await mailJobs(db)).length;
    const hidden = await db.transaction().execute((trx) => hideWorksOfUser(trx, null, writer.userId, "Spam account"));
    assert.deepEqual(hidden, [a, b]);
    assert.equal((await mailJobs(db)).length, jobsBefore, "no mail per work");
    assert.deepEqual((await auditLogOfWork(db, a)).map((e) => e.action), ["hide_work"]);
  });
});

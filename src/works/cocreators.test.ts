import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser, redirectedId, workForm } from "../../test/support/app.js";
import { ApiClient } from "../../test/support/api.js";
import { eachDialect } from "../../test/support/db.js";
import { createToken } from "../api/commands.js";
import { nowIso, type Db } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import type { MailMessage } from "../platform/mail.js";
import { createPseud } from "../users/commands.js";
import { worksJobSteps } from "./cocreators.js";

const PUBLIC_URL = "http://127.0.0.1:3000";

/** Runs the queued jobs with a mailer that keeps what it sends. */
async function sendMail(db: Db): Promise<MailMessage[]> {
  const mail: MailMessage[] = [];
  await drainJobs(db, worksJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, PUBLIC_URL));
  return mail;
}

const creatorsOf = async (db: Db, workId: number) =>
  (
    await db
      .selectFrom("work_creators")
      .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
      .select("pseuds.name")
      .where("work_id", "=", workId)
      .orderBy("position")
      .execute()
  ).map((r) => r.name);

const block = (db: Db, userId: number, targetId: number) => db.insertInto("blocks").values({ user_id: userId, target_id: targetId, created_at: nowIso() }).execute();

test("co-creators: an invited pseud shows nowhere until its user accepts (page and mail); then the byline, listings and search name both, both edit, editing keeps both, and either but the last can leave", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ben = await loggedInUser(app, db, "ben");
      await writer.get("/works/new");
      const workId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Two Hands", "work[co_creators]": "ben" })));

      // Invited, not credited: byline, listings and search know only the writer.
      assert.deepEqual(await creatorsOf(db, workId), [login]);
      let page = await writer.get(`/works/${workId}`);
      assert.equal(/\/users\/ben\/pseuds\/ben/.test(page.body), false, "no byline link to ben yet");
      assertMatch((await ben.client.get("/users/ben/works")).body, /0 Works/);
      assert.equal((await ben.client.get(`/works/${workId}/edit`)).statusCode, 403);
      assert.equal((await app.inject({ url: "/works/search?work_search[creators]=ben" })).body.includes("Two Hands"), false);

      // The invitation: by mail, on ben's profile and on his creatorships page.
      const mail = await sendMail(db);
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, "ben@example.com");
      assert.match(mail[0]!.subject, /Co-creator invitation: Two Hands/);
      assert.match(mail[0]!.text, new RegExp(`${login} invited your pseud ben to be a co-creator of "Two Hands"`));
      assert.match(mail[0]!.text, /http:\/\/127\.0\.0\.1:3000\/users\/ben\/creatorships/);
      assertMatch((await ben.client.get("/users/ben")).body, /<a href="\/users\/ben\/creatorships">Co-creator invitations are waiting for your answer: 1\.<\/a>/);
      page = await ben.client.get("/users/ben/creatorships");
      assertMatch(page.body, /<a href="\/works\/\d+">Two Hands<\/a>/);
      const invitation = await db.selectFrom("creator_invitations").select("id").executeTakeFirstOrThrow();
      assertMatch(page.body, new RegExp(`action="/users/ben/creatorships/${invitation.id}/accept"`));

      // Accepting: both in the byline, in order; listed under ben; found by ben's name.
      const res = await ben.client.post(`/users/ben/creatorships/${invitation.id}/accept`, {});
      assert.equal(res.statusCode, 303);
      assertMatch((await ben.client.get("/users/ben/creatorships")).body, /You are now a co-creator of Two Hands\./);
      assert.deepEqual(await creatorsOf(db, workId), [login, "ben"]);
      page = await app.inject({ url: `/works/${workId}` });
      assertMatch(page.body, new RegExp(`<h3 class="byline heading"><a rel="author" href="/users/${login}/pseuds/${login}">${login}</a>, <a rel="author" href="/users/ben/pseuds/ben">ben</a></h3>`));
      assertMatch((await app.inject({ url: "/users/ben/works" })).body, /Two Hands/);
      assertMatch((await app.inject({ url: "/works/search?work_search[creators]=ben" })).body, /Two Hands/);
      const work = await db.selectFrom("works").select("creators_sort").where("id", "=", workId).executeTakeFirstOrThrow();
      assert.match(work.creators_sort, /ben/);

      // Both edit; an edit by either keeps the other (the form lists only the editor's pseuds).
      assert.equal((await ben.client.get(`/works/${workId}/edit`)).statusCode, 200);
      assert.equal((await ben.client.post(`/works/${workId}`, workForm(ben.pseudId, { "work[title]": "Two Hands, Revised" }))).statusCode, 303);
      assert.deepEqual(await creatorsOf(db, workId), [login, "ben"]);
      await writer.get(`/works/${workId}/edit`);
      assert.equal((await writer.post(`/works/${workId}`, workForm(pseudId, { "work[title]": "Two Hands, Again" }))).statusCode, 303);
      assert.deepEqual(await creatorsOf(db, workId), [login, "ben"]);
      // Ticking none of one's own pseuds is refused: leaving is a separate, confirmed step.
      assert.equal((await writer.post(`/works/${workId}`, workForm(pseudId, { "work[pseud_ids][]": [] }))).statusCode, 422);

      // Either may leave (confirmed first); the last creator may not.
      page = await ben.client.get(`/works/${workId}`);
      assertMatch(page.body, /<a href="\/works\/\d+\/confirm_leave">Remove Me As Co-Creator<\/a>/);
      assertMatch((await ben.client.get(`/works/${workId}/confirm_leave`)).body, /Yes, remove me/);
      assert.equal((await ben.client.post(`/works/${workId}/leave`, {})).statusCode, 303);
      assert.deepEqual(await creatorsOf(db, workId), [login]);
      assert.equal((await ben.client.get(`/works/${workId}/edit`)).statusCode, 403);
      assertMatch((await app.inject({ url: "/users/ben/works" })).body, /0 Works/);
      const last = await writer.get(`/works/${workId}/confirm_leave`);
      assert.equal(last.statusCode, 409);
      assertMatch(last.body, /only creator/);
      assert.equal((await writer.post(`/works/${workId}/leave`, {})).statusCode, 409);
      assert.deepEqual(await creatorsOf(db, workId), [login]);
      // Nobody else leaves a work they are not on.
      assert.equal((await ben.client.post(`/works/${workId}/leave`, {})).statusCode, 403);
    } finally {
      await app.close();
    }
  });
});

test("co-creators: unknown, shared, own and blocked pseuds are refused on the form with everything typed kept; declining, withdrawing and others' invitations", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ben = await loggedInUser(app, db, "ben");
      const cat = await loggedInUser(app, db, "cat");
      const dot = await loggedInUser(app, db, "dot");
      // Two users with a pseud called "Moth": a bare "Moth" is ambiguous.
      await createPseud(db, cat.userId, "Moth", "");
      await createPseud(db, dot.userId, "Moth", "");
      await createPseud(db, userId, "Second Self", "");
      await writer.get("/works/new");
      const refused = async (names: string, pattern: RegExp) => {
        const res = await writer.post("/works", workForm(pseudId, { "work[title]": "Kept Title", "work[co_creators]": names }));
        assert.equal(res.statusCode, 422, names);
        assertMatch(res.body, pattern, names);
        assertMatch(res.body, /name="work\[title\]"[^>]*value="Kept Title"/);
        assert.ok(res.body.includes(`value="${names.replace(/&/g, "&amp;").replace(/"/g, "&#34;")}"`) || res.body.includes(names), `the field keeps ${names}`);
      };
      await refused("nobody-here", /There is no pseud called nobody-here\./);
      await refused("Moth", /Several users have a pseud called Moth: write it as Moth \(login\)\./);
      await refused("Second Self", /Second Self is one of your own pseuds/);
      await block(db, userId, ben.userId);
      await refused("ben", /You have blocked ben, so you can(&#39;|')t invite them as a co-creator\./);
      await db.deleteFrom("blocks").execute();
      await block(db, ben.userId, userId);
      await refused("ben", /ben has blocked you, so you can(&#39;|')t invite them as a co-creator\./);
      await db.deleteFrom("blocks").execute();
      assert.equal((await db.selectFrom("works").selectAll().execute()).length, 0);
      assert.equal((await db.selectFrom("creator_invitations").selectAll().execute()).length, 0);

      // "Moth (cat)" names one; ben too; a repeat is one invitation.
      const workId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[co_creators]": "Moth (cat), ben, BEN" })));
      let invitations = await db.selectFrom("creator_invitations").selectAll().orderBy("id").execute();
      assert.equal(invitations.length, 2);
      // A third user blocked by cat (already invited) cannot be added by the writer either: not
      // until cat is a creator does the rule reach her; once cat accepts, it does.
      const catsInvitation = invitations[0]!;
      await cat.client.post(`/users/cat/creatorships/${catsInvitation.id}/accept`, {});
      await block(db, cat.userId, dot.userId);
      await writer.get(`/works/${workId}/edit`);
      let res = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[co_creators]": "dot" }));
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /dot and another creator of this work have blocked one another/);

      // Others' invitations: not theirs to see or answer.
      const bensInvitation = invitations[1]!;
      assert.equal((await dot.client.get("/users/ben/creatorships")).statusCode, 403);
      assert.equal((await dot.client.post(`/users/ben/creatorships/${bensInvitation.id}/accept`, {})).statusCode, 403);
      assert.equal((await dot.client.post(`/users/dot/creatorships/${bensInvitation.id}/accept`, {})).statusCode, 303);
      assertMatch((await dot.client.get("/users/dot/creatorships")).body, /already been answered or withdrawn/);
      assert.equal((await new Client(app).get("/users/ben/creatorships")).statusCode, 303, "a guest is sent to log in");
      assert.equal((await dot.client.get("/users/nobody/creatorships")).statusCode, 404);

      // The writer withdraws ben's invitation from the edit form; ben then has none.
      const edit = await writer.get(`/works/${workId}/edit`);
      assertMatch(edit.body, /Withdraw the invitation to ben/);
      res = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[cancel_invitation_ids][]": [String(bensInvitation.id)] }));
      assert.equal(res.statusCode, 303);
      assert.equal((await db.selectFrom("creator_invitations").selectAll().execute()).length, 0);
      assertMatch((await ben.client.get("/users/ben/creatorships")).body, /No co-creator invitations are waiting for you\./);

      // Invited again, ben declines: nothing credited, the invitation gone.
      res = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[co_creators]": "ben" }));
      assert.equal(res.statusCode, 303);
      invitations = await db.selectFrom("creator_invitations").selectAll().execute();
      assert.equal((await ben.client.post(`/users/ben/creatorships/${invitations[0]!.id}/decline`, {})).statusCode, 303);
      assertMatch((await ben.client.get("/users/ben/creatorships")).body, /You declined the invitation\./);
      assert.equal((await db.selectFrom("creator_invitations").selectAll().execute()).length, 0);
      assert.deepEqual(await creatorsOf(db, workId), [login, "Moth"]);

      // A deleted work takes its invitations with it.
      await writer.post(`/works/${workId}`, workForm(pseudId, { "work[co_creators]": "ben" }));
      await writer.post(`/works/${workId}/delete`, {});
      assert.equal((await db.selectFrom("creator_invitations").selectAll().execute()).length, 0);
    } finally {
      await app.close();
    }
  });
});

test("co-creators: two Accept clicks at the same instant make one creatorship", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ben = await loggedInUser(app, db, "ben");
      const second = new Client(app);
      await second.logIn("ben", "reader password 1");
      await writer.get("/works/new");
      for (let round = 0; round < 5; round++) {
        const workId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": `Round ${round}`, "work[co_creators]": "ben" })));
        const invitation = await db.selectFrom("creator_invitations").select("id").where("work_id", "=", workId).executeTakeFirstOrThrow();
        await Promise.all([ben.client.get("/users/ben/creatorships"), second.get("/users/ben/creatorships")]);
        const answers = await Promise.all([ben.client.post(`/users/ben/creatorships/${invitation.id}/accept`, {}), second.post(`/users/ben/creatorships/${invitation.id}/accept`, {})]);
        assert.deepEqual(
          answers.map((r) => r.statusCode),
          [303, 303],
        );
        assert.deepEqual(await creatorsOf(db, workId), [login, "ben"]);
        const feed = await db.selectFrom("change_feed").select("id").where("work_id", "=", workId).execute();
        assert.ok(feed.length >= 2, "the accept wrote a change-feed row");
      }
    } finally {
      await app.close();
    }
  });
});

test("co-creators through the JSON API: POST and PATCH take co_creators; a PATCH by either creator keeps the other; refusals name the field", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, login } = await appWithUser(db, url);
    try {
      const api = new ApiClient(app, (await createToken(db, userId, "api", "write")).token);
      const ben = await loggedInUser(app, db, "ben");
      const benApi = new ApiClient(app, (await createToken(db, ben.userId, "api", "write")).token);
      const body = { title: "By Wire", rating: "General Audiences", warnings: ["No Archive Warnings Apply"], fandoms: ["Original Work"], chapter: { content: "Words enough for a chapter." } };
      let res = await api.post("/works", { ...body, co_creators: ["nobody-here"] });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.errors, [{ field: "co_creators", message: "There is no pseud called nobody-here." }]);
      res = await api.post("/works", { ...body, co_creators: ["ben"] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id = res.body.id as number;
      assert.deepEqual(
        res.body.creators.map((c: { login: string }) => c.login),
        [login],
      );
      const invitation = await db.selectFrom("creator_invitations").select("id").executeTakeFirstOrThrow();
      assert.equal((await benApi.patch(`/works/${id}`, { title: "Mine Now" })).status, 403);
      await ben.client.post(`/users/ben/creatorships/${invitation.id}/accept`, {});
      res = await benApi.patch(`/works/${id}`, { title: "Ours", pseud_ids: [ben.pseudId] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.creators.map((c: { login: string }) => c.login),
        [login, "ben"],
      );
      res = await api.patch(`/works/${id}`, { summary: "Two of us." });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.creators.map((c: { login: string }) => c.login),
        [login, "ben"],
      );
      await db.insertInto("blocks").values({ user_id: ben.userId, target_id: userId, created_at: nowIso() }).execute();
      const cat = await loggedInUser(app, db, "cat");
      await db.insertInto("blocks").values({ user_id: cat.userId, target_id: ben.userId, created_at: nowIso() }).execute();
      res = await api.patch(`/works/${id}`, { co_creators: ["cat"] });
      assert.equal(res.status, 422);
      assert.equal(res.body.errors[0].field, "co_creators");
    } finally {
      await app.close();
    }
  });
});

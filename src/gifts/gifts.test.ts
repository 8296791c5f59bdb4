import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser, redirectedId, workForm } from "../../test/support/app.js";
import { ApiClient } from "../../test/support/api.js";
import { eachDialect } from "../../test/support/db.js";
import { createToken } from "../api/commands.js";
import { nowIso, type Db } from "../platform/db/index.js";
import { createPseud } from "../users/commands.js";

/** A page's text, tags left out (headings are built of several spans). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, "");

const giftsOf = async (db: Db, workId: number) =>
  (await db.selectFrom("gifts").select(["recipient_key", "recipient_name", "rejected"]).where("work_id", "=", workId).orderBy("id").execute()).map((g) => `${g.recipient_name ?? g.recipient_key}${g.rejected ? " (refused)" : ""}`);

test("gifts: a work given to pseuds and to a plain name says so in its notes and lists under each user's gifts (visible works only, counts too); the recipient refuses it and may take it back", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ben = await loggedInUser(app, db, "ben");
      const cat = await loggedInUser(app, db, "cat");
      await createPseud(db, cat.userId, "Moth", "");
      const guest = new Client(app);
      await writer.get("/works/new");
      const workId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "For Friends", "work[recipients]": "ben, Moth (cat), Aunt May" })));
      const hidden = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Members Only", "work[restricted]": "1", "work[recipients]": "ben" })));
      redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Still A Draft", "work[recipients]": "ben", commit: "Save As Draft" })));

      // AO3's markup: "For X." among the notes' associations, pseuds linked to their gifts.
      const page = await guest.get(`/works/${workId}`);
      assertMatch(
        page.body,
        /<div class="notes module"[^>]*><h3 class="heading">Notes:<\/h3><ul class="associations"><li class="gifts">For <a href="\/users\/ben\/gifts">ben<\/a>, <a href="\/users\/cat\/gifts">Moth \(cat\)<\/a>, <span>Aunt May<\/span>\.<\/li><\/ul><\/div>/,
      );

      // Ben's gifts: the guest sees the public one; ben (logged in) also the registered-only one;
      // the draft nobody but its creator sees.
      let list = await guest.get("/users/ben/gifts");
      assert.equal(list.statusCode, 200);
      assertMatch(textOf(list.body), /1 - 1 of 1 Works Gifted to ben/);
      assertMatch(list.body, /For Friends/);
      assert.equal(list.body.includes("Members Only"), false);
      assert.equal(list.body.includes("Still A Draft"), false);
      list = await ben.client.get("/users/ben/gifts");
      assertMatch(textOf(list.body), /1 - 2 of 2 Works Gifted to ben/);
      assertMatch(list.body, /Members Only/);
      assert.equal(list.body.includes("Still A Draft"), false);
      assertMatch(list.body, new RegExp(`action="/users/ben/gifts/${workId}/refuse"`));
      assert.equal((await guest.get("/users/cat/gifts")).body.includes("For Friends"), true, "a gift to another pseud lists under its user");
      assert.equal((await guest.get("/users/nobody/gifts")).statusCode, 404);
      assert.equal((await cat.client.get("/users/ben/gifts")).body.includes("Refuse Gift"), false, "only the recipient refuses");

      // Refusing: others can't, for ben; ben's name leaves the work and the work his list.
      assert.equal((await cat.client.post(`/users/ben/gifts/${workId}/refuse`, {})).statusCode, 403);
      assert.equal((await guest.post(`/users/ben/gifts/${workId}/refuse`, {})).statusCode, 401, "a guest must log in");
      assert.equal((await ben.client.post(`/users/ben/gifts/999999/refuse`, {})).statusCode, 404);
      const notGiven = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Not For Ben" })));
      assert.equal((await ben.client.post(`/users/ben/gifts/${notGiven}/refuse`, {})).statusCode, 404);
      const res = await ben.client.post(`/users/ben/gifts/${workId}/refuse`, {});
      assert.equal(res.statusCode, 303);
      list = await ben.client.get("/users/ben/gifts");
      assertMatch(list.body, /You refused For Friends: your name is no longer on it\./);
      assertMatch(textOf(list.body), /1 - 1 of 1 Works Gifted to ben/);
      assert.equal(/For Friends/.test(list.body.replace(/You refused For Friends/, "")), false);
      assertMatch((await guest.get(`/works/${workId}`)).body, /<li class="gifts">For <a href="\/users\/cat\/gifts">Moth \(cat\)<\/a>, <span>Aunt May<\/span>\.<\/li>/);
      assert.deepEqual(await giftsOf(db, workId), [`p:${ben.pseudId} (refused)`, `p:${(await db.selectFrom("pseuds").select("id").where("name", "=", "Moth").executeTakeFirstOrThrow()).id}`, "Aunt May"]);
      // Refused gifts: the recipient's alone.
      assertMatch((await ben.client.get("/users/ben/gifts?refused=true")).body, new RegExp(`For Friends[\\s\\S]*action="/users/ben/gifts/${workId}/accept"`));
      assert.equal((await guest.get("/users/ben/gifts?refused=true")).body.includes("For Friends"), false);

      // The writer's edit form no longer names ben; naming him again is refused.
      const edit = await writer.get(`/works/${workId}/edit`);
      assertMatch(edit.body, /name="work\[recipients\]"[^>]*value="Moth \(cat\), Aunt May"/);
      const again = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "Moth (cat), Aunt May, ben" }));
      assert.equal(again.statusCode, 422);
      assertMatch(again.body, /ben has refused this gift, so it can(&#39;|')t be given to them again\./);
      // Saving the form as it stands keeps the refusal, and a plain name stays one though a pseud
      // of that name has appeared since.
      await createPseud(db, cat.userId, "Aunt May", "");
      assert.equal((await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "Moth (cat), Aunt May" }))).statusCode, 303);
      assert.equal((await giftsOf(db, workId))[0], `p:${ben.pseudId} (refused)`);
      assert.ok((await giftsOf(db, workId)).includes("Aunt May"));

      // Ben takes the gift back.
      assert.equal((await ben.client.post(`/users/ben/gifts/${workId}/accept`, {})).statusCode, 303);
      assertMatch((await guest.get(`/works/${workId}`)).body, /For <a href="\/users\/ben\/gifts">ben<\/a>/);

      // Removing a name from the field removes the gift; an empty field, all of them.
      assert.equal((await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "" }))).statusCode, 303);
      assert.equal((await db.selectFrom("gifts").selectAll().where("work_id", "=", workId).execute()).length, 0);
      assert.equal((await guest.get(`/works/${workId}`)).body.includes('class="associations"'), false);
      await writer.post(`/works/${hidden}/delete`, {});
      assert.equal((await db.selectFrom("gifts").selectAll().where("work_id", "=", hidden).execute()).length, 0);
    } finally {
      await app.close();
    }
  });
});

test("gifts: yourself, a co-creator, a name several users share, a user who blocked you and too long a name are refused, everything typed kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ben = await loggedInUser(app, db, "ben");
      const cat = await loggedInUser(app, db, "cat");
      const dot = await loggedInUser(app, db, "dot");
      await createPseud(db, cat.userId, "Moth", "");
      await createPseud(db, dot.userId, "Moth", "");
      await createPseud(db, userId, "Second Self", "");
      await writer.get("/works/new");
      const refused = async (names: string, pattern: RegExp) => {
        const res = await writer.post("/works", workForm(pseudId, { "work[title]": "Kept Title", "work[recipients]": names }));
        assert.equal(res.statusCode, 422, names);
        assertMatch(res.body, pattern, names);
        assertMatch(res.body, /name="work\[title\]"[^>]*value="Kept Title"/);
        assertMatch(res.body, /name="work\[recipients\]"[^>]*value="[^"]+"/);
      };
      await refused(login, /You can(&#39;|')t give a gift to yourself\./);
      await refused("Second Self", /You can(&#39;|')t give a gift to yourself\./);
      await refused("Moth", /Several users have a pseud called Moth: write it as Moth \(login\)\./);
      await refused("x".repeat(300), /A recipient(&#39;|')s name can be at most 255 characters/);
      await db.insertInto("blocks").values({ user_id: ben.userId, target_id: userId, created_at: nowIso() }).execute();
      await refused("ben", /ben has blocked you or another creator of this work, so you can(&#39;|')t give them a gift\./);
      assert.equal((await db.selectFrom("gifts").selectAll().execute()).length, 0);
      // The writer blocking ben does not stop the writer giving to ben (the rule protects the blocker).
      await db.deleteFrom("blocks").execute();
      await db.insertInto("blocks").values({ user_id: userId, target_id: ben.userId, created_at: nowIso() }).execute();
      const workId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[recipients]": "ben, Moth (dot)" })));
      assert.equal((await db.selectFrom("gifts").selectAll().where("work_id", "=", workId).execute()).length, 2);

      // Once cat is a co-creator, cat can't be a recipient, and a recipient who blocked cat can't either.
      await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "ben, Moth (dot)", "work[co_creators]": "cat" }));
      const invitation = await db.selectFrom("creator_invitations").select("id").executeTakeFirstOrThrow();
      await cat.client.post(`/users/cat/creatorships/${invitation.id}/accept`, {});
      await writer.get(`/works/${workId}/edit`);
      let res = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "ben, cat" }));
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /cat is a creator of this work/);
      await db.insertInto("blocks").values({ user_id: dot.userId, target_id: cat.userId, created_at: nowIso() }).execute();
      res = await writer.post(`/works/${workId}`, workForm(pseudId, { "work[recipients]": "ben, Moth (dot)" }));
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /Moth \(dot\) has blocked you or another creator of this work/);
    } finally {
      await app.close();
    }
  });
});

test("gifts through the JSON API: recipients on POST and PATCH, shown on the work; a blocked giver is refused by field", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId } = await appWithUser(db, url);
    try {
      const api = new ApiClient(app, (await createToken(db, userId, "api", "write")).token);
      const ben = await loggedInUser(app, db, "ben");
      const body = { title: "Sent", rating: "General Audiences", warnings: ["No Archive Warnings Apply"], fandoms: ["Original Work"], chapter: { content: "Words enough for a chapter." } };
      let res = await api.post("/works", { ...body, recipients: ["ben", "Aunt May"] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.recipients, ["ben", "Aunt May"]);
      const id = res.body.id as number;
      assert.deepEqual((await new ApiClient(app).get(`/works/${id}`)).body.recipients, ["ben", "Aunt May"]);
      res = await api.patch(`/works/${id}`, { title: "Sent Again" });
      assert.deepEqual(res.body.recipients, ["ben", "Aunt May"], "a PATCH without recipients leaves them");
      res = await api.patch(`/works/${id}`, { recipients: ["Aunt May"] });
      assert.deepEqual(res.body.recipients, ["Aunt May"]);
      await db.insertInto("blocks").values({ user_id: ben.userId, target_id: userId, created_at: nowIso() }).execute();
      res = await api.patch(`/works/${id}`, { recipients: ["ben"] });
      assert.equal(res.status, 422);
      assert.equal(res.body.errors[0].field, "recipients");
    } finally {
      await app.close();
    }
  });
});

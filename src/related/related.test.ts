import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser, redirectedId, workForm } from "../../test/support/app.js";
import { ApiClient } from "../../test/support/api.js";
import { eachDialect } from "../../test/support/db.js";
import { createToken } from "../api/commands.js";
import { nowIso, type Db } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import type { MailMessage } from "../platform/mail.js";
import { relatedJobSteps } from "./mail-job.js";

const PUBLIC_URL = "http://127.0.0.1:3000";

async function sendMail(db: Db): Promise<MailMessage[]> {
  const mail: MailMessage[] = [];
  await drainJobs(db, relatedJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, PUBLIC_URL));
  return mail;
}

const linksOf = async (db: Db, childId: number) => db.selectFrom("related_works").select(["parent_id", "url", "status", "translation"]).where("child_id", "=", childId).orderBy("id").execute();

test("related works: a child names its parent (by URL); the parent's creator is mailed, approves or hides the link; the child says \"Inspired by\", the parent lists approved, visible children", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ann = await loggedInUser(app, db, "ann");
      await ann.client.get("/works/new");
      const parentId = redirectedId(await ann.client.post("/works", workForm(ann.pseudId, { "work[title]": "The Lighthouse" })));
      const guest = new Client(app);

      await writer.get("/works/new");
      const childId = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "The Keeper's Daughter", "work[parent_url]": `${PUBLIC_URL}/works/${parentId}/chapters/1` })));
      assert.deepEqual(await linksOf(db, childId), [{ parent_id: parentId, url: "", status: "pending", translation: 0 }]);
      // The child says so at once, in AO3's markup; the parent lists nothing until approved.
      assertMatch(
        (await guest.get(`/works/${childId}`)).body,
        new RegExp(`<ul class="associations"><li class="parent">Inspired by <a href="/works/${parentId}">The Lighthouse</a> by <a rel="author" href="/users/ann/pseuds/ann">ann</a>\\.</li></ul>`),
      );
      assert.equal((await guest.get(`/works/${parentId}`)).body.includes('id="children"'), false);

      // Ann is told by mail, and answers on her related-works page.
      const mail = await sendMail(db);
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, "ann@example.com");
      assert.match(mail[0]!.text, new RegExp(`${login} posted "The Keeper's Daughter", inspired by your work "The Lighthouse"`));
      assert.match(mail[0]!.text, /http:\/\/127\.0\.0\.1:3000\/users\/ann\/related_works/);
      assert.equal((await sendMail(db)).length, 0, "told once");
      const link = await db.selectFrom("related_works").select("id").executeTakeFirstOrThrow();
      let page = await ann.client.get("/users/ann/related_works");
      assertMatch(page.body, /Waiting for your answer/);
      assertMatch(page.body, new RegExp(`action="/related_works/${link.id}/approve"`));
      // Only a creator of the parent answers.
      const ben = await loggedInUser(app, db, "ben");
      assert.equal((await ben.client.post(`/related_works/${link.id}/approve`, {})).statusCode, 404);
      assert.equal((await writer.post(`/related_works/${link.id}/approve`, {})).statusCode, 404, "not the child's creator either");
      assert.equal((await guest.post(`/related_works/${link.id}/approve`, {})).statusCode, 401);
      assert.equal((await ben.client.get("/users/ann/related_works")).statusCode, 403);
      assert.equal((await ann.client.post(`/related_works/${link.id}/approve`, {})).statusCode, 303);
      assertMatch((await ann.client.get("/users/ann/related_works")).body, /The link from The Keeper(&#39;|')s Daughter now shows on your work\./);
      assertMatch(
        (await guest.get(`/works/${parentId}`)).body,
        new RegExp(
          `<div id="children" class="children module"[^>]*><h3 class="heading" id="children-heading">Works inspired by this one:</h3><ul><li><a href="/works/${childId}">The Keeper(&#39;|')s Daughter</a> by <a rel="author" href="/users/${login}/pseuds/${login}">${login}</a></li></ul></div>`,
        ),
      );
      // A registered-only child shows only to the logged in; the parent's guests don't see it listed.
      await writer.get(`/works/${childId}/edit`);
      assert.equal((await writer.post(`/works/${childId}`, workForm(pseudId, { "work[title]": "The Keeper's Daughter", "work[restricted]": "1" }))).statusCode, 303);
      assert.equal((await guest.get(`/works/${parentId}`)).body.includes('id="children"'), false);
      assertMatch((await ben.client.get(`/works/${parentId}`)).body, /Works inspired by this one:/);
      // Kept on edit (the form lists it with a Remove box), approval and all.
      assertMatch((await writer.get(`/works/${childId}/edit`)).body, /Remove: Inspired by The Lighthouse/);
      assert.equal((await linksOf(db, childId))[0]!.status, "approved");
      // Hidden: gone from the parent's page, still on the child's.
      assert.equal((await ann.client.post(`/related_works/${link.id}/hide`, {})).statusCode, 303);
      assert.equal((await ben.client.get(`/works/${parentId}`)).body.includes('id="children"'), false);
      assertMatch((await ben.client.get(`/works/${childId}`)).body, /Inspired by <a href="\/works\/\d+">The Lighthouse<\/a>/);

      // A translation: "A translation of" on the child; once approved, the parent's notes offer it.
      const translation = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Le Phare", "work[language]": "fr", "work[parent_url]": String(parentId), "work[parent_translation]": "1" })));
      assertMatch((await guest.get(`/works/${translation}`)).body, /<li class="parent">A translation of <a href="\/works\/\d+">The Lighthouse<\/a>/);
      assert.match((await sendMail(db))[0]!.text, /a translation of your work "The Lighthouse"/);
      const translationLink = await db.selectFrom("related_works").select("id").where("child_id", "=", translation).executeTakeFirstOrThrow();
      await ann.client.post(`/related_works/${translationLink.id}/approve`, {});
      assertMatch((await guest.get(`/works/${parentId}`)).body, new RegExp(`<li class="translation">Translation into Français available: <a href="/works/${translation}">Le Phare</a> by `));

      // A draft's link: nobody told, not on ann's page, until it is posted.
      const draft = redirectedId(await writer.post("/works", workForm(pseudId, { "work[title]": "Drafted", "work[parent_url]": `/works/${parentId}`, commit: "Save As Draft" })));
      assert.equal((await sendMail(db)).length, 0);
      assert.equal((await ann.client.get("/users/ann/related_works")).body.includes("Drafted"), false);
      const draftLink = await db.selectFrom("related_works").select("id").where("child_id", "=", draft).executeTakeFirstOrThrow();
      assert.equal((await ann.client.post(`/related_works/${draftLink.id}/approve`, {})).statusCode, 404);
      await writer.post(`/works/${draft}/post`, {});
      assert.equal((await sendMail(db)).length, 1);
      assertMatch((await ann.client.get("/users/ann/related_works")).body, /Drafted/);

      // Removing the link from the edit form; deleting a parent drops its links.
      await writer.get(`/works/${childId}/edit`);
      assert.equal((await writer.post(`/works/${childId}`, workForm(pseudId, { "work[remove_parent_ids][]": [String(link.id)] }))).statusCode, 303);
      assert.deepEqual(await linksOf(db, childId), []);
      await ann.client.post(`/works/${parentId}/delete`, {});
      assert.equal((await db.selectFrom("related_works").selectAll().execute()).length, 0);
      assert.equal((await guest.get(`/works/${translation}`)).body.includes("associations"), false);
    } finally {
      await app.close();
    }
  });
});

test("related works: an outside work needs a title and an author; bad URLs, the work itself, unseen works and a blocking parent creator are refused with everything typed kept; one's own works link at once", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, pseudId, password, login } = await appWithUser(db, url);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      const ann = await loggedInUser(app, db, "ann");
      await ann.client.get("/works/new");
      const annsDraft = redirectedId(await ann.client.post("/works", workForm(ann.pseudId, { "work[title]": "Secret", commit: "Save As Draft" })));
      const annsWork = redirectedId(await ann.client.post("/works", workForm(ann.pseudId, { "work[title]": "Public" })));
      await writer.get("/works/new");
      const refused = async (fields: Record<string, string>, pattern: RegExp) => {
        const res = await writer.post("/works", workForm(pseudId, { "work[title]": "Kept Title", ...fields }));
        assert.equal(res.statusCode, 422, JSON.stringify(fields));
        assertMatch(res.body, pattern, JSON.stringify(fields));
        assertMatch(res.body, /name="work\[title\]"[^>]*value="Kept Title"/);
        for (const value of Object.values(fields)) assert.ok(res.body.includes(`value="${value}"`), `the form keeps ${value}`);
      };
      await refused({ "work[parent_url]": "ftp://example.org/x" }, /ftp:\/\/example\.org\/x is neither a work on this archive/);
      await refused({ "work[parent_url]": "a story I liked" }, /is neither a work on this archive/);
      await refused({ "work[parent_url]": `${PUBLIC_URL}/users/ann` }, /is neither a work on this archive/);
      await refused({ "work[parent_url]": "999999" }, /There is no work 999999 on this archive that you can see\./);
      await refused({ "work[parent_url]": String(annsDraft) }, new RegExp(`There is no work ${annsDraft} on this archive that you can see\\.`));
      await refused({ "work[parent_url]": "https://example.org/story" }, /Please give the title of the work on the other site\.[\s\S]*Please give the author/);
      await refused({ "work[parent_url]": "https://example.org/story", "work[parent_title]": "Elsewhere" }, /Please give the author of the work on the other site\./);
      await db.insertInto("blocks").values({ user_id: ann.userId, target_id: userId, created_at: nowIso() }).execute();
      await refused({ "work[parent_url]": String(annsWork) }, /A creator of that work has blocked you/);
      await db.deleteFrom("blocks").execute();
      assert.equal((await db.selectFrom("related_works").selectAll().execute()).length, 0);

      // An outside work: linked at once (nobody to ask), nofollow.
      const child = redirectedId(await writer.post("/works", workForm(pseudId, { "work[parent_url]": "https://example.org/story", "work[parent_title]": "Elsewhere", "work[parent_author]": "Someone <b>Else</b>" })));
      assertMatch((await app.inject({ url: `/works/${child}` })).body, /<li class="parent">Inspired by <a href="https:\/\/example\.org\/story" rel="nofollow">Elsewhere<\/a> by <span>Someone &lt;b>Else&lt;\/b><\/span>\.<\/li>/);
      assert.deepEqual(await linksOf(db, child), [{ parent_id: null, url: "https://example.org/story", status: "approved", translation: 0 }]);
      // Itself: refused on edit.
      await writer.get(`/works/${child}/edit`);
      const self = await writer.post(`/works/${child}`, workForm(pseudId, { "work[parent_url]": `/works/${child}` }));
      assert.equal(self.statusCode, 422);
      assertMatch(self.body, /A work can(&#39;|')t be inspired by itself\./);
      // One's own work: approved at once, nobody mailed.
      const sequel = redirectedId(await writer.post("/works", workForm(pseudId, { "work[parent_url]": `/works/${child}` })));
      assert.equal((await linksOf(db, sequel))[0]!.status, "approved");
      assert.equal((await sendMail(db)).length, 0);
      assertMatch((await app.inject({ url: `/works/${child}` })).body, /Works inspired by this one:/);
    } finally {
      await app.close();
    }
  });
});

test("related works through the JSON API: related_works on POST and PATCH, shown on the work, refused by field", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId } = await appWithUser(db, url);
    try {
      const api = new ApiClient(app, (await createToken(db, userId, "api", "write")).token);
      const ann = await loggedInUser(app, db, "ann");
      await ann.client.get("/works/new");
      const parentId = redirectedId(await ann.client.post("/works", workForm(ann.pseudId, { "work[title]": "Source" })));
      const body = { title: "Derived", rating: "General Audiences", warnings: ["No Archive Warnings Apply"], fandoms: ["Original Work"], chapter: { content: "Words enough for a chapter." } };
      let res = await api.post("/works", { ...body, related_works: [{ url: "nowhere" }] });
      assert.equal(res.status, 422);
      assert.equal(res.body.errors[0].field, "related_works");
      res = await api.post("/works", { ...body, related_works: [{ url: `/works/${parentId}`, translation: true }, { url: "https://example.org/x", title: "X", author: "Y" }] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.related_works, [
        { work_id: parentId, url: `${PUBLIC_URL}/works/${parentId}`, title: "Source", author: null, translation: true },
        { work_id: null, url: "https://example.org/x", title: "X", author: "Y", translation: false },
      ]);
      const id = res.body.id as number;
      res = await api.patch(`/works/${id}`, { related_works: [{ url: String(parentId) }] });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.related_works.map((r: { work_id: number | null; translation: boolean }) => [r.work_id, r.translation]),
        [[parentId, false]],
      );
      res = await api.patch(`/works/${id}`, { related_works: [] });
      assert.deepEqual(res.body.related_works, []);
    } finally {
      await app.close();
    }
  });
});

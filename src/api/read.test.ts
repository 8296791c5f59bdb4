import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../../test/support/api.js";
import { appWithUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { createBookmark } from "../responses/commands.js";
import { findTagByName } from "../model/tags.js";
import { runRefilterNow } from "../tags/refilter.js";
import { wrangle } from "../tags/wrangling.js";
import { createToken } from "./commands.js";

const titles = (body: { works: { title: string }[] }) => body.works.map((w) => w.title).sort();

test("API reads: works, listings with the sidebar's filters, search, chapters, tags, users, bookmarks; visibility everywhere", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, userId, pseudId } = await appWithUser(db, testDb.url);
    try {
      const wrangled = await wrangle(db, null, [
        { action: "create", name: "Harbour Fandom", type: "Fandom", canonical: true },
        { action: "create", name: "Harbor Fandom", type: "Fandom", canonical: false },
        { action: "synonym", tag: "Harbor Fandom", of: "Harbour Fandom" },
      ]);
      assert.ok(wrangled.ok);
      if (wrangled.jobId !== null) await runRefilterNow(db, wrangled.jobId);
      const open = await makeWork(db, pseudId, { title: "Open Harbour", fandoms: ["Harbour Fandom"] });
      const members = await makeWork(db, pseudId, { title: "Members Harbour", fandoms: ["Harbor Fandom"], restricted: true });
      const draft = await makeWork(db, pseudId, { title: "Draft Harbour", fandoms: ["Harbour Fandom"], draft: true });
      const elsewhere = await makeWork(db, pseudId, { title: "Elsewhere", fandoms: ["Other Fandom"], rating: "Mature" });
      const reader = await makeCreator(db, "reader");
      await createBookmark(db, reader.userId, open, { notes: "", tags: ["sea"], private: false, rec: false });
      const secret = await createBookmark(db, reader.userId, elsewhere, { notes: "<p>mine</p>", tags: [], private: true, rec: false });
      assert.ok(secret.created);
      await createBookmark(db, reader.userId, members, { notes: "", tags: [], private: false, rec: false });

      const guest = new ApiClient(app);
      const writer = new ApiClient(app, (await createToken(db, userId, "r", "read")).token);
      const readerApi = new ApiClient(app, (await createToken(db, reader.userId, "r", "read")).token);
      const harbourId = (await findTagByName(db, "Harbour Fandom"))!.id;

      // Listings: registered-only works need a token, drafts are never listed, counts included.
      const all = await guest.get("/works");
      assert.equal(all.status, 200);
      assert.equal(all.body.total, 2);
      assert.deepEqual(titles(all.body), ["Elsewhere", "Open Harbour"]);
      assert.equal(all.body.per_page, 20);
      assert.deepEqual(titles((await writer.get("/works")).body), ["Elsewhere", "Members Harbour", "Open Harbour"]);
      const work = all.body.works.find((w: { title: string }) => w.title === "Open Harbour");
      assert.equal(work.url, `http://127.0.0.1:3000/works/${open}`);
      assert.deepEqual(work.fandoms, ["Harbour Fandom"]);
      assert.equal(work.rating, "General Audiences");

      // The sidebar's parameters: tag ids with facets, tag names (a synonym filters as its canonical tag), ratings, sorting.
      const byFandom = await guest.get(`/works?include_work_search[fandom_ids][]=${harbourId}`);
      assert.deepEqual(titles(byFandom.body), ["Open Harbour"]);
      assert.deepEqual(byFandom.body.facets.Fandom, [{ id: harbourId, name: "Harbour Fandom", count: 1 }]);
      assert.deepEqual(titles((await writer.get(`/works?include_work_search[fandom_ids][]=${harbourId}`)).body), ["Members Harbour", "Open Harbour"]);
      assert.deepEqual(titles((await writer.get("/works?work_search[other_tag_names]=Harbor%20Fandom")).body), ["Members Harbour", "Open Harbour"]);
      assert.deepEqual(titles((await guest.get(`/works?exclude_work_search[fandom_ids][]=${harbourId}`)).body), ["Elsewhere"]);
      const sorted = await writer.get("/works?work_search[sort_column]=title_to_sort_on&work_search[sort_direction]=asc");
      assert.deepEqual(sorted.body.works.map((w: { title: string }) => w.title), ["Elsewhere", "Members Harbour", "Open Harbour"]);
      const noticed = await guest.get("/works?work_search[words_from]=lots");
      assert.equal(noticed.status, 200);
      assert.match(noticed.body.notices.join(" "), /not a whole number/);
      const badSort = await guest.get("/works?work_search[sort_column]=shoe_size");
      assert.equal(badSort.status, 400);
      assert.equal(badSort.body.errors[0].field, "work_search[sort_column]");
      const badId = await guest.get("/works?include_work_search[fandom_ids][]=x");
      assert.equal(badId.status, 400);
      assert.match(badId.body.errors[0].field, /^include_work_search\[fandom_ids\]\[\]/);
      const badQuery = await guest.get("/works?work_search[query]=%22unclosed");
      assert.equal(badQuery.status, 400);
      assert.equal(badQuery.body.errors[0].field, "work_search[query]");
      assert.equal((await guest.get("/works?page=0")).status, 400);
      assert.equal((await guest.get("/works?page=2")).body.works.length, 0);

      // Search: the query language; the same visibility.
      const found = await guest.get("/search?q=harbour");
      assert.equal(found.status, 200);
      assert.deepEqual(titles(found.body), ["Open Harbour"]);
      assert.deepEqual(titles((await writer.get("/search?q=harbour")).body), ["Members Harbour", "Open Harbour"]);
      const syntax = await guest.get("/search?q=%22unclosed");
      assert.equal(syntax.status, 400);
      assert.equal(syntax.body.errors[0].field, "q");
      assert.equal((await guest.get("/search")).body.errors[0].field, "q");

      // One work: 401 for a guest on a registered-only one, 404 for a draft not one's own.
      const locked = await guest.get(`/works/${members}`);
      assert.equal(locked.status, 401);
      assert.equal(locked.body.code, "RESTRICTED_WORK");
      assert.match(String(locked.headers["www-authenticate"]), /^Bearer /);
      assert.equal((await readerApi.get(`/works/${members}`)).status, 200);
      assert.equal((await readerApi.get(`/works/${draft}`)).status, 404);
      assert.equal((await guest.get(`/works/${draft}`)).body.code, "WORK_NOT_FOUND");
      const ownDraft = await writer.get(`/works/${draft}`);
      assert.equal(ownDraft.status, 200);
      assert.equal(ownDraft.body.draft, true);
      assert.equal((await guest.get("/works/999999")).status, 404);

      // Chapters with their text.
      const chapters = await guest.get(`/works/${open}/chapters`);
      assert.equal(chapters.status, 200);
      assert.equal(chapters.body.chapters.length, 1);
      const chapter = chapters.body.chapters[0];
      assert.equal(chapter.content, "<p>Some words for the factory.</p>");
      assert.equal((await guest.get(`/works/${open}/chapters/${chapter.id}`)).body.content, "<p>Some words for the factory.</p>");
      assert.equal((await guest.get(`/works/${elsewhere}/chapters/${chapter.id}`)).status, 404, "a chapter of another work");
      assert.equal((await guest.get(`/works/${members}/chapters`)).status, 401);
      assert.equal((await readerApi.get(`/works/${draft}/chapters`)).status, 404);

      // A tag and its graph; its count is what the viewer may see.
      const tag = await guest.get("/tags/Harbour%20Fandom");
      assert.equal(tag.status, 200);
      assert.equal(tag.body.canonical, true);
      assert.deepEqual(tag.body.synonyms.items.map((s: { name: string }) => s.name), ["Harbor Fandom"]);
      assert.equal(tag.body.works_count, 1);
      assert.equal((await writer.get("/tags/Harbour%20Fandom")).body.works_count, 2);
      const synonym = await guest.get("/tags/harbor%20fandom");
      assert.equal(synonym.body.merger.name, "Harbour Fandom");
      assert.equal((await guest.get("/tags/No%20Such%20Tag")).status, 404);

      // Users and their works.
      const user = await guest.get("/users/writer");
      assert.equal(user.status, 200);
      assert.deepEqual(user.body.pseuds.map((p: { name: string; default: boolean }) => [p.name, p.default]), [["writer", true]]);
      assert.ok(!("email" in user.body));
      assert.equal((await guest.get("/users/nobody")).status, 404);
      assert.equal((await guest.get("/users/writer/works")).body.total, 2);
      assert.equal((await writer.get("/users/writer/works")).body.total, 3);
      assert.equal((await guest.get("/users/reader/works")).body.total, 0);
      assert.equal((await guest.get("/users/nobody/works")).status, 404);

      // Bookmarks: private ones to their owner only; of registered-only works only with a token.
      const guestSees = await guest.get("/users/reader/bookmarks");
      assert.equal(guestSees.status, 200);
      assert.deepEqual(guestSees.body.bookmarks.map((b: { work_id: number }) => b.work_id), [open]);
      assert.equal(guestSees.body.total, 1);
      assert.equal((await writer.get("/users/reader/bookmarks")).body.total, 2);
      assert.equal((await readerApi.get("/users/reader/bookmarks")).body.total, 3);
      assert.equal((await guest.get("/users/nobody/bookmarks")).status, 404);
      const ofWork = await guest.get(`/works/${open}/bookmarks`);
      assert.equal(ofWork.body.total, 1);
      assert.deepEqual(ofWork.body.bookmarks[0].tags, ["sea"]);
      assert.equal(ofWork.body.bookmarks[0].owner, "reader");
      assert.equal((await guest.get(`/works/${members}/bookmarks`)).status, 401);
      assert.equal((await writer.get(`/works/${draft}/bookmarks`)).status, 404);
      const secretId = secret.created ? secret.id : 0;
      assert.equal((await guest.get(`/bookmarks/${secretId}`)).status, 404);
      assert.equal((await writer.get(`/bookmarks/${secretId}`)).status, 404);
      assert.equal((await readerApi.get(`/bookmarks/${secretId}`)).body.notes, "<p>mine</p>");
      assert.equal((await guest.get(`/bookmarks/${ofWork.body.bookmarks[0].id}`)).status, 200);

      // Who am I: a token only.
      const anonymous = await guest.get("/me");
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, "TOKEN_REQUIRED");
      assert.equal((await readerApi.get("/me")).body.login, "reader");
    } finally {
      await app.close();
    }
  });
});

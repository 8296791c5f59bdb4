import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { postBook } from "../../test/support/downloads.js";
import { parseAtom } from "../../test/support/feeds.js";
import { wrangle } from "../tags/wrangling.js";

const TRICKY = `Fish & <Chips> "quoted"`;
const BASE = "http://127.0.0.1:3000";

test("Atom feeds: listings, search, tag, user, chapters; escaping; visibility; auth", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, pseudId, login, password } = await appWithUser(testDb.db, testDb.url, "writer");
    try {
      const chapter = { content: "<p>The harbour lamps were lit.</p>" };
      const publicId = await postBook(testDb.db, pseudId, {
        title: TRICKY,
        summary: "A <em>summary</em> & more",
        fandoms: "Feed Fandom",
        chapters: [{ title: "Start & <go>", content: "Harbourmaster words." }, chapter],
      });
      const lockedId = await postBook(testDb.db, pseudId, { title: "Members Harbour", fandoms: "Feed Fandom", restricted: true, chapters: [chapter] });
      const draftId = await postBook(testDb.db, pseudId, { title: "Draft Harbour", fandoms: "Feed Fandom", draft: true, chapters: [chapter] });
      const guest = new Client(app);

      // The works listing with the sidebar's parameters.
      const res = await guest.get("/works/feed.atom?work_search%5Bsort_column%5D=title_to_sort_on");
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^application\/atom\+xml/);
      const { meta, items } = await parseAtom(res.body);
      assert.equal(meta.title, "Fanfold: works");
      assert.equal(items.length, 1, "a guest sees only the public work");
      const [entry] = items;
      assert.equal(entry!.title, TRICKY, "the title comes back exactly after escaping");
      assert.equal(entry!.guid, `${BASE}/works/${publicId}`);
      assert.equal(entry!.link, `${BASE}/works/${publicId}`);
      assert.equal(entry!.author, "writer");
      assert.ok(entry!.date instanceof Date && !Number.isNaN(entry!.date.getTime()));
      assert.match(entry!.summary, /<em>summary<\/em> &amp; more/);
      assert.match(entry!.summary, /Chapters: 2\/2/);
      assert.ok(entry!.categories.includes("Feed Fandom"));
      assert.ok(!res.body.includes("Draft Harbour") && !res.body.includes("Members Harbour"));
      assert.match(res.body, /<link rel="self" href="http:\/\/127\.0\.0\.1:3000\/works\/feed\.atom\?work_search%5Bsort_column%5D=title_to_sort_on"/);

      // Filters apply as on the page: completion "in progress" lists nothing here.
      const filtered = await parseAtom((await guest.get("/works/feed.atom?work_search%5Bcomplete%5D=F")).body);
      assert.equal(filtered.items.length, 0);

      // A tag's feed (unwrangled: its own works), a user's, a search's.
      const tag = await guest.get("/tags/Feed%20Fandom/feed.atom");
      assert.equal(tag.statusCode, 200);
      const tagFeed = await parseAtom(tag.body);
      assert.equal(tagFeed.meta.title, "Fanfold: works tagged 'Feed Fandom'");
      assert.deepEqual(tagFeed.items.map((i) => i.guid), [`${BASE}/works/${publicId}`]);
      assert.equal((await guest.get("/tags/No%20Such%20Tag/feed.atom")).statusCode, 404);
      const user = await parseAtom((await guest.get(`/users/${login}/works/feed.atom`)).body);
      assert.deepEqual(user.items.map((i) => i.title), [TRICKY]);
      assert.equal(user.meta.title, `Fanfold: works by ${login}`);
      const search = await guest.get("/works/search/feed.atom?work_search%5Bquery%5D=harbour");
      assert.equal(search.statusCode, 200);
      assert.deepEqual((await parseAtom(search.body)).items.map((i) => i.guid), [`${BASE}/works/${publicId}`]);

      // A canonical tag's feed holds its synonyms' works; a synonym's feed moves to the canonical's.
      const wrangled = await wrangle(testDb.db, null, [
        { action: "create", name: "Canon Sea", type: "Fandom", canonical: true },
        { action: "create", name: "Sea Synonym", type: "Fandom", canonical: false },
        { action: "synonym", tag: "Sea Synonym", of: "Canon Sea" },
      ]);
      assert.ok(wrangled.ok);
      const seaId = await postBook(testDb.db, pseudId, { title: "Sea & Sky", fandoms: "Sea Synonym", chapters: [chapter] });
      const canon = await parseAtom((await guest.get("/tags/Canon%20Sea/feed.atom")).body);
      assert.deepEqual(canon.items.map((i) => i.guid), [`${BASE}/works/${seaId}`]);
      const moved = await guest.get("/tags/Sea%20Synonym/feed.atom");
      assert.equal(moved.statusCode, 301);
      assert.equal(moved.headers.location, "/tags/Canon%20Sea/feed.atom");

      assert.equal((await guest.get("/works/search/feed.atom")).statusCode, 400);
      assert.equal((await guest.get("/works/search/feed.atom?work_search%5Bquery%5D=%22unclosed")).statusCode, 400);

      // A work's chapters, newest first; a draft's and (for guests) a registered-only work's feeds are not found.
      const chapters = await parseAtom((await guest.get(`/works/${publicId}/chapters/feed.atom`)).body);
      assert.deepEqual(chapters.items.map((i) => i.title), ["Chapter 2", "Chapter 1: Start & <go>"]);
      assert.equal(chapters.items[0]!.author, "writer");
      assert.equal((await guest.get(`/works/${draftId}/chapters/feed.atom`)).statusCode, 404);
      assert.equal((await guest.get(`/works/${lockedId}/chapters/feed.atom`)).statusCode, 404);

      // Each page links its feed in the head, and the link works.
      for (const [page, feed] of [
        ["/works?work_search%5Bcomplete%5D=T&page=1", "/works/feed.atom?work_search%5Bcomplete%5D=T"],
        ["/works/search?work_search%5Bquery%5D=harbour", "/works/search/feed.atom?work_search%5Bquery%5D=harbour"],
        ["/tags/Feed%20Fandom/works", "/tags/Feed%20Fandom/feed.atom"],
        [`/users/${login}/works`, `/users/${login}/works/feed.atom`],
        [`/works/${publicId}`, `/works/${publicId}/chapters/feed.atom`],
      ]) {
        const html = (await guest.get(page!)).body;
        const linked = /<link rel="alternate" type="application\/atom\+xml" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
        assert.equal(linked, feed, page);
        const res = await guest.get(linked!);
        assert.equal(res.statusCode, 200, linked);
        await parseAtom(res.body);
      }
      assert.doesNotMatch((await guest.get("/works/new")).body, /application\/atom\+xml/);

      // With Basic credentials (or a session) registered-only works appear; drafts never.
      const basic = `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;
      const authed = await app.inject({ method: "GET", url: "/works/feed.atom", headers: { authorization: basic } });
      const authedTitles = (await parseAtom(authed.body)).items.map((i) => i.title).sort();
      assert.deepEqual(authedTitles, [TRICKY, "Members Harbour", "Sea & Sky"].sort());
      const reader = new Client(app);
      await reader.logIn(login, password);
      assert.equal((await parseAtom((await reader.get(`/tags/Feed%20Fandom/feed.atom`)).body)).items.length, 2);
      assert.equal((await reader.get(`/works/${lockedId}/chapters/feed.atom`)).statusCode, 200);
      const wrong = await app.inject({ method: "GET", url: "/works/feed.atom", headers: { authorization: `Basic ${Buffer.from(`${login}:nope`).toString("base64")}` } });
      assert.equal(wrong.statusCode, 401);
      assert.match(String(wrong.headers["www-authenticate"]), /^Basic realm=/);
    } finally {
      await app.close();
    }
  });
});

test("Atom feeds: a series' feed holds the works this viewer may see, latest part first; the series page links it", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, pseudId, login, password } = await appWithUser(testDb.db, testDb.url, "writer");
    try {
      const { addWorkToSeries, createSeries } = await import("../series/commands.js");
      const chapter = { content: "<p>Words of the series.</p>" };
      const first = await postBook(testDb.db, pseudId, { title: TRICKY, fandoms: "Feed Fandom", chapters: [chapter] });
      const locked = await postBook(testDb.db, pseudId, { title: "Members Part", fandoms: "Feed Fandom", restricted: true, chapters: [chapter] });
      const draft = await postBook(testDb.db, pseudId, { title: "Draft Part", fandoms: "Feed Fandom", draft: true, chapters: [chapter] });
      const last = await postBook(testDb.db, pseudId, { title: "Last Part", fandoms: "Feed Fandom", chapters: [chapter] });
      const seriesId = await testDb.db.transaction().execute(async (trx) => {
        const id = await createSeries(trx, [pseudId], "Series & <Sea>");
        for (const w of [first, locked, draft, last]) await addWorkToSeries(trx, id, w, null);
        return id;
      });
      const guest = new Client(app);
      const page = (await guest.get(`/series/${seriesId}`)).body;
      const linked = /<link rel="alternate" type="application\/atom\+xml" href="([^"]+)"/.exec(page)?.[1];
      assert.equal(linked, `/series/${seriesId}/feed.atom`);
      const res = await guest.get(linked!);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^application\/atom\+xml/);
      const feed = await parseAtom(res.body);
      assert.equal(feed.meta.title, "Fanfold: Series & <Sea>");
      assert.deepEqual(feed.items.map((i) => i.guid), [`${BASE}/works/${last}`, `${BASE}/works/${first}`]);
      assert.equal(feed.items[1]!.title, TRICKY);
      assert.ok(!res.body.includes("Members Part") && !res.body.includes("Draft Part"));
      // Logged in (or with Basic credentials): the registered-only part too; the draft never.
      const reader = new Client(app);
      await reader.logIn(login, password);
      assert.deepEqual((await parseAtom((await reader.get(linked!)).body)).items.map((i) => i.title), ["Last Part", "Members Part", TRICKY]);
      const basic = `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;
      const authed = await app.inject({ method: "GET", url: linked!, headers: { authorization: basic } });
      assert.equal((await parseAtom(authed.body)).items.length, 3);
      assert.equal((await guest.get("/series/999999/feed.atom")).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

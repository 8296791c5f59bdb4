import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { postBook } from "../../test/support/downloads.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { createToken, revokeToken } from "../api/commands.js";
import { buildApp } from "../app.js";
import { setMarkedForLater } from "../responses/history.js";
import { createBookmark } from "../responses/commands.js";
import { wrangle } from "../tags/wrangling.js";
import { parseAtom } from "../../test/support/feeds.js";

const BASE = "http://127.0.0.1:3000";
const NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation";
const ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition";
const ACQUIRE = "http://opds-spec.org/acquisition";

interface Link {
  rel: string;
  href: string;
  type?: string;
  title?: string;
  "opds:facetGroup"?: string;
  "opds:activeFacet"?: string;
  "thr:count"?: string;
}
interface Entry {
  id: string;
  title: string;
  link: Link[];
}
interface Feed {
  id: string;
  title: string;
  link: Link[];
  entry?: Entry[];
  "opensearch:totalResults"?: number;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "entry" || name === "link" || name === "Url" });

/** A catalog client: checks each answer's media type, that it is well-formed, that a feed parser reads it; follows links. */
class OpdsClient {
  constructor(
    readonly client: Client,
    readonly authorization?: string,
  ) {}

  async fetch(href: string): Promise<LightMyRequestResponse> {
    assert.ok(href.startsWith(BASE), `absolute link on this archive: ${href}`);
    const headers: Record<string, string> = { cookie: "" };
    if (this.authorization) headers.authorization = this.authorization;
    return this.client.app.inject({ method: "GET", url: href.slice(BASE.length), headers });
  }

  async feed(href: string, type: string): Promise<Feed> {
    const res = await this.fetch(href);
    assert.equal(res.statusCode, 200, `${href}: ${res.body.slice(0, 200)}`);
    assert.equal(res.headers["content-type"], type, href);
    assert.equal(XMLValidator.validate(res.body), true);
    await parseAtom(res.body);
    return xml.parse(res.body).feed as Feed;
  }
}

const link = (links: Link[], rel: string, type?: string) => links.find((l) => l.rel === rel && (!type || l.type === type));

test("OPDS catalog: from /opds to an EPUB, search, facets, pagination, Basic auth", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-opds-"));
    const app = await buildApp(testConfig(testDb.url, { dataDir }), testDb.db);
    try {
      const wrangled = await wrangle(testDb.db, null, [{ action: "create", name: "Harbour Fandom", type: "Fandom", canonical: true }]);
      assert.ok(wrangled.ok);
      const { pseudId, userId: keeperId } = await makeCreator(testDb.db, "keeper");
      const basic = `Basic ${Buffer.from("keeper:factory password").toString("base64")}`;
      const openId = await postBook(testDb.db, pseudId, { title: "Lamp & <Light>", fandoms: "Harbour Fandom", chapters: [{ content: "The harbour lamp turned all night." }] });
      const lockedId = await postBook(testDb.db, pseudId, { title: "Members Harbour", fandoms: "Harbour Fandom", restricted: true, chapters: [{ content: "Only for members." }] });
      await postBook(testDb.db, pseudId, { title: "Draft Harbour", fandoms: "Harbour Fandom", draft: true, chapters: [{ content: "Not yet written." }] });
      for (let i = 0; i < 20; i++) await makeWork(testDb.db, pseudId, { title: `Filler ${i}`, fandoms: ["Other Fandom"] });

      const guest = new OpdsClient(new Client(app));
      const root = await guest.feed(`${BASE}/opds`, NAVIGATION);
      assert.equal(link(root.link, "start")?.type, NAVIGATION);
      assert.equal(link(root.link, "self")?.href, `${BASE}/opds`);
      assert.ok(!root.entry!.some((e) => ["My works", "My bookmarks", "Marked for Later"].includes(e.title)), "no shelf for a guest");

      // OpenSearch: the description names an acquisition-feed template.
      const searchLink = link(root.link, "search", "application/opensearchdescription+xml")!;
      const description = await guest.fetch(searchLink.href);
      assert.match(String(description.headers["content-type"]), /^application\/opensearchdescription\+xml/);
      assert.equal(XMLValidator.validate(description.body), true);
      const urls = xml.parse(description.body).OpenSearchDescription.Url as { type: string; template: string }[];
      const template = urls.find((u) => u.type === ACQUISITION)!.template;
      assert.match(template, /\{searchTerms\}/);
      const found = await guest.feed(template.replace("{searchTerms}", "harbour").replace("{startPage?}", "1"), ACQUISITION);
      assert.deepEqual(found.entry?.map((e) => e.title), ["Lamp & <Light>"]);

      // Navigation by fandom: the canonical fandom, its count, to its acquisition feed.
      const fandomsLink = root.entry!.find((e) => e.title === "Fandoms")!.link[0]!;
      assert.equal(fandomsLink.rel, "subsection");
      const fandoms = await guest.feed(fandomsLink.href, fandomsLink.type!);
      const harbour = fandoms.entry!.find((e) => e.title === "Harbour Fandom")!;
      assert.equal(harbour.link[0]!.type, ACQUISITION);
      assert.equal(harbour.link[0]!["thr:count"], "1", "a guest's count leaves out the registered-only work and the draft");
      const inFandom = await guest.feed(harbour.link[0]!.href, ACQUISITION);
      assert.deepEqual(inFandom.entry!.map((e) => e.title), ["Lamp & <Light>"]);

      // Newest: paged (22 works a guest sees, 20 a page), with next/previous.
      const newestLink = root.entry!.map((e) => link(e.link, "http://opds-spec.org/sort/new")).find(Boolean)!;
      assert.equal(newestLink.type, ACQUISITION);
      const newest = await guest.feed(newestLink.href, ACQUISITION);
      assert.equal(newest.entry!.length, 20);
      assert.equal(Number(newest["opensearch:totalResults"]), 21);
      assert.ok(!link(newest.link, "previous"));
      const second = await guest.feed(link(newest.link, "next", ACQUISITION)!.href, ACQUISITION);
      assert.equal(second.entry!.length, 1);
      assert.ok(link(second.link, "previous", ACQUISITION));
      assert.ok(!link(second.link, "next"));
      assert.ok(!JSON.stringify([newest, second]).includes("Members Harbour"));

      // Facets, in their groups; following one filters the feed.
      const facets = newest.link.filter((l) => l.rel === "http://opds-spec.org/facet");
      assert.deepEqual([...new Set(facets.map((f) => f["opds:facetGroup"]))], ["Completion", "Rating", "Language"]);
      assert.equal(facets.find((f) => f.title === "All works")?.["opds:activeFacet"], "true");
      assert.ok(facets.every((f) => f.type === ACQUISITION));
      const wip = await guest.feed(facets.find((f) => f.title === "Works in progress only")!.href, ACQUISITION);
      assert.equal(wip.entry, undefined, "every work here is complete");
      const rating = facets.find((f) => f["opds:facetGroup"] === "Rating")!;
      assert.equal(rating.title, "General Audiences");
      assert.equal(rating["thr:count"], "21");
      const english = facets.find((f) => f["opds:facetGroup"] === "Language" && f.title === "English")!;
      assert.equal(Number((await guest.feed(english.href, ACQUISITION))["opensearch:totalResults"]), 21);

      // An entry's acquisition links: EPUB and PDF, with their media types; the EPUB downloads.
      const entry = inFandom.entry![0]!;
      assert.equal(entry.id, `${BASE}/works/${openId}`);
      const acquisitions = entry.link.filter((l) => l.rel === ACQUIRE);
      assert.deepEqual(acquisitions.map((l) => l.type).sort(), ["application/epub+zip", "application/pdf"]);
      const epub = await guest.fetch(acquisitions.find((l) => l.type === "application/epub+zip")!.href);
      assert.equal(epub.statusCode, 200);
      assert.equal(epub.headers["content-type"], "application/epub+zip");
      assert.equal(epub.rawPayload.subarray(0, 2).toString(), "PK");

      // Basic auth: a shelf of the user's works, registered-only works listed and downloadable; drafts never.
      const reader = new OpdsClient(new Client(app), basic);
      const readerRoot = await reader.feed(`${BASE}/opds`, NAVIGATION);
      const shelf = readerRoot.entry!.find((e) => e.title === "My works")!.link[0]!;
      assert.equal(shelf.rel, "http://opds-spec.org/shelf");
      const mine = await reader.feed(shelf.href, ACQUISITION);
      assert.equal(Number(mine["opensearch:totalResults"]), 22);
      const readerFandom = await reader.feed(harbour.link[0]!.href, ACQUISITION);
      const locked = readerFandom.entry!.find((e) => e.title === "Members Harbour")!;
      assert.equal(locked.id, `${BASE}/works/${lockedId}`);
      assert.ok(!readerFandom.entry!.some((e) => e.title === "Draft Harbour"));
      const lockedEpub = locked.link.find((l) => l.rel === ACQUIRE && l.type === "application/epub+zip")!.href;
      assert.equal((await reader.fetch(lockedEpub)).statusCode, 200);
      const refused = await guest.fetch(lockedEpub);
      assert.equal(refused.statusCode, 401, "a guest may not download it");
      assert.match(String(refused.headers["www-authenticate"]), /^Basic realm="/, "and is asked for credentials");

      // The reader's bookmarks (a private one too) and Marked for Later: shelves reached from the root
      // with credentials, each an acquisition feed whose entries download.
      const fillerId = Number((await testDb.db.selectFrom("works").select("id").where("title", "=", "Filler 3").executeTakeFirstOrThrow()).id);
      await createBookmark(testDb.db, keeperId, openId, { notes: "", tags: [], private: false, rec: true });
      await createBookmark(testDb.db, keeperId, lockedId, { notes: "", tags: [], private: true, rec: false });
      for (const id of [fillerId, lockedId]) {
        const work = await testDb.db.selectFrom("works").select(["id", "revised_at"]).where("id", "=", id).executeTakeFirstOrThrow();
        await setMarkedForLater(testDb.db, keeperId, work, true);
      }
      const shelves = Object.fromEntries(readerRoot.entry!.filter((e) => e.title === "My bookmarks" || e.title === "Marked for Later").map((e) => [e.title, e.link[0]!]));
      assert.deepEqual(Object.keys(shelves).sort(), ["Marked for Later", "My bookmarks"]);
      for (const shelfLink of Object.values(shelves)) {
        assert.equal(shelfLink.rel, "http://opds-spec.org/shelf");
        assert.equal(shelfLink.type, ACQUISITION);
      }
      const bookmarked = await reader.feed(shelves["My bookmarks"]!.href, ACQUISITION);
      assert.deepEqual(bookmarked.entry!.map((e) => e.title), ["Members Harbour", "Lamp & <Light>"]);
      assert.equal(Number(bookmarked["opensearch:totalResults"]), 2);
      assert.ok(bookmarked.entry!.every((e) => e.link.some((l) => l.rel === ACQUIRE && l.type === "application/epub+zip")));
      const later = await reader.feed(shelves["Marked for Later"]!.href, ACQUISITION);
      assert.deepEqual(later.entry!.map((e) => e.title).sort(), ["Filler 3", "Members Harbour"]);
      const laterEpub = later.entry!.find((e) => e.title === "Filler 3")!.link.find((l) => l.rel === ACQUIRE && l.type === "application/epub+zip")!.href;
      assert.equal((await reader.fetch(laterEpub)).statusCode, 200);
      // A guest is refused both shelves with a Basic challenge, and learns nothing of them.
      for (const shelfLink of Object.values(shelves)) {
        const res = await guest.fetch(shelfLink.href);
        assert.equal(res.statusCode, 401);
        assert.match(String(res.headers["www-authenticate"]), /^Basic realm="/);
        assert.doesNotMatch(res.body, /Harbour|Filler/);
      }
      // A personal access token (either scope) reads as its user: as Bearer, or as the Basic password.
      const { token } = await createToken(testDb.db, keeperId, "e-reader", "read");
      for (const authorization of [`Bearer ${token}`, `Basic ${Buffer.from(`keeper:${token}`).toString("base64")}`]) {
        const withToken = new OpdsClient(new Client(app), authorization);
        const seen = await withToken.feed(harbour.link[0]!.href, ACQUISITION);
        assert.deepEqual(seen.entry!.map((e) => e.title).sort(), ["Lamp & <Light>", "Members Harbour"], authorization.slice(0, 6));
        assert.equal((await withToken.fetch(lockedEpub)).statusCode, 200);
      }
      assert.equal((await new OpdsClient(new Client(app), `Basic ${Buffer.from(`someone:${token}`).toString("base64")}`).fetch(`${BASE}/opds`)).statusCode, 401, "a token with another user's login");
      await revokeToken(testDb.db, keeperId, (await testDb.db.selectFrom("api_tokens").select("id").executeTakeFirstOrThrow()).id);
      assert.equal((await new OpdsClient(new Client(app), `Bearer ${token}`).fetch(lockedEpub)).statusCode, 401, "a revoked token");

      // Wrong credentials: 401 with a Basic challenge, on feeds and downloads alike.
      const wrong = new OpdsClient(new Client(app), `Basic ${Buffer.from("keeper:wrong").toString("base64")}`);
      for (const href of [`${BASE}/opds`, lockedEpub]) {
        const res = await wrong.fetch(href);
        assert.equal(res.statusCode, 401);
        assert.match(String(res.headers["www-authenticate"]), /^Basic realm="/);
      }
      assert.equal((await new OpdsClient(new Client(app), "Bearer xyz").fetch(`${BASE}/opds`)).statusCode, 401);
      // Guessing is limited as on the log-in form: after 5 wrong tries in 20 s, 429 even for the right password.
      // (the other-login and revoked tokens above were two wrong tries)
      const limited = await reader.fetch(`${BASE}/opds`);
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.headers["retry-after"], "20");
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test("OPDS catalog: navigation by series, from /opds to a series' works in order and an EPUB; hidden works neither listed nor counted", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-opds-series-"));
    const app = await buildApp(testConfig(testDb.url, { dataDir }), testDb.db);
    try {
      const { addWorkToSeries, createSeries } = await import("../series/commands.js");
      const { pseudId } = await makeCreator(testDb.db, "keeper");
      const basic = `Basic ${Buffer.from("keeper:factory password").toString("base64")}`;
      const second = await makeWork(testDb.db, pseudId, { title: "Second & <Part>" });
      const first = await makeWork(testDb.db, pseudId, { title: "First Part" });
      const locked = await makeWork(testDb.db, pseudId, { title: "Members Part", restricted: true });
      const draft = await makeWork(testDb.db, pseudId, { title: "Draft Part", draft: true });
      await testDb.db.transaction().execute(async (trx) => {
        const saga = await createSeries(trx, [pseudId], "Harbour Saga");
        for (const w of [first, locked, second, draft]) await addWorkToSeries(trx, saga, w, null);
        const hidden = await createSeries(trx, [pseudId], "Hidden Saga");
        await addWorkToSeries(trx, hidden, draft, null);
        const membersOnly = await createSeries(trx, [pseudId], "Members Saga");
        await addWorkToSeries(trx, membersOnly, locked, null);
      });

      const guest = new OpdsClient(new Client(app));
      const root = await guest.feed(`${BASE}/opds`, NAVIGATION);
      const seriesLink = root.entry!.find((e) => e.title === "Series")!.link[0]!;
      assert.equal(seriesLink.rel, "subsection");
      const list = await guest.feed(seriesLink.href, seriesLink.type!);
      assert.equal(link(list.link, "up")?.href, `${BASE}/opds`);
      assert.deepEqual(list.entry!.map((e) => e.title), ["Harbour Saga"], "a guest sees no series whose works it may not see");
      const saga = list.entry![0]!.link[0]!;
      assert.equal(saga.type, ACQUISITION);
      assert.equal(saga["thr:count"], "2");
      const works = await guest.feed(saga.href, ACQUISITION);
      assert.deepEqual(works.entry!.map((e) => e.title), ["First Part", "Second & <Part>"], "in series order");
      assert.equal(Number(works["opensearch:totalResults"]), 2);
      assert.equal(link(works.link, "up")?.href, `${BASE}/opds/series`);
      const epub = works.entry![1]!.link.find((l) => l.rel === ACQUIRE && l.type === "application/epub+zip")!;
      const file = await guest.fetch(epub.href);
      assert.equal(file.statusCode, 200);
      assert.equal(file.rawPayload.subarray(0, 2).toString(), "PK");

      // With credentials: the registered-only work and its series; drafts never.
      const reader = new OpdsClient(new Client(app), basic);
      const readerList = await reader.feed(seriesLink.href, NAVIGATION);
      assert.deepEqual(readerList.entry!.map((e) => e.title).sort(), ["Harbour Saga", "Members Saga"]);
      const readerSaga = readerList.entry!.find((e) => e.title === "Harbour Saga")!.link[0]!;
      assert.equal(readerSaga["thr:count"], "3");
      assert.deepEqual((await reader.feed(readerSaga.href, ACQUISITION)).entry!.map((e) => e.title), ["First Part", "Members Part", "Second & <Part>"]);
      assert.equal((await guest.fetch(`${BASE}/opds/series/999999`)).statusCode, 404);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

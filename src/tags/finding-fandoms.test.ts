import assert from "node:assert/strict";
import { test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { XMLParser } from "fast-xml-parser";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { createBookmark } from "../responses/commands.js";
import { Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { runRefilterNow } from "./refilter.js";
import { type WranglingOp, wrangle } from "./wrangling.js";

/** Applies operations (as the command line would) and runs the re-filter they queue. */
async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  if (!result.ok) assert.fail(`refused: ${result.message}`);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

/** The main content as text: tags dropped, entities decoded, spaces collapsed. */
function mainText(html: string): string {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html;
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** The fandom links of a page, in order, as "Name (N works)". */
function fandomLines(html: string): string[] {
  return [...html.matchAll(/<a class="tag[^"]*" href="\/tags\/[^"]+\/works">([^<]+)<\/a> <span class="count">\(([^)]+)\)<\/span>/g)].map(
    (m) => `${mainText(m[1]!)} (${m[2]})`,
  );
}

/** One medium's block on /media, from its heading to the next. */
function mediumBlock(html: string, medium: string): string {
  const escaped = medium.replace(/&/g, "&amp;");
  const start = html.indexOf(`>${escaped}</a></h3>`);
  assert.ok(start > 0, `${medium} is listed`);
  const end = html.indexOf('<li class="medium', start);
  return html.slice(start, end < 0 ? undefined : end);
}

const ok = (res: LightMyRequestResponse, label: string) => {
  assert.equal(res.statusCode, 200, `${label}: ${res.body.slice(0, 300)}`);
  return res.body;
};

/**
 * An archive with fandoms in every state: canonical in a medium (with a synonym and a metatag),
 * canonical without a medium, un-wrangled (typed by a writer), one only on a draft, one only on
 * a registered-only work.
 */
async function archive(db: Db, url: string) {
  const app = await buildApp(testConfig(url), db);
  const { pseudId } = await makeCreator(db, "writer");
  await apply(
    db,
    { action: "create", name: "The Harbour", type: "Fandom", canonical: true },
    { action: "create", name: "Anchors", type: "Fandom", canonical: true },
    { action: "create", name: "Lonely Canon", type: "Fandom", canonical: true },
    { action: "parent", tag: "The Harbour", parent: "TV Shows" },
    { action: "parent", tag: "Anchors", parent: "TV Shows" },
    { action: "parent", tag: "Anchors", parent: "Books & Literature" },
    { action: "parent", tag: "Lonely Canon", parent: "Uncategorized Fandoms" },
    { action: "create", name: "Mira", type: "Character", canonical: true },
  );
  // Works: three in The Harbour (one through its synonym), one in Anchors, one in Lonely Canon,
  // two in a fandom nobody wrangled, and fandoms used only by a draft or a registered-only work.
  await makeWork(db, pseudId, { title: "Harbour One", fandoms: ["The Harbour"], characters: ["Mira"] });
  await makeWork(db, pseudId, { title: "Harbour Two", fandoms: ["The Harbour", "Anchors"], characters: ["Mira"] });
  await makeWork(db, pseudId, { title: "Harbour Three", fandoms: ["Harbor"] });
  await apply(db, { action: "synonym", tag: "Harbor", of: "The Harbour" });
  await makeWork(db, pseudId, { title: "Lonely", fandoms: ["Lonely Canon"] });
  await makeWork(db, pseudId, { title: "Typed One", fandoms: ["Écume Stories"] });
  await makeWork(db, pseudId, { title: "Typed Two", fandoms: ["écume stories", "1999 Radio"] });
  await makeWork(db, pseudId, { title: "Secret Draft", fandoms: ["Draft Only Fandom"], draft: true });
  await makeWork(db, pseudId, { title: "Members", fandoms: ["Members Only Fandom", "The Harbour"], restricted: true });
  return { app, pseudId };
}

test("/media, /media/NAME/fandoms and /fandoms: fandoms by medium, counted for the viewer, alphabetical", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app } = await archive(testDb.db, testDb.url);
    try {
      const guest = new Client(app);
      const { client: member } = await loggedInUser(app, testDb.db, "member");

      // The header links "Fandoms" to /media on every page.
      assert.match(ok(await guest.get("/works"), "works"), /<a href="\/media">Fandoms<\/a>/);

      // /media: every medium, by name, "Uncategorized Fandoms" last, "No Media" never.
      const media = ok(await guest.get("/media"), "/media");
      const mediaNames = [...media.matchAll(/<h3 class="heading" id="medium-\d+"><a href="([^"]+)">([^<]+)<\/a><\/h3>/g)].map((m) => mainText(m[2]!));
      assert.deepEqual(mediaNames, [
        "Anime & Manga",
        "Books & Literature",
        "Cartoons & Comics & Graphic Novels",
        "Celebrities & Real People",
        "Movies",
        "Music & Bands",
        "Other Media",
        "Theater",
        "TV Shows",
        "Video Games",
        "Uncategorized Fandoms",
      ]);
      assert.match(media, /href="\/media\/TV%20Shows\/fandoms"/);
      assert.match(media, /href="\/media\/Books%20\*a\*%20Literature\/fandoms"/, "AO3's escapes in media names");
      // Most used first; a guest does not count the registered-only work.
      assert.deepEqual(fandomLines(mediumBlock(media, "TV Shows")), ["The Harbour (3 works)", "Anchors (1 work)"]);
      assert.deepEqual(fandomLines(mediumBlock(media, "Books & Literature")), ["Anchors (1 work)"]);
      // Un-wrangled fandoms and canonical ones without a medium are under Uncategorized; never a draft's or a registered-only work's for a guest.
      assert.deepEqual(fandomLines(mediumBlock(media, "Uncategorized Fandoms")), ["Écume Stories (2 works)", "1999 Radio (1 work)", "Lonely Canon (1 work)"]);
      assert.doesNotMatch(media, /Draft Only Fandom|Members Only Fandom|Harbor</);
      assert.match(mediumBlock(media, "Movies"), /No fandoms with works here yet/);

      // A logged-in reader counts the registered-only work too.
      const memberMedia = ok(await member.get("/media"), "/media as member");
      assert.deepEqual(fandomLines(mediumBlock(memberMedia, "TV Shows")), ["The Harbour (4 works)", "Anchors (1 work)"]);
      assert.ok(fandomLines(mediumBlock(memberMedia, "Uncategorized Fandoms")).includes("Members Only Fandom (1 work)"));
      assert.doesNotMatch(memberMedia, /Draft Only Fandom/);

      // /media/NAME/fandoms: alphabetical ("The" moved), by letter, with counts and links to the works listings.
      const tv = ok(await guest.get("/media/TV%20Shows/fandoms"), "TV Shows fandoms");
      assert.deepEqual(fandomLines(tv), ["Anchors (1 work)", "The Harbour (3 works)"]);
      assert.match(tv, /<h3 class="heading">A<\/h3>/);
      assert.match(tv, /<h3 class="heading">H<\/h3>/);
      assert.match(tv, /href="\/tags\/The%20Harbour\/works"/);
      assert.equal(ok(await guest.get("/media/tv%20shows/fandoms"), "any case").includes("The Harbour"), true);
      const books = ok(await guest.get("/media/Books%20*a*%20Literature/fandoms"), "escaped name");
      assert.deepEqual(fandomLines(books), ["Anchors (1 work)"]);
      const uncategorized = ok(await guest.get("/media/Uncategorized%20Fandoms/fandoms"), "uncategorized");
      assert.deepEqual(fandomLines(uncategorized), ["1999 Radio (1 work)", "Écume Stories (2 works)", "Lonely Canon (1 work)"], "accents folded: É files under E");
      assert.match(uncategorized, /<h3 class="heading">#<\/h3>/, "a fandom starting with a digit is filed under #");
      assert.match(uncategorized, /<h3 class="heading">E<\/h3>/);
      assert.match(uncategorized, /href="\/tags\/%C3%89cume%20Stories\/works"/, "an un-wrangled fandom links to its own works");

      // /fandoms: every fandom, alphabetically, counted for the viewer.
      assert.deepEqual(fandomLines(ok(await guest.get("/fandoms"), "/fandoms")), [
        "1999 Radio (1 work)",
        "Anchors (1 work)",
        "Écume Stories (2 works)",
        "The Harbour (3 works)",
        "Lonely Canon (1 work)",
      ]);
      const memberAll = fandomLines(ok(await member.get("/fandoms"), "/fandoms as member"));
      assert.ok(memberAll.includes("Members Only Fandom (1 work)"));
      assert.ok(memberAll.includes("The Harbour (4 works)"));
      assert.ok(!memberAll.some((line) => line.startsWith("Draft Only")));

      // The fandom's works listing is where the link leads, with the same count.
      const listing = ok(await guest.get("/tags/%C3%89cume%20Stories/works"), "un-wrangled fandom works");
      assert.match(mainText(listing), /Typed One/);
      assert.match(mainText(listing), /Typed Two/);
      // The fandom's page links its Atom feed.
      assert.match(ok(await guest.get("/tags/The%20Harbour"), "tag page"), /href="\/tags\/The%20Harbour\/feed\.atom"/);

      // Unknown names: a 404 page that offers search, with the name typed kept.
      for (const path of ["/media/Radio%20Plays/fandoms", "/tags/No%20Such%20Fandom/works", "/tags/No%20Such%20Fandom"]) {
        const res = await guest.get(path);
        assert.equal(res.statusCode, 404, path);
        assert.match(res.body, /<form class="search" method="get" action="\/works\/search"/, path);
        assert.match(res.body, /<input type="search" id="not-found-search" name="work_search\[query\]" value="(Radio Plays|No Such Fandom)"/, path);
      }
      // A draft's fandom is not found by its name either (not listed, its page says 0 works).
      assert.doesNotMatch(ok(await guest.get("/fandoms"), "fandoms"), /Draft Only/);
      // Markup in a name stays text.
      const tricky = await guest.get("/media/%3Cb%3Ebold%3C%2Fb%3E/fandoms");
      assert.equal(tricky.statusCode, 404);
      assert.doesNotMatch(tricky.body.replace(/ value="[^"]*"/g, ""), /<b>bold/, "escaped outside the search box's value attribute");
      assert.match(tricky.body, /value="<b>bold<\/b>"/);
    } finally {
      await app.close();
    }
  });
});

test("/tags: a cloud of the most used canonical tags, sized by use and said in text", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app } = await archive(testDb.db, testDb.url);
    try {
      const guest = new Client(app);
      const html = ok(await guest.get("/tags"), "/tags");
      const cloud = [...html.matchAll(/<li class="cloud(\d)" data-size="\d"><a class="tag" href="[^"]+">([^<]+)<\/a> <span class="count">\(([^)]+)\)<\/span> <span class="landmark">([^<]+)<\/span>/g)].map(
        (m) => ({ size: Number(m[1]), name: mainText(m[2]!), count: m[3], said: m[4] }),
      );
      // Canonical tags only, alphabetically (un-wrangled and synonyms are not in the cloud); a guest's counts.
      assert.deepEqual(
        cloud.map((c) => `${c.name} (${c.count})`),
        ["Anchors (1 work)", "Lonely Canon (1 work)", "Mira (2 works)", "The Harbour (3 works)"],
      );
      const harbour = cloud.find((c) => c.name === "The Harbour")!;
      const anchors = cloud.find((c) => c.name === "Anchors")!;
      assert.equal(harbour.size, 8, "the most used is the largest");
      assert.equal(anchors.size, 1, "the least used is the smallest");
      assert.equal(harbour.said, "Fandom, size 8 of 8", "the size is in the text too");
      const member = (await loggedInUser(app, testDb.db, "member")).client;
      assert.match(mainText(ok(await member.get("/tags"), "/tags as member")), /The Harbour \(4 works\)/);
    } finally {
      await app.close();
    }
  });
});

test("/users/NAME/pseuds: each pseud with its works and bookmarks, counted for the viewer", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const app = await buildApp(testConfig(testDb.url), testDb.db);
    try {
      const { client: owner, userId, pseudId } = await loggedInUser(app, testDb.db, "teller");
      const second = await testDb.db
        .insertInto("pseuds")
        .values({ user_id: userId, name: "Night Teller", name_key: "night teller", description: "", is_default: 0, created_at: new Date().toISOString() })
        .returning("id")
        .executeTakeFirstOrThrow();
      await makeWork(testDb.db, pseudId, { title: "Open" });
      await makeWork(testDb.db, pseudId, { title: "Members", restricted: true });
      await makeWork(testDb.db, pseudId, { title: "Draft", draft: true });
      await makeWork(testDb.db, second.id, { title: "Night Open" });
      const { pseudId: otherPseud } = await makeCreator(testDb.db, "other");
      const target = await makeWork(testDb.db, otherPseud, { title: "Bookmarked" });
      const hidden = await makeWork(testDb.db, otherPseud, { title: "Bookmarked privately" });
      for (const [workId, isPrivate] of [
        [target, false],
        [hidden, true],
      ] as const) {
        const made = await createBookmark(testDb.db, userId, workId, { notes: "", tags: [], private: isPrivate, rec: false });
        assert.ok(made.created);
      }
      const guest = new Client(app);
      const page = ok(await guest.get("/users/teller/pseuds"), "pseuds as guest");
      const text = mainText(page);
      assert.match(text, /teller \(default\) Works 1 work Bookmarks 1 bookmark Night Teller Works 1 work$/);
      assert.match(page, /href="\/users\/teller\/pseuds\/Night%20Teller\/works"/);
      assert.match(page, /href="\/users\/teller\/bookmarks"/);
      assert.match(mainText(ok(await owner.get("/users/teller/pseuds"), "pseuds as owner")), /teller \(default\) Works 2 works Bookmarks 2 bookmarks/);
      assert.equal((await guest.get("/users/nobody/pseuds")).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

const BASE = "http://127.0.0.1:3000";
const NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation";
const ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition";
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "entry" || name === "link" });
interface Link {
  rel: string;
  href: string;
  type?: string;
  "thr:count"?: string;
}
interface Entry {
  title: string;
  content: string | { "#text": string };
  link: Link[];
}

test("OPDS: media → a medium's fandoms → a fandom's works, the same fandoms and counts as /media", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app } = await archive(testDb.db, testDb.url);
    try {
      const feed = async (href: string, type: string) => {
        assert.ok(href.startsWith(BASE), href);
        const res = await app.inject({ method: "GET", url: href.slice(BASE.length) });
        assert.equal(res.statusCode, 200, `${href}: ${res.body.slice(0, 200)}`);
        assert.equal(res.headers["content-type"], type, href);
        return xml.parse(res.body).feed as { title: string; entry?: Entry[]; link: Link[] };
      };
      const root = await feed(`${BASE}/opds`, NAVIGATION);
      const mediaLink = root.entry!.find((e) => e.title === "Fandoms by media")!.link[0]!;
      const media = await feed(mediaLink.href, NAVIGATION);
      assert.equal(media.entry!.length, 11);
      assert.equal(media.entry!.at(-1)!.title, "Uncategorized Fandoms");
      const tv = media.entry!.find((e) => e.title === "TV Shows")!;
      assert.equal(tv.link[0]!["thr:count"], "2");
      const tvFandoms = await feed(tv.link[0]!.href, NAVIGATION);
      assert.deepEqual(
        tvFandoms.entry!.map((e) => [e.title, e.link[0]!["thr:count"]]),
        [
          ["Anchors", "1"],
          ["The Harbour", "3"],
        ],
      );
      assert.ok(tvFandoms.link.some((l) => l.rel === "up" && l.href === `${BASE}/opds/media`));
      const harbour = tvFandoms.entry!.find((e) => e.title === "The Harbour")!.link[0]!;
      assert.equal(harbour.type, ACQUISITION);
      const works = await feed(harbour.href, ACQUISITION);
      assert.deepEqual(works.entry!.map((e) => e.title).sort(), ["Harbour One", "Harbour Three", "Harbour Two"]);

      // Un-wrangled fandoms lead to their own works; /opds/fandoms holds them too, most used first.
      const uncategorized = await feed(media.entry!.at(-1)!.link[0]!.href, NAVIGATION);
      const ecume = uncategorized.entry!.find((e) => e.title === "Écume Stories")!;
      assert.equal(ecume.link[0]!["thr:count"], "2");
      assert.deepEqual((await feed(ecume.link[0]!.href, ACQUISITION)).entry!.map((e) => e.title).sort(), ["Typed One", "Typed Two"]);
      const top = await feed(`${BASE}/opds/fandoms`, NAVIGATION);
      assert.deepEqual(top.entry!.map((e) => e.title), ["The Harbour", "Écume Stories", "1999 Radio", "Anchors", "Lonely Canon"]);

      // A synonym's works feed is its canonical's; unknown names are 404.
      const synonym = await app.inject({ method: "GET", url: "/opds/tags/Harbor/works" });
      assert.equal(synonym.statusCode, 301);
      assert.equal(synonym.headers.location, "/opds/tags/The%20Harbour/works");
      assert.equal((await app.inject({ method: "GET", url: "/opds/media/Radio/fandoms" })).statusCode, 404);
      assert.equal((await app.inject({ method: "GET", url: "/opds/tags/Nothing%20Here/works" })).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

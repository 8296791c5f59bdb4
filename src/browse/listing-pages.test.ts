import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, appWithUser, assertMatch, redirectedId, workForm } from "../../test/support/app.js";
import { eachDialect, openTestDb } from "../../test/support/db.js";
import { serveInChildProcess } from "../../test/support/serve.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { appendChange } from "../platform/changes.js";
import type { Db } from "../platform/db/index.js";
import { GUEST } from "../platform/http/viewer.js";
import { blurbsInOrder } from "../model/works.js";
import { BrowseIndex, defaultListingQuery } from "../listing/index.js";
import { runRefilterNow } from "../tags/refilter.js";
import { findTagByName } from "../model/tags.js";
import { wrangle } from "../tags/wrangling.js";

async function canonical(db: Db, ...names: string[]) {
  const result = await wrangle(
    db,
    null,
    names.map((tag) => ({ action: "canonical" as const, tag, value: true })),
  );
  if (!result.ok) assert.fail(result.message);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

async function tagId(db: Db, name: string): Promise<number> {
  const tag = await findTagByName(db, name);
  assert.ok(tag, name);
  return tag.id;
}

/** The titles of the listed works, in order. */
function titles(html: string): string[] {
  return [...html.matchAll(/<h4 class="heading"><a href="\/works\/\d+"[^>]*>([^<]*)<\/a>/g)].map((m) => m[1]!);
}

function total(html: string): number {
  const m = /<h2 class="heading"><span>(?:[\d,]+ - [\d,]+ of )?([\d,]+) Works/.exec(html);
  assert.ok(m, "listing heading");
  return Number(m[1]!.replace(/,/g, ""));
}

test("the works sidebar filters, sorts and counts; guests never count registered-only works", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithUser(db, url);
    const { pseudId } = await makeCreator(db, "teller");
    await makeWork(db, pseudId, { title: "Alpha", fandoms: ["Moon Saga"], characters: ["Ilse"], freeforms: ["Fluff"], rating: "Teen And Up Audiences" });
    await makeWork(db, pseudId, { title: "Beta", fandoms: ["Moon Saga"], characters: ["Ilse", "Oren"], freeforms: ["Angst"] });
    await makeWork(db, pseudId, { title: "Gamma", fandoms: ["Moon Saga"], characters: ["Oren"], restricted: true });
    await makeWork(db, pseudId, { title: "Delta", fandoms: ["Sun Saga"], characters: ["Oren"], freeforms: ["Fluff"] });
    await makeWork(db, pseudId, { title: "Draft", fandoms: ["Moon Saga"], draft: true });
    await canonical(db, "Moon Saga", "Sun Saga", "Ilse", "Oren", "Fluff", "Angst");
    const moon = await tagId(db, "Moon Saga");
    const oren = await tagId(db, "Oren");
    const fluff = await tagId(db, "Fluff");

    const guest = new Client(app);
    let page = (await guest.get("/works")).body;
    assert.equal(total(page), 3, "guests: three public works, no draft, no registered-only");
    assertMatch(page, /<form method="get" action="\/works" class="filters"/);
    assertMatch(page, /Moon Saga \(2\)/, "guest facet counts leave out the registered-only work");
    assertMatch(page, /Oren \(2\)/);

    const reader = new Client(app);
    await reader.logIn("writer", "correct horse battery");
    page = (await reader.get("/works")).body;
    assert.equal(total(page), 4);
    assertMatch(page, /Moon Saga \(3\)/);

    // Include a fandom, exclude a character, sort by title.
    page = (await reader.get(`/works?include_work_search%5Bfandom_ids%5D%5B%5D=${moon}&exclude_work_search%5Bcharacter_ids%5D%5B%5D=${oren}&work_search%5Bsort_column%5D=title_to_sort_on`)).body;
    assert.deepEqual(titles(page), ["Alpha"]);
    assertMatch(page, new RegExp(`value="${oren}" checked[^>]*/?>\\s*<label[^>]*>Oren \\(0\\)`), "an excluded tag stays listed with 0");

    // The canonical tag's own page lists its filter set; by kudos; other tags by name.
    page = (await reader.get("/tags/Moon%20Saga/works?work_search%5Bother_tag_names%5D=fluff")).body;
    assert.deepEqual(titles(page), ["Alpha"]);
    assertMatch(page, /value="fluff"/, "the typed names are kept");
    page = (await reader.get(`/works?exclude_work_search%5Bfreeform_ids%5D%5B%5D=${fluff}&work_search%5Bsort_column%5D=title_to_sort_on`)).body;
    assert.deepEqual(titles(page), ["Beta", "Gamma"]);

    // A work posted after the index was built appears at once (the listing catches up with the feed).
    await makeWork(db, pseudId, { title: "Epsilon", fandoms: ["Moon Saga"] });
    page = (await reader.get("/tags/Moon%20Saga/works?work_search%5Bsort_column%5D=title_to_sort_on")).body;
    assert.deepEqual(titles(page), ["Alpha", "Beta", "Epsilon", "Gamma"]);
    await app.close();
  });
});

test("bad sidebar input is adjusted and said, never a failure", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithUser(db, url);
    const { pseudId } = await makeCreator(db, "teller");
    for (const title of ["One", "Two", "Three"]) await makeWork(db, pseudId, { title, fandoms: ["Moon Saga"] });
    const client = new Client(app);

    let res = await client.get("/works?work_search%5Bwords_from%5D=5%2C000&work_search%5Bwords_to%5D=10&work_search%5Bother_tag_names%5D=Nobody%20Tagged%20This&work_search%5Bsort_column%5D=shoe_size&include_work_search%5Bfandom_ids%5D%5B%5D=abc&work_search%5Bdate_from%5D=2024-13-45");
    assert.equal(res.statusCode, 200);
    assertMatch(res.body, /The word counts were the wrong way round/);
    assertMatch(res.body, /No tag is called (?:&quot;|&#34;)Nobody Tagged This(?:&quot;|&#34;)/);
    assertMatch(res.body, /Unknown sort (?:&quot;|&#34;)shoe_size(?:&quot;|&#34;)/);
    assertMatch(res.body, /Unknown tag id (?:&quot;|&#34;)abc(?:&quot;|&#34;)/);
    assertMatch(res.body, /is not a date/);
    // An id past the id column's range is unknown too (PostgreSQL would refuse to compare it).
    const huge = await client.get("/works?include_work_search%5Bfandom_ids%5D%5B%5D=99999999999&exclude_work_search%5Bfreeform_ids%5D%5B%5D=2147483648");
    assert.equal(huge.statusCode, 200);
    assertMatch(huge.body, /Unknown tag id (?:&quot;|&#34;)99999999999(?:&quot;|&#34;)/);
    assertMatch(res.body, /value="5,000"/, "what was typed is kept");
    assertMatch(res.body, /value="2024-13-45"/);

    res = await client.get("/works?page=999999999");
    assert.equal(res.statusCode, 200);
    assertMatch(res.body, /There is no page 1,000,000: this is the last page/);
    assert.equal(titles(res.body).length, 3);

    // Thousands of parameters: bounded, and said.
    const many = Array.from({ length: 3000 }, (_, i) => `exclude_work_search%5Bfreeform_ids%5D%5B%5D=${i + 1}`).join("&");
    res = await client.get(`/works?${many}`);
    assert.equal(res.statusCode, 200);
    assertMatch(res.body, /Only the first 50 tags to exclude were used|Unknown tag id/);

    res = await client.get("/works?work_search%5Bquery%5D=%22unclosed");
    assert.equal(res.statusCode, 400);
    assertMatch(res.body, /syntax error/);
    assertMatch(res.body, /value="(?:&quot;|&#34;)unclosed"/);
    await app.close();
  });
});

test("two server processes on one database: a work posted through one is listed by the other within a second", async (t) => {
  await eachDialect(t, async (st, { db, url }) => {
    const first = await appWithUser(db, url);
    const otherUrl = await serveInChildProcess(st, url);
    assert.deepEqual(titles(await (await fetch(`${otherUrl}/works`)).text()), []);
    const writer = new Client(first.app);
    await writer.logIn(first.login, first.password);
    redirectedId(await writer.post("/works", workForm(first.pseudId, { "work[title]": "Across Processes" })));
    const posted = Date.now();
    let listed: string[] = [];
    while (Date.now() - posted < 1000) {
      listed = titles(await (await fetch(`${otherUrl}/works`)).text());
      if (listed.length) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(listed, ["Across Processes"], "the other process lists the work within a second");
    await first.app.close();
  });
});

test("a change committed out of order on PostgreSQL is applied once it commits", async (t) => {
  const test = await openTestDb("postgres", t);
  if (!test) return;
  const { db } = test;
  try {
    const { pseudId } = await makeCreator(db, "teller");
    const first = await makeWork(db, pseudId, { title: "First" });
    const browse = await BrowseIndex.build(db);
    const guest = defaultListingQuery(false);
    assert.equal((await browse.query(guest)).total, 1);
    // A slow transaction takes a change-feed id and holds it while a later one commits.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let taken!: () => void;
    const idTaken = new Promise<void>((resolve) => {
      taken = resolve;
    });
    const slow = db.transaction().execute(async (trx) => {
      await trx.updateTable("works").set({ restricted: 1 }).where("id", "=", first).execute();
      await appendChange(trx, first, "work");
      taken();
      await held;
    });
    await idTaken;
    await makeWork(db, pseudId, { title: "Second" });
    assert.equal((await browse.query(guest)).total, 2, "the later change is applied; the slow one is not visible yet");
    release();
    await slow;
    assert.equal((await browse.query(guest)).total, 1, "the slow change is applied when it commits, though a newer id was read first");
    await browse.stop();
  } finally {
    await test.close();
  }
});

test("a page's blurbs are checked against the viewer again, should the index lag behind", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "teller");
    const open = await makeWork(db, pseudId, { title: "Open" });
    const members = await makeWork(db, pseudId, { title: "Members", restricted: true });
    const draft = await makeWork(db, pseudId, { title: "Draft", draft: true });
    const shown = await blurbsInOrder(db, GUEST, [members, draft, open]);
    assert.deepEqual(shown.map((b) => b.work.title), ["Open"]);
  });
});

test("a canonical tag no listed work carries yet filters to nothing, without a notice", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app } = await appWithUser(db, url);
    const { pseudId } = await makeCreator(db, "teller");
    await makeWork(db, pseudId, { title: "One", fandoms: ["Moon Saga"] });
    const wrangled = await wrangle(db, null, [{ action: "create", name: "Empty Fandom", type: "Fandom", canonical: true }]);
    assert.ok(wrangled.ok);
    const empty = await tagId(db, "Empty Fandom");
    const page = (await new Client(app).get(`/works?include_work_search%5Bfandom_ids%5D%5B%5D=${empty}`)).body;
    assert.equal(total(page), 0);
    assert.doesNotMatch(page, /Unknown tag id/);
    await app.close();
  });
});

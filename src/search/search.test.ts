import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatch, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { wrangle } from "../tags/wrangling.js";
import { runRefilterNow } from "../tags/refilter.js";
import { createUser } from "../users/commands.js";
import { addChapter, updateChapter } from "../works/commands.js";
import { reindexAll } from "./reindex.js";

/** The archive the search tests look through: one work per feature to find. */
async function seedArchive(db: Db) {
  const { pseudId } = await makeCreator(db, "searcher");
  const ids = {
    dragon: await makeWork(db, pseudId, { title: "Dragon Song", fandoms: ["Myths"], freeforms: ["Fire"] }),
    keeper: await makeWork(db, pseudId, { title: "Two Lights", fandoms: ["Sea Tales"] }),
    chinese: await makeWork(db, pseudId, { title: "海", fandoms: ["Sea Tales"] }),
    russian: await makeWork(db, pseudId, { title: "Зима", fandoms: ["Myths"] }),
    cafe: await makeWork(db, pseudId, { title: "Morning", fandoms: ["Coffee Shop AU"], rating: "Teen And Up Audiences" }),
    secret: await makeWork(db, pseudId, { title: "Members Only", restricted: true }),
    draft: await makeWork(db, pseudId, { title: "Unposted Zephyrine", draft: true }),
  };
  const chapter = (html: string) => ({ title: "", summary: "", notes: "", endnotes: "", content: html });
  // A phrase that occurs only in one chapter's body.
  await addChapter(db, ids.keeper, chapter("<p>The old lighthouse keeper counted the ships twice.</p>"));
  const first = (id: number) => db.selectFrom("chapters").select("id").where("work_id", "=", id).where("position", "=", 1).executeTakeFirstOrThrow();
  await updateChapter(db, ids.chinese, (await first(ids.chinese)).id, chapter("<p>我们一起去看海，然后回家。</p>"));
  await updateChapter(db, ids.russian, (await first(ids.russian)).id, chapter("<p>Привет, мир. Снег идёт всю ночь.</p>"));
  await updateChapter(db, ids.cafe, (await first(ids.cafe)).id, chapter("<p>She ordered a café crème and waited for the dragons.</p>"));
  await updateChapter(db, ids.secret, (await first(ids.secret)).id, chapter("<p>The word zephyrine appears only here.</p>"));
  await updateChapter(db, ids.draft, (await first(ids.draft)).id, chapter("<p>zephyrine zephyrine</p>"));
  return ids;
}

/** Work ids in a result page, in order. */
function found(body: string): number[] {
  return [...body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1]));
}

const search = (client: Client, query: string) => client.get(`/works/search?work_search%5Bquery%5D=${encodeURIComponent(query)}`);

test("the query language finds works by words, phrases, fields, ranges and filters", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const ids = await seedArchive(db);
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    const q = async (query: string) => found((await search(guest, query)).body).sort((a, b) => a - b);
    const sorted = (...list: number[]) => [...list].sort((a, b) => a - b);

    assert.deepEqual(await q("dragon"), sorted(ids.dragon, ids.cafe), "title and chapter text, stemmed (dragons)");
    assert.deepEqual(await q("dragon song"), [ids.dragon], "AND by default");
    assert.deepEqual(await q("lighthouse OR Зима"), sorted(ids.keeper, ids.russian), "OR");
    assert.deepEqual(await q("dragon || lighthouse"), sorted(ids.dragon, ids.cafe, ids.keeper), "||");
    assert.deepEqual(await q("dragon -song"), [ids.cafe], "-word");
    assert.deepEqual(await q("dragon NOT crème"), [ids.dragon], "NOT, with accents");
    assert.deepEqual(await q('"lighthouse keeper"'), [ids.keeper], "a phrase only in chapter 2's body");
    assert.deepEqual(await q('"keeper lighthouse"'), [], "a phrase keeps its order");
    assert.deepEqual(await q("light*"), [ids.keeper], "prefix wildcard");
    assert.deepEqual(await q("(dragon OR snow) song"), [ids.dragon], "parentheses");
    assert.deepEqual(await q("title:dragon"), [ids.dragon], "field: title");
    assert.deepEqual(await q("text:dragon"), [ids.cafe], "field: text");
    assert.deepEqual(await q("creator:searcher title:zima"), [], "creator and a title word that is not there");
    assert.deepEqual(await q('tags:"Sea Tales"'), sorted(ids.keeper, ids.chinese), "tags by name");
    assert.deepEqual(await q("cafe"), [ids.cafe], "accent folding: cafe finds café");
    assert.deepEqual(await q("看海"), [ids.chinese], "Chinese without spaces");
    assert.deepEqual(await q("снег"), [ids.russian], "Cyrillic, any case");
    assert.deepEqual(await q("zephyrine"), [], "registered-only and draft works never match for guests");
    assertMatch((await search(guest, "zephyrine")).body, /0 Works/, "not even as a count");
    assert.deepEqual(await q("words>11"), [ids.keeper], "words > N (only the two-chapter work has 12+ words)");
    assert.deepEqual(await q("words:1-5 sea"), [], "ranges combine with words");
    assert.deepEqual(await q("rating:teen"), [ids.cafe]);
    assert.deepEqual(await q("language:en dragon"), sorted(ids.dragon, ids.cafe));
    assert.deepEqual(await q("single_chapter:true lighthouse"), []);
    assert.deepEqual(await q("kudos>10"), [], "counts the archive does not keep yet match nothing");
    assert.deepEqual(await q("updated<7 days dragon"), sorted(ids.dragon, ids.cafe));
    assert.deepEqual(await q("updated>2 weeks dragon"), []);
    const bySize = found((await search(guest, "sort:>words tales")).body);
    assert.deepEqual(bySize, [ids.chinese, ids.keeper], "sort ascending by words");

    const member = new Client(app);
    await createUser(db, { login: "member", email: "m@example.com", password: "member password" });
    await member.logIn("member", "member password");
    assert.deepEqual(found((await search(member, "zephyrine")).body), [ids.secret], "logged-in readers find registered-only works, never drafts");
    await app.close();
  });
});

test("results say which chapter matched, with a highlighted excerpt; errors keep the query", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const ids = await seedArchive(db);
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    const res = await search(guest, '"lighthouse keeper"');
    const second = await db.selectFrom("chapters").select("id").where("work_id", "=", ids.keeper).where("position", "=", 2).executeTakeFirstOrThrow();
    assertMatch(res.body, new RegExp(`Found in <a href="/works/${ids.keeper}/chapters/${second.id}">Chapter 2</a>`));
    assertMatch(res.body, /The old <mark>lighthouse<\/mark> <mark>keeper<\/mark> counted the ships twice./);
    const cjk = await search(guest, "看海");
    assertMatch(cjk.body, /去<mark>看<\/mark><mark>海<\/mark>/);

    const bad = await search(guest, '(dragon OR "unclosed');
    assert.equal(bad.statusCode, 400);
    assertMatch(bad.body, /Your search failed because of a syntax error/);
    assertMatch(bad.body, /value="\(dragon OR &#34;unclosed"|value="\(dragon OR &quot;unclosed"/, "the query stays in the box");
    const long = await search(guest, `${"a".repeat(1200)}`);
    assert.equal(long.statusCode, 400);
    const wild = await search(guest, "a* b* c* d* e* f* g*");
    assert.equal(wild.statusCode, 400, "too many wildcards are refused, not run");

    const advanced = await guest.get("/works/search?work_search%5Btitle%5D=dragon&work_search%5Bfandom_names%5D=Myths&work_search%5Bsort_column%5D=title");
    assert.deepEqual(found(advanced.body), [ids.dragon], "the advanced form's fields");
    await app.close();
  });
});

test("tag names in search include metatags and synonyms, through the filter set", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const ids = await seedArchive(db);
    const ops = [
      { action: "canonical" as const, tag: "Sea Tales", value: true },
      { action: "create" as const, name: "Ocean Stories", type: "Fandom" as const, canonical: true },
    ];
    const made = await wrangle(db, null, [...ops, { action: "meta", tag: "Sea Tales", meta: "Ocean Stories" }]);
    assert.ok(made.ok);
    if (made.jobId) await runRefilterNow(db, made.jobId);
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    assert.deepEqual(found((await search(guest, 'tags:"Ocean Stories"')).body).sort(), [ids.keeper, ids.chinese].sort());
    // Search within results on a listing uses the same language.
    const within = await guest.get(`/tags/Sea%20Tales/works?work_search%5Bquery%5D=${encodeURIComponent("lighthouse")}`);
    assert.deepEqual(found(within.body), [ids.keeper]);
    assertMatch(within.body, /1 - 1 of 1 Works/);
    await app.close();
  });
});

test("fanfold search reindex rebuilds the same results", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const ids = await seedArchive(db);
    const result = await reindexAll(db);
    assert.equal(result.works, 7);
    const app = await buildApp(testConfig("sqlite::memory:"), db);
    const guest = new Client(app);
    assert.deepEqual(found((await search(guest, '"lighthouse keeper"')).body), [ids.keeper]);
    assert.deepEqual(found((await search(guest, "看海")).body), [ids.chinese]);
    await app.close();
  });
});

test("each field, best-match order and the sorts", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { createWork } = await import("../works/commands.js");
    const { pseudId } = await makeCreator(db, "fielder");
    const base = { pseudIds: [pseudId], rating: "General Audiences", warnings: ["No Archive Warnings Apply"], categories: [], language: "en", restricted: false, commentPermission: "registered" as const, expectedChapters: 1, publishedOn: null };
    const chapter = (content: string) => [{ title: "", summary: "", notes: "", endnotes: "", content }];
    const make = (title: string, fields: { summary?: string; notes?: string; endnotes?: string }, text: string) =>
      createWork(db, { ...base, title, summary: fields.summary ?? "", notes: fields.notes ?? "", endnotes: fields.endnotes ?? "", tags: { Fandom: ["Fields"], Relationship: [], Character: [], Freeform: [] } }, chapter(text), { draft: false }).then((r) => r.workId);
    const inText = await make("Alpha", {}, "<p>the heron waits by the reed</p>");
    const inSummary = await make("Beta", { summary: "<p>A heron story</p>" }, "<p>nothing here at all</p>");
    const inNotes = await make("Gamma", { notes: "<p>heron notes</p>", endnotes: "<p>kingfisher</p>" }, "<p>plain chapter text</p>");
    const inTitle = await make("Heron", {}, "<p>the title says it all</p>");
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    const q = async (query: string) => found((await search(guest, query)).body);
    assert.deepEqual(await q("summary:heron"), [inSummary]);
    assert.deepEqual(await q("notes:heron"), [inNotes]);
    assert.deepEqual(await q("endnotes:kingfisher"), [inNotes]);
    assert.deepEqual(await q("series:heron"), [], "no series yet");
    const best = await q("heron");
    assert.equal(best[0], inTitle, "a title match ranks first (title weighs most)");
    assert.equal(best.length, 4);
    assert.deepEqual(await q("heron sort:title"), [inText, inSummary, inNotes, inTitle], "title sorts ascending by default, as on AO3");
    assert.deepEqual(await q("heron sort:>title"), [inText, inSummary, inNotes, inTitle], "title ascending: Alpha, Beta, Gamma, Heron");
    assert.deepEqual(await q("heron sort:<title"), [inTitle, inNotes, inSummary, inText], "title descending");
    await app.close();
  });
});

test("the index follows edits: new chapter text, deleted chapters and works, posted drafts", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const ids = await seedArchive(db);
    const { deleteChapter, deleteWork, postDraft } = await import("../works/commands.js");
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    const q = async (query: string) => found((await search(guest, query)).body).sort((a, b) => a - b);
    const chapters = async (id: number) => db.selectFrom("chapters").select("id").where("work_id", "=", id).orderBy("position").execute();
    const chapter = (html: string) => ({ title: "", summary: "", notes: "", endnotes: "", content: html });

    const [first] = await chapters(ids.dragon);
    await updateChapter(db, ids.dragon, first!.id, chapter("<p>A marmoset and a wyvern.</p>"));
    assert.deepEqual(await q("marmoset"), [ids.dragon], "new text is found");
    assert.deepEqual(await q("marmoset wyvern -lighthouse"), [ids.dragon], "plain words together");
    await addChapter(db, ids.dragon, chapter("<p>The capybara arrives.</p>"));
    assert.deepEqual(await q("capybara marmoset"), [ids.dragon], "words from two chapters");
    const [, added] = await chapters(ids.dragon);
    await deleteChapter(db, ids.dragon, added!.id);
    assert.deepEqual(await q("capybara"), [], "a deleted chapter's words are gone");
    assert.deepEqual(await q("marmoset"), [ids.dragon], "the other chapter's words stay");

    await postDraft(db, ids.draft);
    assert.deepEqual(await q("zephyrine"), [ids.draft], "a posted draft's chapters are found");
    await deleteWork(db, ids.draft);
    assert.deepEqual(await q("zephyrine"), [], "a deleted work is gone");

    // A word in a tag name and in a chapter: found through both, alone and with other words.
    await updateChapter(db, ids.keeper, (await chapters(ids.keeper))[0]!.id, chapter("<p>Myths of the sea.</p>"));
    assert.deepEqual(await q("myths"), [ids.dragon, ids.keeper, ids.russian].sort((a, b) => a - b));
    assert.deepEqual(await q("myths -sea"), [ids.dragon, ids.russian].sort((a, b) => a - b));
    assert.deepEqual(await q("myth* OR capybara"), [ids.dragon, ids.keeper, ids.russian].sort((a, b) => a - b));
    await app.close();
  });
});

test("the search page's listing gives what the generic listing gives", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    await seedArchive(db);
    const { parseSearchQuery } = await import("./query-language.js");
    const { searchRefinement } = await import("../oracles/search-sql.js");
    const { searchWorks } = await import("./listing.js");
    const { listWorks } = await import("../oracles/list-works.js");
    const { BrowseIndex } = await import("../listing/index.js");
    const browse = await BrowseIndex.build(db);
    const guest = { user: null, sessionId: null };
    const queries = ["dragon", "dragon song", "dragon -song", "sea OR snow", "light*", '"lighthouse keeper"', "tags:Myths", "myths", "-dragon", "dragon OR -song", "words>3", "sort:words", "qqzzxv", "zephyrine", "看海"];
    for (const text of queries) {
      const parsed = parseSearchQuery(text);
      assert.ok(parsed.ok);
      for (const page of [1, 2]) {
        const fast = await searchWorks(db, guest, parsed.query, page, browse);
        const generic = await listWorks(db, guest, { kind: "all" }, page, searchRefinement(db, parsed.query));
        assert.equal(fast.total, generic.total, `${text}: total`);
        assert.deepEqual(fast.blurbs.map((b) => b.work.id), generic.blurbs.map((b) => b.work.id), `${text}: page ${page}`);
      }
    }
  });
});

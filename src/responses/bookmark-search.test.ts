import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { createPseud } from "../users/commands.js";
import { runRefilterNow } from "../tags/refilter.js";
import { wrangle } from "../tags/wrangling.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { createBookmark, createSeriesBookmark } from "./commands.js";
import { notesTerms } from "./bookmark-search.js";

const search = (fields: Record<string, string>) => `/bookmarks/search?${new URLSearchParams(Object.entries(fields).map(([k, v]) => [`bookmark_search[${k}]`, v])).toString()}`;
/** The titles of the bookmarked works and series a results page lists, and its count line. */
const found = (html: string) => ({
  count: /<h2 class="heading">(\d+) Bookmarks? Found<\/h2>/.exec(html)?.[1],
  titles: [...html.matchAll(/<h4 class="heading">\s*<a href="\/(?:works|series)\/\d+">([^<]*)<\/a>/g)].map((m) => m[1]).sort(),
});

test("bookmark search: bookmarker, notes, bookmarker's tags, rec and the work's tags; never a private bookmark or one of a work the viewer may not see", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const sea = await makeWork(db, pseudId, { title: "Sea Glass", freeforms: ["The Sea"], characters: ["Mira"] });
    const storm = await makeWork(db, pseudId, { title: "Storm Night", freeforms: ["Storms"] });
    const locked = await makeWork(db, pseudId, { title: "Members Only", restricted: true, freeforms: ["The Sea"] });
    const draft = await makeWork(db, pseudId, { title: "Unposted", draft: true, freeforms: ["The Sea"] });
    // "The Sea" becomes a synonym of a canonical "Sea": searching either finds works tagged with it.
    const wrangled = await wrangle(db, null, [{ action: "create", name: "Sea", type: "Freeform", canonical: true }, { action: "synonym", tag: "The Sea", of: "Sea" }]);
    assert.ok(wrangled.ok);
    if (wrangled.jobId) await runRefilterNow(db, wrangled.jobId);

    const ana = await loggedInUser(app, db, "ana");
    const ben = await loggedInUser(app, db, "ben");
    const pseud = await createPseud(db, ben.userId, "Benthic", "");
    assert.ok(pseud.ok);
    const mark = (userId: number, workId: number, input: Partial<{ notes: string; tags: string[]; private: boolean; rec: boolean }>) =>
      createBookmark(db, userId, workId, { notes: "", tags: [], private: false, rec: false, ...input });
    await mark(ana.userId, sea, { notes: "<p>A quiet <em>tide</em> story, 100% salt_water.</p>", tags: ["Comfort Read"], rec: true });
    await mark(ana.userId, storm, { notes: "<p>Loud and wet.</p>", tags: ["comfort read", "weather"] });
    await mark(ana.userId, locked, { notes: "<p>A quiet locked one.</p>", tags: ["Comfort Read"], rec: true });
    await mark(ben.userId, sea, { notes: "<p>Secret tide notes.</p>", tags: ["Comfort Read"], private: true, rec: true });
    await mark(ben.userId, storm, { notes: "<p>Rain, quiet rain.</p>", tags: ["weather"], rec: true });
    // A bookmark of a draft can only be made by hand; it must never be found.
    await db.insertInto("bookmarks").values({ work_id: draft, user_id: ben.userId, notes: "quiet", private: 0, rec: 1, created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute();
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Tides");
      await addWorkToSeries(trx, id, sea, null);
      return id;
    });
    await createSeriesBookmark(db, ben.userId, seriesId, { notes: "<p>The whole series.</p>", tags: [], private: false, rec: false });

    const guest = new Client(app);
    const cases: [Record<string, string>, string[], Client?][] = [
      [{ bookmarker: "ana" }, ["Sea Glass", "Storm Night"]],
      [{ bookmarker: "ANA" }, ["Sea Glass", "Storm Night"]],
      [{ bookmarker: "Benthic" }, ["Storm Night", "Tides"], guest],
      [{ bookmark_notes: "quiet" }, ["Sea Glass", "Storm Night"]],
      [{ bookmark_notes: '"quiet tide"' }, []],
      [{ bookmark_notes: '"quiet <em>tide"' }, ["Sea Glass"]],
      [{ bookmark_notes: "100%" }, ["Sea Glass"]],
      [{ bookmark_notes: "salt_water" }, ["Sea Glass"]],
      [{ bookmark_notes: "_" }, ["Sea Glass"]],
      [{ bookmark_notes: "secret" }, []],
      [{ other_bookmark_tag_names: "comfort read" }, ["Sea Glass", "Storm Night"]],
      [{ other_bookmark_tag_names: "Comfort Read, Weather" }, ["Storm Night"]],
      [{ rec: "1" }, ["Sea Glass", "Storm Night"]],
      [{ rec: "1", bookmarker: "ben" }, ["Storm Night"]],
      [{ other_tag_names: "Sea" }, ["Sea Glass", "Tides"]],
      [{ other_tag_names: "the sea" }, ["Sea Glass", "Tides"]],
      [{ other_tag_names: "Mira, Sea" }, ["Sea Glass", "Tides"]],
      [{ other_tag_names: "No Such Tag" }, []],
      [{ bookmarker: "nobody" }, []],
      // A registered reader sees the registered-only work's bookmark too; the owner their private one.
      [{ bookmark_notes: "quiet" }, ["Members Only", "Sea Glass", "Storm Night"], ana.client],
      [{ bookmark_notes: "tide" }, ["Sea Glass", "Sea Glass"], ben.client],
    ];
    for (const [fields, titles, client] of cases) {
      const page = await (client ?? guest).get(search(fields));
      assert.equal(page.statusCode, 200, JSON.stringify(fields));
      const result = found(page.body);
      assert.deepEqual(result.titles, titles, JSON.stringify(fields));
      assert.equal(result.count, String(titles.length), `${JSON.stringify(fields)}: the count agrees`);
    }

    // What was typed is kept in the form; nothing found says so.
    const none = await guest.get(search({ bookmarker: "nobody", other_tag_names: "<Sea>" }));
    assertMatch(none.body, /value="nobody"/);
    assertMatch(none.body, /value="&lt;Sea(&gt;|>)"/);
    assertMatch(none.body, /No bookmarks matched your search\./);
    // An empty form is the form alone, linked from the Search menu.
    const empty = await guest.get("/bookmarks/search");
    assert.equal(empty.statusCode, 200);
    assertMatch(empty.body, /<nav class="search-navigation" aria-label="Search">[\s\S]*<a href="\/bookmarks\/search" aria-current="page">/);
    assert.doesNotMatch(empty.body, /Found<\/h2>/);
    assertMatch((await guest.get("/works/search")).body, /<a href="\/bookmarks\/search">Bookmarks<\/a>/);

    // A quotation mark left open: AO3's syntax error beside the field, the query kept, 400.
    const bad = await guest.get(search({ bookmark_notes: 'quiet "tide' }));
    assert.equal(bad.statusCode, 400);
    assertMatch(bad.body, /Your search failed because of a syntax error: a quotation mark is not closed\./);
    assertMatch(bad.body, /value="quiet (&quot;|&#34;)tide"/);
    // Any input is text: odd characters, arrays, very long values, a bad page number.
    for (const path of [
      search({ bookmarker: "%'; drop table bookmarks; --", bookmark_notes: "\\ % _ ' \u0000", other_tag_names: ",,,", other_bookmark_tag_names: "、，" }),
      search({ bookmark_notes: "x".repeat(50_000) }),
      "/bookmarks/search?bookmark_search[bookmarker][]=a&bookmark_search[bookmarker][]=b",
      "/bookmarks/search?bookmark_search[bookmarker][x]=a",
      `${search({ rec: "1" })}&page=-4`,
      `${search({ rec: "1" })}&page=99999999999`,
    ]) {
      const res = await guest.get(path);
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${path.slice(0, 80)}: ${res.statusCode}`);
    }
    await app.close();
  });
});

test("bookmark notes: words and quoted phrases; an open quotation mark is an error", () => {
  assert.deepEqual(notesTerms('a  "b  c" d'), { ok: true, terms: ["a", "b c", "d"] });
  assert.deepEqual(notesTerms('""'), { ok: true, terms: [] });
  assert.equal(notesTerms('a "b').ok, false);
});

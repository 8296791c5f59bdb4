import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, redirectedId, workForm, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { GUEST, type Viewer } from "../platform/http/viewer.js";
import { parseSearchQuery } from "../search/query-language.js";
import { BrowseIndex } from "../listing/index.js";
import { searchWorks } from "../search/listing.js";
import { deleteWork } from "../works/commands.js";
import { addWorkToSeries, createSeries, removeWorkFromSeries, updateSeries } from "./commands.js";
import { findSeries, seriesPlacesOfWork, seriesWorksVisibleTo } from "../model/series.js";

const reader = loggedInUser;

const order = async (db: Db, seriesId: number) =>
  (await db.selectFrom("serial_works").select(["work_id", "position"]).where("series_id", "=", seriesId).orderBy("position").execute()).map((r) => [r.work_id, r.position]);

const SERIES_ID = "work[series_attributes][id]";
const SERIES_TITLE = "work[series_attributes][title]";
const SERIES_POSITION = "work[series_attributes][position]";

test("series: made from the work form, works added at a position, series page, Part N with previous and next, complete flag", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const writer = new Client(app);
    await writer.logIn(login, password);

    // A new series named on the new-work form.
    let page = await writer.get("/works/new");
    assertMatch(page.body, /<legend>Add to series<\/legend>/);
    let res = await writer.post("/works", workForm(pseudId, { "work[title]": "First Light", [SERIES_TITLE]: "The Lighthouse <b>Cycle</b>" }));
    const first = redirectedId(res);
    const series = await db.selectFrom("series").selectAll().executeTakeFirstOrThrow();
    // Titles are plain text, kept as typed and escaped wherever shown.
    assert.equal(series.title, "The Lighthouse <b>Cycle</b>");
    assert.deepEqual(await order(db, series.id), [[first, 1]]);

    // The form now offers it; a second work goes at the end, a third at position 1.
    page = await writer.get("/works/new");
    assertMatch(page.body, new RegExp(`<option value="${series.id}"[^>]*>The Lighthouse &lt;b(&gt;|>)Cycle&lt;/b(&gt;|>)</option>`));
    res = await writer.post("/works", workForm(pseudId, { "work[title]": "Second Tide", [SERIES_ID]: String(series.id) }));
    const second = redirectedId(res);
    res = await writer.post("/works", workForm(pseudId, { "work[title]": "Prologue", [SERIES_ID]: String(series.id), [SERIES_POSITION]: "1" }));
    const prologue = redirectedId(res);
    assert.deepEqual(await order(db, series.id), [[prologue, 1], [first, 2], [second, 3]]);

    // An existing work joins through its edit form at position 2; positions stay 1..n.
    const later = await makeWork(db, pseudId, { title: "Interlude" });
    page = await writer.get(`/works/${later}/edit`);
    assert.equal(page.statusCode, 200);
    res = await writer.post(`/works/${later}`, workForm(pseudId, { "work[title]": "Interlude", [SERIES_ID]: String(series.id), [SERIES_POSITION]: "2", commit: "Update" }));
    assert.equal(res.statusCode, 303);
    assert.deepEqual(await order(db, series.id), [[prologue, 1], [later, 2], [first, 3], [second, 4]]);

    // Work page: Part N of SERIES with previous and next.
    page = await new Client(app).get(`/works/${first}`);
    assertMatch(page.body, /<dt class="series">Series:<\/dt>/);
    assertMatch(page.body, new RegExp(`<a class="previous" href="/works/${later}"[^>]*>← Previous Work</a>`));
    assertMatch(page.body, new RegExp(`Part 3 of <a href="/series/${series.id}">The Lighthouse &lt;b(&gt;|>)Cycle&lt;/b(&gt;|>)</a>`));
    assert.doesNotMatch(page.body, /<b>Cycle<\/b>/);
    assertMatch(page.body, new RegExp(`<a class="next" href="/works/${second}"[^>]*>Next Work →</a>`));
    page = await new Client(app).get(`/works/${prologue}`);
    assert.doesNotMatch(page.body, /class="previous"/);
    assertMatch(page.body, /Part 1 of/);

    // Series page: works in order as blurbs, counts.
    page = await new Client(app).get(`/series/${series.id}`);
    assert.equal(page.statusCode, 200);
    const titles = [...page.body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(titles, [prologue, later, first, second]);
    assertMatch(page.body, /<dd class="works">4<\/dd>/);
    assertMatch(page.body, /<dd class="complete">No<\/dd>/);
    assertMatch(page.body, new RegExp(`href="/users/${login}/pseuds/${login}"`));

    // Edit: title, sanitized summary, complete, a new order and a removal.
    page = await writer.get(`/series/${series.id}/edit`);
    assert.equal(page.statusCode, 200);
    res = await writer.post(`/series/${series.id}`, {
      "series[title]": "The Lighthouse Cycle",
      "series[summary]": "Four <em>stories</em>.<script>alert(1)</script>",
      "series[series_notes]": "",
      "series[complete]": "1",
      [`series[positions][${prologue}]`]: "4",
      [`series[positions][${later}]`]: "1",
      [`series[positions][${first}]`]: "2",
      [`series[positions][${second}]`]: "3",
      "series[remove_work_ids][]": String(first),
    });
    assert.equal(res.statusCode, 303);
    assert.deepEqual(await order(db, series.id), [[later, 1], [second, 2], [prologue, 3]]);
    page = await new Client(app).get(`/series/${series.id}`);
    assertMatch(page.body, /<dd class="complete">Yes<\/dd>/);
    assertMatch(page.body, /<blockquote class="userstuff"><p>Four <em>stories<\/em>\.<\/p><\/blockquote>/);
    assert.doesNotMatch(page.body, /<script>alert/);

    // A bad position: the form again with everything typed, and a message.
    res = await writer.post(`/series/${series.id}`, { "series[title]": "Kept Title", "series[summary]": "kept", [`series[positions][${later}]`]: "first" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /value="Kept Title"/);
    assertMatch(res.body, /whole numbers from 1/);
    // An empty title is refused too.
    res = await writer.post(`/series/${series.id}`, { "series[title]": "  " });
    assert.equal(res.statusCode, 422);

    // The user's series page lists it.
    page = await new Client(app).get(`/users/${login}/series`);
    assertMatch(page.body, new RegExp(`<a href="/series/${series.id}">The Lighthouse Cycle</a>`));
    assert.equal((await new Client(app).get("/series/999999")).statusCode, 404);
    assert.equal((await new Client(app).get("/series/abc")).statusCode, 404);
    await app.close();
  });
});

test("series: only the owners edit; ids changed in forms cannot touch another user's series or works (IDOR)", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url);
    const own = await makeWork(db, pseudId, { title: "Owner's Work" });
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Owner's Series");
      await addWorkToSeries(trx, id, own, null);
      return id;
    });
    const { client: mallory, userId: malloryId } = await reader(app, db, "mallory");
    const malloryPseud = (await db.selectFrom("pseuds").select("id").where("user_id", "=", malloryId).executeTakeFirstOrThrow()).id;

    // Not the owner: no edit page, no save, no delete; nothing offered on the series page.
    assert.equal((await mallory.get(`/series/${seriesId}/edit`)).statusCode, 403);
    assert.equal((await mallory.post(`/series/${seriesId}`, { "series[title]": "Pwned", "series[remove_work_ids][]": String(own) })).statusCode, 403);
    assert.equal((await mallory.get(`/series/${seriesId}/confirm_delete`)).statusCode, 403);
    assert.equal((await mallory.post(`/series/${seriesId}/delete`, {})).statusCode, 403);
    assert.doesNotMatch((await mallory.get(`/series/${seriesId}`)).body, /Edit Series/);
    assert.equal((await findSeries(db, seriesId))?.title, "Owner's Series");
    // Guests are sent to log in.
    assert.notEqual((await new Client(app).post(`/series/${seriesId}`, { "series[title]": "x" }, { csrf: false })).statusCode, 303);

    // Someone else's series id typed into the work form: refused with a message, nothing posted.
    const before = Number((await db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    let res = await mallory.post("/works", workForm(malloryPseud, { "work[title]": "Intruder", [SERIES_ID]: String(seriesId) }));
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /only add works to your own series/);
    assertMatch(res.body, /value="Intruder"/);
    assert.equal(Number((await db.selectFrom("works").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n), before);
    const mine = await makeWork(db, malloryPseud, { title: "Mallory's Work" });
    res = await mallory.post(`/works/${mine}`, workForm(malloryPseud, { "work[title]": "Mallory's Work", [SERIES_ID]: String(seriesId), commit: "Update" }));
    assert.equal(res.statusCode, 422);
    assert.deepEqual(await order(db, seriesId), [[own, 1]]);
    // Both a series and a new title: one or the other.
    res = await mallory.post("/works", workForm(malloryPseud, { [SERIES_ID]: "1", [SERIES_TITLE]: "Also" }));
    assert.equal(res.statusCode, 422);

    // Mallory's own series, with a position field naming the owner's work: ignored (only the
    // series' own works are read from the form).
    res = await mallory.post(`/works/${mine}`, workForm(malloryPseud, { "work[title]": "Mallory's Work", [SERIES_TITLE]: "Mallory's Series", commit: "Update" }));
    assert.equal(res.statusCode, 303);
    const malloriesSeries = (await db.selectFrom("series").select("id").where("title", "=", "Mallory's Series").executeTakeFirstOrThrow()).id;
    res = await mallory.post(`/series/${malloriesSeries}`, { "series[title]": "Mallory's Series", [`series[positions][${own}]`]: "1", "series[remove_work_ids][]": String(own) });
    assert.equal(res.statusCode, 303);
    assert.deepEqual(await order(db, seriesId), [[own, 1]]);
    assert.deepEqual(await order(db, malloriesSeries), [[mine, 1]]);
    await app.close();
  });
});

test("series: hidden works are left out of the series page, its counts and the work page's neighbours", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const draft = await makeWork(db, pseudId, { title: "Secret Draft", draft: true });
    const locked = await makeWork(db, pseudId, { title: "Members Only", restricted: true });
    const open = await makeWork(db, pseudId, { title: "Open Work" });
    const hiddenSeries = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "All Hidden");
      await addWorkToSeries(trx, id, draft, null);
      return id;
    });
    const mixed = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Mixed");
      for (const w of [draft, locked, open]) await addWorkToSeries(trx, id, w, null);
      return id;
    });

    // A series whose only work is a draft: no works, no counts, for a guest and a reader alike.
    const { client: ana } = await reader(app, db, "ana");
    for (const client of [new Client(app), ana]) {
      const page = await client.get(`/series/${hiddenSeries}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /Secret Draft/);
      assertMatch(page.body, /<dd class="works">0<\/dd>/);
      assertMatch(page.body, /<dd class="words">0<\/dd>/);
    }
    // Nor does it appear in the creator's series list for others.
    assert.doesNotMatch((await new Client(app).get(`/users/${login}/series`)).body, /All Hidden/);
    const owner = new Client(app);
    await owner.logIn(login, password);
    assertMatch((await owner.get(`/users/${login}/series`)).body, /All Hidden/);

    // Mixed: a guest sees the open work only, counted as Part 1, with no neighbours.
    let page = await new Client(app).get(`/series/${mixed}`);
    assert.doesNotMatch(page.body, /Secret Draft|Members Only/);
    assertMatch(page.body, /<dd class="works">1<\/dd>/);
    page = await new Client(app).get(`/works/${open}`);
    assertMatch(page.body, /Part 1 of <a href="\/series\/\d+">Mixed<\/a>/);
    assert.doesNotMatch(page.body, /class="previous"|Members Only|Secret Draft/);

    // A reader sees the registered-only one too: Part 2, with it as the previous work.
    page = await ana.get(`/series/${mixed}`);
    assertMatch(page.body, /<dd class="works">2<\/dd>/);
    assert.doesNotMatch(page.body, /Secret Draft/);
    page = await ana.get(`/works/${open}`);
    assertMatch(page.body, new RegExp(`<a class="previous" href="/works/${locked}"`));
    assertMatch(page.body, /Part 2 of/);

    // The queries say the same.
    const viewer: Viewer = { user: { id: 1_000_000, login: "x", roles: [] }, sessionId: null };
    assert.deepEqual((await seriesWorksVisibleTo(db, GUEST, mixed)).map((w) => w.id), [open]);
    assert.deepEqual((await seriesWorksVisibleTo(db, viewer, mixed)).map((w) => w.id), [locked, open]);
    const places = await seriesPlacesOfWork(db, GUEST, open);
    assert.deepEqual(places.map((p) => [p.title, p.part, p.previous, p.next]), [["Mixed", 1, null, null]]);
    await app.close();
  });
});

test("series: deleting a work takes it out of its series and closes the gap; removing and re-adding keeps 1..n", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const [a, b, c] = [await makeWork(db, pseudId, { title: "A" }), await makeWork(db, pseudId, { title: "B" }), await makeWork(db, pseudId, { title: "C" })];
    const [s1, s2] = await db.transaction().execute(async (trx) => {
      const one = await createSeries(trx, [pseudId], "One");
      const two = await createSeries(trx, [pseudId], "Two");
      for (const w of [a, b, c]) await addWorkToSeries(trx, one, w, null);
      await addWorkToSeries(trx, two, b, null);
      // Past the end is the end; 0 or below is the start; joining twice only moves.
      await addWorkToSeries(trx, two, a, 99);
      await addWorkToSeries(trx, two, c, 1);
      await addWorkToSeries(trx, two, c, 1);
      return [one, two];
    });
    assert.deepEqual(await order(db, s2), [[c, 1], [b, 2], [a, 3]]);
    await deleteWork(db, b);
    assert.deepEqual(await order(db, s1), [[a, 1], [c, 2]]);
    assert.deepEqual(await order(db, s2), [[c, 1], [a, 2]]);
    await db.transaction().execute((trx) => removeWorkFromSeries(trx, s1, a));
    assert.deepEqual(await order(db, s1), [[c, 1]]);
    await db.transaction().execute((trx) => addWorkToSeries(trx, s1, a, 1));
    assert.deepEqual(await order(db, s1), [[a, 1], [c, 2]]);
  });
});

test("series: series titles are searchable, and stay current when a series is renamed or a work joins or leaves", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const a = await makeWork(db, pseudId, { title: "Alpha" });
    const b = await makeWork(db, pseudId, { title: "Beta" });
    const found = async (text: string) => {
      const parsed = parseSearchQuery(text);
      assert.ok(parsed.ok, text);
      return (await searchWorks(db, GUEST, parsed.query, 1, await BrowseIndex.build(db))).blurbs.map((x) => x.work.id).sort();
    };
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Marmalade Chronicles");
      await addWorkToSeries(trx, id, a, null);
      return id;
    });
    assert.deepEqual(await found("marmalade"), [a]);
    assert.deepEqual(await found("series:chronicles"), [a]);
    await db.transaction().execute((trx) => addWorkToSeries(trx, seriesId, b, null));
    assert.deepEqual(await found("marmalade"), [a, b].sort());
    await updateSeries(db, seriesId, { title: "Quince Sagas", summary: "", notes: "", complete: false, order: [a, b], removed: [] });
    assert.deepEqual(await found("marmalade"), []);
    assert.deepEqual(await found("quince"), [a, b].sort());
    await db.transaction().execute((trx) => removeWorkFromSeries(trx, seriesId, a));
    assert.deepEqual(await found("quince"), [b]);
    // A chapter edit rebuilds the work's search document from what is stored: the series stays in it.
    const { updateChapter } = await import("../works/commands.js");
    const chapter = (await db.selectFrom("chapters").select("id").where("work_id", "=", b).executeTakeFirstOrThrow()).id;
    await updateChapter(db, b, chapter, { title: "", summary: "", notes: "", endnotes: "", content: "<p>New words entirely here.</p>" });
    assert.deepEqual(await found("quince"), [b]);
  });
});

test("series: works added to one series at the same moment get positions 1..n, none twice", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const works: number[] = [];
    for (let i = 0; i < 6; i++) works.push(await makeWork(db, pseudId, { title: `W${i}` }));
    const seriesId = await db.transaction().execute((trx) => createSeries(trx, [pseudId], "Busy"));
    await Promise.all(works.map((w, i) => db.transaction().execute((trx) => addWorkToSeries(trx, seriesId, w, i % 2 ? 1 : null))));
    const rows = await order(db, seriesId);
    assert.deepEqual(rows.map(([, position]) => position), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(rows.map(([id]) => id).sort(), [...works].sort());
  });
});

test("series: the edit-work form says which series the work is in already", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const earlier = await makeWork(db, pseudId, { title: "Earlier" });
    const work = await makeWork(db, pseudId, { title: "Member" });
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Home Series");
      await addWorkToSeries(trx, id, earlier, null);
      await addWorkToSeries(trx, id, work, null);
      return id;
    });
    const writer = new Client(app);
    await writer.logIn(login, password);
    const page = await writer.get(`/works/${work}/edit`);
    assertMatch(page.body, new RegExp(`Already Part 2 of <a href="/series/${seriesId}">Home Series</a>`));
    await app.close();
  });
});

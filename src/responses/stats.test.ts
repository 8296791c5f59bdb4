import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";
import { subscribe } from "../subscriptions/commands.js";
import { createUser } from "../users/commands.js";
import { createBookmark, leaveKudos } from "./commands.js";
import { lastDays } from "./stats.js";
import { niceCeiling } from "./views/stats.js";

const today = () => new Date().toISOString().slice(0, 10);

/** The cells of one row of the per-work table. */
function workRow(html: string, workId: number): string {
  const start = html.indexOf(`<tr id="stats-work-${workId}">`);
  assert.ok(start >= 0, `row for work ${workId}`);
  return html.slice(start, html.indexOf("</tr>", start));
}

/** Today's row of the per-day table: [hits, kudos]. */
function todayRow(html: string): [string, string] {
  const match = new RegExp(`<tr><th scope="row"><time datetime="${today()}">${today()}</time></th><td>([\\d,]+)</td><td>([\\d,]+)</td></tr>`).exec(html);
  assert.ok(match, "today's row in the table");
  return [match[1]!, match[2]!];
}

test("stats: the owner's works with their figures, a chart and its table; owner and admins only", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const popular = await makeWork(db, pseudId, { title: "Popular <Work>" });
    const quiet = await makeWork(db, pseudId, { title: "Quiet Work" });
    await makeWork(db, pseudId, { title: "Secret Draft", draft: true });
    const readers = [];
    for (const name of ["ana", "ben", "cai"]) {
      const made = await createUser(db, { login: name, email: `${name}@example.com`, password: "reader password 1" });
      assert.ok(made.ok);
      readers.push(made.value.id);
    }
    for (const userId of readers) await leaveKudos(db, popular, { userId });
    await leaveKudos(db, quiet, { guestIp: "203.0.113.9" });
    await createBookmark(db, readers[0]!, popular, { notes: "", tags: [], private: false, rec: false });
    for (const userId of readers.slice(0, 2)) await subscribe(db, userId, "work", popular);
    await subscribe(db, readers[2]!, "user", readers[0]!); // following a user is not a work's subscriber
    for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"]) app.hits.note(popular, `address:${ip}`);
    app.hits.note(quiet, "address:203.0.113.1");
    app.hits.note(popular, "address:203.0.113.1", new Date(Date.now() - 3 * 86_400_000));
    await app.hits.flush();

    const owner = new Client(app);
    await owner.logIn(login, password);
    const res = await owner.get(`/users/${login}/stats`);
    assert.equal(res.statusCode, 200);
    const page = res.body;
    // Sorted by hits (the default), drafts left out; each row's words, hits, kudos, comments, bookmarks.
    const order = [...page.matchAll(/<tr id="stats-work-(\d+)">/g)].map((m) => Number(m[1]));
    assert.deepEqual(order, [popular, quiet]);
    assert.doesNotMatch(page, /Secret Draft/);
    assertMatch(page, /<a href="\/works\/\d+">Popular &lt;Work><\/a>/);
    const cells = (row: string) => [...row.matchAll(/<td class="(\w+)">([\d,]+)<\/td>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(cells(workRow(page, popular)), [["words", "5"], ["hits", "6"], ["kudos", "3"], ["comments", "0"], ["bookmarks", "1"], ["subscriptions", "2"]]);
    assert.deepEqual(cells(workRow(page, quiet)), [["words", "5"], ["hits", "1"], ["kudos", "1"], ["comments", "0"], ["bookmarks", "0"], ["subscriptions", "0"]]);
    assertMatch(page, /<th scope="row">All works<\/th><td class="words">10<\/td><td class="hits">7<\/td><td class="kudos">4<\/td><td class="comments">0<\/td><td class="bookmarks">1<\/td><td class="subscriptions">2<\/td><\/tr><\/tfoot>/);
    assertMatch(page, /<th scope="col">Subscriptions<\/th>/);

    // The chart: inline SVG with a title and description, one point per day for 30 days, and the same figures as a table.
    assertMatch(page, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="stats-chart" viewBox="0 0 640 260" width="100%" role="img" aria-labelledby="stats-chart-title stats-chart-desc"><title id="stats-chart-title">Hits and kudos per day: all works<\/title><desc id="stats-chart-desc">A line chart of 30 days from [\d-]+ to [\d-]+ \(UTC\)\. Hits, solid line: 7 in all, the most on [\d-]+ \(6\)\. Kudos, dashed line: 4 in all\./);
    const hitsLine = /<polyline class="hits" points="([^"]+)"/.exec(page)![1]!;
    assert.equal(hitsLine.split(" ").length, 30);
    assertMatch(page, /<caption>Hits and kudos per day, [\d-]+ to [\d-]+ \(UTC\)<\/caption>/);
    assert.equal([...page.matchAll(/<tr><th scope="row"><time datetime="\d{4}-\d\d-\d\d">/g)].length, 30);
    assert.deepEqual(todayRow(page), ["6", "4"]);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    assertMatch(page, new RegExp(`<time datetime="${threeDaysAgo}">${threeDaysAgo}</time></th><td>1</td><td>0</td>`));

    // One work's chart; another sort; nonsense parameters fall back to the defaults.
    const one = (await owner.get(`/users/${login}/stats?work=${quiet}&sort=title`)).body;
    assertMatch(one, /<title id="stats-chart-title">Hits and kudos per day: “Quiet Work”<\/title>/);
    assert.deepEqual(todayRow(one), ["1", "1"]);
    assert.deepEqual([...one.matchAll(/<tr id="stats-work-(\d+)">/g)].map((m) => Number(m[1])), [popular, quiet]);
    assertMatch(one, /<th scope="col" aria-sort="ascending"><span>Title<\/span><\/th>/);
    const odd = await owner.get(`/users/${login}/stats?work=abc&sort=%3Cscript%3E`);
    assert.equal(odd.statusCode, 200);
    assertMatch(odd.body, /Hits and kudos per day: all works/);

    // Someone else's work cannot be charted through ?work=.
    const other = await makeCreator(db, "other");
    const theirs = await makeWork(db, other.pseudId, { title: "Not Yours" });
    const foreign = (await owner.get(`/users/${login}/stats?work=${theirs}`)).body;
    assertMatch(foreign, /Hits and kudos per day: all works/);
    assert.doesNotMatch(foreign, /Not Yours/);

    // Only the owner, and admins.
    const ana = new Client(app);
    await ana.logIn("ana", "reader password 1");
    assert.equal((await ana.get(`/users/${login}/stats`)).statusCode, 403);
    const guest = await new Client(app).get(`/users/${login}/stats`);
    assert.equal(guest.statusCode, 303);
    assert.match(String(guest.headers.location), /^\/users\/login/);
    assert.ok((await createUser(db, { login: "boss", email: "boss@example.com", password: "admin password 1", roles: ["admin"] })).ok);
    const admin = new Client(app);
    await admin.logIn("boss", "admin password 1");
    const seen = await admin.get(`/users/${login}/stats`);
    assert.equal(seen.statusCode, 200);
    assert.deepEqual(todayRow(seen.body), ["6", "4"]);
    assert.equal((await admin.get("/users/nobody/stats")).statusCode, 404);
    // An admin's own page with no works says so.
    assertMatch((await admin.get("/users/boss/stats")).body, /No posted works yet/);
    await app.close();
  });
});

test("stats: the chart's scale and days", () => {
  assert.deepEqual([0, 1, 2, 3, 7, 10, 11, 60, 999].map(niceCeiling), [1, 1, 2, 5, 10, 10, 20, 100, 1000]);
  assert.deepEqual(lastDays(new Date("2026-03-02T23:59:00Z"), 3), ["2026-02-28", "2026-03-01", "2026-03-02"]);
});

test("history and stats pages pass the Nu HTML checker", async (t) => {
  if (!htmlCheckerAvailable(t)) return;
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Checked Work" });
    const second = await makeWork(db, pseudId, { title: "Second Work" });
    assert.ok((await createUser(db, { login: "ana", email: "ana@example.com", password: "reader password 1" })).ok);
    const ana = new Client(app);
    await ana.logIn("ana", "reader password 1");
    await ana.get(`/works/${workId}`);
    await ana.post(`/works/${second}/mark_for_later`, {});
    await ana.post(`/works/${workId}/kudos`, {});
    await app.hits.flush();
    const owner = new Client(app);
    await owner.logIn(login, password);
    const pages: Record<string, string> = {
      "work page with Mark as Read": (await ana.get(`/works/${second}`)).body,
      history: (await ana.get("/users/ana/readings")).body,
      "marked for later": (await ana.get("/users/ana/readings?show=to-read")).body,
      "clear history": (await ana.get("/users/ana/readings/confirm_clear")).body,
      stats: (await owner.get(`/users/${login}/stats`)).body,
    };
    const errors = await checkHtmlPages(pages);
    assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
    await app.close();
  });
});

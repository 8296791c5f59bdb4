import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { createSeries, addWorkToSeries } from "../series/commands.js";

/**
 * AO3's page contract for readers' tools, page by page (test/fanficfare.test.ts runs the real
 * FanFicFare against it): what each page must hold, checked without the tool.
 */

test("readers' tools: a one-shot's chapter markup, the navigate byline, the summary's place, comments on request", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url, "lampwright");
    const oneShot = await makeWork(db, pseudId, { title: "No Summary Here", notes: "<p>Only notes.</p>" });
    const { client: reader, userId: readerId } = await loggedInUser(app, db, "shellreader");
    void readerId;
    const commented = await reader.post(`/works/${oneShot}/comments`, { "comment[comment_content]": "A reader's comment." });
    assert.equal(commented.statusCode, 303);
    const guest = new Client(app);

    // A one-shot's page and its chapter page: `div.chapter#chapter-1 > div.userstuff.module`, as any work's.
    const page = (await guest.get(`/works/${oneShot}`)).body;
    assertMatch(page, /<div class="chapter" id="chapter-1"><div class="userstuff module" role="article" lang="en"><h3 class="landmark heading" id="work">Chapter Text<\/h3>/);
    const chapterId = Number(/href="\/works\/\d+\/chapters\/(\d+)"/.exec((await guest.get(`/works/${oneShot}/navigate`)).body)?.[1]);
    assertMatch((await guest.get(`/works/${oneShot}/chapters/${chapterId}`)).body, /<div class="chapter" id="chapter-1"><div class="userstuff module"/);

    // Without a summary, the first blockquote.userstuff after the title is still the summary's (empty, hidden).
    const afterTitle = page.slice(page.indexOf('<h2 class="title heading">'));
    assertMatch(afterTitle, /^[^]*?<div class="summary module" hidden(="")?><blockquote class="userstuff"><\/blockquote><\/div><div class="notes module"/);

    // The chapter index names the creators with links to their pseuds.
    assertMatch((await guest.get(`/works/${oneShot}/navigate`)).body, /Chapter Index for <a href="\/works\/\d+">No Summary Here<\/a> by <a rel="author" href="\/users\/lampwright\/pseuds\/lampwright">lampwright<\/a><\/h2>/);

    // Comments: only when asked for; the form is always there; a link shows and one hides them.
    assert.doesNotMatch(page, /A reader(&#39;|')s comment/);
    assertMatch(page, new RegExp(`<a href="/works/${oneShot}\\?show_comments=true#comments" id="show_comments_link">Comments \\(1\\)</a>`));
    const asked = (await reader.get(`/works/${oneShot}?show_comments=true`)).body;
    assertMatch(asked, /A reader(&#39;|')s comment/);
    assertMatch(asked, new RegExp(`<a href="/works/${oneShot}#comments" id="hide_comments_link">Hide Comments \\(1\\)</a>`));
    assertMatch(asked, /<legend>Comment on this work<\/legend>/);
    assertMatch((await reader.get(`/works/${oneShot}`)).body, /<legend>Comment on this work<\/legend>/);
    // The full view keeps its parameter in the links.
    assertMatch((await guest.get(`/works/${oneShot}?view_full_work=true`)).body, new RegExp(`href="/works/${oneShot}\\?view_full_work=true&show_comments=true#comments"`));

    // Logged in, the work page carries AO3's (hidden) bookmark form that tools read.
    const mine = (await reader.get(`/works/${oneShot}`)).body;
    assertMatch(mine, new RegExp(`<div id="bookmark-form" hidden(="")?><form method="post" action="/works/${oneShot}/bookmarks">`));
    for (const id of ["bookmark_notes", "bookmark_tag_string", "bookmark_private", "bookmark_rec"]) assertMatch(mine, new RegExp(`id="${id}"`), id);
  });
});

test("readers' tools: a registered-only work sends a guest to log in and back; log-out is a link to a confirmation", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url, "lampwright");
    const locked = await makeWork(db, pseudId, { title: "Members Only", restricted: true });
    const guest = new Client(app);
    const res = await guest.get(`/works/${locked}/navigate`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `/users/login?restricted=true&return_to=%2Fworks%2F${locked}%2Fnavigate`);
    const loginPage = (await guest.get(String(res.headers.location))).body;
    assertMatch(loginPage, /<p class="notice">This work is only available to registered users of the Archive\. Please log in to read it\.<\/p>/);
    assert.doesNotMatch((await guest.get("/users/login")).body, /only available to registered users/);
    const loggedIn = await guest.post("/users/login", { "user[login]": login, "user[password]": password, return_to: `/works/${locked}/navigate` });
    assert.equal(loggedIn.statusCode, 303);
    assert.equal(loggedIn.headers.location, `/works/${locked}/navigate`);
    const work = await guest.get(`/works/${locked}`);
    assert.equal(work.statusCode, 200);
    assertMatch(work.body, /<a href="\/users\/logout">Log out<\/a>/);

    // GET /users/logout asks; only its button (a POST with the token) logs out.
    const confirm = await guest.get("/users/logout");
    assert.equal(confirm.statusCode, 200);
    assertMatch(confirm.body, /<form method="post" action="\/users\/logout" id="logoutform"><input type="hidden" name="authenticity_token"/);
    assert.equal((await guest.get(`/works/${locked}`)).statusCode, 200, "still logged in after the GET");
    assert.equal((await guest.post("/users/logout", {}, { csrf: false })).statusCode, 403, "no token, no log-out");
    assert.equal((await guest.post("/users/logout", {})).statusCode, 303);
    assert.equal((await guest.get(`/works/${locked}`)).statusCode, 302, "logged out");
    const again = await guest.get("/users/logout");
    assert.equal(again.statusCode, 303, "a guest has nothing to log out of");
  });
});

test("readers' tools: the series page is AO3's div.series-show with h2.heading", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await appWithUser(db, url, "lampwright");
    const first = await makeWork(db, pseudId, { title: "Part One" });
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Tides");
      await addWorkToSeries(trx, id, first, null);
      return id;
    });
    const page = (await new Client(app).get(`/series/${seriesId}`)).body;
    assertMatch(page, /<div class="series-show series"><h2 class="heading">Tides<\/h2>/);
    assertMatch(page, /<dl class="series meta group">[^]*<dl class="stats">[^]*<dt class="complete">Complete:<\/dt><dd class="complete">No<\/dd>/);
    assertMatch(page, new RegExp(`<h4 class="heading"><a href="/works/${first}">Part One</a>`));
  });
});

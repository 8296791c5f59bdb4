import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, redirectedId, workForm } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";

test("posting a work with every field shows it in AO3's markup", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const res = await client.post(
      "/works",
      workForm(pseudId, {
        "work[title]": "Salt & <Light>",
        "work[rating]": "Teen And Up Audiences",
        "work[warnings][]": ["Graphic Depictions Of Violence", "Major Character Death"],
        "work[categories][]": ["F/F", "Multi"],
        "work[fandoms]": "Original Work, Lighthouse Stories",
        "work[relationships]": "Mira/Keeper",
        "work[characters]": "Mira, Keeper",
        "work[freeforms]": "Storms, Found Family",
        "work[language]": "de",
        "work[summary]": "A <em>storm</em> summary.<script>alert(1)</script>",
        "work[notes]": "Beginning notes.",
        "work[endnotes]": "End notes.",
        "work[restricted]": "1",
        "work[comment_permission]": "none",
        "work[expected_chapters]": "?",
        "work[backdate]": "1",
        "work[published_on]": "2020-02-29",
        "chapter[title]": "Landfall",
        "chapter[content]": "Die Wellen kamen.\nSie gingen.\n\nDann war es still — don't panic.",
      }),
    );
    const id = redirectedId(res);
    const page = await client.get(`/works/${id}`);
    assert.equal(page.statusCode, 200);
    const html = page.body;
    assertMatch(html, /<h2 class="title heading"><span>Salt &amp; &lt;Light(&gt;|>)<\/span>/);
    assertMatch(html, /<dd class="rating tags"><ul class="commas"><li><a class="tag" href="\/tags\/Teen%20And%20Up%20Audiences\/works">Teen And Up Audiences<\/a>/);
    assertMatch(html, /<dd class="warning tags">.*Graphic Depictions Of Violence.*Major Character Death/s);
    assertMatch(html, /<dd class="category tags">.*F\/F.*Multi/s);
    assertMatch(html, /<dd class="fandom tags">.*Original Work.*Lighthouse Stories/s);
    assertMatch(html, /<dd class="relationship tags">.*Mira\/Keeper/s);
    assertMatch(html, /<dd class="character tags">.*Mira.*Keeper/s);
    assertMatch(html, /<dd class="freeform tags">.*Storms.*Found Family/s);
    assertMatch(html, /<dd class="language" lang="de">Deutsch<\/dd>/);
    assertMatch(html, /<dd class="published">2020-02-29<\/dd>/);
    assertMatch(html, /<dd class="words">11<\/dd>/);
    assertMatch(html, /<dd class="chapters">1\/\?<\/dd>/);
    assertMatch(html, /<h3 class="byline heading"><a rel="author" href="\/users\/writer\/pseuds\/writer">writer<\/a><\/h3>/);
    assertMatch(html, /<div class="summary module"[^>]*><h3 class="heading">Summary:<\/h3><blockquote class="userstuff"><p>A <em>storm<\/em> summary.<\/p><\/blockquote>/);
    assert.doesNotMatch(html, /<script>alert/);
    assertMatch(html, /<div class="userstuff module" role="article" lang="de">.*<p>Die Wellen kamen.<br \/>Sie gingen.<\/p>\s*<p>Dann war es still — don't panic.<\/p>/s);
    assertMatch(html, /img src="\/static\/lock.svg" alt="\(Restricted\)"/);
    const row = await db.selectFrom("works").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.comment_permission, "none");
    assert.equal(row.restricted, 1);
    assert.equal(row.expected_chapters, null);
    assert.equal(row.backdated, 1);
    await app.close();
  });
});

test("each validation rule answers 422 with a message by the field and keeps what was typed", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const cases: [string, Record<string, string | string[]>, RegExp][] = [
      ["title required", { "work[title]": "   " }, /Title is required/],
      ["title too long", { "work[title]": "x".repeat(256) }, /Title must be at most 255 characters/],
      ["one rating", { "work[rating]": "" }, /Please choose exactly one rating/],
      ["unknown rating", { "work[rating]": "Very Spicy" }, /Please choose exactly one rating/],
      ["a warning", { "work[warnings][]": [] }, /Please choose at least one archive warning/],
      ["a fandom", { "work[fandoms]": " , " }, /Please fill in at least one fandom/],
      ["tag length", { "work[freeforms]": "y".repeat(151) }, /tags are at most 150 characters/],
      ["tag characters", { "work[freeforms]": "a*b" }, /contains a character tags can&#39;t have \(\*\)|contains a character tags can't have \(\*\)/],
      ["75 user tags", { "work[freeforms]": Array.from({ length: 74 }, (_, i) => `tag ${i}`).join(", ") }, /at most 75 fandom, relationship, character and additional tags/],
      ["language", { "work[language]": "xx-nope" }, /Please choose a language from the list/],
      ["expected chapters", { "work[expected_chapters]": "0" }, /Expected chapters must be a whole number/],
      ["summary length", { "work[summary]": "s".repeat(1251) }, /Summary must be at most 1250 characters/],
      ["notes length", { "work[notes]": "n".repeat(5001) }, /Notes must be at most 5000 characters/],
      ["future date", { "work[backdate]": "1", "work[published_on]": "2999-01-01" }, /can&#39;t be in the future|can't be in the future/],
      ["bad date", { "work[backdate]": "1", "work[published_on]": "2021-02-30" }, /YYYY-MM-DD/],
      ["chapter too short", { "chapter[content]": "tiny" }, /Chapter text must be at least 10 characters/],
      ["creator not mine", { "work[pseud_ids][]": ["999999"] }, /choose at least one of your pseuds/],
    ];
    for (const [name, overrides, message] of cases) {
      const form = workForm(pseudId, { "work[title]": `Kept title ${name}`, ...overrides });
      const res = await client.post("/works", form);
      assert.equal(res.statusCode, 422, name);
      assertMatch(res.body, message, name);
      assertMatch(res.body, /class="flash error" role="alert"/, name);
      if (!("work[title]" in overrides)) assertMatch(res.body, new RegExp(`value="Kept title ${name.replace(/[()*]/g, "\\$&")}"`), `${name}: title kept`);
    }
    // A 300,000-word chapter over the character limit is refused but stays in the box.
    const huge = `${"word ".repeat(300_000)}end`;
    const res = await client.post("/works", workForm(pseudId, { "chapter[content]": huge }));
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Chapter text must be at most 510000 characters/);
    assert.ok(res.body.includes(`\n${huge}</textarea>`), "the whole chapter text is still in the form");
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0, "nothing was saved");
    await app.close();
  });
});

test("forms without a valid CSRF token change nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const missing = await client.post("/works", workForm(pseudId), { csrf: false });
    assert.equal(missing.statusCode, 403);
    assertMatch(missing.body, /Your form had expired or was sent from another site/);
    const wrong = await client.post("/works", { ...workForm(pseudId), authenticity_token: "forged" }, { csrf: false });
    assert.equal(wrong.statusCode, 403);
    const stranger = new Client(app);
    await stranger.get("/works");
    const crossSite = await app.inject({
      method: "POST",
      url: "/works",
      payload: new URLSearchParams({ ...(workForm(pseudId) as Record<string, string>), authenticity_token: stranger.csrf }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: [...client.cookies].filter(([k]) => k !== "fanfold_csrf").map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    assert.equal(crossSite.statusCode, 403, "a token minted for another visitor is refused");
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0);
    await app.close();
  });
});

test("drafts, registered-only works and the adult notice are seen only by those who may", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const author = new Client(app);
    await author.logIn(login, password);
    const draftId = redirectedId(await author.post("/works", workForm(pseudId, { "work[title]": "Draft Only", commit: "Save As Draft" })));
    const lockedId = redirectedId(await author.post("/works", workForm(pseudId, { "work[title]": "Members Only", "work[restricted]": "1" })));
    const adultId = redirectedId(await author.post("/works", workForm(pseudId, { "work[title]": "Grown Up", "work[rating]": "Explicit" })));

    const guest = new Client(app);
    assert.equal((await guest.get(`/works/${draftId}`)).statusCode, 404);
    // As on AO3: a guest is sent to log in (`restricted=true` says why), and back to the work after.
    const redirected = await guest.get(`/works/${lockedId}`);
    assert.equal(redirected.statusCode, 302);
    assert.equal(redirected.headers.location, `/users/login?restricted=true&return_to=%2Fworks%2F${lockedId}`);
    const locked = await guest.get(String(redirected.headers.location));
    assertMatch(locked.body, /This work is only available to registered users of the Archive./);
    assertMatch(locked.body, new RegExp(`<input type="hidden" name="return_to" value="/works/${lockedId}"/?>`));
    assert.doesNotMatch(locked.body, /Members Only/);
    const listing = await guest.get("/works");
    assertMatch(listing.body, /1 - 1 of 1 Works/);
    assert.doesNotMatch(listing.body, /Draft Only|Members Only/);
    for (const path of ["/users/writer/works", "/users/writer/pseuds/writer/works", "/tags/Original%20Work/works", "/works/search?work_search%5Bquery%5D=only"]) {
      const body = (await guest.get(path)).body;
      assert.doesNotMatch(body, /Draft Only|Members Only/, path);
    }
    assertMatch((await guest.get("/tags/Original%20Work/works")).body, /1 - 1 of 1 Works/, "counts exclude what guests can't see");

    const gate = await guest.get(`/works/${adultId}`);
    assert.equal(gate.statusCode, 200);
    assertMatch(gate.body, /This work could have adult content. If you proceed you have agreed that you are willing to see such content./);
    assert.doesNotMatch(gate.body, /By morning the sea was glass/);
    assertMatch(gate.body, /<a href="\/works\/\d+\?view_adult=true">Proceed<\/a>/);
    const through = await guest.get(`/works/${adultId}?view_adult=true`);
    assertMatch(through.body, /By morning the sea was glass/);
    assertMatch((await guest.get(`/works/${adultId}`)).body, /By morning the sea was glass/, "the choice is remembered");

    const reader = new Client(app);
    const { createUser } = await import("../users/commands.js");
    await createUser(db, { login: "reader", email: "r@example.com", password: "another good password" });
    await reader.logIn("reader", "another good password");
    assert.equal((await reader.get(`/works/${draftId}`)).statusCode, 404, "a draft is not shown to other users");
    assertMatch((await reader.get(`/works/${lockedId}`)).body, /Members Only/);
    assertMatch((await reader.get("/works")).body, /1 - 2 of 2 Works/);
    assert.equal((await reader.get(`/works/${draftId}/edit`)).statusCode, 404);

    assertMatch((await author.get(`/works/${draftId}`)).body, /This is a draft/);
    assertMatch((await author.get("/users/writer/works/drafts")).body, /Draft Only/);
    assert.equal((await author.post(`/works/${draftId}/post`, {})).statusCode, 303);
    assertMatch((await guest.get(`/works/${draftId}`)).body, /Draft Only/, "a posted draft is public");
    await app.close();
  });
});

test("chapters can be added, edited, reordered and deleted; counts follow", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const id = redirectedId(await client.post("/works", workForm(pseudId, { "work[expected_chapters]": "3", "chapter[content]": "one two three four five" })));
    const second = await client.post(`/works/${id}/chapters`, { "chapter[title]": "Second", "chapter[content]": "six seven eight nine ten eleven" });
    assert.equal(second.statusCode, 303);
    await client.post(`/works/${id}/chapters`, { "chapter[title]": "Third", "chapter[content]": "一个简单の栗子一个简单の栗子" });
    let page = (await client.get(`/works/${id}?view_full_work=true`)).body;
    assertMatch(page, /<dd class="words">25<\/dd>/);
    assertMatch(page, /<dd class="chapters">3\/3<\/dd>/);
    assertMatch(page, /<dt class="status">Completed:<\/dt>/);
    assert.equal(page.match(/<div class="chapter" id="chapter-\d">/g)?.length, 3);

    const chapters = await db.selectFrom("chapters").select(["id", "position", "title"]).where("work_id", "=", id).orderBy("position").execute();
    const [c1, c2, c3] = chapters;
    const edited = await client.post(`/works/${id}/chapters/${c2!.id}`, { "chapter[title]": "Second, revised", "chapter[content]": "only three words" });
    assert.equal(edited.statusCode, 303);
    assertMatch((await client.get(`/works/${id}`)).body, /<dd class="words">22<\/dd>/);

    const bad = await client.post(`/works/${id}/chapters/reorder`, { [`position[${c1!.id}]`]: "1", [`position[${c2!.id}]`]: "1", [`position[${c3!.id}]`]: "2" });
    assert.equal(bad.statusCode, 422);
    await client.post(`/works/${id}/chapters/reorder`, { [`position[${c1!.id}]`]: "2", [`position[${c2!.id}]`]: "3", [`position[${c3!.id}]`]: "1" });
    const order = await db.selectFrom("chapters").select(["id"]).where("work_id", "=", id).orderBy("position").execute();
    assert.deepEqual(order.map((c) => c.id), [c3!.id, c1!.id, c2!.id]);
    const nav = (await client.get(`/works/${id}/navigate`)).body;
    assertMatch(nav, /<ol class="chapter index group"[^>]*><li><a href="\/works\/\d+\/chapters\/\d+">1\. Third<\/a> <span class="datetime">\(\d{4}-\d\d-\d\d\)<\/span>/);

    const chapterPage = (await client.get(`/works/${id}/chapters/${c1!.id}`)).body;
    assertMatch(chapterPage, /<li class="chapter previous"><a href="\/works\/\d+\/chapters\/\d+#workskin">← Previous Chapter<\/a>/);
    assertMatch(chapterPage, /<li class="chapter next">/);
    assertMatch(chapterPage, /<div class="chapter" id="chapter-2">/);

    assertMatch((await client.get(`/works/${id}/chapters/${c3!.id}/confirm_delete`)).body, /Are you sure/);
    assert.equal((await client.post(`/works/${id}/chapters/${c3!.id}/delete`, {})).statusCode, 303);
    page = (await client.get(`/works/${id}`)).body;
    assertMatch(page, /<dd class="words">8<\/dd>/);
    assertMatch(page, /<dd class="chapters">2\/3<\/dd>/);
    const left = await db.selectFrom("chapters").select(["position"]).where("work_id", "=", id).orderBy("position").execute();
    assert.deepEqual(left.map((c) => c.position), [1, 2]);
    await app.close();
  });
});

test("editing a work and deleting it after confirmation", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const id = redirectedId(await client.post("/works", workForm(pseudId)));
    const edit = await client.get(`/works/${id}/edit`);
    assertMatch(edit.body, /value="A Test of Tides"/);
    assertMatch(edit.body, /A keeper and a storm.<\/textarea>/);
    const saved = await client.post(`/works/${id}`, { ...workForm(pseudId, { "work[title]": "Renamed", "work[freeforms]": "Calm Seas" }), commit: "Update" });
    assert.equal(saved.statusCode, 303);
    const page = (await client.get(`/works/${id}`)).body;
    assertMatch(page, /Renamed/);
    assertMatch(page, /Calm Seas/);
    assert.doesNotMatch(page, /Friendship/);

    const stranger = new Client(app);
    assert.equal((await stranger.get(`/works/${id}/confirm_delete`)).statusCode, 303, "guests are sent to log in");
    assertMatch((await client.get(`/works/${id}/confirm_delete`)).body, /Are you sure you want to delete Renamed\?/);
    assert.equal((await client.post(`/works/${id}/delete`, {})).statusCode, 303);
    assert.equal((await client.get(`/works/${id}`)).statusCode, 404);
    assert.equal((await db.selectFrom("chapters").select("id").where("work_id", "=", id).execute()).length, 0);
    await app.close();
  });
});

test("oversized requests get a clear 413 page and control characters are cleaned", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const big = await client.post("/works", workForm(pseudId, { "chapter[content]": "z".repeat(9 * 1024 * 1024) }));
    assert.equal(big.statusCode, 413);
    assertMatch(big.body, /larger than this archive accepts/);
    const id = redirectedId(await client.post("/works", workForm(pseudId, { "work[title]": "Bell\u0000\u0007 Tower", "chapter[content]": "Ring\u0000 the\u001b bell, ring it twice." })));
    const row = await db.selectFrom("works").select("title").where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.title, "Bell Tower");
    const chapter = await db.selectFrom("chapters").select("content").where("work_id", "=", id).executeTakeFirstOrThrow();
    assert.doesNotMatch(chapter.content, /[\u0000\u001b]/);
    // Invalid UTF-8 bytes in a form are replaced by U+FFFD, as raw bytes are (src/platform/http/forms-parser.test.ts).
    const res = await app.inject({
      method: "POST",
      url: "/works",
      payload: `${new URLSearchParams({ ...(workForm(pseudId) as Record<string, string>), authenticity_token: client.csrf }).toString().replace("work%5Btitle%5D=A+Test+of+Tides", "work%5Btitle%5D=Caf%C3%A9%FF%FE")}`,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    const badId = redirectedId(res);
    assert.equal((await db.selectFrom("works").select("title").where("id", "=", badId).executeTakeFirstOrThrow()).title, "Café\uFFFD\uFFFD");
    await app.close();
  });
});

test("chapter text is stored sanitized, in paragraphs, with AO3's word counts", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const cases: { content: string; words: number; has: RegExp[]; lacks: RegExp[] }[] = [
      {
        content: '<p onclick="steal()">Click <a href="javascript:alert(1)">here</a> <a href="https://example.org/x">there</a></p><script>alert(1)</script><img src=x onerror=alert(1)><span style="position:fixed">styled</span>',
        words: 4,
        has: [/<a href="https:\/\/example.org\/x" rel="nofollow">there<\/a>/, /<span>styled<\/span>/],
        lacks: [/onclick|onerror|javascript:|<script|alert\(1\)<\/script>|style=/],
      },
      { content: "First line\nsecond line\n\nNew paragraph\n\n\n\nAfter a scene break", words: 10, has: [/<p>First line<br \/>second line<\/p>/, /<p>&nbsp;<\/p>|<p>\u00a0<\/p>/], lacks: [] },
      { content: "一个简单の栗子 and some English words", words: 11, has: [/一个简单の栗子/], lacks: [] },
      { content: "“嘿Bob,” Alice说，‘啊？！？’ — then silence", words: 7, has: [], lacks: [] },
      { content: "<blockquote>Don't stop <em>believing</em></blockquote><ul><li>arm-rest</li><li>one--two</li></ul>", words: 6, has: [/<blockquote>/, /<ul>\s*<li>arm-rest<\/li>/], lacks: [] },
    ];
    for (const [i, c] of cases.entries()) {
      const res = await client.post("/works", workForm(pseudId, { "work[title]": `Case ${i}`, "chapter[content]": c.content }));
      const id = redirectedId(res);
      const chapter = await db.selectFrom("chapters").select(["content", "word_count"]).where("work_id", "=", id).executeTakeFirstOrThrow();
      assert.equal(chapter.word_count, c.words, `case ${i} word count: ${chapter.content}`);
      for (const re of c.has) assert.match(chapter.content, re, `case ${i}`);
      for (const re of c.lacks) assert.doesNotMatch(chapter.content, re, `case ${i}`);
      const work = await db.selectFrom("works").select("word_count").where("id", "=", id).executeTakeFirstOrThrow();
      assert.equal(work.word_count, c.words);
    }
    await app.close();
  });
});

test("tag pages use AO3's escaping and list the tag's visible works", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    await client.post("/works", workForm(pseudId, { "work[relationships]": "A/B & C.D?#", "work[fandoms]": "Sea Tales" }));
    const page = (await client.get("/works")).body;
    assertMatch(page, /<a class="tag" href="\/tags\/A\*s\*B%20\*a\*%20C\*d\*D\*q\*\*h\*\/works">A\/B &amp; C.D\?#<\/a>/);
    const listing = await client.get("/tags/A*s*B%20*a*%20C*d*D*q**h*/works");
    assert.equal(listing.statusCode, 200);
    assertMatch(listing.body, /1 - 1 of 1 Works<\/span><span> in A\/B &amp; C.D\?#<\/span>/);
    assertMatch((await client.get("/tags/sea%20tales/works")).body, /1 - 1 of 1 Works<\/span><span> in Sea Tales/, "tag names are found in any case");
    assert.equal((await client.get("/tags/No%20Such%20Tag/works")).statusCode, 404);
    // A name taken by another type gets AO3's "Name - Type" tag.
    await client.post("/works", workForm(pseudId, { "work[characters]": "Sea Tales" }));
    const tag = await db.selectFrom("tags").select(["name", "type"]).where("type", "=", "Character").where("name", "like", "Sea Tales%").executeTakeFirstOrThrow();
    assert.deepEqual(tag, { name: "Sea Tales - Character", type: "Character" });
    await app.close();
  });
});

test("preview shows the work and saves nothing; the form keeps every value", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const client = new Client(app);
    await client.logIn(login, password);
    const res = await client.post("/works", workForm(pseudId, { "work[title]": "Seen First", commit: "Preview", "chapter[content]": "Preview <em>me</em> please." }));
    assert.equal(res.statusCode, 200);
    assertMatch(res.body, /<h2 class="heading" id="preview-heading">Preview<\/h2>/);
    assertMatch(res.body, /<p>Preview <em>me<\/em> please.<\/p>/);
    assertMatch(res.body, /value="Seen First"/);
    assertMatch(res.body, /Preview &lt;em(&gt;|>)me&lt;\/em(&gt;|>) please.<\/textarea>/, "the raw text is back in the box");
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0);
    await app.close();
  });
});

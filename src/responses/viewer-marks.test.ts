import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { queryCounter } from "../../test/support/query-count.js";
import { buildApp } from "../app.js";
import { createUser } from "../users/commands.js";
import { createBookmark, leaveKudos } from "./commands.js";

test("per-viewer state on listings: kudos, bookmarks and Marked for Later on every blurb, in the same number of queries for 5 works as for 20", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const counter = queryCounter(db);
    const app = await buildApp(testConfig(url), counter.db);
    const small = await makeCreator(db, "small");
    const large = await makeCreator(db, "large");
    const smallWorks: number[] = [];
    const largeWorks: number[] = [];
    for (let i = 0; i < 5; i++) smallWorks.push(await makeWork(db, small.pseudId, { title: `Small ${i}` }));
    for (let i = 0; i < 25; i++) largeWorks.push(await makeWork(db, large.pseudId, { title: `Large ${i}` }));
    const ana = await createUser(db, { login: "ana", email: "ana@example.com", password: "reader password 1" });
    if (!ana.ok) throw new Error("no reader");
    const client = new Client(app);
    await client.logIn("ana", "reader password 1");
    // Something on every work of both pages, so the larger page has more of everything to show.
    for (const [i, workId] of [...smallWorks, ...largeWorks].entries()) {
      if (i % 2 === 0) await leaveKudos(db, workId, { userId: ana.value.id });
      if (i % 3 === 0) await createBookmark(db, ana.value.id, workId, { notes: "", tags: [], private: false, rec: false });
      if (i % 4 === 0) assert.equal((await client.post(`/works/${workId}/mark_for_later`, {})).statusCode, 303);
    }

    await client.get("/users/small/works"); // warm up: the session and the browse index's catch-up
    await client.get("/users/large/works");
    const few = await counter.count(() => client.get("/users/small/works"));
    const many = await counter.count(() => client.get("/users/large/works"));
    assert.match(few.result.body, /1 - 5 of 5 Works/);
    assert.match(many.result.body, /1 - 20 of 25 Works/);
    assert.ok(few.queries > 3, `the counter sees the page's queries (${few.queries})`);
    assert.equal(many.queries, few.queries, `5 works: ${few.queries} queries, 20 works: ${many.queries}\n${many.sql.join("\n")}`);

    // The marks are words on each blurb, and only where they apply.
    const blurbOf = (body: string, workId: number) => new RegExp(`<li id="work_${workId}"[\\s\\S]*?</li>\\s*(?=<li id="work_|</ol>)`).exec(body)?.[0] ?? "";
    const first = blurbOf(few.result.body, smallWorks[0]!);
    assert.match(first, /<ul class="viewer-marks commas" aria-label="Your responses"><li>You left kudos<\/li><li>Bookmarked<\/li><li>Marked for Later<\/li><\/ul>/);
    assert.doesNotMatch(blurbOf(few.result.body, smallWorks[1]!), /viewer-marks/);
    // Guests see none, and run no query for them.
    const guest = new Client(app);
    await guest.get("/users/large/works");
    const asGuest = await counter.count(() => guest.get("/users/large/works"));
    assert.doesNotMatch(asGuest.result.body, /viewer-marks/);
    assert.ok(asGuest.queries < many.queries);
    await app.close();
  });
});

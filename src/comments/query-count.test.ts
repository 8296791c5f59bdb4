import assert from "node:assert/strict";
import { test } from "node:test";
import { buildApp } from "../app.js";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { queryCounter } from "../../test/support/query-count.js";
import type { Db } from "../platform/db/index.js";
import { type CommentAuthor, postComment } from "./commands.js";

/** n comments in threads of every shape: users and guests, replies up to past the shown depth. */
async function fill(db: Db, workId: number, userIds: number[], n: number) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    // Every third comment starts a thread; the others reply to the one before or to an earlier one.
    const parent = i % 3 === 0 ? null : (ids[i % 2 === 0 ? i - 1 : Math.floor(i / 2)] ?? null);
    const userId = userIds[i % (userIds.length + 1)];
    const author: CommentAuthor = userId !== undefined ? { userId } : { guest: { name: `Guest ${i}`, email: `g${i}@example.org` }, ip: "203.0.113.1" };
    const { id } = await postComment(db, {
      workId,
      creatorUserIds: [],
      chapterId: null,
      parent: parent !== null ? { id: parent, user_id: null } : null,
      author,
      input: { content: `<p>Comment ${i}</p>`, guest: "guest" in author ? author.guest : null, token: null },
      held: false,
    });
    ids.push(id);
  }
}

test("query count: a work page runs the same number of queries with 5 comments as with 50", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const counter = queryCounter(db);
    const app = await buildApp(testConfig(url), counter.db);
    const { pseudId } = await makeCreator(db, "maker");
    const users = [];
    for (const login of ["ana", "ben", "cy", "dee"]) users.push((await makeCreator(db, login)).userId);
    const few = await makeWork(db, pseudId, { title: "Few" });
    const many = await makeWork(db, pseudId, { title: "Many" });
    await fill(db, few, users.slice(0, 2), 5);
    await fill(db, many, users, 50);

    const guest = new Client(app);
    await guest.get(`/works/${few}?show_comments=true`); // warm up: the CSRF cookie and anything cached per process
    const small = await counter.count(() => guest.get(`/works/${few}?show_comments=true`));
    const large = await counter.count(() => guest.get(`/works/${many}?show_comments=true`));
    assert.equal(small.result.statusCode, 200);
    assert.match(large.result.body, /Comments \(50\)/);
    assert.match(large.result.body, /Comment 49/);
    assert.ok(small.queries > 3, `the counter sees the page's queries (${small.queries})`);
    assert.equal(large.queries, small.queries, `5 comments: ${small.queries} queries, 50 comments: ${large.queries}\n${large.sql.join("\n")}`);
    // The thread page too.
    const root = (await db.selectFrom("comments").select("id").where("work_id", "=", many).orderBy("id").executeTakeFirstOrThrow()).id;
    const rootFew = (await db.selectFrom("comments").select("id").where("work_id", "=", few).orderBy("id").executeTakeFirstOrThrow()).id;
    const threadSmall = await counter.count(() => guest.get(`/comments/${rootFew}`));
    const threadLarge = await counter.count(() => guest.get(`/comments/${root}`));
    assert.equal(threadLarge.queries, threadSmall.queries);
    // And the counter sees nothing outside what it was asked to count.
    const idle = await counter.count(async () => {});
    assert.equal(idle.queries, 0);
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { appWithUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator } from "../../test/support/factories.js";
import type { Db } from "../platform/db/index.js";
import { createToken } from "./commands.js";

/** Makes accounts old enough that the new-account comment limit leaves them alone. */
async function age(db: Db, ...userIds: number[]) {
  await db.updateTable("users").set({ created_at: "2020-01-01T00:00:00.000Z" }).where("id", "in", userIds).execute();
}

test("API comments: list threads, comment on a work or chapter, reply; permissions, moderation, visibility", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, userId } = await appWithUser(db, testDb.url);
    try {
      const reader = await makeCreator(db, "reader");
      await age(db, userId, reader.userId);
      const author = new ApiClient(app, (await createToken(db, userId, "w", "write")).token);
      const api = new ApiClient(app, (await createToken(db, reader.userId, "w", "write")).token);
      const readOnly = new ApiClient(app, (await createToken(db, reader.userId, "r", "read")).token);
      const guest = new ApiClient(app);
      const posted = await author.post("/works", apiWork({ comment_permission: "all" }));
      const id = posted.body.id as number;
      const chapterId = posted.body.chapters[0].id as number;

      const first = await api.post(`/works/${id}/comments`, { content: "The lighthouse scene!\n\nSo good." });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.content, "<p>The lighthouse scene!</p>\n<p>So good.</p>");
      assert.deepEqual(first.body.author, { login: "reader", guest_name: null });
      const again = await api.post(`/works/${id}/comments`, { content: "The lighthouse scene!\n\nSo good." });
      assert.equal(again.status, 200, "the same text again is the first comment");
      assert.equal(again.body.id, first.body.id);
      const reply = await author.post(`/works/${id}/comments`, { content: "Thank you!", parent_id: first.body.id });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.parent_id, first.body.id);
      const onChapter = await api.post(`/works/${id}/comments`, { content: "Chapter one <script>x</script>stays with me.", chapter_id: chapterId });
      assert.equal(onChapter.status, 201);
      assert.equal(onChapter.body.chapter_id, chapterId);
      assert.doesNotMatch(onChapter.body.content, /script/);

      const listed = await guest.get(`/works/${id}/comments`);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.comments_count, 3);
      assert.equal(listed.body.threads_total, 2);
      assert.equal(listed.body.threads[0].id, first.body.id);
      assert.deepEqual(listed.body.threads[0].replies.map((r: { content: string }) => r.content), ["<p>Thank you!</p>"]);
      const chapterOnly = await guest.get(`/works/${id}/comments?chapter_id=${chapterId}`);
      assert.deepEqual(chapterOnly.body.threads.map((c: { id: number }) => c.id), [onChapter.body.id]);
      assert.equal((await guest.get(`/works/${id}/comments?chapter_id=999999`)).status, 404);
      assert.equal((await author.get(`/works/${id}`)).body.comments_count, 3);

      // Refusals, in the form's words; bad references named; scopes.
      const badParent = await api.post(`/works/${id}/comments`, { content: "Hm.", parent_id: 999999 });
      assert.equal(badParent.status, 422);
      assert.equal(badParent.body.errors[0].field, "parent_id");
      assert.equal((await api.post(`/works/${id}/comments`, { content: "Hm.", chapter_id: 999999 })).body.errors[0].field, "chapter_id");
      const blank = await api.post(`/works/${id}/comments`, { content: "<script>only</script>" });
      assert.equal(blank.status, 422);
      assert.equal(blank.body.errors[0].field, "content");
      assert.equal((await api.post(`/works/${id}/comments`, { text: "wrong field" })).status, 400);
      assert.equal((await readOnly.post(`/works/${id}/comments`, { content: "Read only." })).status, 403);
      assert.equal((await guest.post(`/works/${id}/comments`, { content: "Anonymous." })).status, 401);
      await author.patch(`/works/${id}`, { comment_permission: "none" });
      const closed = await api.post(`/works/${id}/comments`, { content: "Closed?" });
      assert.equal(closed.status, 403);
      assert.equal(closed.body.code, "COMMENT_REFUSED");
      assert.match(closed.body.detail, /doesn't allow comments/);

      // Moderated: held comments only to their writer and the work's creators, and not counted.
      await author.patch(`/works/${id}`, { comment_permission: "registered", moderated_comments: true });
      const held = await api.post(`/works/${id}/comments`, { content: "Awaiting approval." });
      assert.equal(held.status, 201);
      assert.equal(held.body.held, true);
      const ids = (body: { threads: { id: number }[] }) => body.threads.map((c) => c.id);
      assert.ok(!ids((await guest.get(`/works/${id}/comments`)).body).includes(held.body.id));
      assert.ok(ids((await api.get(`/works/${id}/comments`)).body).includes(held.body.id));
      assert.ok(ids((await author.get(`/works/${id}/comments`)).body).includes(held.body.id));
      assert.equal((await guest.get(`/works/${id}/comments`)).body.comments_count, 3);

      // A draft has no comments and takes none; a registered-only work's need a token.
      const draft = await author.post("/works", apiWork({ title: "Draft", draft: true }));
      assert.equal((await author.post(`/works/${draft.body.id}/comments`, { content: "Note to self." })).body.code, "COMMENT_REFUSED");
      assert.equal((await api.get(`/works/${draft.body.id}/comments`)).status, 404);
      const locked = await author.post("/works", apiWork({ title: "Locked", restricted: true }));
      assert.equal((await guest.get(`/works/${locked.body.id}/comments`)).status, 401);
      assert.equal((await api.get(`/works/${locked.body.id}/comments`)).status, 200);
    } finally {
      await app.close();
    }
  });
});

test("API comments: new accounts post 3 comments per 15 minutes, as through the form", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, userId } = await appWithUser(db, testDb.url);
    try {
      await age(db, userId);
      const author = new ApiClient(app, (await createToken(db, userId, "w", "write")).token);
      const id = (await author.post("/works", apiWork({ comment_permission: "all" }))).body.id as number;
      const fresh = await makeCreator(db, "newcomer");
      const api = new ApiClient(app, (await createToken(db, fresh.userId, "w", "write")).token);
      for (let i = 1; i <= 3; i++) assert.equal((await api.post(`/works/${id}/comments`, { content: `Comment number ${i}.` })).status, 201);
      const limited = await api.post(`/works/${id}/comments`, { content: "One too many." });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, "RATE_LIMITED");
      assert.equal(limited.headers["x-ratelimit-limit"], "3");
      assert.equal((await api.get(`/works/${id}/comments`)).status, 200, "reading is not limited by it");
      for (let i = 1; i <= 4; i++) assert.equal((await author.post(`/works/${id}/comments`, { content: `Old hand ${i}.` })).status, 201, "an older account is not");
    } finally {
      await app.close();
    }
  });
});

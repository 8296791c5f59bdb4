import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../../test/support/api.js";
import { appWithUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { createSeriesBookmark } from "../responses/commands.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { createToken } from "./commands.js";

test("API series: a series with the works this viewer may see, counted; works name their series; bookmarks of series", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, userId, pseudId } = await appWithUser(db, testDb.url);
    try {
      const one = await makeWork(db, pseudId, { title: "Part One" });
      const locked = await makeWork(db, pseudId, { title: "Part Two", restricted: true });
      const draft = await makeWork(db, pseudId, { title: "Part Three", draft: true });
      const seriesId = await db.transaction().execute(async (trx) => {
        const id = await createSeries(trx, [pseudId], "Tides");
        for (const workId of [one, locked, draft]) await addWorkToSeries(trx, id, workId, null);
        return id;
      });
      const reader = await makeCreator(db, "reader");
      const bookmark = await createSeriesBookmark(db, reader.userId, seriesId, { notes: "", tags: ["sea"], private: false, rec: true });
      assert.ok(bookmark.created);

      const guest = new ApiClient(app);
      const token = new ApiClient(app, (await createToken(db, reader.userId, "r", "read")).token);
      const seen = await guest.get(`/series/${seriesId}`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.title, "Tides");
      assert.deepEqual(seen.body.creators, [{ pseud: "writer", login: "writer" }]);
      assert.deepEqual(seen.body.works.map((w: { title: string }) => w.title), ["Part One"]);
      assert.equal(seen.body.works_count, 1);
      assert.equal(seen.body.bookmarks_count, 1);
      const withToken = await token.get(`/series/${seriesId}`);
      assert.deepEqual(withToken.body.works.map((w: { title: string }) => w.title), ["Part One", "Part Two"], "the draft never");
      assert.equal(withToken.body.word_count, withToken.body.works.reduce((n: number, w: { word_count: number }) => n + w.word_count, 0));
      assert.equal((await guest.get("/series/999999")).status, 404);
      const hidden = await db.transaction().execute(async (trx) => {
        const id = await createSeries(trx, [pseudId], "Only Drafts");
        await addWorkToSeries(trx, id, draft, null);
        return id;
      });
      const theirs = await guest.get("/users/writer/series");
      assert.deepEqual(theirs.body.series.map((x: { title: string; works_count: number }) => [x.title, x.works_count]), [["Tides", 1]], "a series of drafts only is out of sight");
      const own = await new ApiClient(app, (await createToken(db, userId, "r", "read")).token).get("/users/writer/series");
      assert.deepEqual(own.body.series.map((x: { id: number }) => x.id).sort(), [seriesId, hidden].sort(), "but not to its owner");
      assert.equal((await guest.get("/users/nobody/series")).status, 404);

      const work = await token.get(`/works/${locked}`);
      assert.deepEqual(work.body.series, [{ id: seriesId, title: "Tides", part: 2, previous: one, next: null }]);
      assert.deepEqual((await guest.get(`/works/${one}`)).body.series, [{ id: seriesId, title: "Tides", part: 1, previous: null, next: null }]);

      const listed = await guest.get("/users/reader/bookmarks");
      assert.equal(listed.body.total, 1);
      assert.equal(listed.body.bookmarks[0].series_id, seriesId);
      assert.equal(listed.body.bookmarks[0].work_id, null);
      const single = await guest.get(`/bookmarks/${bookmark.created ? bookmark.id : 0}`);
      assert.equal(single.status, 200);
      assert.deepEqual(single.body.tags, ["sea"]);
      assert.deepEqual((await guest.get(`/series/${seriesId}/bookmarks`)).body.bookmarks.map((b: { owner: string }) => b.owner), ["reader"]);

      // Bookmarking a series through the API: once per user; edited and deleted as any bookmark.
      const writer = new ApiClient(app, (await createToken(db, userId, "w", "write")).token);
      const made = await writer.post(`/series/${seriesId}/bookmarks`, { notes: "The whole saga.", private: true });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.series_id, seriesId);
      assert.equal(made.body.work_id, null);
      assert.equal((await writer.post(`/series/${seriesId}/bookmarks`, {})).status, 409);
      assert.equal((await writer.post("/series/999999/bookmarks", {})).status, 404);
      assert.equal((await guest.get(`/series/${seriesId}`)).body.bookmarks_count, 1, "a private bookmark is not counted");
      assert.equal((await writer.patch(`/bookmarks/${made.body.id}`, { private: false })).body.private, false);
      assert.equal((await guest.get(`/series/${seriesId}`)).body.bookmarks_count, 2);
      assert.equal((await writer.delete(`/bookmarks/${made.body.id}`)).status, 204);
      assert.equal((await guest.get(`/series/${seriesId}`)).body.bookmarks_count, 1);
    } finally {
      await app.close();
    }
  });
});

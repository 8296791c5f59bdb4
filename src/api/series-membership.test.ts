import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { appWithUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator } from "../../test/support/factories.js";
import { createSeries } from "../series/commands.js";
import { createToken } from "./commands.js";

test("API series membership: a work posted or edited into the caller's own series or a new one, at a part; refusals as problems", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { app, userId } = await appWithUser(db, testDb.url);
    try {
      const api = new ApiClient(app, (await createToken(db, userId, "s", "write")).token);

      // A new series by title: the work is part 1, and the series is the caller's.
      const first = await api.post("/works", apiWork({ title: "Tide One", series: { title: "Tides" } }));
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.series.length, 1);
      const seriesId = first.body.series[0].id as number;
      assert.deepEqual(first.body.series[0], { id: seriesId, title: "Tides", part: 1, previous: null, next: null });
      assert.deepEqual((await api.get(`/series/${seriesId}`)).body.creators, [{ pseud: "writer", login: "writer" }]);

      // An existing series by id: last by default, or at the part asked for.
      const second = await api.post("/works", apiWork({ title: "Tide Two", series: { id: seriesId } }));
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.deepEqual(second.body.series[0], { id: seriesId, title: "Tides", part: 2, previous: first.body.id, next: null });
      const prologue = await api.post("/works", apiWork({ title: "Prologue", series: { id: seriesId, part: 1 } }));
      assert.equal(prologue.body.series[0].part, 1);
      assert.deepEqual((await api.get(`/series/${seriesId}`)).body.works.map((w: { title: string }) => w.title), ["Prologue", "Tide One", "Tide Two"]);

      // Editing: only `series` moves the work and changes nothing else; with other fields too.
      const before = (await api.get(`/works/${second.body.id}`)).body;
      const moved = await api.patch(`/works/${second.body.id}`, { series: { id: seriesId, part: 1 } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.series[0].part, 1);
      assert.equal(moved.body.updated_at, before.updated_at, "the work itself was not re-saved");
      const both = await api.patch(`/works/${prologue.body.id}`, { title: "Prologue (revised)", series: { title: "Side Stories" } });
      assert.equal(both.status, 200, JSON.stringify(both.body));
      assert.equal(both.body.title, "Prologue (revised)");
      assert.deepEqual(both.body.series.map((s: { title: string; part: number }) => [s.title, s.part]).sort(), [["Side Stories", 1], ["Tides", 2]]);

      // Refusals by the archive's state: someone else's series (or none such); each a 422 naming
      // the field, and nothing written.
      const other = await makeCreator(db, "other");
      const theirs = await db.transaction().execute((trx) => createSeries(trx, [other.pseudId], "Not Yours"));
      const refusals: [unknown, string][] = [
        [{ id: theirs }, "series.id"],
        [{ id: 999_999 }, "series.id"],
      ];
      for (const [series, field] of refusals) {
        for (const res of [await api.post("/works", apiWork({ title: "Refused", series })), await api.patch(`/works/${first.body.id}`, { series })]) {
          assert.equal(res.status, 422, `${JSON.stringify(series)}: ${JSON.stringify(res.body)}`);
          assert.equal(res.headers["content-type"], "application/problem+json; charset=utf-8");
          assert.equal(res.body.code, "UNPROCESSABLE");
          assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), [field], JSON.stringify(series));
        }
      }
      // The rules the schema states (src/api/contract.test.ts holds the document to that) are the
      // schema's 400s: unknown keys, a part of 0, an empty or blank title, both or neither of id
      // and title, a part without either, a new series at a part past 1.
      for (const series of [{ id: seriesId, extra: 1 }, { id: seriesId, part: 0 }, { title: "" }, { id: "1" }, { title: "   " }, { id: seriesId, title: "Both" }, {}, { part: 2 }, { title: "New", part: 3 }]) {
        const res = await api.post("/works", apiWork({ title: "Refused", series }));
        assert.equal(res.status, 400, JSON.stringify(series));
        assert.equal(res.body.code, "INVALID_REQUEST");
      }
      // Another field's problem and the series' are reported together.
      const together = await api.patch(`/works/${first.body.id}`, { pseud_ids: [other.pseudId], series: { id: theirs } });
      assert.equal(together.status, 422);
      assert.deepEqual(together.body.errors.map((e: { field: string }) => e.field).sort(), ["pseud_ids", "series.id"]);
      assert.equal((await api.get("/users/writer/works")).body.works.filter((w: { title: string }) => w.title === "Refused").length, 0);
      assert.deepEqual((await api.get(`/series/${theirs}`)).body.works, []);
      assert.deepEqual((await api.get(`/works/${first.body.id}`)).body.series.map((s: { id: number }) => s.id), [seriesId]);
    } finally {
      await app.close();
    }
  });
});

test("API series membership is documented in the OpenAPI document with the catalogue's words", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app } = await appWithUser(testDb.db, testDb.url);
    try {
      const doc = (await new ApiClient(app).get("/openapi.json")).body;
      for (const body of ["NewWorkBody", "WorkPatchBody"]) {
        const series = doc.components.schemas[body].properties.series;
        assert.match(series.description, /Add to series/, body);
        // Two shapes: an existing series by id (at a part), or a new one by title (part 1).
        assert.deepEqual(series.anyOf.map((shape: { properties: object; required: string[] }) => [Object.keys(shape.properties).sort(), shape.required]), [[["id", "part"], ["id"]], [["part", "title"], ["title"]]]);
        for (const shape of series.anyOf) {
          assert.equal(shape.additionalProperties, false);
          for (const [key, property] of Object.entries(shape.properties as Record<string, { description?: string }>)) assert.ok(property.description, `${body}.series.${key} is described`);
        }
        assert.ok(!JSON.stringify(series).includes("x-message"), "the document carries descriptions, not the keyword");
      }
    } finally {
      await app.close();
    }
  });
});

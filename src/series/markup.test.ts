import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, Client, workForm } from "../../test/support/app.js";
import { openTestDb } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";
import { addWorkToSeries, createSeries } from "./commands.js";

// The markup does not depend on the database, so one dialect is enough here (the rules are tested on both elsewhere).
test("series pages, the work form's series fields and bookmarks of series pass the Nu HTML checker", async (t) => {
  if (!htmlCheckerAvailable(t)) return;
  const testDb = await openTestDb("sqlite");
  if (!testDb) return;
  const { db, url } = testDb;
  try {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const [a, b, c] = [await makeWork(db, pseudId, { title: "Part & One" }), await makeWork(db, pseudId, { title: "Part Two" }), await makeWork(db, pseudId, { title: "Draft Three", draft: true })];
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "Checked <Series>");
      for (const w of [a, b, c]) await addWorkToSeries(trx, id, w, null);
      return id;
    });
    const owner = new Client(app);
    await owner.logIn(login, password);
    await owner.post(`/series/${seriesId}`, { "series[title]": "Checked <Series>", "series[summary]": "A <em>summary</em>.", "series[series_notes]": "Notes\n\nin two paragraphs.", "series[complete]": "1" });

    const pages: Record<string, string> = {};
    pages["series page (owner)"] = (await owner.get(`/series/${seriesId}`)).body;
    pages["series page (guest)"] = (await new Client(app).get(`/series/${seriesId}`)).body;
    pages["edit series"] = (await owner.get(`/series/${seriesId}/edit`)).body;
    pages["edit series, failed"] = (await owner.post(`/series/${seriesId}`, { "series[title]": "", [`series[positions][${a}]`]: "x" })).body;
    pages["delete series"] = (await owner.get(`/series/${seriesId}/confirm_delete`)).body;
    pages["user's series"] = (await owner.get(`/users/${login}/series`)).body;
    pages["work page in a series"] = (await new Client(app).get(`/works/${b}`)).body;
    pages["new work form"] = (await owner.get("/works/new")).body;
    pages["new work form, failed series"] = (await owner.post("/works", workForm(pseudId, { "work[series_attributes][id]": "999", "work[series_attributes][position]": "x" }))).body;
    pages["edit work form with memberships"] = (await owner.get(`/works/${a}/edit`)).body;
    pages["bookmark a series"] = (await owner.get(`/series/${seriesId}/bookmarks/new`)).body;
    await owner.post(`/series/${seriesId}/bookmarks`, { "bookmark[notes]": "Good <em>series</em>.", "bookmark[tag_string]": "saga", "bookmark[rec]": "1" });
    pages["series bookmarks"] = (await owner.get(`/series/${seriesId}/bookmarks`)).body;
    pages["user bookmarks with a series"] = (await owner.get(`/users/${login}/bookmarks`)).body;
    for (const [name, html] of Object.entries(pages)) assert.ok(html.includes("<!DOCTYPE html>") || html.includes("<!doctype html>"), `${name}: a whole page`);
    const errors = await checkHtmlPages(pages);
    assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
    await app.close();
  } finally {
    await testDb.close();
  }
});

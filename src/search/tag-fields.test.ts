import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp } from "../app.js";
import { GUEST } from "../platform/http/viewer.js";
import { searchWithSql } from "../oracles/search-sql.js";
import { BrowseIndex } from "../listing/index.js";
import { PER_PAGE } from "../model/works.js";
import { runRefilterNow } from "../tags/refilter.js";
import { wrangle } from "../tags/wrangling.js";
import { searchThroughIndex } from "./indexed-listing.js";
import { parseSearchQuery } from "./query-language.js";
import { compileHints } from "./query.js";

/**
 * `fandom:`, `character:`, `relationship:` and `freeform:` in the search box, and the advanced
 * form's Fandoms, Characters, Relationships and Additional Tags fields: tag names of that type,
 * through synonyms and metatags as `tags:` finds them; the SQL oracle agrees with the index.
 */

function found(body: string): number[] {
  return [...body.matchAll(/<li id="work_(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

test("typed tag fields find the tag of that type, through synonyms and metatags; the form's fields too", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { pseudId } = await makeCreator(db, "writer");
    const ids = {
      sherlockFandom: await makeWork(db, pseudId, { title: "One", fandoms: ["Sherlock (TV)"], characters: ["John Watson"] }),
      sherlockCharacter: await makeWork(db, pseudId, { title: "Two", fandoms: ["Elementary"], characters: ["Sherlock Holmes"], relationships: ["Sherlock Holmes/John Watson"] }),
      bbc: await makeWork(db, pseudId, { title: "Three", fandoms: ["BBC Sherlock"], freeforms: ["Rain"] }),
      rain: await makeWork(db, pseudId, { title: "Four", fandoms: ["Myths"], freeforms: ["Rainy Days"], characters: ["Rain"] }),
    };
    // "BBC Sherlock" is a synonym of "Sherlock (TV)", which sits under the metatag "Holmesverse".
    const made = await wrangle(db, null, [
      { action: "canonical", tag: "Sherlock (TV)", value: true },
      { action: "synonym", tag: "BBC Sherlock", of: "Sherlock (TV)" },
      { action: "create", name: "Holmesverse", type: "Fandom", canonical: true },
      { action: "meta", tag: "Sherlock (TV)", meta: "Holmesverse" },
    ]);
    assert.ok(made.ok);
    if (made.jobId !== null) await runRefilterNow(db, made.jobId);
    const app = await buildApp(testConfig(url), db);
    const guest = new Client(app);
    const search = async (query: string) => {
      const res = await guest.get(`/works/search?work_search%5Bquery%5D=${encodeURIComponent(query)}`);
      assert.equal(res.statusCode, 200, query);
      return found(res.body);
    };
    const sorted = (...xs: number[]) => xs.sort((a, b) => a - b);
    assert.deepEqual(await search("fandom:sherlock"), sorted(ids.sherlockFandom, ids.bbc), "fandoms only, the synonym's work too");
    assert.deepEqual(await search('fandom:"bbc sherlock"'), sorted(ids.sherlockFandom, ids.bbc), "a synonym's name means its canonical tag");
    assert.deepEqual(await search("fandom:holmesverse"), sorted(ids.sherlockFandom, ids.bbc), "a metatag finds its subtags' works");
    assert.deepEqual(await search("character:sherlock"), [ids.sherlockCharacter]);
    assert.deepEqual(await search("characters:rain"), [ids.rain]);
    assert.deepEqual(await search("freeform:rain"), [ids.bbc], "whole words: Rainy is another word");
    assert.deepEqual(await search("freeforms:rain*"), sorted(ids.bbc, ids.rain));
    assert.deepEqual(await search('relationship:"sherlock holmes/john watson"'), [ids.sherlockCharacter]);
    assert.deepEqual(await search("tag:sherlock"), sorted(ids.sherlockFandom, ids.sherlockCharacter, ids.bbc), "tag: is every type");
    assert.deepEqual(await search("fandom:sherlock -character:john"), [ids.bbc]);
    assert.deepEqual(await search("fandom:nothingsuch"), []);

    const form = async (params: Record<string, string>) => {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [`work_search[${k}]`, v]));
      const res = await guest.get(`/works/search?${query}`);
      assert.equal(res.statusCode, 200);
      return found(res.body);
    };
    assert.deepEqual(await form({ fandom_names: "Sherlock (TV)" }), sorted(ids.sherlockFandom, ids.bbc));
    assert.deepEqual(await form({ character_names: "Sherlock Holmes" }), [ids.sherlockCharacter]);
    assert.deepEqual(await form({ relationship_names: "Sherlock Holmes/John Watson" }), [ids.sherlockCharacter]);
    assert.deepEqual(await form({ freeform_names: "Rain" }), [ids.bbc]);
    assert.deepEqual(await form({ fandom_names: "Holmesverse, Sherlock (TV)", character_names: "John Watson" }), [ids.sherlockFandom]);

    // The listing engine's search and the SQL oracle find the same works in the same order.
    const browse = await BrowseIndex.build(db);
    for (const text of ["fandom:sherlock", "fandom:holmesverse", "character:sherlock OR freeform:rain", "-fandom:sherlock", 'relationship:"holmes/watson" fandom:elementary', "freeforms:rain* sort:title"]) {
      const parsed = parseSearchQuery(text);
      assert.ok(parsed.ok, text);
      const hints = await compileHints(db, parsed.query.text);
      const viaIndex = await searchThroughIndex(db, await browse.current(), GUEST, parsed.query, 1, PER_PAGE, hints);
      const viaSql = await searchWithSql(db, GUEST, parsed.query, 1, hints);
      assert.ok(viaIndex);
      assert.equal(viaIndex.total, viaSql.total, text);
      assert.deepEqual(viaIndex.workIds, viaSql.ids, text);
    }
    await browse.stop();
    await app.close();
  });
});

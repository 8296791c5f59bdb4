import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "../../test/support/db.js";
import type { Db } from "../platform/db/index.js";
import { createUser } from "../users/commands.js";
import { chaptersOf, findWork, tagsOfWork } from "../model/works.js";
import { membershipsOfWork } from "../model/series.js";
import { giftLabel, giftsOfWork } from "../gifts/index.js";
import { type ImportedWork, saveImportedWork } from "./imported-work.js";

async function pseudOf(db: Db, login: string): Promise<number> {
  const user = await createUser(db, { login, email: `${login}@example.com`, password: "a fine password" });
  assert.ok(user.ok);
  return (await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow()).id;
}

/** A work with every field an import can carry. */
function fullWork(overrides: Partial<ImportedWork> = {}): ImportedWork {
  return {
    title: "The Lighthouse Keepers",
    rating: "Teen And Up Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["Gen", "F/F"],
    fandoms: ["Original Work"],
    relationships: ["Tamsin/Edda"],
    characters: ["Tamsin Roe", "Edda Voss"],
    freeforms: ["Weather", "Boats"],
    language: "English",
    summary: "<p>Two keepers, one light.</p>",
    notes: "<p>Written for the winter exchange.</p>",
    endnotes: "<p>Thank you for reading.</p>",
    publishedOn: "2023-01-05",
    revisedOn: "2023-02-20",
    expectedChapters: 3,
    restricted: true,
    commentPermission: "none",
    creators: ["keeper", "second_keeper", "Nobody Here"],
    series: [{ title: "Coastal Lights", part: 2 }],
    giftsFor: ["friend", "Auntie Margaret"],
    originalUrl: "https://archiveofourown.org/works/123",
    chapters: [1, 2, 3].map((n) => ({
      title: `Part ${n}`,
      summary: `<p>Summary ${n}</p>`,
      notes: `<p>Notes ${n}</p>`,
      endnotes: `<p>End notes ${n}</p>`,
      content: `<p>The text of chapter ${n}, long enough.</p>`,
      publishedOn: ["2023-01-05", "2023-01-19", "2023-02-20"][n - 1]!,
    })),
    ...overrides,
  };
}

test("saveImportedWork stores every field an ImportedWork holds", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const keeper = await pseudOf(db, "keeper");
    const second = await pseudOf(db, "second_keeper");
    const friend = await pseudOf(db, "friend");
    // Part 1 of the series exists already (made by an import that names it).
    const first = await saveImportedWork(db, fullWork({ title: "Part one", series: [{ title: "Coastal Lights", part: 1 }], creators: [], giftsFor: [] }), { pseudIds: [keeper], draft: false });
    assert.ok(first.ok);
    assert.deepEqual(first.losses, []);

    const saved = await saveImportedWork(db, fullWork(), { pseudIds: [keeper], draft: false });
    assert.ok(saved.ok, saved.ok ? "" : `${saved.field}: ${saved.message}`);
    assert.equal(saved.chapterIds.length, 3);
    assert.deepEqual(saved.defaults, []);
    assert.deepEqual(saved.losses.map((l) => [l.field, l.where]), [["creators", 'creator "Nobody Here"']]);

    const work = await findWork(db, saved.workId);
    assert.ok(work);
    assert.equal(work.title, "The Lighthouse Keepers");
    assert.equal(work.summary, "<p>Two keepers, one light.</p>");
    assert.equal(work.notes, "<p>Written for the winter exchange.</p>");
    assert.equal(work.endnotes, "<p>Thank you for reading.</p>");
    assert.equal(work.restricted, 1);
    assert.equal(work.comment_permission, "none");
    assert.equal(work.published_on, "2023-01-05");
    assert.equal(work.revised_at.slice(0, 10), "2023-02-20");
    assert.equal(work.expected_chapters, 3);
    assert.equal(work.complete, 1);
    assert.equal(work.posted, 1);
    assert.equal(work.original_url, "https://archiveofourown.org/works/123");
    assert.deepEqual(work.creators.map((c) => c.pseudId), [keeper, second], "the co-creator is credited, not invited");
    assert.equal((await db.selectFrom("creator_invitations").select("id").execute()).length, 0);
    const tags = (await tagsOfWork(db, saved.workId)).map((tag) => `${tag.type}:${tag.name}`).sort();
    assert.deepEqual(tags, ["ArchiveWarning:No Archive Warnings Apply", "Category:F/F", "Category:Gen", "Character:Edda Voss", "Character:Tamsin Roe", "Fandom:Original Work", "Freeform:Boats", "Freeform:Weather", "Rating:Teen And Up Audiences", "Relationship:Tamsin/Edda"]);
    const chapters = await chaptersOf(db, saved.workId);
    assert.deepEqual(
      chapters.map((c) => [c.title, c.summary, c.notes, c.endnotes, c.published_on]),
      [1, 2, 3].map((n) => [`Part ${n}`, `<p>Summary ${n}</p>`, `<p>Notes ${n}</p>`, `<p>End notes ${n}</p>`, ["2023-01-05", "2023-01-19", "2023-02-20"][n - 1]]),
    );
    assert.equal(chapters[0]!.content, "<p>The text of chapter 1, long enough.</p>");
    const memberships = await membershipsOfWork(db, saved.workId);
    assert.deepEqual(memberships.map((m) => [m.title, m.position]), [["Coastal Lights", 2]]);
    assert.deepEqual(await membershipsOfWork(db, first.workId).then((m) => m.map((x) => x.seriesId)), memberships.map((m) => m.seriesId), "the existing series is found by title");
    const gifts = await giftsOfWork(db, saved.workId);
    assert.deepEqual(gifts.map((g) => [g.pseudId, giftLabel(g)]), [[friend, "friend"], [null, "Auntie Margaret"]]);
  });
});

test("saveImportedWork applies defaults, and reports what it cannot apply as losses", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const keeper = await pseudOf(db, "keeper");
    const bare = fullWork({
      rating: null, warnings: [], categories: [], fandoms: [], language: null, restricted: null, commentPermission: null,
      publishedOn: null, revisedOn: null, creators: ["keeper"], giftsFor: ["keeper"], originalUrl: "not a url",
      series: [{ title: "A New Series", part: 3 }],
      chapters: fullWork().chapters.map((c) => ({ ...c, publishedOn: c.publishedOn === "2023-01-19" ? "2023-02-30" : c.publishedOn })),
    });
    const saved = await saveImportedWork(db, bare, { pseudIds: [keeper], draft: true });
    assert.ok(saved.ok, saved.ok ? "" : saved.message);
    assert.deepEqual(saved.defaults, ["Rating: Not Rated", "Archive Warning: Creator Chose Not To Use Archive Warnings", "Fandom: No Fandom", "Language: English"]);
    assert.deepEqual(saved.losses.map((l) => l.field), ["chapters[1].publishedOn", "originalUrl", "giftsFor", "series"]);
    const work = await findWork(db, saved.workId);
    assert.equal(work?.posted, 0);
    assert.equal(work?.restricted, 0);
    assert.equal(work?.comment_permission, "registered");
    assert.equal(work?.published_on, "2023-01-05", "the first chapter's date dates the work");
    assert.equal(work?.revised_at.slice(0, 10), "2023-02-20", "the latest chapter date is the revision date");
    assert.equal(work?.original_url, null);
    assert.deepEqual((await chaptersOf(db, saved.workId)).map((c) => c.published_on), ["2023-01-05", "2023-01-05", "2023-02-20"]);
    assert.deepEqual((await membershipsOfWork(db, saved.workId)).map((m) => [m.title, m.position]), [["A New Series", 1]]);
  });
});

test("saveImportedWork refuses what the posting form refuses, naming the field, and stores nothing", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const keeper = await pseudOf(db, "keeper");
    const cases: [Partial<ImportedWork>, string, RegExp][] = [
      [{ rating: "Extremely Spicy" }, "rating", /not a known Rating/],
      [{ language: "Klingonese" }, "language", /not a language/],
      [{ fandoms: ["Bad*Tag"] }, "fandoms", /can't have/],
      [{ title: "" }, "title", /./],
      [{ chapters: [{ ...fullWork().chapters[0]!, content: "<p>short</p>".slice(0, 5) }] }, "chapters[0].content", /Chapter 1/],
      [{ expectedChapters: 2 }, "expectedChapters", /./],
      [{ chapters: [] }, "chapters", /at least one chapter/],
    ];
    for (const [override, field, message] of cases) {
      const saved = await saveImportedWork(db, fullWork({ creators: [], giftsFor: [], series: [], ...override }), { pseudIds: [keeper], draft: false });
      assert.equal(saved.ok, false, field);
      if (!saved.ok) {
        assert.equal(saved.field, field);
        assert.match(saved.message, message);
      }
    }
    assert.equal((await db.selectFrom("works").select("id").execute()).length, 0);
  });
});

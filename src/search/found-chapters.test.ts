import assert from "node:assert/strict";
import { test } from "node:test";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { chaptersFound } from "./found-chapters.js";
import { parseSearchQuery } from "./query-language.js";

test("the found chapter is the first whose text matches, also when the words are past a long chapter's start", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "finder");
    const filler = `<p>${"plain filler words here ".repeat(1500)}</p>`; // about 36,000 characters
    const workId = await makeWork(db, pseudId, {
      title: "Long Chapters",
      expectedChapters: null,
      chapters: [`${filler}<p>At last the snailwort bloomed.</p>`, "<p>More snailwort, and a marigold.</p>", "<p>Only a marigold.</p>"],
    });
    const chapters = await db.selectFrom("chapters").select(["id", "position"]).where("work_id", "=", workId).orderBy("position").execute();
    for (const [text, position] of [["snailw*", 1], ["snailwort", 1], ["marig*", 2], ["marigold", 2], ['"a marigold"', 2], ["nothing*", null]] as const) {
      const parsed = parseSearchQuery(text);
      assert.ok(parsed.ok);
      const found = (await chaptersFound(db, [workId], parsed.query)).get(workId);
      assert.equal(found?.position ?? null, position, text);
      if (found) {
        assert.equal(found.chapterId, chapters[position! - 1]!.id, text);
        assert.match(found.snippet ?? "", /<mark>(snailwort|marigold)<\/mark>/, text);
      }
    }
  });
});

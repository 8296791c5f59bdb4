import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { createPseud } from "./commands.js";

const search = (name: string, page?: number) => `/people/search?${new URLSearchParams([["people_search[name]", name]]).toString()}${page ? `&page=${page}` : ""}`;
/** Each pseud found, as "pseud (login): N works". */
const found = (html: string) =>
  [...html.matchAll(/<li class="pseud blurb group"><h4 class="heading"><a href="[^"]+">([^<]+)<\/a>(?: \(<a href="[^"]+">([^<]+)<\/a>\))?<\/h4>(?:<blockquote[^>]*>[\s\S]*?<\/blockquote>)?<p class="works">([^<]+)<\/p>/g)].map(
    (m) => `${m[1]}${m[2] ? ` (${m[2]})` : ""}: ${m[3]}`,
  );

test("people search: pseuds and logins by name, each with its user and the works this viewer may see", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, pseudId } = await appWithUser(db, url, "lighthouse");
    const second = await createPseud(db, userId, "Keeper of Lights", "Writes about <em>lamps</em>.<script>alert(1)</script>");
    assert.ok(second.ok);
    await makeWork(db, pseudId, { title: "Open" });
    await makeWork(db, pseudId, { title: "Members", restricted: true });
    await makeWork(db, pseudId, { title: "Draft", draft: true });
    if (second.ok) await makeWork(db, second.value.id, { title: "By the second pseud" });
    const other = await makeCreator(db, "sailor");
    await makeWork(db, other.pseudId, { title: "Sea" });
    await makeCreator(db, "100%_real");

    const guest = new Client(app);
    const page = await guest.get(search("LIGHT"));
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /<h3 class="heading" id="people-found-heading">2 Found<\/h3>/);
    assert.deepEqual(found(page.body), ["Keeper of Lights (lighthouse): 1 work", "lighthouse: 1 work"], "guests count public works only");
    assertMatch(page.body, /<a href="\/users\/lighthouse\/pseuds\/Keeper%20of%20Lights">Keeper of Lights<\/a> \(<a href="\/users\/lighthouse">lighthouse<\/a>\)/);
    assertMatch(page.body, /<blockquote class="userstuff"><p>Writes about <em>lamps<\/em>\.<\/p><\/blockquote>/, "the description is sanitized HTML");
    assertMatch(page.body, /value="LIGHT"/);
    const member = await loggedInUser(app, db, "reader");
    assert.deepEqual(found((await member.client.get(search("lighthouse"))).body), ["Keeper of Lights (lighthouse): 1 work", "lighthouse: 2 works"], "registered readers count registered-only works, never drafts");
    assert.deepEqual(found((await guest.get(search("sail"))).body), ["sailor: 1 work"]);
    // LIKE's wildcards are plain characters here.
    assert.deepEqual(found((await guest.get(search("%"))).body), ["100%_real: 0 works"]);
    assert.deepEqual(found((await guest.get(search("_"))).body), ["100%_real: 0 works"]);
    const none = await guest.get(search("nobody at all"));
    assertMatch(none.body, /0 Found/);
    assertMatch(none.body, /No one matched your search\./);

    // The empty form, in the Search menu; any input is text, never a 500.
    const empty = await guest.get("/people/search");
    assert.equal(empty.statusCode, 200);
    assertMatch(empty.body, /<a href="\/people\/search" aria-current="page">/);
    assert.doesNotMatch(empty.body, /Found<\/h3>/);
    for (const path of [search("\u0000'; --\\"), search("x".repeat(10_000)), "/people/search?people_search[name][]=a&people_search[name][]=b", search("light", -1), search("light", 99_999_999_999)]) {
      const res = await guest.get(path);
      assert.equal(res.statusCode, 200, path.slice(0, 80));
    }
    assert.deepEqual(found((await guest.get(search("light", 2))).body), [], "past the last page: nothing, not an error");
    await app.close();
  });
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Client, testConfig } from "./support/app.js";
import { eachDialect } from "./support/db.js";
import { sharedFile } from "./support/shared.js";
import { buildApp } from "../src/app.js";
import { prepareEfictionImport, runPreparedEfictionImport } from "../src/transfer/index.js";

/**
 * The issue's whole path on the real eFiction 3.5.8 fixture (../shared/fixtures/efiction), on each
 * database: import it as `fanfold import-efiction` does, log in as each author with the password
 * they had on eFiction (MANIFEST.md) and see it upgraded, then follow every old address shape to a
 * page that answers. The importer's and the redirects' own tests cover the details.
 */

const AUTHORS = [
  { login: "ArchiveAdmin", password: "adminpass1" },
  { login: "aurelie", password: "aureliepass1" },
  { login: "nikos", password: "nikospass1" },
  { login: "mei_lin", password: "mei_linpass1" },
];

/** Old addresses of the fixture archive (its sids, chapids, uids, series, categories and classes). */
const OLD_ADDRESSES = [
  "/viewstory.php?sid=1",
  "/viewstory.php?sid=1&chapter=2",
  "/viewstory.php?sid=1&chapter=all",
  "/viewstory.php?sid=4&chapter=3&textsize=2",
  "/viewstory.php?chapid=13",
  "/viewstory.php?action=printable&sid=3&chapter=2",
  "/viewuser.php?uid=2",
  "/viewuser.php?uid=4",
  "/viewseries.php?seriesid=1",
  "/reviews.php?type=ST&item=1",
  "/reviews.php?type=ST&item=5",
  "/browse.php?type=categories&catid=1",
  "/browse.php?type=categories&catid=3",
  "/browse.php?type=titles",
  "/browse.php?type=class&type_id=1&classid=1",
  "/series.php",
  "/authors.php?list=authors",
  "/rss.php",
];

test("the fixture eFiction archive, imported: every author logs in with their eFiction password (upgraded to argon2id) and every old address redirects to a page that answers", async (t) => {
  const dump = sharedFile(t, "fixtures/efiction/efiction.sql", "the eFiction end-to-end test");
  if (!dump) return;
  await eachDialect(t, async (_t, { db, url }) => {
    const prepared = await prepareEfictionImport({ dump, stories: join(dump, "..", "stories"), map: null });
    assert.ok(prepared.ok);
    const run = await runPreparedEfictionImport(db, prepared.plan);
    assert.ok(run.ok, run.ok ? "" : JSON.stringify(run.problems));

    const app = await buildApp(testConfig(url), db);
    for (const [i, author] of AUTHORS.entries()) {
      // One address per author: the log-in limit counts per address.
      const address = `10.0.0.${i + 1}`;
      const client = new Client(app, address);
      const wrong = await client.logIn(author.login, `${author.password}x`);
      assert.notEqual(wrong.statusCode, 303, `${author.login}: a wrong password does not log in`);
      const res = await client.logIn(author.login, author.password);
      assert.equal(res.statusCode, 303, `${author.login} logs in with the eFiction password`);
      const row = await db.selectFrom("users").select(["password_hash", "legacy_password"]).where("login", "=", author.login).executeTakeFirstOrThrow();
      assert.equal(row.legacy_password, null, `${author.login}: the MD5 is gone`);
      assert.match(row.password_hash, /^\$argon2id\$/, `${author.login}: upgraded to argon2id`);
      // The next log-in goes through the new hash.
      assert.equal((await new Client(app, address).logIn(author.login, author.password)).statusCode, 303);
    }

    // A member follows them: story 6 is registered-only (its eFiction rating asked for that).
    const reader = new Client(app, "10.0.1.1");
    assert.equal((await reader.logIn("nikos", "nikospass1")).statusCode, 303);
    const guest = new Client(app);
    for (const old of OLD_ADDRESSES) {
      assert.equal((await guest.get(old)).statusCode, 301, `${old} redirects a guest too`);
      const res = await reader.get(old);
      assert.equal(res.statusCode, 301, `${old} redirects permanently`);
      const target = res.headers.location as string;
      assert.ok(target.startsWith("/") && !target.includes(".php"), `${old} goes to a Fanfold page (${target})`);
      let page = await reader.get(target);
      // A one-chapter work's chapter address shows the work itself, as on AO3.
      if (page.statusCode === 302) page = await reader.get(page.headers.location as string);
      assert.equal(page.statusCode, 200, `${old} → ${target} answers (${page.statusCode} ${page.headers.location ?? ""})`);
    }
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { createUser } from "../users/commands.js";

const ATOM_LINK = /<link rel="alternate" type="application\/atom\+xml" href="([^"]+)"/;

test("only real user pages advertise a user's Atom feed: the log-in page does not", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    await createUser(db, { login: "reader", email: "reader@example.org", password: "reader password 1" });
    const guest = new Client(app);
    for (const path of ["/users/login", "/signup", "/users/reader/pseuds/reader", "/users/reader/pseuds/new"]) {
      const res = await guest.get(path);
      assert.doesNotMatch(res.body, ATOM_LINK, path);
    }
    assert.equal(ATOM_LINK.exec((await guest.get("/users/reader")).body)?.[1], "/users/reader/works/feed.atom");
    assert.equal(ATOM_LINK.exec((await guest.get("/users/reader/works")).body)?.[1], "/users/reader/works/feed.atom");
    assert.equal(ATOM_LINK.exec((await guest.get("/works")).body)?.[1], "/works/feed.atom");
    await app.close();
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { appWithUser, Client } from "../../test/support/app.js";
import { openTestDb } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../test/support/validators.js";
import { createUser } from "../users/commands.js";

const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";
const idOf = (res: { headers: Record<string, unknown> }) => Number(/^\/comments\/(\d+)/.exec(String(res.headers.location))?.[1]);

function guestAt(app: FastifyInstance, ip: string): Client {
  return new Client({ inject: (options: object) => app.inject({ ...options, remoteAddress: ip }) } as unknown as FastifyInstance);
}

// The markup does not depend on the database, so one dialect is enough here (the rules are tested on both elsewhere).
test("comment pages pass the Nu HTML checker", async (t) => {
  if (!htmlCheckerAvailable(t)) return;
  const testDb = await openTestDb("sqlite");
  if (!testDb) return;
  const { db, url } = testDb;
  try {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    await db.updateTable("users").set({ created_at: "2020-01-01T00:00:00.000Z" }).execute();
    const workId = await makeWork(db, pseudId, { title: "Checked Work" });
    await db.updateTable("works").set({ comment_permission: "all" }).execute();
    assert.ok((await createUser(db, { login: "ana", email: "ana@example.com", password: "reader password 1" })).ok);
    await db.updateTable("users").set({ created_at: "2020-01-01T00:00:00.000Z" }).execute();
    const ana = new Client(app);
    await ana.logIn("ana", "reader password 1");
    const creator = new Client(app);
    await creator.logIn(login, password);
    const guest = guestAt(app, "203.0.113.60");

    const pages: Record<string, string> = {};
    pages["work page, guest form"] = (await guest.get(`/works/${workId}`)).body;
    let page = await ana.get(`/works/${workId}`);
    const root = idOf(await ana.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), "comment[comment_content]": "A <em>fine</em> story." }));
    let parent = root;
    for (let depth = 1; depth <= 6; depth++) {
      page = await creator.get(`/comments/${parent}/reply`);
      parent = idOf(await creator.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), "comment[parent_id]": String(parent), "comment[comment_content]": `Reply ${depth}` }));
    }
    page = await guest.get(`/works/${workId}`);
    await guest.post(`/works/${workId}/comments`, { "comment[token]": tokenIn(page.body), "comment[name]": "Pat", "comment[email]": "pat@example.org", "comment[comment_content]": "Guest words" });
    pages["work page with threads (creator)"] = (await creator.get(`/works/${workId}`)).body;
    pages["comments of the work"] = (await ana.get(`/works/${workId}/comments`)).body;
    pages["thread page"] = (await ana.get(`/comments/${root}`)).body;
    pages["reply form"] = (await ana.get(`/comments/${root}/reply`)).body;
    pages["failed guest comment"] = (await guest.post(`/works/${workId}/comments`, { "comment[name]": "", "comment[email]": "x", "comment[comment_content]": "" })).body;
    pages["edit form"] = (await ana.get(`/comments/${root}/edit`)).body;
    pages["confirm delete"] = (await ana.get(`/comments/${root}/confirm_delete`)).body;
    pages["inbox"] = (await creator.get(`/users/${login}/inbox`)).body;
    await db.updateTable("works").set({ comment_permission: "none" }).execute();
    pages["comment refused"] = (await ana.post(`/works/${workId}/comments`, { "comment[comment_content]": "Closed" })).body;
    const errors = await checkHtmlPages(pages);
    assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
    await app.close();
  } finally {
    await testDb.close();
  }
});

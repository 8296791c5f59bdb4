import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { jobSteps } from "../../src/app.js";
import { drainJobs } from "../../src/platform/jobs.js";
import { outboxFolder } from "../../src/platform/mail.js";
import { createUser } from "../../src/users/commands.js";
import { testConfig } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeWork } from "../support/factories.js";

/**
 * Readers answering a writer, in real Chromium with JavaScript off: a guest's kudos, a comment,
 * the creator's reply, a bookmark with a note, a subscription, and the email a new chapter sends.
 * Controls are found by their labels and roles.
 */

/** Clicks a control that submits a form or follows a link, and waits for the next page to load. */
async function go(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), click()]);
}

async function loggedIn(browser: Browser, baseUrl: string, login: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await go(page, () => page.getByRole("button", { name: "Log in" }).click());
  return page;
}

test("a guest leaves kudos, a reader comments, the creator replies, the reader bookmarks and subscribes, and a new chapter emails them", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-journey-mail-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    for (const login of ["keeper", "reader"]) {
      const made = await createUser(testDb.db, { login, email: `${login}@example.com`, password: `${login} password 1` });
      assert.ok(made.ok);
    }
    const pseud = await testDb.db.selectFrom("pseuds").select("id").where("name", "=", "keeper").executeTakeFirstOrThrow();
    const workId = await makeWork(testDb.db, pseud.id, { title: "The Lamp at Hollow Point" });
    const server = await startServer(testDb, { dataDir });
    try {
      // A guest: Kudos ♥ is a plain form.
      const guestContext = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
      const guest = await guestContext.newPage();
      await guest.goto(`/works/${workId}`);
      await go(guest, () => guest.getByRole("button", { name: "Kudos ♥" }).click());
      assert.match(await guest.locator("main").innerText(), /Thank you for leaving kudos!/);
      assert.match(await guest.locator("#kudos").innerText(), /1 guest left kudos on this work!/);

      // A reader comments.
      const reader = await loggedIn(browser, server.baseUrl, "reader", "reader password 1");
      await reader.goto(`/works/${workId}`);
      await reader.getByLabel("Comment", { exact: true }).fill("The storm scene took my breath away.");
      await go(reader, () => reader.getByRole("button", { name: "Comment", exact: true }).click());
      assert.match(await reader.locator("#comments").innerText(), /The storm scene took my breath away\./);

      // The creator replies to it.
      const keeper = await loggedIn(browser, server.baseUrl, "keeper", "keeper password 1");
      await keeper.goto(`/works/${workId}?show_comments=true`);
      await go(keeper, () => keeper.locator("#comments").getByRole("link", { name: "Reply" }).first().click());
      await keeper.getByLabel("Comment", { exact: true }).fill("Thank you, that scene was the hardest to write.");
      await go(keeper, () => keeper.getByRole("button", { name: "Reply", exact: true }).click());
      await reader.goto(`/works/${workId}?show_comments=true`);
      const thread = await reader.locator("#comments").innerText();
      assert.ok(thread.indexOf("took my breath away") < thread.indexOf("hardest to write"), "the reply follows the comment in its thread");

      // The reader bookmarks it with a note, then subscribes.
      await go(reader, () => reader.getByRole("link", { name: "Bookmark", exact: true }).click());
      await reader.getByLabel("Notes", { exact: true }).fill("Read this on a stormy night.");
      await go(reader, () => reader.getByRole("button", { name: "Save Bookmark" }).click());
      assert.match(await reader.locator("main").innerText(), /Read this on a stormy night\./);
      await reader.goto(`/works/${workId}`);
      await go(reader, () => reader.getByRole("button", { name: "Subscribe" }).click());
      assert.match(await reader.locator("main").innerText(), /You are now following The Lamp at Hollow Point\./);
      assert.equal(await reader.getByRole("button", { name: "Unsubscribe" }).count(), 1);

      // The creator posts a new chapter; the serving process's job worker sends the mail (run here).
      await keeper.goto(`/works/${workId}`);
      await go(keeper, () => keeper.getByRole("link", { name: "Add Chapter" }).click());
      await keeper.getByLabel("Work Text (required)", { exact: true }).fill("The second night the lamp went dark.");
      await go(keeper, () => keeper.getByRole("button", { name: "Save Chapter" }).click());
      const chapterPath = new URL(keeper.url()).pathname;
      assert.equal(await drainJobs(testDb.db, jobSteps(testConfig(testDb.url, { dataDir, publicUrl: server.baseUrl }))), 1);
      const mails = readdirSync(outboxFolder(dataDir)).map((name) => readFileSync(join(outboxFolder(dataDir), name), "utf8"));
      assert.equal(mails.length, 1, "one email: the reader's");
      assert.match(mails[0]!, /^To: reader@example\.com$/m);
      assert.match(mails[0]!, /^Subject: \[Fanfold\] keeper posted Chapter 2 of The Lamp at Hollow Point$/m);
      assert.ok(mails[0]!.replace(/=\r?\n/g, "").includes(`${server.baseUrl}${chapterPath}`), "the email links to the new chapter");
      await guestContext.close();
    } finally {
      await server.close();
    }
  });
});

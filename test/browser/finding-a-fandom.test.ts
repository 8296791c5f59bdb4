import assert from "node:assert/strict";
import { test } from "node:test";
import type { Browser } from "playwright-core";
import { markNewArchive } from "../../src/model/archive-settings.js";
import { createUser } from "../../src/users/commands.js";
import { Client, redirectedId, workForm } from "../support/app.js";
import { launchChromium, startServer, type RunningServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";

/**
 * A reader finds a fandom in an archive nobody has wrangled: a writer typed every tag, and with
 * the archive's default ("new tags are canonical") those tags work as filters on the first day.
 * From /media to a fandom, filtered by a character and an additional tag, to a work; with
 * JavaScript off and on, every control found by its label or role.
 */

const FANDOM = "Saltmarsh Chronicles";
const WORKS: [title: string, characters: string, freeforms: string][] = [
  ["Low Water", "Ilse Marrow, Oren Vale", "Fluff, Tide Pools"],
  ["The Heron's Count", "Ilse Marrow", "Angst"],
  ["Brackish", "Ilse Marrow", "Fluff"],
  ["Reed Songs", "Oren Vale", "Fluff"],
];

async function postWorks(server: RunningServer, db: Parameters<typeof createUser>[0]): Promise<void> {
  // What /setup (or `fanfold user add --role admin`) does when a new archive gets its first admin:
  // the archive starts with "new tags are canonical" on.
  await markNewArchive(db);
  const created = await createUser(db, { login: "reedwriter", email: "reedwriter@example.com", password: "marsh light at dusk" });
  assert.ok(created.ok);
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", created.value.id).executeTakeFirstOrThrow();
  const client = new Client(server.app);
  await client.logIn("reedwriter", "marsh light at dusk");
  for (const [title, characters, freeforms] of WORKS) {
    const res = await client.post("/works", workForm(pseud.id, { "work[title]": title, "work[fandoms]": FANDOM, "work[characters]": characters, "work[freeforms]": freeforms }));
    redirectedId(res);
  }
}

async function findAndFilter(browser: Browser, server: RunningServer, javaScriptEnabled: boolean): Promise<void> {
  const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  try {
    await page.goto("/");
    await page.getByRole("link", { name: "Fandoms", exact: true }).first().click();
    await page.waitForURL(/\/media$/);
    // The writer's fandom, which no wrangler has put in a medium, is listed under Uncategorized Fandoms.
    const uncategorized = page.locator("li", { has: page.getByRole("heading", { name: "Uncategorized Fandoms" }) });
    await uncategorized.getByRole("link", { name: FANDOM }).click();
    await page.waitForURL(/\/tags\/Saltmarsh%20Chronicles\/works/);
    const heading = page.locator("h2.heading").first();
    assert.match(await heading.innerText(), /of 4 Works in Saltmarsh Chronicles/, mode);

    // Filter by a character and an additional tag the writer typed, from the sidebar.
    await page.locator("details", { hasText: "Include Characters" }).locator("summary").click();
    await page.getByRole("group", { name: "Include Characters" }).getByLabel("Ilse Marrow (3)").check();
    await page.locator("details", { hasText: "Include Additional Tags" }).locator("summary").click();
    await page.getByRole("group", { name: "Include Additional Tags" }).getByLabel("Fluff (3)").check();
    await page.getByRole("button", { name: "Sort and Filter" }).first().click();
    await page.waitForURL(/include_work_search/);
    assert.match(await heading.innerText(), /of 2 Works in Saltmarsh Chronicles/, mode);
    const listed = (await page.locator("ol.work.index > li h4.heading a:first-child").allInnerTexts()).sort();
    assert.deepEqual(listed, ["Brackish", "Low Water"], mode);

    // And opens one.
    await page.locator("ol.work.index > li h4.heading").getByRole("link", { name: "Brackish" }).click();
    await page.waitForURL(/\/works\/\d+$/);
    assert.equal(await page.getByRole("heading", { name: "Brackish", level: 2 }).count(), 1, mode);
    const meta = await page.locator("dl.work.meta").innerText();
    for (const tag of [FANDOM, "Ilse Marrow", "Fluff"]) assert.ok(meta.includes(tag), `${mode}: the work shows ${tag}`);
  } finally {
    await context.close();
  }
}

test("a reader goes from /media to a fandom, filters by a writer's character and tag in a fresh archive, and opens a work", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    try {
      await postWorks(server, testDb.db);
      await findAndFilter(browser, server, false);
      await findAndFilter(browser, server, true);
    } finally {
      await server.close();
    }
  });
});

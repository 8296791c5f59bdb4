import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { runRefilterNow } from "../../src/tags/refilter.js";
import { type WranglingOp, wrangle } from "../../src/tags/wrangling.js";
import { createUser } from "../../src/users/commands.js";
import type { Db } from "../../src/platform/db/index.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * A tag wrangler's journey in real Chromium with JavaScript off: from the wrangling home to a
 * fandom's bin of unwrangled tags, one tag made a synonym of a canonical tag, and the canonical's
 * works page listing the work. Then the wrangling pages go through the Nu HTML checker and axe.
 */

const LOGIN = "tidewrangler";
const PASSWORD = "salt and lamplight";

async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  if (!result.ok) assert.fail(`refused: ${result.message}`);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

async function clickThrough(page: Page, click: () => Promise<void>, url: RegExp): Promise<void> {
  await click();
  await page.waitForURL(url);
}

async function logIn(page: Page): Promise<void> {
  await page.goto("/users/login");
  await page.getByLabel("User name", { exact: true }).fill(LOGIN);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await clickThrough(page, () => page.getByRole("button", { name: "Log In" }).click(), /\/$/);
}

async function mainText(page: Page): Promise<string> {
  return page.locator("main").innerText();
}

test("a wrangler finds an unwrangled tag in a fandom's bin, makes it a synonym, and the canonical lists the work", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    // A writer posted a work earlier, with tags nobody has wrangled yet.
    const { pseudId } = await makeCreator(db, "tidewriter");
    await makeWork(db, pseudId, { title: "The Lamp at Hollow Point", fandoms: ["Lighthouse Stories"], characters: ["Mira"], freeforms: ["lamplight vigil", "salt spray"] });
    await apply(
      db,
      { action: "canonical", tag: "Lighthouse Stories", value: true },
      { action: "create", name: "Night Watch", type: "Freeform", canonical: true },
      { action: "parent", tag: "Night Watch", parent: "Lighthouse Stories" },
    );
    const created = await createUser(db, { login: LOGIN, email: `${LOGIN}@example.com`, password: PASSWORD, roles: ["wrangler"] });
    assert.ok(created.ok);

    const server = await startServer(testDb);
    const context: BrowserContext = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    const guest: BrowserContext = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const contexts = [context, guest];
    const page = await context.newPage();
    try {
      await logIn(page);

      // The wrangling home: the fandom with one unwrangled character and two freeforms.
      await clickThrough(page, () => page.getByRole("link", { name: "Wrangling", exact: true }).click(), /\/wrangling$/);
      const row = page.getByRole("row", { name: /Lighthouse Stories/ });
      assert.match((await row.innerText()).replace(/\s+/g, " "), /Lighthouse Stories 1 0 2/);
      await clickThrough(page, () => row.getByRole("link", { name: "Lighthouse Stories", exact: true }).click(), /\/tags\/Lighthouse%20Stories\/wrangle$/);
      await clickThrough(page, () => page.getByRole("link", { name: "Additional Tags (2)" }).click(), /\?show=freeforms$/);

      // Tick the tag, name the canonical, wrangle.
      await page.getByRole("checkbox", { name: "lamplight vigil", exact: true }).check();
      assert.equal(await page.getByLabel("Assign to fandom", { exact: true }).inputValue(), "Lighthouse Stories");
      await page.getByLabel("Make synonyms of", { exact: true }).fill("Night Watch");
      await clickThrough(page, () => page.getByRole("button", { name: "Wrangle" }).click(), /\/wrangle\?show=freeforms$/);
      const status = await page.getByRole("status").innerText();
      assert.match(status, /"lamplight vigil" is now a synonym of "Night Watch"\./);
      assert.match(status, /Works re-filtered: 1\./);
      assert.match(await mainText(page), /Additional Tags \(1\)/, "one tag left in the bin");
      assert.equal(await page.getByRole("checkbox", { name: "lamplight vigil", exact: true }).count(), 0);

      // The canonical's page lists the synonym; its works page lists the work, for guests too.
      await page.goto("/tags/lamplight%20vigil");
      assert.equal(new URL(page.url()).pathname, "/tags/Night%20Watch", "the synonym's page leads to its canonical");
      assert.match(await mainText(page), /Synonyms\s+lamplight vigil/);
      await clickThrough(page, () => page.getByRole("link", { name: "Works in this tag" }).click(), /\/tags\/Night%20Watch\/works$/);
      assert.match(await mainText(page), /The Lamp at Hollow Point/);
      const guestPage = await guest.newPage();
      await guestPage.goto("/tags/Night%20Watch/works");
      assert.match(await mainText(guestPage), /The Lamp at Hollow Point/);
      await guestPage.close();

      // A refused edit: a synonym of a synonym.
      await page.goto("/tags/salt%20spray/edit");
      await page.getByLabel("Synonym of", { exact: true }).fill("lamplight vigil");
      const [refused] = await Promise.all([
        page.waitForResponse((res) => res.request().method() === "POST"),
        page.getByRole("button", { name: "Save Changes" }).click(),
      ]);
      await page.waitForLoadState();
      assert.equal(refused.status(), 422);
      assert.match(await page.getByRole("alert").innerText(), /a synonym of a synonym is not allowed/);
      assert.equal(await page.getByLabel("Synonym of", { exact: true }).inputValue(), "lamplight vigil", "what was typed stays");

      // The wrangling pages pass the Nu HTML checker and axe-core. axe runs inside the page, so
      // these contexts have JavaScript on (the pages themselves have none).
      const checker = await browser.newContext({ baseURL: server.baseUrl });
      const checkerGuest = await browser.newContext({ baseURL: server.baseUrl });
      contexts.push(checker, checkerGuest);
      await logIn(await checker.newPage());
      async function visit(name: string, target: Page, response: Response | null, status = 200) {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        return { name, page: target, html: await response.text() };
      }
      const open = async (name: string, ctx: BrowserContext, path: string) => {
        const target = await ctx.newPage();
        return visit(name, target, await target.goto(path));
      };
      const refusedAgain = (async () => {
        const target = await checker.newPage();
        await target.goto("/tags/salt%20spray/edit");
        await target.getByLabel("Synonym of", { exact: true }).fill("lamplight vigil");
        const [response] = await Promise.all([
          target.waitForResponse((res) => res.request().method() === "POST"),
          target.getByRole("button", { name: "Save Changes" }).click(),
        ]);
        await target.waitForLoadState();
        return visit("edit page after a refusal", target, response, 422);
      })();
      const visited = await Promise.all([
        open("wrangling home", checker, "/wrangling"),
        open("bin of freeforms", checker, "/tags/Lighthouse%20Stories/wrangle?show=freeforms"),
        open("tag page (wrangler)", checker, "/tags/Night%20Watch"),
        open("fandom tag page (guest)", checkerGuest, "/tags/Lighthouse%20Stories"),
        open("edit page", checker, "/tags/Night%20Watch/edit"),
        open("history", checker, "/tags/lamplight%20vigil/history"),
        refusedAgain,
      ]);
      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const ctx of contexts) await ctx.close();
      await server.close();
    }
  });
});

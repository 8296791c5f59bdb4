import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * Tags usable from the first day, in real Chromium with JavaScript off and on: a wrangler creates
 * a metatag at /tags/new and makes a fandom its subtag; then /tags/new (plain and refused) and
 * /tags/search (empty and with results) go through the Nu HTML checker and axe-core, light and dark.
 */

const LOGIN = "metawrangler";
const PASSWORD = "tides and metatags";

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

test("a wrangler creates a metatag at /tags/new and makes a fandom its subtag; the new pages pass the checkers", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const { pseudId } = await makeCreator(db, "metawriter");
    await makeWork(db, pseudId, { title: "Harbour Lights", fandoms: ["Harbour Nights (TV)"], characters: ["Odile"] });
    const created = await createUser(db, { login: LOGIN, email: `${LOGIN}@example.com`, password: PASSWORD, roles: ["wrangler"] });
    assert.ok(created.ok);
    const server = await startServer(testDb);
    const contexts: BrowserContext[] = [];
    try {
      for (const javaScriptEnabled of [false, true]) {
        const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled });
        context.setDefaultTimeout(10_000);
        contexts.push(context);
        const page = await context.newPage();
        await logIn(page);
        const metatag = javaScriptEnabled ? "Harbour Universe JS" : "Harbour Universe";
        const fandom = "Harbour Nights (TV)";

        // The fandom must be canonical to take a metatag.
        await page.goto(`/tags/${encodeURIComponent(fandom)}/edit`);
        const canonicalBox = page.getByRole("checkbox", { name: "Canonical: works are filtered under this tag" });
        if (!(await canonicalBox.isChecked())) {
          await canonicalBox.check();
          await clickThrough(page, () => page.getByRole("button", { name: "Save Changes" }).click(), /\/tags\/Harbour%20Nights%20\(TV\)$/);
        }

        // A refused name first: what was typed stays, the message is beside the field.
        await page.goto("/tags/new");
        await page.getByLabel("Name", { exact: true }).fill("Harbour * Universe");
        await page.getByRole("radio", { name: "Fandom", exact: true }).check();
        await Promise.all([page.waitForResponse((res) => res.request().method() === "POST"), page.getByRole("button", { name: "Create Tag" }).click()]);
        await page.waitForLoadState();
        assert.match(await page.getByRole("alert").innerText(), /can't contain "\*"/);
        assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Harbour * Universe");

        // The metatag, canonical, then the fandom under it.
        await page.getByLabel("Name", { exact: true }).fill(metatag);
        await page.getByRole("radio", { name: "Fandom", exact: true }).check();
        await page.getByRole("checkbox", { name: "Canonical: works are filtered under this tag" }).check();
        await clickThrough(page, () => page.getByRole("button", { name: "Create Tag" }).click(), /\/edit$/);
        assert.match(await page.getByRole("status").innerText(), new RegExp(`"${metatag}" was created`));
        await page.goto(`/tags/${encodeURIComponent(fandom)}/edit`);
        await page.getByLabel("Add metatags", { exact: true }).fill(metatag);
        await clickThrough(page, () => page.getByRole("button", { name: "Save Changes" }).click(), /\/tags\/Harbour%20Nights%20\(TV\)$/);
        await page.goto(`/tags/${encodeURIComponent(metatag)}`);
        assert.match(await page.locator("main").innerText(), new RegExp(`Subtags\\s+${fandom.replace(/[()]/g, "\\$&")}`), `the metatag lists its subtag (JavaScript ${javaScriptEnabled ? "on" : "off"})`);
        await clickThrough(page, () => page.getByRole("link", { name: "Works in this tag" }).click(), /\/works$/);
        assert.match(await page.locator("main").innerText(), /Harbour Lights/, "the metatag's works include the subtag's");
      }

      // The new page types pass the Nu HTML checker and axe-core, light and dark.
      const checker = contexts[1]!;
      const guest = await browser.newContext({ baseURL: server.baseUrl });
      contexts.push(guest);
      async function visit(name: string, target: Page, response: Response | null, status = 200) {
        assert.ok(response, `${name}: no response`);
        assert.equal(response.status(), status, `${name}: HTTP status`);
        return { name, page: target, html: await response.text() };
      }
      const open = async (name: string, ctx: BrowserContext, path: string) => {
        const target = await ctx.newPage();
        return visit(name, target, await target.goto(path));
      };
      const refused = (async () => {
        const target = await checker.newPage();
        await target.goto("/tags/new");
        await target.getByLabel("Name", { exact: true }).fill("Harbour Universe");
        const [response] = await Promise.all([target.waitForResponse((res) => res.request().method() === "POST"), target.getByRole("button", { name: "Create Tag" }).click()]);
        await target.waitForLoadState();
        return visit("new tag refused", target, response, 422);
      })();
      const visited = await Promise.all([
        open("new tag", checker, "/tags/new"),
        refused,
        open("tag search (empty)", guest, "/tags/search"),
        open("tag search (results)", guest, "/tags/search?tag_search%5Bname%5D=harbour&tag_search%5Bsort_column%5D=uses"),
        open("tag search (none found)", guest, "/tags/search?tag_search%5Bname%5D=nothing%25here"),
        open("wrangling home", checker, "/wrangling"),
      ]);
      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      for (const ctx of contexts) await ctx.close();
      await server.close();
    }
  });
});

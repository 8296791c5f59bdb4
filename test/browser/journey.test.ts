import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";

/**
 * A writer's whole journey in real Chromium, with JavaScript switched off (the site has none and
 * must not need any). Every control is found by its label or role, so an unlabelled control fails.
 */

/** Clicks something that submits or navigates and waits until the browser is at a URL matching `url`. */
async function clickThrough(page: Page, click: () => Promise<void>, url: RegExp): Promise<void> {
  await click();
  await page.waitForURL(url);
}

async function mainText(page: Page): Promise<string> {
  return page.locator("main").innerText();
}

test("a writer signs up, posts, reads, edits and restricts a work; guests can't see it", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const context = await browser.newContext({ baseURL: server.baseUrl, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      // Sign up; the new account is logged in at once.
      await page.goto("/signup");
      await page.getByLabel("User name", { exact: true }).fill("tidewriter");
      await page.getByLabel("Email", { exact: true }).fill("tidewriter@example.com");
      await page.getByLabel("Password", { exact: true }).fill("salt and lamplight");
      await page.getByLabel("Confirm password", { exact: true }).fill("salt and lamplight");
      await page.getByRole("checkbox", { name: "I have read and accept the Terms of Service" }).check();
      await page.getByRole("checkbox", { name: "I have read and accept the Privacy Policy" }).check();
      await page.getByRole("checkbox", { name: "I am at least 13 years old" }).check();
      await clickThrough(page, () => page.getByRole("button", { name: "Create Account" }).click(), /\/users\/tidewriter$/);
      assert.ok(await page.getByRole("link", { name: "Log out" }).isVisible(), "signed up and logged in");

      // Post a work with tags and a first chapter.
      await clickThrough(page, () => page.getByRole("link", { name: "Post a work" }).click(), /\/works\/new$/);
      await page.getByRole("radio", { name: "Teen And Up Audiences" }).check();
      await page.getByRole("checkbox", { name: "No Archive Warnings Apply" }).check();
      await page.getByRole("checkbox", { name: "F/F" }).check();
      await page.getByLabel("Fandoms (required)", { exact: true }).fill("Original Work");
      await page.getByLabel("Characters", { exact: true }).fill("Mira Okonkwo, The Lighthouse Keeper");
      await page.getByLabel("Additional Tags", { exact: true }).fill("Storms, Found Family");
      await page.getByLabel("Work Title (required)", { exact: true }).fill("The Lamp at Hollow Point");
      await page.getByLabel("Summary", { exact: true }).fill("A keeper, a storm, a long night.");
      await page.getByLabel("Expected number of chapters", { exact: true }).fill("2");
      await page.getByLabel("Chapter Title", { exact: true }).fill("Landfall");
      await page.getByLabel("Work Text (required)", { exact: true }).fill("The lamp turned all night.\n\nBy morning the sea was glass.");
      await clickThrough(page, () => page.getByRole("button", { name: "Post", exact: true }).click(), /\/works\/\d+$/);
      const workUrl = new URL(page.url()).pathname;
      assert.equal(await page.getByRole("heading", { name: "The Lamp at Hollow Point", level: 2 }).count(), 1);
      const tags = await page.locator("dl.work.meta").innerText();
      for (const tag of ["Teen And Up Audiences", "No Archive Warnings Apply", "F/F", "Original Work", "Mira Okonkwo", "The Lighthouse Keeper", "Storms", "Found Family"]) {
        assert.ok(tags.includes(tag), `the work shows the tag ${tag}`);
      }
      assert.match(await mainText(page), /By morning the sea was glass\./);

      // A second chapter.
      await clickThrough(page, () => page.getByRole("link", { name: "Add Chapter" }).click(), /\/chapters\/new$/);
      await page.getByLabel("Chapter Title", { exact: true }).fill("The Long Night");
      await page.getByLabel("Work Text (required)", { exact: true }).fill("The storm came in at dusk.\n\nThe keeper did not sleep.");
      await clickThrough(page, () => page.getByRole("button", { name: "Save Chapter" }).click(), /\/works\/\d+\/chapters\/\d+$/);
      assert.match(await mainText(page), /The keeper did not sleep\./);

      // Chapter by chapter: the work opens at chapter 1, "Next Chapter →" leads to chapter 2.
      await page.goto(workUrl);
      let text = await mainText(page);
      assert.match(text, /By morning the sea was glass\./);
      assert.doesNotMatch(text, /The keeper did not sleep/);
      await clickThrough(page, () => page.getByRole("link", { name: "Next Chapter →" }).click(), /\/works\/\d+\/chapters\/\d+#workskin$/);
      text = await mainText(page);
      assert.match(text, /The keeper did not sleep\./);
      assert.doesNotMatch(text, /By morning the sea was glass/);
      assert.equal(await page.getByRole("link", { name: "Next Chapter →" }).count(), 0, "the last chapter has no next chapter");
      assert.equal(await page.getByRole("link", { name: "← Previous Chapter" }).count(), 1);

      // The entire work on one page.
      await clickThrough(page, () => page.getByRole("link", { name: "Entire Work" }).click(), /view_full_work=true$/);
      assert.equal(await page.locator("div#chapter-1").count(), 1);
      assert.equal(await page.locator("div#chapter-2").count(), 1);
      assert.match(await page.locator("div#chapter-1").innerText(), /By morning the sea was glass\./);
      assert.match(await page.locator("div#chapter-2").innerText(), /The keeper did not sleep\./);
      assert.match(await page.locator("dd.chapters").innerText(), /^2\/2$/);

      // Edit: a new title.
      await clickThrough(page, () => page.getByRole("link", { name: "Edit", exact: true }).click(), /\/works\/\d+\/edit$/);
      assert.equal(await page.getByLabel("Work Title (required)", { exact: true }).inputValue(), "The Lamp at Hollow Point");
      await page.getByLabel("Work Title (required)", { exact: true }).fill("The Light at Hollow Point");
      await clickThrough(page, () => page.getByRole("button", { name: "Update" }).click(), new RegExp(`${workUrl}$`));
      assert.equal(await page.getByRole("heading", { name: "The Light at Hollow Point", level: 2 }).count(), 1);
      assert.doesNotMatch(await mainText(page), /The Lamp at Hollow Point/);

      // Edit again: registered users only.
      await clickThrough(page, () => page.getByRole("link", { name: "Edit", exact: true }).click(), /\/works\/\d+\/edit$/);
      const restricted = page.getByRole("checkbox", { name: "Only show your work to registered users" });
      assert.equal(await restricted.isChecked(), false);
      await restricted.check();
      await clickThrough(page, () => page.getByRole("button", { name: "Update" }).click(), new RegExp(`${workUrl}$`));
      assert.equal(await page.getByRole("img", { name: "(Restricted)" }).count(), 1, "the work is marked restricted");
      assert.match(await mainText(page), /By morning the sea was glass\./, "its creator still reads it");

      // Log out (the link asks first, as on AO3); as a guest the work is hidden.
      await clickThrough(page, () => page.getByRole("link", { name: "Log out" }).click(), /\/users\/logout$/);
      await clickThrough(page, () => page.getByRole("button", { name: "Yes, log out" }).click(), /\/$/);
      assert.equal(await page.getByRole("link", { name: "Log in" }).count(), 1, "logged out");
      await page.goto("/works");
      text = await mainText(page);
      assert.doesNotMatch(text, /Hollow Point/, "the listing hides it from guests");
      assert.match(text, /\b0 Works\b/);
      // A guest is sent to log in, and told why.
      const response = await page.goto(workUrl);
      assert.equal(response?.status(), 200);
      assert.match(page.url(), /\/users\/login\?restricted=true&return_to=/);
      text = await mainText(page);
      assert.match(text, /This work is only available to registered users of the Archive\./);
      assert.doesNotMatch(text, /Hollow Point|By morning the sea was glass/);
      await page.goto(`${workUrl}?view_full_work=true`);
      assert.match(page.url(), /\/users\/login\?restricted=true&return_to=/);
      assert.doesNotMatch(await mainText(page), /By morning the sea was glass/);
    } finally {
      await context.close();
      await server.close();
    }
  });
});

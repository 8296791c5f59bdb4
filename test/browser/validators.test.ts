import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page, Response } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { Client, workForm } from "../support/app.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { checkA11y, checkHtmlPages, describeViolations, htmlCheckerAvailable } from "../support/validators.js";

/**
 * The archive's main pages, as served, pass the Nu HTML checker with no errors and axe-core with
 * no violations, in real Chromium with the real stylesheet (so colour contrast is checked too).
 */

const LOGIN = "keeper";
const PASSWORD = "lamp oil and patience";

/** The id of the work a post redirected to. */
function redirectedWorkId(res: { statusCode: number; headers: Record<string, unknown> }): number {
  assert.equal(res.statusCode, 303, "posting should redirect");
  const match = /^\/works\/(\d+)$/.exec(String(res.headers.location));
  assert.ok(match, `unexpected redirect ${String(res.headers.location)}`);
  return Number(match[1]);
}

function redirectedChapterId(res: { statusCode: number; headers: Record<string, unknown> }): number {
  assert.equal(res.statusCode, 303, "saving a chapter should redirect");
  const match = /^\/works\/\d+\/chapters\/(\d+)$/.exec(String(res.headers.location));
  assert.ok(match, `unexpected redirect ${String(res.headers.location)}`);
  return Number(match[1]);
}

test("pages pass the Nu HTML checker and axe-core", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    // Pages are checked as they are served (the HTML checker) and as the browser shows them (axe).
    const served: Record<string, string> = {};
    const violations: string[] = [];
    const contexts = [await browser.newContext({ baseURL: server.baseUrl }), await browser.newContext({ baseURL: server.baseUrl })];
    const [guest, writer] = await Promise.all(contexts.map((c) => c.newPage()));
    async function check(name: string, page: Page, response: Response | null, status = 200): Promise<void> {
      assert.ok(response, `${name}: no response`);
      assert.equal(response.status(), status, `${name}: HTTP status`);
      served[name] = await response.text();
      const found = await checkA11y(page);
      if (found.length) violations.push(`${name}:`, ...describeViolations(found).map((line) => `  ${line}`));
    }
    try {
      // Content: a multi-chapter work using every field, and a few more works for the listing.
      const created = await createUser(testDb.db, { login: LOGIN, email: `${LOGIN}@example.com`, password: PASSWORD });
      assert.ok(created.ok);
      const pseud = await testDb.db.selectFrom("pseuds").select("id").where("user_id", "=", created.value.id).executeTakeFirstOrThrow();
      const client = new Client(server.app);
      await client.logIn(LOGIN, PASSWORD);
      const workId = redirectedWorkId(
        await client.post(
          "/works",
          workForm(pseud.id, {
            "work[title]": "Salt & <Light>",
            "work[rating]": "Teen And Up Audiences",
            "work[warnings][]": ["Graphic Depictions Of Violence", "Major Character Death"],
            "work[categories][]": ["F/F", "Multi"],
            "work[fandoms]": "Original Work, Lighthouse Stories",
            "work[relationships]": "Mira/Keeper",
            "work[characters]": "Mira, Keeper",
            "work[freeforms]": "Storms, Found Family",
            "work[summary]": "A <em>storm</em> summary.",
            "work[notes]": "Beginning <strong>notes</strong>.",
            "work[endnotes]": "End notes.",
            "work[expected_chapters]": "3",
            "chapter[title]": "Landfall",
            "chapter[content]": "The lamp turned all night.\nIt did not stop.\n\n<blockquote>By morning the sea was glass.</blockquote>\n\n<ul><li>oil</li><li>wick</li></ul>",
          }),
        ),
      );
      const secondChapterId = redirectedChapterId(
        await client.post(`/works/${workId}/chapters`, {
          "chapter[title]": "The Long Night",
          "chapter[summary]": "Chapter two's <em>summary</em>.",
          "chapter[notes]": "Chapter two's notes.",
          "chapter[content]": "The storm came in at <strong>dusk</strong>.\n\nThe keeper did not sleep.",
          "chapter[endnotes]": "Chapter two's end notes.",
        }),
      );
      redirectedChapterId(
        await client.post(`/works/${workId}/chapters`, {
          "chapter[title]": "",
          "chapter[summary]": "Chapter three's summary.",
          "chapter[notes]": "Chapter three's notes.",
          "chapter[content]": "Calm, at last.",
          "chapter[endnotes]": "Chapter three's end notes.",
        }),
      );
      redirectedWorkId(await client.post("/works", workForm(pseud.id, { "work[title]": "Members Only", "work[restricted]": "1" })));
      redirectedWorkId(await client.post("/works", workForm(pseud.id, { "work[title]": "Die Wellen", "work[language]": "de", "work[categories][]": ["M/M"], "work[relationships]": "A/B" })));

      // Guests: the account pages and the listing.
      await check("log-in page", guest, await guest.goto("/users/login"));
      await check("sign-up page", guest, await guest.goto("/signup"));
      await check("works listing (guest)", guest, await guest.goto("/works"));
      assert.match(await guest.locator("main").innerText(), /1 - 2 of 2 Works/);

      // The writer, logged in through the form.
      await writer.goto("/users/login");
      await writer.getByLabel("User name", { exact: true }).fill(LOGIN);
      await writer.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await writer.getByRole("button", { name: "Log In" }).click();
      await writer.waitForURL((url) => url.pathname === "/");
      await check("work page", writer, await writer.goto(`/works/${workId}`));
      await check("entire work", writer, await writer.goto(`/works/${workId}?view_full_work=true`));
      assert.equal(await writer.locator("div.chapter[id^=chapter-]").count(), 3);
      await check("chapter page", writer, await writer.goto(`/works/${workId}/chapters/${secondChapterId}`));
      await check("works listing", writer, await writer.goto("/works"));
      assert.match(await writer.locator("main").innerText(), /1 - 3 of 3 Works/);
      await check("chapter index", writer, await writer.goto(`/works/${workId}/navigate`));
      await check("new-work form", writer, await writer.goto("/works/new"));
      await writer.getByLabel("Work Title (required)", { exact: true }).fill("Half a Work");
      const [failed] = await Promise.all([
        writer.waitForResponse((res) => res.request().method() === "POST" && new URL(res.url()).pathname === "/works"),
        writer.getByRole("button", { name: "Post", exact: true }).click(),
      ]);
      await writer.waitForLoadState();
      await check("new-work form after a failed post", writer, failed, 422);
      assert.ok(await writer.getByRole("alert").isVisible(), "the form lists its errors");
      await check("edit-work form", writer, await writer.goto(`/works/${workId}/edit`));
      await check("new-chapter form", writer, await writer.goto(`/works/${workId}/chapters/new`));
      await check("manage chapters", writer, await writer.goto(`/works/${workId}/chapters/manage`));

      const htmlErrors = checkMarkup ? await checkHtmlPages(served) : {};
      const markupLines = Object.entries(htmlErrors).flatMap(([name, errors]) => (errors.length ? [`${name}:`, ...errors.map((e) => `  ${e}`)] : []));
      assert.deepEqual(markupLines, [], `Nu HTML checker errors:\n${markupLines.join("\n")}`);
      assert.deepEqual(violations, [], `axe-core violations:\n${violations.join("\n")}`);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
      await server.close();
    }
  });
});

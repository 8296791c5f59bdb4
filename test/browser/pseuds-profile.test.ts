import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { createPseud, createUser, updateProfile } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * The pages of issue 19's pseud and profile work (a pseud's page, its edit and delete pages, the
 * profile with its text and the profile edit page) pass the Nu HTML checker and axe-core, light
 * and dark, in real Chromium with the real stylesheet.
 */

const LOGIN = "moth";
const PASSWORD = "lamp oil and patience";

interface Visited {
  name: string;
  page: Page;
  html: string;
}

test("pseud and profile pages pass the Nu HTML checker and axe-core, light and dark", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb);
    const owner: BrowserContext = await browser.newContext({ baseURL: server.baseUrl });
    async function visit(name: string, page: Page, response: Response | null, status = 200): Promise<Visited> {
      assert.ok(response, `${name}: no response`);
      assert.equal(response.status(), status, `${name}: HTTP status`);
      return { name, page, html: await response.text() };
    }
    const open = async (name: string, path: string): Promise<Visited> => {
      const page = await owner.newPage();
      return visit(name, page, await page.goto(path));
    };
    try {
      const created = await createUser(testDb.db, { login: LOGIN, email: `${LOGIN}@example.com`, password: PASSWORD });
      assert.ok(created.ok);
      await createPseud(testDb.db, created.value.id, "Luna Moth", "Green <em>wings</em>, <strong>long</strong> tails.");
      await updateProfile(testDb.db, created.value.id, "Writes about <em>lighthouses</em>.\n\nAnd moths.");
      const login = await owner.newPage();
      await login.goto("/users/login");
      await login.getByLabel("User name").fill(LOGIN);
      await login.getByLabel("Password").fill(PASSWORD);
      await Promise.all([login.waitForURL((url) => url.pathname === "/"), login.getByRole("button", { name: "Log In" }).click()]);
      await login.close();

      const failedEdit = (async () => {
        const page = await owner.newPage();
        await page.goto("/users/moth/pseuds/Luna%20Moth/edit");
        await page.getByLabel("Name", { exact: true }).fill("Bad*Name");
        const [response] = await Promise.all([
          page.waitForResponse((res) => res.request().method() === "POST"),
          page.getByRole("button", { name: "Update Pseud" }).click(),
        ]);
        await page.waitForLoadState();
        return visit("pseud edit after a refused name", page, response, 422);
      })();
      const visited = [
        ...(await Promise.all([
          open("profile with text", "/users/moth"),
          open("pseud page", "/users/moth/pseuds/Luna%20Moth"),
          open("default pseud page", "/users/moth/pseuds/moth"),
          open("pseud edit", "/users/moth/pseuds/Luna%20Moth/edit"),
          open("default pseud edit", "/users/moth/pseuds/moth/edit"),
          open("pseud delete", "/users/moth/pseuds/Luna%20Moth/confirm_delete"),
          open("default pseud delete (refused)", "/users/moth/pseuds/moth/confirm_delete"),
          open("profile edit", "/users/moth/profile/edit"),
          open("new pseud", "/users/moth/pseuds/new"),
        ])),
        await failedEdit,
      ];
      const byName = new Map(visited.map((v) => [v.name, v.page]));
      assert.match(await byName.get("pseud page")!.locator("main").innerText(), /Green wings, long tails\./);
      assert.match(await byName.get("profile with text")!.locator("main").innerText(), /Writes about lighthouses\./);
      assert.ok(await byName.get("pseud edit after a refused name")!.getByRole("alert").isVisible(), "the refused form lists its errors");

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await owner.close();
      await server.close();
    }
  });
});

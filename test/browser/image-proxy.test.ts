import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { createUser } from "../../src/users/commands.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { makeCreator, makeWork } from "../support/factories.js";
import { proxyTestServers } from "../support/image-proxy.js";
import { htmlCheckerAvailable, pageProblems } from "../support/validators.js";

/**
 * In real Chromium: a work's outside images arrive through the archive's proxy and the browser
 * asks no other host; the security headers raise no console error; the settings page with its
 * security.txt block (also with errors shown) passes the Nu HTML checker and axe-core, light and dark.
 * Every server is local; an image the proxy refuses is one on a private address.
 */
test("outside images through the proxy in Chromium, and the security.txt settings pass the validators", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const checkMarkup = htmlCheckerAvailable(t);
  const images = await proxyTestServers();
  t.after(() => images.close());
  await eachDialect(t, async (_t, testDb) => {
    const server = await startServer(testDb, { unsafeImageProxyTestPort: images.images.port });
    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(10_000);
    try {
      const { pseudId } = await makeCreator(testDb.db);
      const workId = await makeWork(testDb.db, pseudId, {
        chapters: [`<p><img src="http://127.0.0.1:${images.images.port}/cat.png" alt="a cat" width="20" height="20"> <img src="http://10.0.0.1/private.png" alt="private"></p>`],
      });
      const reader = await context.newPage();
      const asked: string[] = [];
      const consoleLines: string[] = [];
      reader.on("request", (request) => asked.push(request.url()));
      reader.on("console", (message) => consoleLines.push(message.text()));
      await reader.goto(`/works/${workId}`);
      await reader.waitForLoadState("load");
      const widths = await reader.locator("#chapters img").evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((img) => img.naturalWidth));
      assert.deepEqual(widths, [1, 0], "the cat arrives through the proxy; the private address does not");
      assert.deepEqual(asked.filter((url) => !url.startsWith(server.baseUrl)), [], "the browser asks no other host");
      assert.ok(asked.some((url) => url.startsWith(`${server.baseUrl}/image-proxy?`)));
      assert.deepEqual(consoleLines.filter((line) => /permissions.policy|frame/i.test(line)), [], "no header the browser complains about");
      assert.equal(images.internal.hits(), 0);

      // The settings page, as saved and with the security.txt form's errors.
      const made = await createUser(testDb.db, { login: "site_admin", email: "site_admin@example.com", password: "admin password 1", roles: ["admin"] });
      assert.ok(made.ok);
      const admin = await context.newPage();
      await admin.goto("/users/login");
      await admin.getByLabel("User name", { exact: true }).fill("site_admin");
      await admin.getByLabel("Password", { exact: true }).fill("admin password 1");
      await Promise.all([admin.waitForURL((url) => !url.pathname.endsWith("/login")), admin.getByRole("button", { name: "Log in" }).click()]);
      const visited: { name: string; page: Page; html: string }[] = [];
      const settings = await admin.goto("/admin/settings");
      visited.push({ name: "admin settings", page: admin, html: await settings!.text() });
      const withErrors = await context.newPage();
      await withErrors.goto("/admin/settings");
      await withErrors.getByLabel("Contacts").fill("http://insecure.example/");
      await withErrors.getByLabel("Valid until").fill("2001-01-01");
      const [failed] = await Promise.all([withErrors.waitForResponse((r) => r.url().endsWith("/admin/settings/security-txt")), withErrors.getByRole("button", { name: "Save security contact" }).click()]);
      assert.equal(failed.status(), 422);
      await withErrors.waitForLoadState("load");
      visited.push({ name: "admin settings, security.txt errors", page: withErrors, html: await failed.text() });

      const problems = await pageProblems(visited, { checkMarkup });
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await context.close();
      await server.close();
    }
  });
});

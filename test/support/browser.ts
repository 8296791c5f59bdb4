import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { buildApp } from "../../src/app.js";
import type { Config } from "../../src/platform/config.js";
import { testConfig } from "./app.js";
import type { TestDb } from "./db.js";

/**
 * Real Chromium for browser tests: Debian's package (npm test installs it when it is missing).
 * FANFOLD_CHROMIUM points at another binary if need be.
 */
export const CHROMIUM_PATH = process.env.FANFOLD_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** Whether a missing tool must fail the run (npm test under CI sets FANFOLD_BROWSER_REQUIRED=1). */
export function browserRequired(): boolean {
  return process.env.FANFOLD_BROWSER_REQUIRED === "1";
}

/**
 * Reports a missing tool: a failure when it is required, otherwise a loud message, and the test
 * marked skipped unless `skip: false` (when the rest of the test still runs and must count).
 * Returns normally only when the tool is not required.
 */
export function missingTool(t: TestContext, message: string, { skip = true } = {}): void {
  if (browserRequired()) throw new Error(`${message} (FANFOLD_BROWSER_REQUIRED=1: nothing may be skipped)`);
  console.error(`\n!!! ${message}\n`);
  if (skip) t.skip(message);
  else t.diagnostic(`!!! ${message}`);
}

/**
 * Launches headless Chromium, closed when the test `t` ends. Null when Chromium is not installed
 * (the test is then skipped loudly, or fails under FANFOLD_BROWSER_REQUIRED=1).
 */
export async function launchChromium(t: TestContext): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    missingTool(t, `Chromium missing: browser tests DID NOT RUN (no ${CHROMIUM_PATH})`);
    return null;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  return browser;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  baseUrl: string;
  /** The app itself, e.g. to set things up through `app.inject` (test/support/app.ts's Client). */
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Starts the real app on 127.0.0.1 on a free port over a test database, the way `fanfold serve`
 * does (buildApp, then listen). Close it before the database.
 */
export async function startServer(test: TestDb, overrides: Partial<Config> = {}): Promise<RunningServer> {
  const app = await buildApp(testConfig(test.url, overrides), test.db);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") {
    await app.close();
    throw new Error(`the server did not listen on a TCP port (${String(address)})`);
  }
  return { baseUrl: `http://127.0.0.1:${address.port}`, app, close: () => app.close() };
}

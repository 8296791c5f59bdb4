import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * `../shared` is the folder every developer and every CI run has beside the repository (the
 * format reference's own sample files live there). Tests may use its files but the project
 * never depends on them: a missing file skips the test with a loud message, except under CI,
 * where it fails, as a missing PostgreSQL does (test/support/db.ts).
 */
export const SHARED_DIR = fileURLToPath(new URL("../../../shared/", import.meta.url));

/**
 * The absolute path of `../shared/RELATIVE`, or null (and `t` skipped, loudly) when it is not
 * there outside CI. `what` names what does not run without it.
 */
export function sharedFile(t: TestContext, relative: string, what: string): string | null {
  const path = `${SHARED_DIR}${relative}`;
  if (existsSync(path)) return path;
  const message = `../shared/${relative} is not present beside the repository: ${what} DID NOT RUN`;
  if (process.env.CI) throw new Error(`${message} (CI=true: nothing may be skipped)`);
  console.error(`\n!!! ${message}\n`);
  t.skip(message);
  return null;
}

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * The real FanFicFare, run as an outside client (its copy in ../shared/tools, through its driver
 * that sends archiveofourown.org to a test server's port and refuses every other host). `npm test`
 * makes its Python environment in .test-data/fanficfare-venv.
 */

const VENV_PYTHON = fileURLToPath(new URL("../../.test-data/fanficfare-venv/bin/python", import.meta.url));

/** AO3's address as FanFicFare is given it; the driver sends it to the test server. */
export const AO3 = "https://archiveofourown.org";

/** The venv's Python, or null (loudly skipped, a failure under CI) when npm test has not made it. */
export function fanficfarePython(t: TestContext, what: string): string | null {
  if (existsSync(VENV_PYTHON)) return VENV_PYTHON;
  const message = `FanFicFare's Python environment (.test-data/fanficfare-venv) is missing: run npm test, which makes it. ${what} DID NOT RUN`;
  if (process.env.CI) throw new Error(`${message} (CI=true: nothing may be skipped)`);
  console.error(`\n!!! ${message}\n`);
  t.skip(message);
  return null;
}

/** One FanFicFare set-up: its Python, its driver, the folder it works in (its .ini files and output land there), the test server's port. */
export interface FanFicFareTool {
  python: string;
  driver: string;
  dir: string;
  port: string;
}

/** Runs FanFicFare with the settings file `ini` (in the tool's folder); never blocks this process, which serves the archive it reads. */
export function runFanFicFare(tool: FanFicFareTool, ini: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      tool.python,
      [tool.driver, "--non-interactive", "-c", join(tool.dir, ini), ...args],
      {
        cwd: tool.dir,
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        // HOME points into the test's folder so no personal.ini of the machine's user is read.
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tool.dir, FF_PORT: tool.port, PYTHONDONTWRITEBYTECODE: "1", LANG: "C.UTF-8" },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`FanFicFare ${args.join(" ")} failed: ${error.message}\n${stderr}\n${stdout}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

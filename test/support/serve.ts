import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/**
 * `fanfold serve` as a separate process over a database (on a free port, with a data folder of
 * its own and `env` added); resolves with its URL once it listens. Stopped after the test.
 */
export async function serveInChildProcess(t: TestContext, databaseUrl: string, env: Record<string, string> = {}): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "fanfold-serve-"));
  const child = spawn(process.execPath, ["bin/fanfold.mjs", "serve", "--port", "0"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, FANFOLD_QUIET: "1", NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fanfold serve did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Fanfold is serving (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fanfold serve exited (${code}):\n${output}`));
    });
  });
}

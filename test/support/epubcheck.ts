import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { missingTool } from "./browser.js";

/**
 * Debian's epubcheck (`java -jar /usr/share/java/epubcheck.jar`; npm test installs it when it is
 * missing). EPUBCHECK_JAR points at another copy.
 */
export const EPUBCHECK_JAR = process.env.EPUBCHECK_JAR ?? "/usr/share/java/epubcheck.jar";

/** Whether epubcheck can run; says so loudly (or fails under FANFOLD_BROWSER_REQUIRED=1) when it cannot. */
export function epubcheckAvailable(t: TestContext): boolean {
  if (existsSync(EPUBCHECK_JAR)) return true;
  missingTool(t, `epubcheck missing: EPUB files were NOT VALIDATED (no ${EPUBCHECK_JAR}; apt-get install epubcheck)`, { skip: false });
  return false;
}

export interface EpubcheckResult {
  ok: boolean;
  /** The ERROR, FATAL and WARNING lines (empty when the book is clean). */
  messages: string[];
  output: string;
}

/** Runs epubcheck on an EPUB: `ok` only with 0 errors and 0 warnings. */
export function epubcheck(path: string): Promise<EpubcheckResult> {
  return epubcheckFile(path, []);
}

/** Runs epubcheck on one file with options (e.g. `--mode xhtml -v 3.0` for a lone content document). */
export function epubcheckFile(path: string, options: string[]): Promise<EpubcheckResult> {
  return new Promise((resolve, reject) => {
    // A quick-starting JVM: epubcheck's run is short, so start-up dominates.
    const child = spawn("java", ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", EPUBCHECK_JAR, path, ...options], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const messages = output.split("\n").filter((line) => /^(ERROR|FATAL|WARNING)/.test(line));
      resolve({ ok: code === 0 && messages.length === 0 && /No errors or warnings detected/.test(output), messages, output });
    });
  });
}

import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { TestContext } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import type { Page } from "playwright-core";
import { missingTool } from "./browser.js";

/**
 * Page checkers for tests: the Nu HTML checker (vnu.jar, run with the system's Java) and axe-core
 * in a real browser page. Both report errors only; warnings and notices are not failures.
 */

/** The vnu.jar the vnu-jar package ships (the package exports its path). */
const VNU_JAR = String(createRequire(import.meta.url)("vnu-jar"));
const JAVA = process.env.JAVA ?? "java";

let javaFound: boolean | undefined;
/**
 * Whether Java answers. When it does not, that is said loudly (a failure under
 * FANFOLD_BROWSER_REQUIRED=1) and the caller skips only the HTML check: the rest of its test runs.
 */
export function htmlCheckerAvailable(t: TestContext): boolean {
  javaFound ??= spawnSync(JAVA, ["-version"], { stdio: "ignore" }).status === 0;
  if (!javaFound) missingTool(t, `Java missing (${JAVA}): the Nu HTML checker DID NOT RUN`, { skip: false });
  return javaFound;
}

interface VnuMessage {
  type: "error" | "info" | "non-document-error";
  subType?: string;
  url?: string;
  message: string;
  extract?: string;
  lastLine?: number;
  firstColumn?: number;
  lastColumn?: number;
}

/**
 * Runs the Nu HTML checker once over several pages (one Java start-up for all of them) and returns
 * each page's errors as readable lines, by page name. A page without errors maps to [].
 */
export async function checkHtmlPages(pages: Record<string, string>): Promise<Record<string, string[]>> {
  const names = Object.keys(pages);
  const results: Record<string, string[]> = Object.fromEntries(names.map((name) => [name, []]));
  if (names.length === 0) return results;
  const dir = mkdtempSync(join(tmpdir(), "fanfold-vnu-"));
  try {
    const files = names.map((name, i) => {
      const file = join(dir, `page-${i}.html`);
      writeFileSync(file, pages[name]!, "utf8");
      return file;
    });
    const byFile = new Map(files.map((file, i) => [basename(file), names[i]!]));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        JAVA,
        ["-jar", VNU_JAR, "--errors-only", "--exit-zero-always", "--format", "json", "--stdout", ...files],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`the Nu HTML checker failed: ${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const { messages } = JSON.parse(stdout) as { messages: VnuMessage[] };
    for (const m of messages) {
      if (m.type === "info") continue; // warnings and notices
      const name = (m.url && byFile.get(basename(m.url))) ?? names[0]!;
      const where = m.lastLine ? ` line ${m.lastLine}:${m.firstColumn ?? "?"}-${m.lastColumn ?? "?"}` : "";
      const extract = m.extract ? ` «${m.extract.replace(/\s+/g, " ").trim()}»` : "";
      results[name]!.push(`${m.type}${where}: ${m.message}${extract}`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pending single-page checks, run together in one checker process. */
let queue: { html: string; resolve(errors: string[]): void; reject(error: unknown): void }[] = [];

/**
 * The Nu HTML checker's errors for one page (warnings and notices ignored). Calls made together
 * (e.g. with Promise.all) share one Java process, which is most of the cost.
 */
export function checkHtml(html: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    queue.push({ html, resolve, reject });
    if (queue.length === 1) setImmediate(flushHtmlChecks);
  });
}

function flushHtmlChecks(): void {
  const batch = queue;
  queue = [];
  const pages = Object.fromEntries(batch.map((entry, i) => [String(i), entry.html]));
  checkHtmlPages(pages).then(
    (results) => batch.forEach((entry, i) => entry.resolve(results[String(i)]!)),
    (error: unknown) => batch.forEach((entry) => entry.reject(error)),
  );
}

/**
 * axe-core's violations for the page as it is now: every rule axe runs by default (its default
 * tags), or only `options.rules` when given (e.g. colour contrast again after a colour-scheme change).
 * axe runs as a script in the page: in a context made with `javaScriptEnabled: false` it never
 * answers, so that is refused here rather than left to hang the suite.
 */
export async function checkA11y(page: Page, options: { rules?: string[] } = {}): Promise<Result[]> {
  const scriptsRun = await page.evaluate(() => true).catch(() => false);
  if (!scriptsRun) throw new Error("checkA11y needs a browser context with JavaScript enabled (axe runs inside the page)");
  const builder = new AxeBuilder({ page });
  if (options.rules) builder.withRules(options.rules);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("axe did not answer within 60 s")), 60_000).unref());
  const results = await Promise.race([builder.analyze(), timeout]);
  return results.violations;
}

/** Violations as short lines for an assertion message: rule, impact, help, and each failing element. */
export function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((v) => [
    `${v.id} (${v.impact ?? "?"}): ${v.help}`,
    ...v.nodes.map((node) => `    ${node.target.join(" ")}: ${(node.failureSummary ?? "").replace(/\s+/g, " ")}  ${node.html.slice(0, 160)}`),
  ]);
}

/** A page a browser test opened: its name in messages, the page as the browser shows it, and the HTML as served. */
export interface CheckedPage {
  name: string;
  page: Page;
  html: string;
}

/**
 * Everything the validators find wrong with these pages, as lines for an assertion message (none
 * when clean): the Nu HTML checker on the HTML as served (one Java process for all, when
 * `checkMarkup`), and axe-core in the browser with every rule in the light colour scheme, then
 * colour contrast again in the dark one (the stylesheet has both). `allowMarkupError` lets a known,
 * justified checker error through (the entire-work page's AO3 ids).
 */
export async function pageProblems(
  pages: CheckedPage[],
  { checkMarkup, allowMarkupError = () => false }: { checkMarkup: boolean; allowMarkupError?: (name: string, error: string) => boolean },
): Promise<string[]> {
  const markup = checkMarkup ? checkHtmlPages(Object.fromEntries(pages.map((p) => [p.name, p.html]))) : Promise.resolve({} as Record<string, string[]>);
  const violations: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    // Each page is a tab of its own, so they are checked side by side.
    const found = await Promise.all(
      pages.map(async ({ page }) => {
        await page.emulateMedia({ colorScheme: scheme });
        return checkA11y(page, scheme === "dark" ? { rules: ["color-contrast"] } : {});
      }),
    );
    pages.forEach(({ name }, i) => {
      if (found[i]!.length) violations.push(`${name} (${scheme}):`, ...describeViolations(found[i]!).map((line) => `  ${line}`));
    });
  }
  const markupLines = Object.entries(await markup).flatMap(([name, errors]) => {
    const left = errors.filter((error) => !allowMarkupError(name, error));
    return left.length ? [`${name}:`, ...left.map((e) => `  ${e}`)] : [];
  });
  return [...(markupLines.length ? ["Nu HTML checker errors:", ...markupLines] : []), ...(violations.length ? ["axe-core violations:", ...violations] : [])];
}

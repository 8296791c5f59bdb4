import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";

/**
 * PDFs are printed by headless Chromium (playwright-core driving Debian's `chromium`; fonts from
 * `fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji`). Chromium embeds the fonts it uses
 * (subset). It is optional: without it the Download menu says PDF is unavailable and a PDF
 * request gets 503. FANFOLD_CHROMIUM names another binary.
 *
 * One browser per process, started on the first PDF and closed after a minute without one;
 * PDFs are printed one at a time, and at most `queueLimit` wait: past that a print is refused
 * with PdfBusyError (the handler answers 503 with Retry-After), so a flood of requests for
 * different works cannot pile up without bound. The page is loaded from a file with JavaScript off and every
 * request other than that file refused, so printing never reaches the network.
 */

export const CHROMIUM_PATH = process.env.FANFOLD_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const IDLE_MS = 60_000;

/** Whether PDFs can be made here (Chromium is installed). */
export function pdfAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

let browser: Promise<Browser> | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let queue: Promise<unknown> = Promise.resolve();
let pending = 0;
export const DEFAULT_PDF_QUEUE_LIMIT = 8;
let queueLimit = DEFAULT_PDF_QUEUE_LIMIT;

/** Refused because too many PDFs are already being printed or waiting. */
export class PdfBusyError extends Error {
  constructor() {
    super("too many PDFs are being printed; try again shortly");
  }
}

/** How many prints may be running or waiting at once (tests lower it). */
export function setPdfQueueLimit(limit: number): void {
  queueLimit = limit;
}

function launch(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS }).catch((error) => {
    browser = undefined;
    throw error;
  });
  return browser;
}

/** Closes the shared browser now (tests, shutdown). */
export async function closePdfBrowser(): Promise<void> {
  clearTimeout(idleTimer);
  const open = browser;
  browser = undefined;
  if (open) await (await open.catch(() => undefined))?.close();
}

/** Prints the HTML file at `htmlPath` to a PDF at `pdfPath`; the page size comes from the page's CSS. */
export function printPdf(htmlPath: string, pdfPath: string): Promise<void> {
  if (pending >= queueLimit) return Promise.reject(new PdfBusyError());
  pending++;
  const run = queue
    .then(async () => {
      clearTimeout(idleTimer);
      const context = await (await launch()).newContext({ javaScriptEnabled: false, offline: true });
      try {
        const fileUrl = pathToFileURL(htmlPath).href;
        await context.route("**/*", (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
        const page = await context.newPage();
        await page.goto(fileUrl, { waitUntil: "load", timeout: 300_000 });
        await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: false, outline: true, tagged: true });
      } finally {
        await context.close();
      }
    })
    .finally(() => {
      pending--;
      idleTimer = setTimeout(() => void closePdfBrowser(), IDLE_MS);
      idleTimer.unref();
    });
  queue = run.catch(() => undefined);
  return run;
}

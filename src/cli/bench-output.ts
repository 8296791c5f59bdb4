/** Output helpers shared by the `fanfold bench …` commands: results on stdout, progress on stderr. */

export const say = (line: string) => process.stderr.write(`${line}\n`);

let lastProgress = 0;
/** A progress line on standard error: rewritten on a terminal, at most every 5 s otherwise. */
export function progressLine(text: string, force = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else if (force || performance.now() - lastProgress > 5000) {
    say(text);
    lastProgress = performance.now();
  }
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
}

export const fmt = (n: number) => n.toLocaleString("en-US");
export const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * Lets the event loop turn. better-sqlite3 answers synchronously, so a loop of awaited queries
 * never reaches the point where Node delivers signals: without this, Ctrl-C would wait for the
 * end of the run.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

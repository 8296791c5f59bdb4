import { existsSync, readFileSync, statSync } from "node:fs";
import type { Db } from "../../platform/db/index.js";
import type { ImportLoss } from "../imported-work.js";
import { readEfictionDump } from "./archive.js";
import { mappingToCsv, parseMappingCsv } from "./mapping.js";
import { DumpError } from "./mysql-dump.js";
import { type EfictionPlan, planEfictionImport } from "./plan.js";
import { type EfictionImportCounts, runEfictionImport } from "./run.js";

/**
 * `fanfold import-efiction`, as the command line uses it: read and check everything (the dump,
 * the chapter files, the mapping), then either print the mapping and what would happen
 * (dry run) or write it all in one transaction. Every failure is one sentence naming the file
 * and line; nothing is written unless everything was read.
 */

export type EfictionPrepared = { ok: true; plan: EfictionPlan } | { ok: false; message: string };

export async function prepareEfictionImport(input: { dump: string; stories: string; map: string | null }): Promise<EfictionPrepared> {
  if (!existsSync(input.dump) || !statSync(input.dump).isFile()) return { ok: false, message: `${input.dump}: no such file (the mysqldump of the eFiction database).` };
  let archive;
  try {
    archive = await readEfictionDump(input.dump);
  } catch (error) {
    if (error instanceof DumpError) return { ok: false, message: `${input.dump}: ${error.message}. Nothing was imported.` };
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return { ok: false, message: `${input.dump}: cannot read the file (${code}).` };
    throw error;
  }
  if (archive.settings.store === "files" && !(existsSync(input.stories) && statSync(input.stories).isDirectory())) {
    return { ok: false, message: `${input.stories}: no such folder; this archive keeps its chapter text in files (store = files), in its "${archive.settings.storiesPath}" folder.` };
  }
  let mapping = null;
  if (input.map) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(input.map));
    } catch (error) {
      return { ok: false, message: `${input.map}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot be read as UTF-8 text"}.` };
    }
    const parsed = parseMappingCsv(text, archive);
    if (!parsed.ok) return { ok: false, message: `${input.map}:${parsed.line}: ${parsed.message}.` };
    mapping = parsed.rows;
  }
  return { ok: true, plan: planEfictionImport(archive, { storiesDir: input.stories, mapping }) };
}

/** The mapping in force, as the CSV an admin edits and passes back with --map. */
export function planMappingCsv(plan: EfictionPlan): string {
  return mappingToCsv(plan.mapping);
}

/** What the plan would bring over: the dry run's counts. */
export function plannedCounts(plan: EfictionPlan): EfictionImportCounts {
  return {
    accounts: plan.accounts.length,
    works: plan.stories.length,
    drafts: plan.stories.filter((s) => s.draft).length,
    chapters: plan.stories.reduce((n, s) => n + s.work.chapters.length, 0),
    series: new Set(plan.stories.flatMap((s) => s.series.map((p) => p.seriesid))).size,
    comments: plan.reviews.length,
    bookmarks: plan.favorites.filter((f) => f.kind !== "author").length,
    subscriptions: plan.favorites.filter((f) => f.kind === "author").length,
  };
}

export async function runPreparedEfictionImport(db: Db, plan: EfictionPlan) {
  const run = await runEfictionImport(db, plan);
  return run.ok ? { ...run, losses: [...plan.losses, ...run.losses] } : run;
}

/** The report: counts, then every loss, one a line. */
export function efictionReport(title: string, counts: EfictionImportCounts, losses: ImportLoss[]): string {
  const lines = [
    title,
    `  accounts ${counts.accounts}, works ${counts.works} (drafts ${counts.drafts}), chapters ${counts.chapters}, series ${counts.series}, comments ${counts.comments}, bookmarks ${counts.bookmarks}, subscriptions ${counts.subscriptions}`,
    losses.length ? `Losses and changes (${losses.length}):` : "Nothing was lost.",
    ...losses.map((l) => `  - ${l.where}: ${l.message}`),
  ];
  return lines.join("\n") + "\n";
}

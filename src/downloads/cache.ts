import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Format, Paper } from "./file-name.js";
import type { BookSource } from "./queries.js";
import type { Archive } from "./views/book.js";

/**
 * Built downloads are kept as files under DATA_DIR/downloads/WORK_ID/, one per format (and paper
 * size) for the work's current version: a new version's file replaces the old one, so the cache
 * never holds more than one file per work and format. Files are written under a temporary name
 * and renamed into place, so several processes can share the folder; a build already running in
 * this process is awaited rather than started twice.
 *
 * Raise FORMAT_VERSION whenever the output of any format changes, so old files are rebuilt.
 */
export const FORMAT_VERSION = 7;

/**
 * What a download's bytes depend on, hashed: the work's version (its `updated_at`, each posted
 * chapter's `updated_at` and place), what the preface shows from elsewhere (tags, creators'
 * names, its series and part numbers: joining, leaving or renaming a series makes a new file)
 * and the archive's name and address. Counters such as kudos do not change the file.
 */
export function versionKey(book: BookSource, archive: Archive, format: Format, paper: Paper | null): string {
  const { work } = book;
  const parts = {
    v: FORMAT_VERSION,
    format,
    paper,
    work: [work.id, work.updated_at, work.revised_at, work.published_on, work.title, work.language, work.complete, work.expected_chapters, work.word_count],
    creators: work.creators.map((c) => [c.pseudName, c.login]),
    tags: book.tags.map((t) => [t.id, t.type, t.name]),
    chapters: book.chapters.map((c) => [c.id, c.position, c.updated_at]),
    series: book.series.map((s) => [s.seriesId, s.title, s.part]),
    archive: [archive.name, archive.publicUrl],
  };
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 24);
}

const building = new Map<string, Promise<string>>();

function cacheRoot(dataDir: string): string {
  const preferred = join(dataDir, "downloads");
  try {
    mkdirSync(preferred, { recursive: true });
    return preferred;
  } catch {
    // A read-only or missing data folder: build into the system's temporary folder instead.
    const fallback = join(tmpdir(), `fanfold-downloads-${process.getuid?.() ?? "user"}`);
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

/**
 * The path of the cached file for (work, variant, key), building it with `build(tempPath)` when
 * it is not there yet. `variant` is e.g. "epub" or "pdf-a5"; `ext` the file extension.
 */
export async function cachedDownload(dataDir: string, workId: number, variant: string, key: string, ext: string, build: (tempPath: string) => Promise<void>): Promise<string> {
  const dir = join(cacheRoot(dataDir), String(workId));
  const name = `${variant}-${key}.${ext}`;
  const path = join(dir, name);
  const inFlight = building.get(path);
  if (inFlight) return inFlight;
  mkdirSync(dir, { recursive: true });
  const existing = readdirSync(dir);
  if (existing.includes(name)) return path;
  const job = (async () => {
    const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await build(temp);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    // Older versions of this variant are no longer wanted.
    for (const file of existing) {
      if (file.startsWith(`${variant}-`) && file !== name) rmSync(join(dir, file), { force: true });
    }
    return path;
  })();
  building.set(path, job);
  try {
    return await job;
  } finally {
    building.delete(path);
  }
}

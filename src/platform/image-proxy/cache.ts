import type { ImageType } from "./fetch.js";

export interface CachedImage {
  type: ImageType;
  body: Buffer;
}

/** How long a fetched image is served from memory before it is fetched again. */
export const CACHE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Fetched images in memory, least recently used first out, bounded by their total size. Memory
 * rather than disk: nothing to clean up or protect on disk, and a restart costs only refetches.
 * Each process has its own.
 */
export class ImageCache {
  private readonly entries = new Map<string, CachedImage & { expires: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(url: string): CachedImage | undefined {
    const entry = this.entries.get(url);
    if (!entry) return undefined;
    this.entries.delete(url);
    if (entry.expires <= this.now()) {
      this.bytes -= entry.body.length;
      return undefined;
    }
    this.entries.set(url, entry); // most recently used goes last
    return entry;
  }

  set(url: string, image: CachedImage): void {
    if (image.body.length > this.maxBytes) return;
    const old = this.entries.get(url);
    if (old) {
      this.entries.delete(url);
      this.bytes -= old.body.length;
    }
    this.entries.set(url, { ...image, expires: this.now() + CACHE_TTL_MS });
    this.bytes += image.body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.length;
    }
  }
}

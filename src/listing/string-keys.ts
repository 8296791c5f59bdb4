/**
 * Text sort keys (title, creators) for every work id, as UTF-8 bytes in one shared buffer:
 * about a third of the memory of a million JS strings. Byte order of UTF-8 is code point
 * order, the order SQLite (BINARY) and PostgreSQL (COLLATE "C") sort these columns in.
 * A replaced key leaves its old bytes as garbage until the buffer is compacted.
 */
export class StringKeys {
  private start = new Uint32Array(0);
  private length = new Uint16Array(0);
  private pool = Buffer.alloc(1 << 16);
  private used = 0;
  private garbage = 0;

  grow(capacity: number): void {
    if (capacity <= this.start.length) return;
    const start = new Uint32Array(capacity);
    start.set(this.start);
    const length = new Uint16Array(capacity);
    length.set(this.length);
    this.start = start;
    this.length = length;
  }

  set(id: number, key: string): void {
    // Geometric growth: growing to exactly id + 1 would copy the arrays once per new work.
    if (id >= this.start.length) this.grow(Math.max(id + 1, Math.ceil(this.start.length * 1.5), 1024));
    this.garbage += this.length[id]!;
    const bytes = Buffer.byteLength(key);
    if (this.used + bytes > this.pool.length) this.makeRoom(bytes);
    const written = this.pool.write(key, this.used, "utf8");
    this.start[id] = this.used;
    this.length[id] = Math.min(written, 0xffff);
    this.used += written;
  }

  get(id: number): string {
    return this.pool.toString("utf8", this.start[id], this.start[id]! + this.length[id]!);
  }

  /** Byte order of the two ids' keys (ids without a key sort as the empty string). */
  compare(a: number, b: number): number {
    const pool = this.pool;
    const la = a < this.length.length ? this.length[a]! : 0;
    const lb = b < this.length.length ? this.length[b]! : 0;
    const sa = la ? this.start[a]! : 0;
    const sb = lb ? this.start[b]! : 0;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = pool[sa + i]! - pool[sb + i]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  bytes(): number {
    return this.start.byteLength + this.length.byteLength + this.pool.byteLength;
  }

  private makeRoom(extra: number): void {
    const live = this.used - this.garbage;
    const size = Math.max(this.pool.length * (this.garbage > this.used / 2 ? 1 : 2), live + extra + (1 << 16));
    const pool = Buffer.alloc(size);
    if (this.garbage > this.used / 2) {
      let used = 0;
      for (let id = 0; id < this.start.length; id++) {
        const n = this.length[id]!;
        if (n === 0) continue;
        this.pool.copy(pool, used, this.start[id], this.start[id]! + n);
        this.start[id] = used;
        used += n;
      }
      this.used = used;
      this.garbage = 0;
    } else {
      this.pool.copy(pool, 0, 0, this.used);
    }
    this.pool = pool;
  }
}

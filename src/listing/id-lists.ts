/**
 * A short list of numbers per work id (its tags, its creators) in one shared typed array, so a
 * million works cost two small arrays and one pool instead of a million JS arrays.
 *
 * Replacing a work's list appends the new one and leaves the old slot as garbage; the pool is
 * compacted when garbage passes half of it.
 */
export class IdLists {
  private start = new Uint32Array(0);
  private length = new Uint16Array(0);
  private pool = new Uint32Array(1024);
  private used = 0;
  private garbage = 0;

  /** Makes room for work ids below `capacity`. */
  grow(capacity: number): void {
    if (capacity <= this.start.length) return;
    const start = new Uint32Array(capacity);
    start.set(this.start);
    const length = new Uint16Array(capacity);
    length.set(this.length);
    this.start = start;
    this.length = length;
  }

  get(id: number): Uint32Array {
    if (id >= this.start.length) return EMPTY;
    return this.pool.subarray(this.start[id], this.start[id]! + this.length[id]!);
  }

  /** The arrays themselves, for hot loops that cannot afford a subarray per work; valid until the next `set`. */
  raw(): { start: Uint32Array; length: Uint16Array; pool: Uint32Array } {
    return { start: this.start, length: this.length, pool: this.pool };
  }

  /** Replaces every stored value v by map[v] (tags renumbered). */
  remap(map: Uint32Array): void {
    for (let id = 0; id < this.start.length; id++) {
      const end = this.start[id]! + this.length[id]!;
      for (let j = this.start[id]!; j < end; j++) this.pool[j] = map[this.pool[j]!]!;
    }
  }

  set(id: number, values: ArrayLike<number>): void {
    // Geometric growth: growing to exactly id + 1 would copy the arrays once per new work.
    if (id >= this.start.length) this.grow(Math.max(id + 1, Math.ceil(this.start.length * 1.5), 1024));
    this.garbage += this.length[id]!;
    const n = Math.min(values.length, 0xffff);
    if (this.used + n > this.pool.length) this.makeRoom(n);
    for (let i = 0; i < n; i++) this.pool[this.used + i] = values[i]!;
    this.start[id] = this.used;
    this.length[id] = n;
    this.used += n;
  }

  clear(id: number): void {
    if (id >= this.start.length) return;
    this.garbage += this.length[id]!;
    this.length[id] = 0;
  }

  bytes(): number {
    return this.start.byteLength + this.length.byteLength + this.pool.byteLength;
  }

  private makeRoom(extra: number): void {
    if (this.garbage > this.used / 2) {
      // Compact: copy every live list to a fresh pool in id order.
      const live = this.used - this.garbage;
      const pool = new Uint32Array(Math.max(1024, Math.ceil((live + extra) * 1.5)));
      let used = 0;
      for (let id = 0; id < this.start.length; id++) {
        const n = this.length[id]!;
        if (n === 0) continue;
        pool.set(this.pool.subarray(this.start[id], this.start[id]! + n), used);
        this.start[id] = used;
        used += n;
      }
      this.pool = pool;
      this.used = used;
      this.garbage = 0;
      if (this.used + extra <= this.pool.length) return;
    }
    const pool = new Uint32Array(Math.max(this.pool.length * 2, this.used + extra));
    pool.set(this.pool.subarray(0, this.used));
    this.pool = pool;
  }
}

const EMPTY = new Uint32Array(0);

import type { StringKeys } from "./string-keys.js";

/** A sort key per work id: numbers (counts, dates as ms) or text (title, creators). */
export type SortKeyColumn = { kind: "number"; values: Float64Array | Uint32Array } | { kind: "string"; values: StringKeys };

/**
 * Every work id in one listing order (key, then id; walked backwards for descending), built
 * once and kept usable while works change: a changed work is marked stale at its old place and
 * kept in a small sorted `fresh` list that is merged in while walking. When `fresh` grows past
 * a twentieth of the works the order is rebuilt at the next use.
 *
 * Call `beforeChange` before a work's key changes (or it leaves), and `afterChange` once the new
 * key is in place and the work is listed.
 */
export class SortOrder {
  private perm: Uint32Array | null = null;
  private stale = new Uint8Array(0);
  private fresh: number[] = [];

  constructor(
    private readonly key: () => SortKeyColumn,
    private readonly listedIds: () => Uint32Array,
  ) {}

  /** Key order, then id: the order of `ORDER BY key ASC, id ASC`. */
  compare = (a: number, b: number): number => {
    const key = this.key();
    if (key.kind === "number") {
      const d = key.values[a]! - key.values[b]!;
      if (d !== 0) return d;
    } else {
      const d = key.values.compare(a, b);
      if (d !== 0) return d;
    }
    return a - b;
  };

  beforeChange(id: number): void {
    if (!this.perm) return;
    if (id < this.stale.length) this.stale[id] = 1;
    const at = this.findFresh(id);
    if (at >= 0) this.fresh.splice(at, 1);
  }

  afterChange(id: number): void {
    if (!this.perm) return;
    if (this.fresh.length > Math.max(1000, this.perm.length / 20)) {
      this.invalidate();
      return;
    }
    let lo = 0;
    let hi = this.fresh.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.fresh[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.fresh.splice(lo, 0, id);
  }

  invalidate(): void {
    this.perm = null;
    this.fresh = [];
  }

  /** Builds the order now (start-up does, so no listing pays for it). */
  ensureBuilt(): void {
    if (this.perm) return;
    const ids = this.listedIds().slice();
    ids.sort(this.compare);
    this.perm = ids;
    let maxId = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > maxId) maxId = ids[i]!;
    this.stale = new Uint8Array(maxId + 1);
    this.fresh = [];
  }

  bytes(): number {
    return (this.perm?.byteLength ?? 0) + this.stale.byteLength + this.fresh.length * 8;
  }

  /**
   * The ids at positions [offset, offset+limit) of the order, in `direction`, among the ids
   * `has` accepts. Walks from the chosen end; null when that takes more than `maxSteps` steps.
   */
  walk(has: (id: number) => boolean, offset: number, limit: number, direction: "asc" | "desc", maxSteps = Number.POSITIVE_INFINITY): number[] | null {
    this.ensureBuilt();
    const perm = this.perm!;
    const stale = this.stale;
    const fresh = this.fresh.filter(has);
    if (direction === "desc") fresh.reverse();
    const wanted = offset + limit;
    const out: number[] = [];
    let f = 0;
    const step = direction === "asc" ? 1 : -1;
    let i = direction === "asc" ? 0 : perm.length - 1;
    let seen = 0;
    const before = direction === "asc" ? (a: number, b: number) => this.compare(a, b) < 0 : (a: number, b: number) => this.compare(a, b) > 0;
    while (seen < wanted) {
      let next = -1;
      while (i >= 0 && i < perm.length) {
        if (--maxSteps < 0) return null;
        const id = perm[i]!;
        if ((id >= stale.length || stale[id] === 0) && has(id)) {
          next = id;
          break;
        }
        i += step;
      }
      let take: number;
      if (f < fresh.length && (next < 0 || before(fresh[f]!, next))) {
        take = fresh[f++]!;
      } else if (next >= 0) {
        take = next;
        i += step;
      } else {
        break;
      }
      if (seen >= offset) out.push(take);
      seen++;
    }
    return out;
  }

  /** The same page by sorting the matching ids themselves: cheaper when they are few. */
  select(ids: Uint32Array, offset: number, limit: number, direction: "asc" | "desc"): number[] {
    const wanted = offset + limit;
    const cmp = direction === "asc" ? this.compare : (a: number, b: number) => this.compare(b, a);
    if (ids.length <= 4 * wanted || ids.length <= 2048) {
      const sorted = Array.from(ids).sort(cmp);
      return sorted.slice(offset, wanted);
    }
    // Bounded max-heap of the `wanted` best ids seen so far (worst on top).
    const heap: number[] = [];
    const worse = (a: number, b: number) => cmp(a, b) > 0;
    for (const id of ids) {
      if (heap.length < wanted) {
        heap.push(id);
        let c = heap.length - 1;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!worse(heap[c]!, heap[p]!)) break;
          [heap[c], heap[p]] = [heap[p]!, heap[c]!];
          c = p;
        }
      } else if (worse(heap[0]!, id)) {
        heap[0] = id;
        let p = 0;
        for (;;) {
          const l = 2 * p + 1;
          const r = l + 1;
          let m = p;
          if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
          if (m === p) break;
          [heap[m], heap[p]] = [heap[p]!, heap[m]!];
          p = m;
        }
      }
    }
    return heap.sort(cmp).slice(offset, wanted);
  }

  private findFresh(id: number): number {
    // The key may already have changed, so the list cannot be searched by key: scan it (it is short).
    return this.fresh.indexOf(id);
  }
}

import roaring from "roaring";

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;

/**
 * Range filters (word count, date updated) over a numeric column: the works split into about
 * 64 buckets of equal size by value, one bitmap each. A range is the union of the buckets it
 * covers whole, plus the works of the (at most two) buckets it cuts that pass a value check.
 * Bucket bounds are chosen when the index is built; changed works move between buckets.
 * Values must be integers.
 */
export class RangeBuckets {
  /** bounds[b] is the lowest value of bucket b; bucket 0 starts at -Infinity. */
  private bounds: number[] = [Number.NEGATIVE_INFINITY];
  private buckets: Bitmap[] = [new RoaringBitmap32()];
  private largestAfterBuild = 0;

  constructor(
    private readonly values: () => Float64Array | Uint32Array,
    /** Every id the buckets hold, for rebuilding them when they have grown lopsided. */
    private readonly allIds: () => Uint32Array,
  ) {}

  /** Chooses bounds from the values of these ids and fills the buckets. */
  build(ids: Uint32Array, count = 64): void {
    const values = this.values();
    const sorted = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) sorted[i] = values[ids[i]!]!;
    sorted.sort();
    const bounds = [Number.NEGATIVE_INFINITY];
    for (let b = 1; b < count; b++) {
      const v = sorted[Math.floor((b * sorted.length) / count)];
      if (v !== undefined && v > bounds[bounds.length - 1]!) bounds.push(v);
    }
    this.bounds = bounds;
    const members: number[][] = bounds.map(() => []);
    for (const id of ids) members[this.bucketOf(values[id]!)]!.push(id);
    this.buckets = members.map((m) => {
      const bitmap = new RoaringBitmap32(m);
      bitmap.runOptimize();
      return bitmap;
    });
    this.largestAfterBuild = Math.max(...members.map((m) => m.length));
  }

  add(id: number): void {
    this.buckets[this.bucketOf(this.values()[id]!)]!.add(id);
  }

  /** Call before the value changes. */
  remove(id: number): void {
    this.buckets[this.bucketOf(this.values()[id]!)]!.remove(id);
  }

  /** The ids of `within` whose value is in [from, to] (either end may be open). */
  filter(within: Bitmap, from: number | undefined, to: number | undefined): Bitmap {
    this.rebalanceIfLopsided();
    const lo = from ?? Number.NEGATIVE_INFINITY;
    const hi = to ?? Number.POSITIVE_INFINITY;
    const values = this.values();
    const whole: Bitmap[] = [];
    const cut: number[] = [];
    for (let b = 0; b < this.bounds.length; b++) {
      const start = this.bounds[b]!;
      const end = b + 1 < this.bounds.length ? this.bounds[b + 1]! : Number.POSITIVE_INFINITY; // exclusive
      if (end <= lo || start > hi) continue;
      // Values are integers (words, milliseconds), so a bucket's largest possible value is end - 1.
      if (start >= lo && end - 1 <= hi) {
        whole.push(this.buckets[b]!);
        continue;
      }
      for (const id of RoaringBitmap32.and(this.buckets[b]!, within).toUint32Array()) {
        const v = values[id]!;
        if (v >= lo && v <= hi) cut.push(id);
      }
    }
    const result = whole.length ? RoaringBitmap32.orMany(whole) : new RoaringBitmap32();
    result.andInPlace(within);
    if (cut.length) result.addMany(cut);
    return result;
  }

  /**
   * Bounds are chosen from the values at build time; works changed since land wherever their
   * value falls (new works all in the top "updated" bucket). A bucket grown past three times
   * the average is cut value by value on every filter, so then the bounds are chosen again.
   */
  private rebalanceIfLopsided(): void {
    let total = 0;
    let largest = 0;
    for (const bucket of this.buckets) {
      const size = bucket.size;
      total += size;
      if (size > largest) largest = size;
    }
    // A bucket of one repeated value cannot be split: rebuild only when it has grown since.
    if (total >= 64 && largest > (3 * total) / this.bounds.length && largest > 1.5 * this.largestAfterBuild) this.build(this.allIds());
  }

  bytes(): number {
    return this.buckets.reduce((sum, b) => sum + b.getSerializationSizeInBytes(true), 0);
  }

  private bucketOf(value: number): number {
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.bounds[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

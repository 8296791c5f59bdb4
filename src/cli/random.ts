/**
 * Deterministic randomness for the benchmark generators: sfc32, a small-state generator that is
 * fast and good enough for synthetic data. The starting state is the caller's, so each
 * generator keeps producing exactly the archive it always did for a seed.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: { a: number; b: number; c: number; d: number }, warmUp: number) {
    this.a = state.a;
    this.b = state.b;
    this.c = state.c;
    this.d = state.d;
    for (let i = 0; i < warmUp; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  /** exp(mu + sigma·z): lognormal with median e^mu. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  /** Rank in [0, n) with P(r) ∝ ln((r+2)/(r+1)): the head of a pool is popular, the tail long. */
  logUniform(n: number): number {
    return Math.min(n - 1, Math.floor(Math.exp(this.next() * Math.log(n + 1))) - 1);
  }
}

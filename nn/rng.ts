/**
 * The project's one seeded PRNG (mulberry32), so that initialisation, shuffling, dropout and every value of the
 * procedural corpus are reproducible from one seed on every machine. Never Math.random. Not cryptographic; 32-bit
 * state, which is plenty for weight init, batch order and keypoint jitter. No dependencies (the corpus uses it too).
 */
export class Rng {
  private state: number;

  /** A generator seeded from `seed` (mixed with a constant; the training stack's convention). */
  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** A generator whose state is `state` unmixed: the sequence of mulberry32(state) (the procedural corpus's). */
  static fromState(state: number): Rng {
    const r = new Rng(0);
    r.state = state >>> 0;
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] (inclusive). */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /**
   * An approximately standard normal deviate: the Irwin-Hall sum of four uniforms, rescaled to unit variance. Bounded
   * (|x| < 3.47) and much cheaper than Box-Muller, which suits keypoint jitter.
   */
  normalBounded(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508075688772;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A 31-bit integer seed derived from this stream (for tf ops that take a seed). */
  seed(): number {
    return this.int(0x7fffffff);
  }

  /** Internal state, for resumable runs. */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state >>> 0;
  }
}

/** mulberry32 as a function: floats in [0, 1), the sequence of Rng.fromState(seed). */
export function mulberry32(seed: number): () => number {
  const r = Rng.fromState(seed);
  return () => r.next();
}

/** A 32-bit hash of any number of strings/numbers (FNV-1a, then a murmur finaliser), for deriving sub-seeds. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so that ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

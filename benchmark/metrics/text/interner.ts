/**
 * Interning for fast n-gram counting: words (or code points) become small integer ids, and an n-gram is the id of
 * the pair (id of its (n-1)-gram prefix, id of its last token). Every distinct n-gram of any order thus gets one
 * integer id, so counting needs only typed arrays indexed by id: no string keys, no per-sentence allocation.
 */

/**
 * Open-addressing hash map from a pair of non-negative int32 to a dense id 0, 1, 2, …, cleared per segment by `reset`.
 * The metrics only compare n-grams within one segment (hypothesis against its references), so the table holds one
 * segment's n-grams and stays small enough for the CPU caches; a corpus-wide table grew to millions of slots and
 * spent most of its time on cache misses. Slots are (a, b, id, generation) quadruples in one Int32Array so that a
 * probe touches one cache line; a slot is empty unless its generation is the current one, so `reset` is O(1).
 */
export class PairInterner {
  private table: Int32Array;
  private mask: number;
  private count = 0;
  private gen = 1;

  constructor(initialCapacity = 1 << 10) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.table = new Int32Array(cap * 4);
    this.mask = cap - 1;
  }

  /** Number of distinct pairs since the last reset. */
  get size(): number {
    return this.count;
  }

  /** Forgets every pair: ids start again from 0. */
  reset(): void {
    this.count = 0;
    if (++this.gen === 0x7fffffff) {
      this.table.fill(0);
      this.gen = 1;
    }
  }

  private static slot(a: number, b: number, mask: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    return h & mask;
  }

  /** The id of (a, b), assigning the next id when new. */
  id(a: number, b: number): number {
    const t = this.table;
    const mask = this.mask;
    const gen = this.gen;
    let h = PairInterner.slot(a, b, mask);
    for (;;) {
      const i = h << 2;
      if (t[i + 3] !== gen) {
        t[i] = a;
        t[i + 1] = b;
        const v = this.count++;
        t[i + 2] = v;
        t[i + 3] = gen;
        if (this.count * 2 > mask) this.grow();
        return v;
      }
      if (t[i] === a && t[i + 1] === b) return t[i + 2]!;
      h = (h + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const gen = this.gen;
    const cap = (this.mask + 1) * 2;
    const t = new Int32Array(cap * 4);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i + 3] !== gen) continue;
      const a = old[i]!;
      const b = old[i + 1]!;
      let h = PairInterner.slot(a, b, mask);
      while (t[(h << 2) + 3] === gen) h = (h + 1) & mask;
      const j = h << 2;
      t[j] = a;
      t[j + 1] = b;
      t[j + 2] = old[i + 2]!;
      t[j + 3] = gen;
    }
    this.table = t;
    this.mask = mask;
  }
}

/** Strings → dense ids. */
export class StringInterner {
  private readonly map = new Map<string, number>();

  id(s: string): number {
    let v = this.map.get(s);
    if (v === undefined) {
      v = this.map.size;
      this.map.set(s, v);
    }
    return v;
  }

  get size(): number {
    return this.map.size;
  }
}

/** A growable Int32Array used as scratch; `ensure` keeps the contents. */
export class IntBuffer {
  data: Int32Array;
  constructor(initial = 256) {
    this.data = new Int32Array(initial);
  }
  ensure(n: number): Int32Array {
    if (this.data.length < n) {
      let cap = this.data.length * 2;
      while (cap < n) cap *= 2;
      const next = new Int32Array(cap);
      next.set(this.data);
      this.data = next;
    }
    return this.data;
  }
}

/**
 * Per-id counts for one bag of n-grams, with the list of ids touched so that clearing costs O(touched), not O(vocab).
 * Ids come from a PairInterner and may grow; `counts` grows with them.
 */
export class NgramBag {
  counts = new Int32Array(1024);
  touched = new Int32Array(256);
  nTouched = 0;

  add(id: number): void {
    if (id >= this.counts.length) {
      let cap = this.counts.length * 2;
      while (cap <= id) cap *= 2;
      const next = new Int32Array(cap);
      next.set(this.counts);
      this.counts = next;
    }
    if (this.counts[id]++ === 0) {
      if (this.nTouched === this.touched.length) {
        const next = new Int32Array(this.touched.length * 2);
        next.set(this.touched);
        this.touched = next;
      }
      this.touched[this.nTouched++] = id;
    }
  }

  /** Sets the count of id to max(current, c). */
  raiseTo(id: number, c: number): void {
    if (id >= this.counts.length || this.counts[id] === 0) {
      this.add(id);
      this.counts[id] = c;
    } else if (this.counts[id]! < c) this.counts[id] = c;
  }

  /** Count of id (0 when never added or beyond the array). */
  get(id: number): number {
    return id < this.counts.length ? this.counts[id]! : 0;
  }

  clear(): void {
    const c = this.counts;
    const t = this.touched;
    for (let i = 0; i < this.nTouched; i++) c[t[i]!] = 0;
    this.nTouched = 0;
  }
}

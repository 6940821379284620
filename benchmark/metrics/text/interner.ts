/**
 * Interning for fast n-gram counting: words (or code points) become small integer ids, and an n-gram is the id of
 * the pair (id of its (n-1)-gram prefix, id of its last token). Every distinct n-gram of any order thus gets one
 * integer id, so counting needs only typed arrays indexed by id: no string keys, no per-sentence allocation.
 */

/**
 * Open-addressing hash map from a pair of non-negative int32 to a dense id 0, 1, 2, …
 * Slots are (a, b, id) triples in one Int32Array so that a probe touches one cache line.
 */
export class PairInterner {
  private table: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 10) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.table = new Int32Array(cap * 3).fill(-1);
    this.mask = cap - 1;
  }

  /** Number of distinct pairs seen. */
  get size(): number {
    return this.count;
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
    let h = PairInterner.slot(a, b, mask);
    for (;;) {
      const i = h * 3;
      const k = t[i]!;
      if (k === -1) {
        t[i] = a;
        t[i + 1] = b;
        const v = this.count++;
        t[i + 2] = v;
        if (this.count * 2 > mask) this.grow();
        return v;
      }
      if (k === a && t[i + 1] === b) return t[i + 2]!;
      h = (h + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    const t = new Int32Array(cap * 3).fill(-1);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 3) {
      const a = old[i]!;
      if (a === -1) continue;
      const b = old[i + 1]!;
      let h = PairInterner.slot(a, b, mask);
      while (t[h * 3] !== -1) h = (h + 1) & mask;
      t[h * 3] = a;
      t[h * 3 + 1] = b;
      t[h * 3 + 2] = old[i + 2]!;
    }
    this.table = t;
    this.mask = mask;
  }
}

/** A capacity hint for an interner from the corpus size: enough for `perChar` n-grams per UTF-16 unit, capped. */
export function capacityHint(texts: readonly (readonly string[])[], perChar: number): number {
  let chars = 0;
  for (const t of texts) for (const s of t) chars += s.length;
  return Math.min(1 << 22, Math.max(1 << 10, Math.ceil(chars * perChar)));
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

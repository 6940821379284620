/**
 * Bit-exact reproduction of the random numbers sacrebleu's bootstrap draws: `numpy.random.default_rng(seed)`
 * (SeedSequence → PCG64, XSL-RR 128/64) and `Generator.choice(n, size, replace=True)` (= `integers(0, n)` with
 * Lemire's bounded method on 32-bit draws). 128-bit arithmetic uses eight 16-bit limbs held in doubles, so every
 * product and carry is exact.
 */

const MASK32 = 0xffffffff;

/** uint32 multiply mod 2^32. */
function mul32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/** numpy SeedSequence(entropy) with the default pool of 4 words: its `generate_state(nWords)` as uint32 words. */
export function seedSequenceState(entropy: number, nWords: number): Uint32Array {
  if (!Number.isSafeInteger(entropy) || entropy < 0) throw new Error(`seed must be a non-negative safe integer, got ${entropy}`);
  const INIT_A = 0x43b0d7e5;
  const MULT_A = 0x931e8875;
  const INIT_B = 0x8b51f9dd;
  const MULT_B = 0x58f38ded;
  const MIX_MULT_L = 0xca01f9dd;
  const MIX_MULT_R = 0x4973f715;
  // entropy as little-endian uint32 words ([0] for 0)
  const words: number[] = [];
  let e = entropy;
  do {
    words.push(e % 0x100000000);
    e = Math.floor(e / 0x100000000);
  } while (e > 0);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_A);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(MIX_MULT_L, x) - mul32(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Uint32Array(4);
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < words.length ? words[i]! : 0);
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  }
  for (let src = 4; src < words.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst]!, hashmix(words[src]!));
  }
  const out = new Uint32Array(nWords);
  let hc = INIT_B;
  for (let i = 0; i < nWords; i++) {
    let v = (pool[i % 4]! ^ hc) >>> 0;
    hc = mul32(hc, MULT_B);
    v = mul32(v, hc);
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** 128-bit value as 8 little-endian 16-bit limbs. */
type Limbs = Float64Array;

function limbsFromUint64Pair(hi: [number, number], lo: [number, number]): Limbs {
  // hi/lo are [high32, low32] of each 64-bit half
  const l = new Float64Array(8);
  const w = [lo[1], lo[0], hi[1], hi[0]]; // 32-bit words, little-endian
  for (let i = 0; i < 4; i++) {
    l[2 * i] = w[i]! & 0xffff;
    l[2 * i + 1] = w[i]! >>> 16;
  }
  return l;
}

/** PCG64 multiplier 2549297995355413924 · 2^64 + 4865540595714422341. */
const MULT = limbsFromUint64Pair([0x2360ed05, 0x1fc65da4], [0x4385df64, 0x9fccf645]);

export class PCG64 {
  private readonly state = new Float64Array(8);
  private readonly inc = new Float64Array(8);
  private readonly tmp = new Float64Array(8);
  private hasUint32 = false;
  private uinteger = 0;

  /** `PCG64(seed)` as numpy seeds it: SeedSequence(seed).generate_state(4, uint64) → (initstate, initseq). */
  constructor(seed: number) {
    const s = seedSequenceState(seed, 8); // uint64 words v0..v3 = (s0 | s1<<32), …
    // initstate = v0 << 64 | v1, initseq = v2 << 64 | v3
    const initstate = limbsFromUint64Pair([s[1]!, s[0]!], [s[3]!, s[2]!]);
    const initseq = limbsFromUint64Pair([s[5]!, s[4]!], [s[7]!, s[6]!]);
    // inc = (initseq << 1) | 1
    let carry = 0;
    for (let i = 0; i < 8; i++) {
      const v = initseq[i]! * 2 + carry;
      this.inc[i] = v & 0xffff;
      carry = v >>> 16;
    }
    this.inc[0] = this.inc[0]! | 1;
    this.step();
    add128(this.state, initstate);
    this.step();
  }

  /** state = state · MULT + inc (mod 2^128). */
  private step(): void {
    const s = this.state;
    const t = this.tmp;
    for (let k = 0; k < 8; k++) {
      let acc = 0;
      for (let i = 0; i <= k; i++) acc += s[i]! * MULT[k - i]!;
      t[k] = acc;
    }
    let carry = 0;
    for (let k = 0; k < 8; k++) {
      const v = t[k]! + this.inc[k]! + carry;
      const low = v % 65536;
      s[k] = low;
      carry = (v - low) / 65536;
    }
  }

  /** Next 64-bit output as [high32, low32]. */
  private next64(out: Uint32Array): void {
    this.step();
    const s = this.state;
    const hiH = ((s[7]! << 16) | s[6]!) >>> 0;
    const hiL = ((s[5]! << 16) | s[4]!) >>> 0;
    const loH = ((s[3]! << 16) | s[2]!) >>> 0;
    const loL = ((s[1]! << 16) | s[0]!) >>> 0;
    let vH = (hiH ^ loH) >>> 0;
    let vL = (hiL ^ loL) >>> 0;
    let rot = s[7]! >>> 10;
    if (rot >= 32) {
      const t = vH;
      vH = vL;
      vL = t;
      rot -= 32;
    }
    if (rot > 0) {
      const nL = ((vL >>> rot) | (vH << (32 - rot))) >>> 0;
      const nH = ((vH >>> rot) | (vL << (32 - rot))) >>> 0;
      vL = nL;
      vH = nH;
    }
    out[0] = vH;
    out[1] = vL;
  }

  private readonly buf = new Uint32Array(2);

  /** numpy `random_raw()`: the next 64-bit output as a BigInt (for tests). */
  nextUint64(): bigint {
    this.next64(this.buf);
    return (BigInt(this.buf[0]!) << 32n) | BigInt(this.buf[1]!);
  }

  /** numpy's `next_uint32` for PCG64: low half of a 64-bit draw, then its high half. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64(this.buf);
    this.hasUint32 = true;
    this.uinteger = this.buf[0]!;
    return this.buf[1]!;
  }

  /** `Generator.integers(0, n)` for 1 ≤ n ≤ 2^32 − 1 (Lemire's method, numpy's rejection threshold). */
  boundedBelow(n: number): number {
    if (n === 1) return 0;
    const rngExcl = n;
    let [hi, lo] = mulHiLo(this.nextUint32(), rngExcl);
    if (lo < rngExcl) {
      const threshold = (MASK32 - (n - 1)) % rngExcl;
      while (lo < threshold) [hi, lo] = mulHiLo(this.nextUint32(), rngExcl);
    }
    return hi;
  }

  /** `Generator.choice(n, size=count, replace=True)` into out. */
  choice(n: number, out: Int32Array, count = out.length): void {
    if (!Number.isInteger(n) || n < 1 || n > MASK32) throw new Error(`choice: population must be in 1..2^32-1, got ${n}`);
    for (let i = 0; i < count; i++) out[i] = this.boundedBelow(n);
  }
}

function add128(a: Limbs, b: Limbs): void {
  let carry = 0;
  for (let k = 0; k < 8; k++) {
    const v = a[k]! + b[k]! + carry;
    a[k] = v & 0xffff;
    carry = v >>> 16;
  }
}

/** [floor(x·n / 2^32), (x·n) mod 2^32] for uint32 x, n, exactly. */
function mulHiLo(x: number, n: number): [number, number] {
  const a = (x & 0xffff) * n; // < 2^48
  const b = (x >>> 16) * n; // < 2^48
  const bl = b % 65536;
  const bh = (b - bl) / 65536;
  const t = bl * 65536 + a; // < 2^49
  const tl = t % 4294967296;
  return [bh + (t - tl) / 4294967296, tl];
}

/** `numpy.random.default_rng(seed)` restricted to what sacrebleu uses. */
export function defaultRng(seed: number): PCG64 {
  return new PCG64(seed);
}

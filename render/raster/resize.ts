import { cvRound } from './round.js';
import { forEachRun, TILE, wordsFor, type TileMask } from './tiles.js';

const COEF_SCALE = 2048; // INTER_RESIZE_COEF_SCALE: 11-bit fixed-point weights

/** Source index and the two 11-bit weights for each destination column/row (OpenCV's resizeGeneric tables). */
interface LinearTaps {
  /** First source index (the second is index + 1, clamped to the image). */
  index: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

function linearTaps(srcLen: number, dstLen: number, clampWeights: boolean): LinearTaps {
  const scale = 1 / (dstLen / srcLen); // OpenCV: scale = 1./inv_scale, inv_scale = dsize/ssize
  const index = new Int32Array(dstLen);
  const w0 = new Int32Array(dstLen);
  const w1 = new Int32Array(dstLen);
  for (let d = 0; d < dstLen; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    // Horizontally OpenCV pins the weight at the borders; vertically it only clamps the rows it reads.
    if (clampWeights) {
      if (s < 0) {
        f = 0;
        s = 0;
      }
      if (s >= srcLen - 1) {
        f = 0;
        s = srcLen - 1;
      }
    }
    index[d] = s;
    w0[d] = cvRound(Math.fround(1 - f) * COEF_SCALE);
    w1[d] = cvRound(f * COEF_SCALE);
  }
  return { index, w0, w1 };
}

/**
 * `cv2.resize(src, (dstW, dstH))` with the default INTER_LINEAR on 8-bit 3-channel images, for one fixed pair of
 * sizes, with its tables and row buffers kept between calls. Exact: 11-bit weights, OpenCV's row/column clamping
 * and rounding, and its switch to the INTER_AREA fast path for an exact 2× down-scale.
 */
export class Resizer {
  readonly srcW: number;
  readonly srcH: number;
  readonly dstW: number;
  readonly dstH: number;
  private readonly mode: 'copy' | 'area2' | 'linear';
  private readonly xt?: LinearTaps;
  private readonly yt?: LinearTaps;
  /** For a written span starting at source column s: the first destination column reading it. */
  private readonly firstDx?: Int32Array;
  /** For a written span ending at source column s: the last destination column reading it. */
  private readonly lastDx?: Int32Array;
  private readonly row0: Int32Array;
  private readonly row1: Int32Array;
  /** The tiles of the (one or two) source rows a destination row reads, OR-ed. */
  private readonly rowTiles: Uint32Array;

  constructor(srcW: number, srcH: number, dstW: number, dstH: number) {
    for (const v of [srcW, srcH, dstW, dstH]) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`resize: sizes must be positive integers, got ${srcW}×${srcH} → ${dstW}×${dstH}`);
    }
    this.srcW = srcW;
    this.srcH = srcH;
    this.dstW = dstW;
    this.dstH = dstH;
    const scaleX = 1 / (dstW / srcW);
    const scaleY = 1 / (dstH / srcH);
    if (srcW === dstW && srcH === dstH) this.mode = 'copy';
    // OpenCV turns an exact 2× INTER_LINEAR down-scale into its fast INTER_AREA path (2×2 mean, +2 >> 2).
    else if (Math.abs(scaleX - 2) < Number.EPSILON && Math.abs(scaleY - 2) < Number.EPSILON) this.mode = 'area2';
    else this.mode = 'linear';
    this.rowTiles = new Uint32Array(wordsFor(srcW));
    const linear = this.mode === 'linear';
    this.row0 = new Int32Array(linear ? dstW * 3 : 0);
    this.row1 = new Int32Array(linear ? dstW * 3 : 0);
    if (linear) {
      const xt = linearTaps(srcW, dstW, true);
      this.xt = xt;
      this.yt = linearTaps(srcH, dstH, false);
      const firstDx = new Int32Array(srcW).fill(dstW);
      const lastDx = new Int32Array(srcW).fill(-1);
      // Destination column dx reads source columns index[dx] and index[dx] + 1.
      for (let dx = dstW - 1; dx >= 0; dx--) {
        const s = xt.index[dx];
        firstDx[s] = dx;
        if (s + 1 < srcW) firstDx[s + 1] = Math.min(firstDx[s + 1], dx);
      }
      for (let s = srcW - 2; s >= 0; s--) firstDx[s] = Math.min(firstDx[s], firstDx[s + 1]);
      for (let dx = 0; dx < dstW; dx++) {
        const s = xt.index[dx];
        lastDx[s] = dx;
        if (s + 1 < srcW) lastDx[s + 1] = Math.max(lastDx[s + 1], dx);
      }
      for (let s = 1; s < srcW; s++) lastDx[s] = Math.max(lastDx[s], lastDx[s - 1]);
      this.firstDx = firstDx;
      this.lastDx = lastDx;
    }
  }

  /**
   * Resizes src into dst. `written` says which tiles of src can be non-black (default: all); `swapRB` writes
   * channels 0 and 2 exchanged (OpenCV's BGR2RGB applied to the result).
   */
  resize(src: Uint8Array, dst: Uint8Array, written?: TileMask, swapRB = false): void {
    if (src.length < this.srcW * this.srcH * 3 || dst.length < this.dstW * this.dstH * 3) {
      throw new Error(`resize: buffers too small for ${this.srcW}×${this.srcH} → ${this.dstW}×${this.dstH}`);
    }
    const area = written ?? fullMask(this.srcW, this.srcH);
    if (area.words !== this.rowTiles.length) throw new Error('resize: the tile mask does not match the source width');
    if (this.mode === 'copy') this.copy(src, dst, area, swapRB);
    else if (this.mode === 'area2') this.area2(src, dst, area, swapRB);
    else this.linear(src, dst, area, swapRB);
  }

  /** ORs the tile bits of source rows a and b (−1 or a row outside the written rows: none) into rowTiles; any set? */
  private gatherTiles(area: TileMask, a: number, b: number): boolean {
    const t = this.rowTiles;
    const n = area.words;
    t.fill(0);
    let any = 0;
    for (const r of [a, b]) {
      if (r < area.y0 || r > area.y1) continue;
      const base = r * n;
      for (let w = 0; w < n; w++) any |= t[w] |= area.mask[base + w];
    }
    return any !== 0;
  }

  private copy(src: Uint8Array, dst: Uint8Array, area: TileMask, swapRB: boolean): void {
    const { srcW, srcH } = this;
    dst.fill(0, 0, srcW * srcH * 3);
    for (let y = Math.max(0, area.y0); y <= Math.min(area.y1, srcH - 1); y++) {
      const row = y * srcW * 3;
      forEachRun(area.mask, y * area.words, area.words, (t0, t1) => {
        const a = row + t0 * TILE * 3;
        const b = row + Math.min(srcW, (t1 + 1) * TILE) * 3;
        if (!swapRB) dst.set(src.subarray(a, b), a);
        else for (let p = a; p < b; p += 3) { dst[p] = src[p + 2]; dst[p + 1] = src[p + 1]; dst[p + 2] = src[p]; }
      });
    }
  }

  private area2(src: Uint8Array, dst: Uint8Array, area: TileMask, swapRB: boolean): void {
    const { dstW, dstH, srcW } = this;
    const sstride = srcW * 3;
    const dstride = dstW * 3;
    const o0 = swapRB ? 2 : 0;
    const o2 = swapRB ? 0 : 2;
    for (let dy = 0; dy < dstH; dy++) {
      const sy = dy * 2;
      const d = dy * dstride;
      dst.fill(0, d, d + dstride);
      if (!this.gatherTiles(area, sy, sy + 1)) continue;
      const a = sy * sstride;
      const b = a + sstride;
      forEachRun(this.rowTiles, 0, area.words, (t0, t1) => {
        // A 16-pixel source tile is 8 destination pixels.
        const dxb = Math.min(dstW - 1, ((t1 + 1) * TILE >> 1) - 1);
        for (let dx = (t0 * TILE) >> 1; dx <= dxb; dx++) {
          const s = dx * 6;
          const o = d + dx * 3;
          dst[o + o0] = (src[a + s] + src[a + s + 3] + src[b + s] + src[b + s + 3] + 2) >> 2;
          dst[o + 1] = (src[a + s + 1] + src[a + s + 4] + src[b + s + 1] + src[b + s + 4] + 2) >> 2;
          dst[o + o2] = (src[a + s + 2] + src[a + s + 5] + src[b + s + 2] + src[b + s + 5] + 2) >> 2;
        }
      });
    }
  }

  private linear(src: Uint8Array, dst: Uint8Array, area: TileMask, swapRB: boolean): void {
    const { dstW, dstH, srcW, srcH, row0, row1 } = this;
    const yt = this.yt!;
    const firstDx = this.firstDx!;
    const lastDx = this.lastDx!;
    const dstride = dstW * 3;
    const o0 = swapRB ? 2 : 0;
    const o2 = swapRB ? 0 : 2;
    for (let dy = 0; dy < dstH; dy++) {
      const sy = yt.index[dy];
      const r0 = clampRow(sy, srcH);
      const r1 = clampRow(sy + 1, srcH);
      const b0 = yt.w0[dy];
      const b1 = yt.w1[dy];
      const d = dy * dstride;
      dst.fill(0, d, d + dstride);
      // A zero weight drops its row entirely: its term is 0 whatever the row holds.
      if (!this.gatherTiles(area, b0 !== 0 ? r0 : -1, b1 !== 0 ? r1 : -1)) continue;
      forEachRun(this.rowTiles, 0, area.words, (t0, t1) => {
        const s0 = t0 * TILE;
        if (s0 >= srcW) return;
        const dxa = firstDx[s0];
        const dxb = lastDx[Math.min(srcW - 1, (t1 + 1) * TILE - 1)];
        if (dxa > dxb) return;
        if (b0 !== 0) this.hresize(src, r0, row0, dxa, dxb);
        if (b1 !== 0) this.hresize(src, r1, row1, dxa, dxb);
        for (let dx = dxa; dx <= dxb; dx++) {
          const x = dx * 3;
          const o = d + x;
          // VResizeLinear<uchar>: ((b0·(S0>>4))>>16) + ((b1·(S1>>4))>>16), then +2 >> 2, saturated.
          dst[o + o0] = vlerp(b0, b1, b0 !== 0 ? row0[x] : 0, b1 !== 0 ? row1[x] : 0);
          dst[o + 1] = vlerp(b0, b1, b0 !== 0 ? row0[x + 1] : 0, b1 !== 0 ? row1[x + 1] : 0);
          dst[o + o2] = vlerp(b0, b1, b0 !== 0 ? row0[x + 2] : 0, b1 !== 0 ? row1[x + 2] : 0);
        }
      });
    }
  }

  /** HResizeLinear<uchar → int> for destination columns dxa..dxb: S[sx]·a0 + S[sx+1]·a1 per channel. */
  private hresize(src: Uint8Array, row: number, out: Int32Array, dxa: number, dxb: number): void {
    const { srcW } = this;
    const xt = this.xt!;
    const base = row * srcW * 3;
    for (let dx = dxa; dx <= dxb; dx++) {
      const sx = xt.index[dx];
      const sx1 = sx + 1 < srcW ? sx + 1 : sx;
      const a0 = xt.w0[dx];
      const a1 = xt.w1[dx];
      const p = base + sx * 3;
      const q = base + sx1 * 3;
      const o = dx * 3;
      out[o] = src[p] * a0 + src[q] * a1;
      out[o + 1] = src[p + 1] * a0 + src[q + 1] * a1;
      out[o + 2] = src[p + 2] * a0 + src[q + 2] * a1;
    }
  }
}

function vlerp(b0: number, b1: number, s0: number, s1: number): number {
  const v = (((b0 * (s0 >> 4)) >> 16) + ((b1 * (s1 >> 4)) >> 16) + 2) >> 2;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function clampRow(y: number, h: number): number {
  return y < 0 ? 0 : y >= h ? h - 1 : y;
}

function fullMask(w: number, h: number): TileMask {
  const words = wordsFor(w);
  return { y0: 0, y1: h - 1, words, mask: new Uint32Array(h * words).fill(0xffffffff) };
}

/** One-shot `cv2.resize(src, (dstW, dstH), interpolation=INTER_LINEAR)` on an 8-bit 3-channel buffer. */
export function resizeLinear(src: Uint8Array, srcW: number, srcH: number, dstW: number, dstH: number, dst = new Uint8Array(dstW * dstH * 3)): Uint8Array {
  new Resizer(srcW, srcH, dstW, dstH).resize(src, dst);
  return dst;
}

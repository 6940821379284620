import { forEachRun, TILE, TILE_SHIFT, wordsFor, type TileMask } from './tiles.js';

/**
 * A 3-channel 8-bit raster (row-major, channels interleaved, no padding) that remembers which 16-pixel tiles of
 * each row have been written since it was last cleared, so that clearing, dimming and resizing skip the black
 * remainder. The channel order is whatever the caller writes: the SignVerse styles draw "BGR" tuples and swap at
 * the end.
 */
export class RgbImage implements TileMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  y0 = 0;
  y1 = -1;
  readonly words: number;
  readonly mask: Uint32Array;

  constructor(width: number, height: number, data?: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new Error(`image size must be positive integers, got ${width}×${height}`);
    }
    const n = width * height * 3;
    if (data && data.length !== n) throw new Error(`image buffer has ${data.length} bytes, ${n} needed for ${width}×${height}×3`);
    this.width = width;
    this.height = height;
    this.data = data ?? new Uint8Array(n);
    this.words = wordsFor(width);
    this.mask = new Uint32Array(height * this.words);
    if (data) this.markAll();
  }

  get isClean(): boolean {
    return this.y0 > this.y1;
  }

  /** Marks the whole image as written (e.g. when wrapping a buffer of unknown content). */
  markAll(): void {
    this.y0 = 0;
    this.y1 = this.height - 1;
    this.mask.fill(0xffffffff);
  }

  /** Whether pixel (x, y) lies in a written tile. */
  isMarked(x: number, y: number): boolean {
    if (y < this.y0 || y > this.y1) return false;
    const t = x >> TILE_SHIFT;
    return (this.mask[y * this.words + (t >> 5)] & (1 << (t & 31))) !== 0;
  }

  /** Zeroes the written tiles and forgets them. */
  clear(): void {
    const { data, width, words, mask } = this;
    for (let y = this.y0; y <= this.y1; y++) {
      const row = y * width * 3;
      forEachRun(mask, y * words, words, (t0, t1) => {
        data.fill(0, row + t0 * TILE * 3, row + Math.min(width, (t1 + 1) * TILE) * 3);
      });
      mask.fill(0, y * words, (y + 1) * words);
    }
    this.y0 = 0;
    this.y1 = -1;
  }

  /** Fills row y from xl to xr inclusive (callers clip to the image first). */
  hline(y: number, xl: number, xr: number, c0: number, c1: number, c2: number): void {
    if (xl > xr) return;
    const data = this.data;
    let p = (y * this.width + xl) * 3;
    const end = (y * this.width + xr) * 3;
    for (; p <= end; p += 3) {
      data[p] = c0;
      data[p + 1] = c1;
      data[p + 2] = c2;
    }
    const base = y * this.words;
    const mask = this.mask;
    for (let t = xl >> TILE_SHIFT, tb = xr >> TILE_SHIFT; t <= tb; t++) mask[base + (t >> 5)] |= 1 << (t & 31);
    if (this.y0 > this.y1) {
      this.y0 = y;
      this.y1 = y;
    } else if (y < this.y0) this.y0 = y;
    else if (y > this.y1) this.y1 = y;
  }

  /** Sets one pixel (callers clip first). */
  pixel(x: number, y: number, c0: number, c1: number, c2: number): void {
    this.hline(y, x, x, c0, c1, c2);
  }

  /** Maps every byte of the written tiles through a 256-entry table (e.g. NumPy's `(canvas * 0.6).astype(uint8)`). */
  mapBytes(lut: Uint8Array): void {
    const { data, width, words, mask } = this;
    // Written tiles are still mostly black around thin shapes: step over zero 32-bit words (needs lut[0] = 0).
    const quads = lut[0] === 0 && data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
    for (let y = this.y0; y <= this.y1; y++) {
      const row = y * width * 3;
      forEachRun(mask, y * words, words, (t0, t1) => {
        const end = row + Math.min(width, (t1 + 1) * TILE) * 3;
        let p = row + t0 * TILE * 3;
        if (quads) {
          for (; p < end && (p & 3) !== 0; p++) data[p] = lut[data[p]];
          const qEnd = end >> 2;
          for (let q = p >> 2; q < qEnd; q++) {
            if (quads[q] === 0) continue;
            const b = q << 2;
            data[b] = lut[data[b]];
            data[b + 1] = lut[data[b + 1]];
            data[b + 2] = lut[data[b + 2]];
            data[b + 3] = lut[data[b + 3]];
          }
          p = Math.max(p, qEnd << 2);
        }
        for (; p < end; p++) data[p] = lut[data[p]];
      });
    }
  }
}

/** Swaps channels 0 and 2 of every pixel (OpenCV's BGR2RGB on 3 channels). */
export function swapRedBlue(data: Uint8Array): void {
  for (let p = 0; p + 2 < data.length; p += 3) {
    const t = data[p];
    data[p] = data[p + 2];
    data[p + 2] = t;
  }
}

/** NumPy's `(uint8 * 0.6).astype(uint8)`: the product in float64, truncated. */
export const DIM_0_6: Uint8Array = (() => {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.trunc(v * 0.6);
  return lut;
})();

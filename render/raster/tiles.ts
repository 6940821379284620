/**
 * Which parts of a raster have been written, at a granularity of 16-pixel tiles per row: one bit per tile, 32
 * tiles per word. Clearing, dimming and resizing visit only the runs of set tiles and treat the rest as black.
 */
export const TILE_SHIFT = 4;
export const TILE = 1 << TILE_SHIFT;

export interface TileMask {
  /** First and last row with any tile set (y0 > y1: nothing written). */
  y0: number;
  y1: number;
  /** Words per row; row y's bits are mask[y * words .. (y + 1) * words). */
  words: number;
  mask: Uint32Array;
}

export function wordsFor(width: number): number {
  return Math.ceil(Math.ceil(width / TILE) / 32);
}

/**
 * Calls fn(firstTile, lastTile) for each run of consecutive set bits in bits[from .. from + words), in order.
 */
export function forEachRun(bits: Uint32Array, from: number, words: number, fn: (t0: number, t1: number) => void): void {
  let start = -1;
  for (let w = 0; w < words; w++) {
    let m = bits[from + w];
    if (m === 0) {
      if (start >= 0) {
        fn(start, w * 32 - 1);
        start = -1;
      }
      continue;
    }
    if (m === 0xffffffff) {
      if (start < 0) start = w * 32;
      continue;
    }
    for (let b = 0; b < 32; b++, m >>>= 1) {
      const t = w * 32 + b;
      if (m & 1) {
        if (start < 0) start = t;
      } else if (start >= 0) {
        fn(start, t - 1);
        start = -1;
      }
    }
  }
  if (start >= 0) fn(start, words * 32 - 1);
}

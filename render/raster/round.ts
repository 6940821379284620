/**
 * OpenCV's integer conversions, replicated for bit-exact drawing.
 * cvRound on x86-64 is `_mm_cvtsd_si32` under the default rounding mode: round half to even.
 */
export function cvRound(v: number): number {
  const r = Math.round(v); // half toward +Infinity
  // A tie (exactly .5 below r) rounds to the even neighbour instead.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** saturate_cast<uchar>(double): round half to even, then clamp to 0..255 (NaN → 0). */
export function saturateU8(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return cvRound(v);
}

/** Python's int() of a finite float: truncation toward zero. */
export const pyInt: (v: number) => number = Math.trunc;

/** Arithmetic right shift by 16 of an int64-valued number, exact beyond the 32-bit range of `>>`. */
export function shr16(v: number): number {
  return Math.floor(v / 65536);
}

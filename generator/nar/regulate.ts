/**
 * The length regulator of the non-autoregressive generator (as FastSpeech's): from per-gloss durations to one row
 * per frame. Each gloss has two segments, the transition into it (gap) and the sign; a gap frame comes from the last
 * gloss that had a sign (<bos> before the first) and goes to this one, a sign frame stays on its gloss. The phase
 * features say where in its segment a frame is. generator/torch/train_nar.py `regulate` is the same function.
 */
export const PHASE_DIM = 12;

export interface Regulated {
  frames: number;
  fromIndex: number[];
  toIndex: number[];
  /** [frames, PHASE_DIM]: u (0…1 over the segment), is-gap, is-sign, segment frames / 24, sin/cos(kπu) for k = 1…4. */
  phase: Float32Array;
}

export function phaseFeatures(u: number, sign: boolean, n: number, out: Float32Array, at: number): void {
  out[at] = u;
  out[at + 1] = sign ? 0 : 1;
  out[at + 2] = sign ? 1 : 0;
  out[at + 3] = n / 24;
  for (let k = 1; k <= 4; k++) {
    out[at + 2 + 2 * k] = Math.sin(k * Math.PI * u);
    out[at + 3 + 2 * k] = Math.cos(k * Math.PI * u);
  }
}

/** `durations`: [gap, sign] frame counts per gloss token (non-negative integers). */
export function regulate(durations: readonly (readonly [number, number])[]): Regulated {
  const total = durations.reduce((a, [gap, sign]) => a + gap + sign, 0);
  const fromIndex: number[] = [];
  const toIndex: number[] = [];
  const phase = new Float32Array(total * PHASE_DIM);
  let last = 0;
  durations.forEach(([gap, sign], i) => {
    for (const [isSign, n] of [[false, gap], [true, sign]] as const) {
      for (let k = 0; k < n; k++) {
        phaseFeatures(n > 1 ? k / (n - 1) : 1, isSign, n, phase, fromIndex.length * PHASE_DIM);
        fromIndex.push(isSign ? i : last);
        toIndex.push(i);
      }
    }
    if (sign > 0) last = i;
  });
  return { frames: total, fromIndex, toIndex, phase };
}

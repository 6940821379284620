import { PoseSequence } from '../pose/sequence.js';
import { FRAME_STRIDE, CHANNELS, PARTS } from '../pose/skeleton.js';

/**
 * A procedural signer for tests, demos and benchmarks when no recorded data is at hand: an upper body in a 16:9
 * frame whose arms and fingers move smoothly; legs below the frame are missing (c = 0), as in real signing clips.
 * Deterministic for given arguments.
 */
export function syntheticSequence(frames: number, opts: { id?: string; fps?: number; width?: number; height?: number } = {}): PoseSequence {
  const width = opts.width ?? 1280;
  const height = opts.height ?? 720;
  const data = new Float32Array(frames * FRAME_STRIDE);
  const set = (t: number, p: number, x: number, y: number, c: number) => {
    const o = t * FRAME_STRIDE + p * CHANNELS;
    data[o] = x;
    data[o + 1] = y;
    data[o + 2] = c;
  };
  for (let t = 0; t < frames; t++) {
    const a = (2 * Math.PI * t) / 48;
    const body: [number, number, number][] = [
      [0.5, 0.3, 1], [0.5, 0.42, 1], [0.42, 0.43, 1], [0.38 + 0.02 * Math.sin(a), 0.6, 1],
      [0.44 + 0.06 * Math.sin(a), 0.5 - 0.08 * Math.cos(a), 1], [0.58, 0.43, 1], [0.62 - 0.02 * Math.cos(a), 0.6, 1],
      [0.56 - 0.06 * Math.cos(a), 0.52 - 0.06 * Math.sin(a), 1], [0.45, 0.85, 1], [0.45, 1.1, 0], [0.45, 1.35, 0],
      [0.55, 0.85, 1], [0.55, 1.1, 0], [0.55, 1.35, 0], [0.49, 0.28, 1], [0.51, 0.28, 1], [0.47, 0.29, 1], [0.53, 0.29, 1],
    ];
    body.forEach(([x, y, c], j) => set(t, j, x, y, c));
    for (let k = 0; k < PARTS.face.count; k++) {
      const phi = (2 * Math.PI * k) / PARTS.face.count;
      set(t, PARTS.face.start + k, 0.5 + 0.035 * Math.cos(phi), 0.3 + 0.06 * Math.sin(phi), 0.7 + 0.25 * Math.abs(Math.sin(phi + a)));
    }
    for (const [start, wrist] of [[PARTS.leftHand.start, 7], [PARTS.rightHand.start, 4]] as const) {
      const [wx, wy] = body[wrist];
      set(t, start, wx, wy, 0.9);
      for (let f = 0; f < 5; f++) {
        const dir = -Math.PI / 2 + (f - 2) * 0.35 + 0.2 * Math.sin(a + f);
        for (let s = 1; s <= 4; s++) {
          const r = 0.012 * s;
          set(t, start + 1 + f * 4 + (s - 1), wx + r * Math.cos(dir) * 0.6, wy + r * Math.sin(dir), 0.5 + 0.1 * f);
        }
      }
    }
  }
  return new PoseSequence({ id: opts.id ?? 'synthetic', fps: opts.fps ?? 24, width, height, source: 'procedural' }, data, new Uint8Array(frames).fill(1));
}

/**
 * Pose-metric speed: DTW-MJE throughput (pairs/s at 100 × 100 frames × 128 points, exact DTW with the per-part pass)
 * and FastDTW (radius 1, the SLRTP setting) against exact DTW on the same 256-value frame vectors, over lengths.
 */
import { FRAME_STRIDE, POINTS, PoseSequence } from '../pose/index.js';
import { dtwMje } from '../benchmark/metrics/pose/dtw-mje.js';
import { exactDtw, fastDtw } from '../benchmark/metrics/pose/fastdtw.js';
import { flattenXY } from '../benchmark/metrics/pose/frames.js';
import { fmt, peakRssMiB, timeIt } from './lib.js';

function walk(id: string, frames: number, seed: number): PoseSequence {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const data = new Float32Array(frames * FRAME_STRIDE);
  const pos = Array.from({ length: POINTS }, () => [0.4 + 0.2 * rnd(), 0.2 + 0.6 * rnd()]);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < POINTS; p++) {
      pos[p][0] += (rnd() - 0.5) * 0.01;
      pos[p][1] += (rnd() - 0.5) * 0.01;
      data.set([pos[p][0], pos[p][1], 1], t * FRAME_STRIDE + p * 3);
    }
  }
  return new PoseSequence({ id, fps: 25, width: 1280, height: 720 }, data);
}

/** CPU seconds per call (user + system) over `n` calls: steadier than wall time on a shared machine. */
function cpuPerCall(fn: () => unknown, n: number): number {
  fn();
  const c0 = process.cpuUsage();
  for (let k = 0; k < n; k++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6 / n;
}

export async function run(): Promise<void> {
  const a = walk('a', 100, 1);
  const b = walk('b', 100, 2);
  const perPair = await timeIt(() => dtwMje(a, b), 2000);
  console.log(`DTW-MJE (exact DTW, mean joint error over valid joints, per-part pass), 100×100 frames × 128 points:`);
  console.log(`  ${fmt(1 / perPair, 1)} pairs/s (${fmt(perPair * 1000, 2)} ms/pair; reference: 10,000 cells × 128 joints = 1.28 M joint distances)`);
  console.log(`  = ${fmt((100 * 100 * 128) / perPair / 1e6, 1)} M joint distances/s (wall)`);
  const cpu = cpuPerCall(() => dtwMje(a, b), 20);
  console.log(`  CPU time: ${fmt(cpu * 1000, 2)} ms/pair = ${fmt(1 / cpu, 1)} pairs/s per core`);
  console.log('FastDTW (radius 1, Euclidean over 256-value frames) vs exact DTW, same frames:');
  for (const n of [100, 400, 1600]) {
    const x = flattenXY(walk('x', n, 3));
    const y = flattenXY(walk('y', Math.round(n * 0.8), 4));
    const budget = n >= 1600 ? 3000 : 1000;
    const tExact = await timeIt(() => exactDtw(x, y), budget);
    const tFast = await timeIt(() => fastDtw(x, y), budget);
    const gap = fastDtw(x, y).cost / exactDtw(x, y).cost - 1;
    console.log(`  ${n}×${Math.round(n * 0.8)}: exact ${fmt(tExact * 1000, 2)} ms, fast ${fmt(tFast * 1000, 2)} ms, exact/fast = ${fmt(tExact / tFast, 2)}×, FastDTW cost excess ${fmt(gap * 100, 3)} %`);
  }
  console.log(`peak RSS ${fmt(peakRssMiB(), 0)} MiB`);
}

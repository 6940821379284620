/**
 * Renderer throughput: frames per second of each style at 512×512, 1280×720 and 1920×1080, drawing only and drawing
 * plus PNG encoding (sharp, frames encoded in parallel as renderSequence does), on the fixture SignVerse shard
 * (../shared/fixtures/signverse) when present, else on the procedural signer.
 * Reference: 24 frames/s, the real-time rate of SignVerse clips; the ratio says how many times faster than real
 * time a clip renders on this machine.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PoseSequence } from '../pose/sequence.js';
import { frameRenderer, RENDER_STYLES, syntheticSequence } from '../render/index.js';
import { defaultConcurrency, encodeFramesOrdered } from '../render/encode/frames.js';
import { encodePng } from '../render/encode/png.js';
import { sequenceFrames } from '../render/output.js';
import { fmt, peakRssMiB } from './lib.js';

const REAL_TIME_FPS = 24;
const SIZES: [number, number][] = [[512, 512], [1280, 720], [1920, 1080]];
const SHARD = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar');

async function input(): Promise<{ seq: PoseSequence; what: string }> {
  if (existsSync(SHARD)) {
    const { readSignVerse } = await import('../pose/signverse/index.js');
    for await (const seq of readSignVerse(SHARD)) return { seq, what: `fixture shard ${seq.id} (${seq.frames} frames, DWPose; SignLLM/Prompt2Sign CC BY-NC-SA 4.0)` };
  }
  return { seq: syntheticSequence(120), what: 'procedural signer (120 frames; ../shared fixture shard not found)' };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Wall-clock frames/s of render(t) cycling over the sequence for at least minMs (after a warm-up over 8 frames),
 * and the CPU milliseconds per frame (less sensitive to other load on a shared machine).
 */
function drawRate(seq: PoseSequence, render: (t: number) => void, minMs: number): { fps: number; cpu: number } {
  for (let t = 0; t < Math.min(8, seq.frames); t++) render(t);
  const t0 = performance.now();
  const c0 = cpuMs();
  let n = 0;
  do render(n++ % seq.frames);
  while (performance.now() - t0 < minMs);
  return { fps: (n * 1000) / (performance.now() - t0), cpu: (cpuMs() - c0) / n };
}

export async function run(): Promise<void> {
  const { seq, what } = await input();
  const encodeFrames = Math.min(seq.frames, 48);
  console.log(`input: ${what}`);
  console.log(`reference: ${REAL_TIME_FPS} frames/s (real time); PNG encoding with ${defaultConcurrency()} frames in flight, ${encodeFrames} frames per run`);
  console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${availableParallelism()} cores (wall-clock rates shrink under load; CPU ms/frame less so)`);
  console.log('style            size        draw f/s  ×real-time  CPU ms/frame   draw+PNG f/s  ×real-time');
  for (const style of RENDER_STYLES) {
    for (const [w, h] of SIZES) {
      const render = frameRenderer(style, w, h);
      const draw = drawRate(seq, (t) => render(seq, t), 1500);
      const source = { ...sequenceFrames(seq, style, w, h), count: encodeFrames };
      const t0 = performance.now();
      await encodeFramesOrdered(source, (raw) => encodePng(raw, w, h), () => undefined);
      const png = (encodeFrames * 1000) / (performance.now() - t0);
      console.log(`${style.padEnd(16)} ${`${w}×${h}`.padEnd(11)} ${fmt(draw.fps, 1).padStart(8)}  ${fmt(draw.fps / REAL_TIME_FPS, 2).padStart(10)}  ${fmt(draw.cpu, 2).padStart(12)}   ${fmt(png, 1).padStart(12)}  ${fmt(png / REAL_TIME_FPS, 2).padStart(10)}`);
    }
  }
  console.log(`peak RSS ${fmt(peakRssMiB(), 0)} MiB`);
}

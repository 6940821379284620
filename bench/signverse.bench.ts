/**
 * SignVerse-2M shard I/O throughput. Generates ~SIGNBENCH_BENCH_GB (default 1) GB of shards of random-walk poses
 * with writeSignVerseShard into os.tmpdir() (deleted afterwards), then times readSignVerse over them.
 * Reference: fs.readFile of the same files (page-cache warm), i.e. raw read throughput; the ratio says how close the
 * full tar → zip → npy → unpickle → PoseSequence path gets to just reading the bytes.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoseSequence } from '../pose/sequence.js';
import { FRAME_STRIDE } from '../pose/skeleton.js';
import { readSignVerse, writeSignVerseShard } from '../pose/signverse/index.js';
import { fmt, peakRssMiB } from './lib.js';

const BYTES_PER_FRAME = 2200; // pickled person-frame in poses.npz (measured on our writer: ~2.1 KB)
const VIDEOS = 40;
const VIDEOS_PER_SHARD = 10;

/** A random-walk sequence: smooth coordinates around the frame centre, mostly-present scores. */
function randomWalk(id: string, frames: number, seed: number): PoseSequence {
  const s = PoseSequence.empty({ id, fps: 24, width: 1280, height: 720, text: `video ${id}` }, frames);
  let r = seed >>> 0;
  const rand = () => ((r = (Math.imul(r, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pos = new Float32Array(FRAME_STRIDE);
  for (let i = 0; i < FRAME_STRIDE; i += 3) { pos[i] = 0.3 + 0.4 * rand(); pos[i + 1] = 0.2 + 0.6 * rand(); }
  const d = s.data;
  for (let t = 0; t < frames; t++) {
    const o = t * FRAME_STRIDE;
    for (let i = 0; i < FRAME_STRIDE; i += 3) {
      pos[i] += (rand() - 0.5) * 0.004;
      pos[i + 1] += (rand() - 0.5) * 0.004;
      d[o + i] = pos[i];
      d[o + i + 1] = pos[i + 1];
      d[o + i + 2] = rand() < 0.05 ? 0 : 0.3 + 0.7 * rand();
    }
    s.people[t] = t % 500 === 499 ? 0 : 1;
  }
  return s;
}

export async function run(): Promise<void> {
  const gb = Number(process.env.SIGNBENCH_BENCH_GB ?? '1');
  if (!(gb > 0)) throw new Error(`SIGNBENCH_BENCH_GB must be a positive number, got ${process.env.SIGNBENCH_BENCH_GB}`);
  const framesPerVideo = Math.max(24, Math.round((gb * 1e9) / VIDEOS / BYTES_PER_FRAME));
  const dir = mkdtempSync(join(tmpdir(), 'signbench-bench-signverse-'));
  try {
    console.log(`generating ${VIDEOS} videos × ${framesPerVideo} frames (${VIDEOS_PER_SHARD} per shard) into ${dir}`);
    let t0 = performance.now();
    const wcpu0 = process.cpuUsage();
    let genMs = 0;
    let genCpuS = 0;
    for (let sh = 0; sh < VIDEOS / VIDEOS_PER_SHARD; sh++) {
      const shard = join(dir, `Sign_DWPose_NPZ_${String(sh + 1).padStart(6, '0')}.tar`);
      await writeSignVerseShard(shard, (function* () {
        for (let v = 0; v < VIDEOS_PER_SHARD; v++) {
          const g0 = performance.now();
          const c0 = process.cpuUsage();
          const s = randomWalk(`vid${sh}_${v}`, framesPerVideo, sh * 1000 + v + 1);
          const c = process.cpuUsage(c0);
          genCpuS += (c.user + c.system) / 1e6;
          genMs += performance.now() - g0;
          yield s;
        }
      })());
    }
    const writeS = (performance.now() - t0 - genMs) / 1000;
    const wcpu = process.cpuUsage(wcpu0);
    const writeCpuS = (wcpu.user + wcpu.system) / 1e6 - genCpuS;
    const files = readdirSync(dir).map((f) => join(dir, f));
    const totalBytes = files.reduce((a, f) => a + statSync(f).size, 0);
    const mb = totalBytes / 1e6;
    console.log(`written: ${fmt(mb)} MB in ${files.length} shards; write ${fmt(mb / writeS)} MB/s wall, ~${fmt(mb / writeCpuS)} MB per CPU-second (excluding pose generation); peak RSS so far ${fmt(peakRssMiB(), 0)} MiB`);

    // reference: raw read of the same bytes (twice; the second, page-cache-warm pass is reported)
    let rawS = 0;
    for (let pass = 0; pass < 2; pass++) {
      t0 = performance.now();
      for (const f of files) await readFile(f);
      rawS = (performance.now() - t0) / 1000;
    }

    let frames = 0;
    let videos = 0;
    let rssPeak = 0;
    let check = 0;
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    for await (const s of readSignVerse(dir)) {
      frames += s.frames;
      videos++;
      check += s.data[s.data.length - 3];
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss / 2 ** 20);
    }
    const readS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const readCpuS = (cpu.user + cpu.system) / 1e6;
    if (videos !== VIDEOS || frames !== VIDEOS * framesPerVideo || !Number.isFinite(check)) {
      throw new Error(`read back ${videos} videos / ${frames} frames, expected ${VIDEOS} / ${VIDEOS * framesPerVideo}`);
    }
    console.log(`raw fs.readFile:   ${fmt(mb / rawS)} MB/s (reference)`);
    console.log(`readSignVerse:     ${fmt(mb / readS)} MB/s, ${fmt(frames / readS, 0)} frames/s, ${videos} videos, ${frames} frames in ${fmt(readS)} s`);
    console.log(`ratio read / raw:  ${fmt(rawS / readS, 3)} (wall clock; the machine's load moves both)`);
    console.log(`readSignVerse CPU: ${fmt(readCpuS)} s (all threads) = ${fmt(mb / readCpuS)} MB per CPU-second, ${fmt(frames / readCpuS, 0)} frames per CPU-second`);
    console.log(`peak RSS: ${fmt(rssPeak, 0)} MiB sampled during the read; process maxRSS ${fmt(peakRssMiB(), 0)} MiB (includes generation and writing)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

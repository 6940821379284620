/**
 * `.pose` reading and writing: parse throughput on the real fingerspelling lexicon (626 MediaPipe Holistic clips,
 * sign-language-processing/spoken-to-signed-translation, MIT), DWPose-128 encode → parse round trips, and how often
 * the exact-copy component is needed (real pixel-derived data vs. arbitrary float32 "model output").
 * Reference for the ratios: copying the same number of float32 values with Float32Array.set.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PoseSequence } from '../pose/sequence.js';
import { EXACT_COMPONENT, encodePoseFile, parsePoseFile, parsePoseFileRaw } from '../pose/formats/pose-format.js';
import { fmt, timeIt } from './lib.js';

export async function run(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'fingerspelling-lexicon');
  if (!existsSync(root)) {
    console.log(`skip: ${root} is missing`);
    return;
  }
  const paths = readFileSync(join(root, 'index.csv'), 'utf8').trim().split('\n').slice(1).map((l) => join(root, l.split(',')[0]));
  const files = paths.map((p) => new Uint8Array(readFileSync(p)));
  const bytes = files.reduce((s, b) => s + b.length, 0);
  let frames = 0;
  const seqs = files.map((b, i) => { const s = parsePoseFile(b, paths[i]); frames += s.frames; return s; });

  const parseS = await timeIt(() => { for (let i = 0; i < files.length; i++) parsePoseFile(files[i], paths[i]); }, 3000);
  const copy = new Float32Array(bytes / 4);
  const src = new Float32Array(bytes / 4);
  const copyS = await timeIt(() => copy.set(src), 500);
  console.log(`parsePoseFile (holistic → DWPose-128), ${files.length} clips, ${frames} frames, ${fmt(bytes / 1e6)} MB:`);
  console.log(`  ${fmt(parseS * 1000)} ms per pass = ${fmt(frames / parseS, 0)} frames/s, ${fmt(bytes / 1e6 / parseS)} MB/s (${fmt(parseS / copyS, 0)}× the time of a plain Float32Array copy of the same bytes)`);

  const encoded = seqs.map((s) => encodePoseFile(s));
  const encS = await timeIt(() => { for (const s of seqs) encodePoseFile(s); }, 2000);
  const decS = await timeIt(() => { for (let i = 0; i < encoded.length; i++) parsePoseFile(encoded[i], 'x.pose'); }, 2000);
  const withCopy = encoded.filter((b) => parsePoseFileRaw(b, 'x.pose', undefined, { headerOnly: true }).components.some((c) => c.name === EXACT_COMPONENT)).length;
  const outBytes = encoded.reduce((s, b) => s + b.length, 0);
  console.log(`encodePoseFile (DWPose-128 .pose v0.2): ${fmt(frames / encS, 0)} frames/s; parse back ${fmt(frames / decS, 0)} frames/s; ${fmt(outBytes / 1e6)} MB`);
  console.log(`  real data: ${withCopy}/${encoded.length} files needed the exact-copy component (derived points: neck = mid-shoulders, averaged face pairs)`);

  // Arbitrary float32 coordinates (what a generator emits) at 1280×720.
  let rng = 12345;
  const rand = () => ((rng = (rng * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const model = PoseSequence.empty({ id: 'm', fps: 24, width: 1280, height: 720 }, 100);
  for (let i = 0; i < model.data.length; i++) model.data[i] = Math.fround(i % 3 === 2 ? rand() : 0.1 + 0.8 * rand());
  let misses = 0;
  for (let i = 0; i < model.data.length; i++) {
    if (i % 3 === 2) continue;
    const scale = i % 3 === 0 ? 1280 : 720;
    if (Math.fround(Math.fround(model.data[i] * scale) / scale) !== model.data[i]) misses++;
  }
  const modelBytes = encodePoseFile(model);
  const plain = encodePoseFile(new PoseSequence({ ...model.meta }, model.data.map((v, i) => (i % 3 === 2 ? v : Math.fround(Math.fround(v * (i % 3 === 0 ? 1280 : 720)) / (i % 3 === 0 ? 1280 : 720))))));
  console.log(`model-like data (100 frames, 1280×720): ${fmt((100 * misses) / (model.data.length * 2 / 3), 1)}% of coordinates do not survive float32(x·W)/W;`);
  console.log(`  file with the exact copy ${fmt(modelBytes.length / 1024, 1)} KiB vs ${fmt(plain.length / 1024, 1)} KiB for pixel-derived values (${fmt(modelBytes.length / plain.length)}×)`);
}

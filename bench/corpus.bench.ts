import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus } from '../corpus/format.js';
import { proceduralCorpus } from '../corpus/procedural/index.js';
import { fmt, peakRssMiB } from './lib.js';

/**
 * Procedural corpus throughput: listing 5,000 sentences, generating all their sequences (in memory, one at a time),
 * and writing them as a corpus directory. Reference: the 2-minute target for 5,000 sentences on 2 cores.
 * SIGNBENCH_BENCH_SENTENCES overrides the count (figures are then scaled to 5,000).
 */
export async function run(): Promise<void> {
  const n = Number(process.env.SIGNBENCH_BENCH_SENTENCES ?? 5000);
  const target = 120; // seconds for 5,000 sentences
  const scale = 5000 / n;

  let t0 = performance.now();
  const corpus = proceduralCorpus({ sentences: n, seed: 1 });
  const listS = (performance.now() - t0) / 1000;
  const frames = corpus.entries.reduce((s, e) => s + e.frames, 0);
  console.log(`list ${n} entries: ${fmt(listS)} s (${fmt(frames / 24 / 3600)} h of signing, ${frames} frames)`);

  t0 = performance.now();
  let checksum = 0;
  for (const { seq } of corpus.stream()) checksum += seq.data[seq.data.length - 3];
  const genS = (performance.now() - t0) / 1000;
  const gen5k = (listS + genS) * scale;
  console.log(`generate ${n} sequences: ${fmt(genS)} s, ${fmt(frames / genS, 0)} frames/s (checksum ${checksum.toFixed(3)})`);
  console.log(`  → 5,000 sentences listed + generated: ${fmt(gen5k)} s = ${fmt(gen5k / target, 3)} × the ${target} s target`);

  const dir = mkdtempSync(join(tmpdir(), 'signbench-corpus-bench-'));
  try {
    t0 = performance.now();
    await writeCorpus(dir, corpus.stream(), { version: corpus.version });
    const writeS = (performance.now() - t0) / 1000;
    const write5k = (listS + writeS) * scale;
    console.log(`generate + write ${n} sequences as a corpus dir: ${fmt(writeS)} s`);
    console.log(`  → 5,000 sentences listed + generated + written: ${fmt(write5k)} s = ${fmt(write5k / target, 3)} × the ${target} s target`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`peak RSS ${fmt(peakRssMiB(), 0)} MiB`);
}

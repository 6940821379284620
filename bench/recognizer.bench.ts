import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signClips } from '../recognizer/corpus-data.js';
import { segmentFeatures } from '../recognizer/features.js';
import { Recognizer } from '../recognizer/runtime.js';
import { fmt, timeIt } from './lib.js';

const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'recognizer');
/** Issue 20's budget: one sign segment recognised in at most 2 ms on one CPU thread. */
const BUDGET_MS = 2;

/** Latency of recognising one sign segment (features + ONNX Runtime on one intra-op thread), against the 2 ms budget. */
export async function run(): Promise<void> {
  if (!existsSync(join(MODEL_DIR, 'manifest.json'))) {
    console.log(`recognizer: ${MODEL_DIR} has no model; skipped`);
    return;
  }
  const clips = [...signClips({ signers: 'test', perSign: 1, glosses: ['HOUSE', 'MOTHER', 'WHO', 'fs-MARIA', 'TOMORROW', 'EAT', 'BOOK', 'WHAT'] })];
  const rec = await Recognizer.load(MODEL_DIR, { threads: 1 });
  try {
    let i = 0;
    for (const c of clips) await rec.recognize(c.seq, c.start, c.end); // warm up
    const feat = await timeIt(() => { const c = clips[i++ % clips.length]; segmentFeatures(c.seq, c.start, c.end); }, 1500);
    const one = await timeIt(async () => { const c = clips[i++ % clips.length]; await rec.recognize(c.seq, c.start, c.end); }, 2000);
    const items = Array.from({ length: 256 }, (_, k) => { const c = clips[k % clips.length]; return { seq: c.seq, start: c.start, end: c.end }; });
    const batch = (await timeIt(() => rec.recognizeMany(items), 2000)) / items.length;
    console.log(`recognizer (${rec.manifest.params} params, ${rec.glosses.length} glosses, 1 ORT thread):`);
    console.log(`  features only        ${fmt(feat * 1000, 3)} ms / segment`);
    console.log(`  one segment          ${fmt(one * 1000, 3)} ms  = ${fmt((one * 1000) / BUDGET_MS)}× the ${BUDGET_MS} ms budget (target ≤ 1)`);
    console.log(`  batches of 256       ${fmt(batch * 1000, 3)} ms / segment  (${fmt(1 / batch, 0)} segments/s)`);
  } finally {
    await rec.release();
  }
}

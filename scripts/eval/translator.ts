/**
 * `npx tsx scripts/eval/translator.ts --model DIR [--split dev|test] [--limit N] [--beam K] [--write] [--json]`:
 * prints scripts/eval/translator.ts's evaluation of a translator (and, with --write, records it in the manifest).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateTranslator } from '../../benchmark/eval/translator.js';
import { writeFileAtomicSync } from '../../pose/fsio.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/translator' },
      split: { type: 'string', default: 'test' },
      limit: { type: 'string' },
      beam: { type: 'string', default: '1' },
      write: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const split = values.split === 'dev' ? 'dev' : 'test';
  const res = await evaluateTranslator(values.model!, { split, beam: Number(values.beam), limit: values.limit ? Number(values.limit) : undefined });
  if (values.json) process.stdout.write(JSON.stringify(res) + '\n');
  else {
    process.stdout.write(`translator ${values.model} on procedural ${res.split} (${res.sentences} sentences, ${res.split === 'test' ? 'held-out signers' : 'training signers'}, beam ${res.beam}): `
      + `BLEU-4 ${res.bleu4.toFixed(2)} (sacrebleu 13a, lc), SLT BLEU-4 ${res.sltBleu4.toFixed(2)}; target ≥ 60; ${res.seconds.toFixed(1)} s\n`);
    for (const e of res.examples) process.stdout.write(`  ref: ${e.ref}\n  hyp: ${e.hyp}\n`);
  }
  if (values.write) {
    const path = join(values.model!, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { metrics?: Record<string, unknown> };
    m.metrics = { ...m.metrics, [`procedural_${res.split}_bleu4${res.beam > 1 ? `_beam${res.beam}` : ''}`]: Number(res.bleu4.toFixed(2)), [`procedural_${res.split}_slt_bleu4${res.beam > 1 ? `_beam${res.beam}` : ''}`]: Number(res.sltBleu4.toFixed(2)), [`procedural_${res.split}_sentences`]: res.sentences, evaluatedCorpusVersion: res.corpusVersion };
    writeFileAtomicSync(path, JSON.stringify(m, null, 1) + '\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => { process.stderr.write(`eval translator: ${(err as Error).message}\n`); process.exitCode = 1; });
}

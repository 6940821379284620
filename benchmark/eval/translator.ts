import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { corpusBleu } from '../metrics/text/bleu.js';
import { sltBleu } from '../metrics/text/slt.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { Translator } from '../../translator/runtime.js';
import { writeFileAtomicSync } from '../../pose/fsio.js';

export interface TranslatorEvalOptions {
  split?: 'dev' | 'test';
  /** Evaluate only the first N sentences of the split. */
  limit?: number;
  beam?: number;
  sentences?: number;
  threads?: number;
}

export interface TranslatorEvalResult {
  split: string;
  sentences: number;
  beam: number;
  /** sacrebleu corpus BLEU-4 (13a, lowercased: the model writes lowercase). */
  bleu4: number;
  /** SLT-protocol BLEU-4 (whitespace tokens, as the SLT papers), lowercased. */
  sltBleu4: number;
  seconds: number;
  corpusVersion: string;
  examples: { id: string; ref: string; hyp: string }[];
}

/**
 * Back-translates the procedural corpus's `split` (test = held-out signers) from ground-truth poses and scores the
 * output with corpus BLEU-4. The translator's judge quality: what a perfect generator could at best reach.
 */
export async function evaluateTranslator(modelDir: string, opts: TranslatorEvalOptions = {}): Promise<TranslatorEvalResult> {
  const split = opts.split ?? 'test';
  const beam = opts.beam ?? 1;
  const corpus = await loadTrainingCorpus('procedural', { sentences: opts.sentences });
  const examples = corpus[split].slice(0, opts.limit ?? Infinity);
  if (examples.length === 0) throw new Error(`evaluation: the ${split} split is empty`);
  const t = await Translator.load(modelDir, { threads: opts.threads ?? 2 });
  const t0 = performance.now();
  try {
    const out = await t.translateBatch(examples.map((e) => e.sequence()), { beam, batchSize: 32 });
    const hyps = out.map((o) => o.text.toLowerCase());
    const refs = examples.map((e) => e.text.toLowerCase());
    const bleu = corpusBleu(hyps, [refs]);
    // SLT protocol on the same word tokens the model uses (punctuation split off).
    const slt = sltBleu(hyps.map((h) => t.vocab.split(h).join(' ')), [refs.map((r) => t.vocab.split(r).join(' '))]);
    return {
      split, sentences: examples.length, beam, bleu4: bleu.score, sltBleu4: slt.bleu4,
      seconds: (performance.now() - t0) / 1000, corpusVersion: corpus.version,
      examples: examples.slice(0, 8).map((e, i) => ({ id: e.id, ref: e.text, hyp: out[i].text })),
    };
  } finally {
    await t.release();
  }
}

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

import { corpusBleu } from '../metrics/text/bleu.js';
import { sltBleu } from '../metrics/text/slt.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { Translator } from '../../translator/runtime.js';

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

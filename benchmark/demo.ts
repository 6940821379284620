/**
 * The end-to-end demo on the embedded procedural corpus: held-out-signer test sentences → the default generator →
 * poses; the default back-translator reads both the generated and the ground-truth poses; text and pose metrics
 * score them; side-by-side animations show what happened. It runs from a fresh checkout with the committed models.
 */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../pose/fsio.js';
import { join } from 'node:path';
import { proceduralCorpus } from '../corpus/procedural/index.js';
import { GeneratorRuntime, defaultModelDir as defaultGeneratorDir } from '../generator/runtime.js';
import { centreSquareCrop } from '../pose/transforms.js';
import type { PoseSequence } from '../pose/sequence.js';
import { renderComparison } from '../render/index.js';
import { Translator, defaultModelDir as defaultTranslatorDir } from '../translator/runtime.js';
import { dtwMje } from './metrics/pose/dtw-mje.js';
import { scoreText } from './protocols/text.js';

export interface DemoOptions {
  /** Output directory (animations and report.json). */
  out: string;
  /** Test sentences to run (default 6). */
  samples?: number;
  generatorDir?: string;
  translatorDir?: string;
  /** Animation format (default gif). */
  format?: 'gif' | 'webp' | 'mp4';
  onLog?: (line: string) => void;
}

export interface DemoSample {
  id: string;
  signer: string;
  text: string;
  gloss: string;
  /** Back-translation of the ground-truth poses. */
  referenceBack: string;
  /** Back-translation of the generated poses. */
  generatedBack: string;
  referenceFrames: number;
  generatedFrames: number;
  /** DTW-MJE of generated vs ground truth, centre-square [0, 1] units. */
  dtwMje: number;
  animation: string;
}

export interface DemoResult {
  corpus: string;
  generator: string;
  translator: string;
  samples: DemoSample[];
  /** Corpus BLEU-4 (sacrebleu 13a) and chrF of the back-translations against the sentences. */
  scores: { reference: { bleu: number; chrf: number }; generated: { bleu: number; chrf: number }; dtwMje: number };
  report: string;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const log = opts.onLog ?? (() => {});
  const n = opts.samples ?? 6;
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`demo: samples must be an integer in 1..500, got ${n}`);
  const generatorDir = opts.generatorDir ?? defaultGeneratorDir();
  const translatorDir = opts.translatorDir ?? defaultTranslatorDir();
  await mkdir(opts.out, { recursive: true });

  const corpus = proceduralCorpus();
  const entries = corpus.entries.filter((e) => e.split === 'test').slice(0, n);
  log(`corpus ${corpus.version}: ${entries.length} test sentences (held-out signers)`);
  const generator = await GeneratorRuntime.load(generatorDir);
  const translator = await Translator.load(translatorDir);
  try {
    const refs: PoseSequence[] = [];
    const gens: PoseSequence[] = [];
    for (const e of entries) {
      // the generator works in SignDW's centre-square space; compare in the same space, at the same frame rate
      const ref = centreSquareCrop(corpus.sequence(e));
      refs.push(ref);
      gens.push(await generator.generate(e.text, { id: `${e.id}-generated`, fps: ref.meta.fps }));
      log(`generated ${e.id}: "${e.text}"`);
    }
    const backs = await translator.translateBatch([...refs, ...gens]);
    const refBack = backs.slice(0, refs.length).map((t) => t.text);
    const genBack = backs.slice(refs.length).map((t) => t.text);
    const texts = entries.map((e) => e.text);

    const samples: DemoSample[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const animation = join(opts.out, `${e.id}.${opts.format ?? 'gif'}`);
      await renderComparison(
        [
          { seq: refs[i], caption: `ground truth: ${refBack[i]}` },
          { seq: gens[i], caption: `generated: ${genBack[i]}` },
        ],
        { style: 'controlnet', format: opts.format ?? 'gif', out: animation, width: 448, height: 448, id: e.id },
      );
      samples.push({
        id: e.id, signer: e.signer, text: e.text, gloss: e.glosses.map((g) => g.gloss).join(' '),
        referenceBack: refBack[i], generatedBack: genBack[i],
        referenceFrames: refs[i].frames, generatedFrames: gens[i].frames,
        dtwMje: dtwMje(gens[i], refs[i]).dtwMje, animation,
      });
      log(`rendered ${animation}`);
    }
    const score = (hyps: string[]) => {
      const s = scoreText(hyps, [texts]);
      return { bleu: s.sacrebleu.bleu.score, chrf: s.sacrebleu.chrf.score };
    };
    const result: DemoResult = {
      corpus: corpus.version,
      generator: generatorDir,
      translator: translatorDir,
      samples,
      scores: {
        reference: score(refBack),
        generated: score(genBack),
        dtwMje: samples.reduce((a, s) => a + s.dtwMje, 0) / samples.length,
      },
      report: join(opts.out, 'report.json'),
    };
    await writeFileAtomic(result.report, JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    await generator.release();
    await translator.release();
  }
}

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PoseSequence } from '../../pose/sequence.js';
import { printJson } from '../output.js';
import { trainProgress } from '../progress.js';
import { nonNegativeNumber, positiveInt, seedOption, TRAIN_LIMITS, trainSubcommand, type TrainCliOptions } from '../options.js';

interface TrainOptions extends TrainCliOptions {
  export?: string;
  augment?: string;
  lr?: string;
  init?: string;
}

interface TranslateCliOptions {
  model?: string;
  beam: string;
  maxLength?: string;
  json?: boolean;
}

/** Most sequences translated from one file (a SignVerse shard holds a few hundred). */
const MAX_SEQUENCES = 100_000;

/** Reads every sequence of any pose file the project supports (pose/io.ts). */
async function readPoseFile(path: string): Promise<PoseSequence[]> {
  if (!existsSync(path)) throw new Error(`${path}: not found`);
  const { readPoses } = await import('../../pose/io.js');
  const seqs: PoseSequence[] = [];
  for await (const s of readPoses(path)) {
    if (seqs.length >= MAX_SEQUENCES) throw new Error(`${path}: more than ${MAX_SEQUENCES} sequences; split the file`);
    seqs.push(s);
  }
  if (seqs.length === 0) throw new Error(`${path}: no pose sequence in the file`);
  return seqs;
}

/** `signbench train translator` and `signbench translate`. */
export function register(program: Command): void {
  trainSubcommand(program, 'translator', {
    description: 'Train the pose→text back-translator (teacher forcing, Adam, checkpoints + loss.svg in --out)',
    configs: 'tiny (CPU default), small, tiny-char', config: 'tiny', seed: 1,
    out: 'checkpoint directory (weights.bin, manifest.json, loss.svg)',
  })
    .option('--export <dir>', 'after training, export the ONNX model directory here')
    .option('--augment <prob>', "share of examples seen through a random centre-square view and tempo/phase/frame-rate warp; 0 = off (default: the config's)")
    .option('--lr <rate>', "peak learning rate (default: the config's)")
    .option('--init <dir>', 'warm start from the weights and vocabulary of this checkpoint (fresh optimizer and schedule)')
    .action(async (opts: TrainOptions) => {
      const { getConfig } = await import('../../translator/config.js');
      const { trainTranslator } = await import('../../translator/train.js');
      const { loadTrainingCorpus } = await import('../../translator/corpus-data.js');
      const augment = nonNegativeNumber(opts.augment, '--augment');
      if (augment !== undefined && augment > 1) throw new Error(`--augment must be a probability in [0, 1], got "${opts.augment}"`);
      const lr = nonNegativeNumber(opts.lr, '--lr');
      if (lr === 0) throw new Error('--lr must be greater than 0');
      const cfg = getConfig(opts.config, {
        ...(augment !== undefined ? { augment } : {}),
        ...(lr !== undefined ? { learningRate: lr } : {}),
      });
      const corpus = await loadTrainingCorpus(opts.corpus, { sentences: positiveInt(opts.sentences, '--sentences', TRAIN_LIMITS.sentences) });
      const command = ['signbench', ...process.argv.slice(2)].join(' ');
      const progress = await trainProgress(`translator ${cfg.name}`);
      const res = await trainTranslator({
        config: cfg,
        train: corpus.train,
        outDir: opts.out,
        steps: positiveInt(opts.steps, '--steps', TRAIN_LIMITS.steps),
        batch: positiveInt(opts.batch, '--batch', TRAIN_LIMITS.batch),
        seed: seedOption(opts.seed),
        resume: Boolean(opts.resume),
        initFrom: opts.init,
        corpusVersion: corpus.version,
        command,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      let exported: string | null = null;
      if (opts.export) {
        const { exportTranslator } = await import('../../translator/export.js');
        exportTranslator(opts.out, opts.export);
        exported = opts.export;
      }
      const summary = { steps: res.steps, params: res.params, vocab: res.vocabSize, finalLoss: res.finalLoss, stepsPerSecond: res.stepsPerSecond, backend: res.backend, out: opts.out, exported };
      if (opts.json) printJson(summary);
      else process.stdout.write(`trained translator ${cfg.name}: ${res.steps} steps, ${res.params} params, final loss ${res.finalLoss.toFixed(4)}, ${res.stepsPerSecond.toFixed(2)} steps/s → ${opts.out}${exported ? `, exported to ${exported}` : ''}\n`);
    });

  program
    .command('translate')
    .description('Back-translate a pose file into text with the translator model (ONNX Runtime)')
    .argument('<file>', 'pose file (any format signbench reads)')
    .option('--model <dir>', 'translator model directory (default: models/translator)')
    .option('--beam <k>', 'beam width (1 = greedy)', '1')
    .option('--max-length <n>', 'most output tokens')
    .option('--json', 'print one JSON line')
    .action(async (file: string, opts: TranslateCliOptions) => {
      const { MAX_BEAM } = await import('../../translator/config.js');
      const beam = positiveInt(opts.beam, '--beam', MAX_BEAM) ?? 1;
      const maxLength = positiveInt(opts.maxLength, '--max-length', 1024);
      const seqs = await readPoseFile(file);
      const { Translator, defaultModelDir } = await import('../../translator/runtime.js');
      const t = await Translator.load(opts.model ?? defaultModelDir());
      try {
        const out = await t.translateBatch(seqs, { beam, maxLength });
        if (opts.json) printJson(out.length === 1 ? out[0] : out);
        else for (const r of out) process.stdout.write(`${seqs.length > 1 ? `${r.id}\t` : ''}${r.text}\n`);
      } finally {
        await t.release();
      }
    });

  program
    .command('export-translator')
    .description('Export a translator training checkpoint to an ONNX model directory (encoder.onnx, decoder_step.onnx, manifest.json)')
    .argument('<checkpoint>', 'checkpoint directory written by `train translator`')
    .argument('<out>', 'model directory to write')
    .action(async (ckpt: string, out: string) => {
      const { exportTranslator } = await import('../../translator/export.js');
      const m = exportTranslator(ckpt, out);
      process.stdout.write(`exported translator (${m.params} params, vocab ${m.vocab.tokens.length}) to ${join(out)}\n`);
    });
}

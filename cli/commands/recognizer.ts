import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { SignbenchError } from '../../pose/errors.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { printJson } from '../output.js';
import { positiveInt, seedOption, trainSubcommand, type TrainCliOptions } from '../options.js';
import { trainProgress } from '../progress.js';

interface TrainOptions extends TrainCliOptions {
  perSign?: string;
  export?: string;
}

interface SegmentCliOptions {
  model?: string;
  start?: string;
  end?: string;
  json?: boolean;
}

/** The first sequence of a pose file (pose/io.ts). */
async function readFirstSequence(path: string): Promise<PoseSequence> {
  if (!existsSync(path)) throw new SignbenchError('not-found', `${path}: not found`);
  const { readFirstPose } = await import('../../pose/io.js');
  return readFirstPose(path);
}

/** A frame index option (integer ≥ 0) or undefined; errors name the flag. */
function frameOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new SignbenchError('invalid-input', `${flag} must be a frame index (an integer ≥ 0), got "${value}"`);
  return n;
}

/** `signbench train recognizer`, `export-recognizer`, `recognize`, `phonology`. */
export function register(program: Command): void {
  trainSubcommand(program, 'recognizer', {
    description: 'Train the isolated sign recogniser (key-frame MLP) on sign segments of the procedural corpus\'s train signers',
    configs: 'mlp (default), smoke', config: 'mlp', seed: 1,
    out: 'checkpoint directory (weights.bin, manifest.json, loss.svg)',
  })
    .option('--per-sign <n>', "training clips per gloss (default: the config's)")
    .option('--export <dir>', 'after training, export the ONNX model directory here')
    .action(async (opts: TrainOptions) => {
      if (opts.corpus !== 'procedural') throw new SignbenchError('invalid-input', `--corpus: the recogniser trains on the procedural corpus only, got "${opts.corpus}"`);
      const { getConfig } = await import('../../recognizer/config.js');
      const { trainRecognizer } = await import('../../recognizer/train.js');
      const { buildDataset } = await import('../../recognizer/dataset.js');
      const { signClips } = await import('../../recognizer/corpus-data.js');
      const { corpusGlosses, corpusVersion } = await import('../../corpus/procedural/index.js');
      const perSign = positiveInt(opts.perSign, '--per-sign');
      const cfg = getConfig(opts.config, perSign ? { perSign } : {});
      const seed = seedOption(opts.seed);
      const glosses = corpusGlosses();
      const total = glosses.length * cfg.perSign;
      const data = buildDataset(signClips({ signers: 'train', perSign: cfg.perSign, seed, jitter: cfg.jitter }), glosses, {
        mirrored: cfg.mirror > 0, crop: cfg.crop, seed,
        onProgress: (n) => { if (n % 2000 === 0 || n === total) process.stderr.write(`[recognizer] features ${n}/${total}\n`); },
      });
      const command = ['signbench', ...process.argv.slice(2)].join(' ');
      const progress = await trainProgress(`recognizer ${cfg.name}`, { logEvery: 200 });
      const res = await trainRecognizer({
        config: cfg, glosses, data, outDir: opts.out, steps: positiveInt(opts.steps, '--steps'), batch: positiveInt(opts.batch, '--batch'),
        seed, resume: Boolean(opts.resume), corpusVersion: `${corpusVersion()} (signClips train signers, ${cfg.perSign} per gloss)`, command,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      let exported: string | null = null;
      if (opts.export) {
        const { exportRecognizer } = await import('../../recognizer/export.js');
        exportRecognizer(opts.out, opts.export, { backend: res.backend });
        exported = opts.export;
      }
      const summary = { steps: res.steps, examples: data.n, finalLoss: res.finalLoss, stepsPerSecond: res.stepsPerSecond, backend: res.backend, out: opts.out, exported };
      if (opts.json) printJson(summary);
      else process.stdout.write(`trained recognizer ${cfg.name}: ${res.steps} steps on ${data.n} clips, final loss ${res.finalLoss.toFixed(4)}, ${res.stepsPerSecond.toFixed(2)} steps/s → ${opts.out}${exported ? `, exported to ${exported}` : ''}\n`);
    });

  program
    .command('export-recognizer')
    .description('Export a recogniser training checkpoint to an ONNX model directory (recognizer.onnx, manifest.json)')
    .argument('<checkpoint>', 'checkpoint directory written by `train recognizer`')
    .argument('<out>', 'model directory to write')
    .action(async (ckpt: string, out: string) => {
      const { exportRecognizer } = await import('../../recognizer/export.js');
      const m = exportRecognizer(ckpt, out);
      process.stdout.write(`exported recognizer (${m.params} params, ${m.glosses.length} glosses) to ${out}\n`);
    });

  program
    .command('recognize')
    .description('Recognise the sign in a pose file (or in frames [--start, --end) of it): the 5 most probable glosses')
    .argument('<file>', 'pose file (any format signbench reads; the first sequence)')
    .option('--start <frame>', 'first frame of the segment (default 0)')
    .option('--end <frame>', 'frame after the segment (default: the clip\'s length)')
    .option('--model <dir>', 'recogniser model directory (default: models/recognizer)')
    .option('--json', 'print one JSON line: {"top5": [{"gloss", "p"}], "phonology": {...}}')
    .action(async (file: string, opts: SegmentCliOptions) => {
      const seq = await readFirstSequence(file);
      const start = frameOption(opts.start, '--start') ?? 0;
      const end = frameOption(opts.end, '--end') ?? seq.frames;
      const { Recognizer, defaultModelDir } = await import('../../recognizer/runtime.js');
      const { checkSegment } = await import('../../recognizer/features.js');
      checkSegment(seq, start, end);
      const rec = await Recognizer.load(opts.model ?? defaultModelDir());
      try {
        const r = await rec.recognize(seq, start, end);
        if (opts.json) printJson({ file, start, end, top5: r.top5, phonology: r.phonology });
        else for (const t of r.top5) process.stdout.write(`${t.gloss}\t${t.p.toFixed(4)}\n`);
      } finally {
        await rec.release();
      }
    });

  program
    .command('phonology')
    .description('Phonological features (location, movement, palm orientation, handshape) per sign segment of a pose file: its gloss timings, else [--start, --end), else the whole clip')
    .argument('<file>', 'pose file (any format signbench reads; the first sequence)')
    .option('--start <frame>', 'first frame of one segment')
    .option('--end <frame>', 'frame after that segment')
    .option('--model <dir>', 'recogniser model directory (default: models/recognizer)')
    .option('--json', 'print one JSON line: {"segments": [...]}')
    .action(async (file: string, opts: SegmentCliOptions) => {
      const seq = await readFirstSequence(file);
      const { Recognizer, defaultModelDir } = await import('../../recognizer/runtime.js');
      const { segmentPhonology, segmentsOf } = await import('../../recognizer/phonology.js');
      const segs = segmentsOf(seq, frameOption(opts.start, '--start'), frameOption(opts.end, '--end'));
      const rec = await Recognizer.load(opts.model ?? defaultModelDir());
      try {
        const out = await segmentPhonology(rec, seq, segs);
        if (opts.json) printJson({ file, segments: out });
        else {
          for (const s of out) {
            process.stdout.write(`[${s.start}, ${s.end})${s.gloss ? ` ${s.gloss}` : ''}\tlocation ${s.location}\tmovement ${s.movement}\torientation ${s.orientation}\thandshape ${s.handshape}\n`);
          }
        }
      } finally {
        await rec.release();
      }
    });
}

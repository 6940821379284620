import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PoseSequence } from '../../pose/sequence.js';
import { printJson } from '../output.js';
import { trainProgress } from '../progress.js';
import { SignbenchError } from '../../pose/errors.js';
import { fpsOption, nonNegativeNumber, positiveInt, seedOption, TRAIN_LIMITS, trainSubcommand, type TrainCliOptions } from '../options.js';

/** models/generator in the repository: the committed default model. */
export const DEFAULT_GENERATOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'generator');

interface TrainGeneratorCli extends TrainCliOptions {
  tokenizer?: string;
  inputNoise?: string;
  handLoss?: string;
  alignLoss?: string;
  counter?: string;
  placement?: boolean;
  selfFeed?: string;
  frameStride?: string;
  lr?: string;
  encoderLayers?: string;
  decoderLayers?: string;
  init?: string;
  progress?: boolean;
  accelerator?: string;
  device?: string;
  timeBudget?: string;
  python?: string;
  threads?: string;
}

interface GenerateCli {
  model: string;
  glosses?: string;
  out: string;
  id: string;
  textFile?: string;
  truncate?: boolean;
  fullLength?: boolean;
  threads: string;
  fps?: string;
  json?: boolean;
}

/** Longest `--id` (a file name elsewhere). */
const MAX_ID_CHARS = 200;
/** Most bytes read from `--text-file` (the text itself is then held to the tokenizer's character limit). */
const MAX_TEXT_FILE_BYTES = 1 << 20;
const OUT_EXTENSIONS = ['.pose', '.npz', '.json'];
/** Longest command-line argument while a model loads (onnxruntime-node 1.30 crashes from about 29,000). */
const MAX_ARG_CHARS = 16_384;
/** Most ONNX Runtime threads. */
const MAX_THREADS = 256;

/**
 * Every input of `generate`, checked before any model loads: onnxruntime-node crashes the process (exit 139, no
 * message) when it creates a session while process.argv holds a very long argument, so nothing is loaded until the
 * text, the id and the options are known to be in bounds.
 */
async function checkGenerateInputs(textArg: string | undefined, opts: GenerateCli): Promise<{ text: string; fps?: number; threads?: number }> {
  const { checkText, MAX_TEXT_CHARS } = await import('../../generator/tokenizer.js');
  if (opts.glosses !== undefined && (textArg !== undefined || opts.textFile !== undefined)) throw new Error('give either a text or --glosses, not both');
  if (textArg !== undefined && opts.textFile !== undefined) throw new Error('give the text either as an argument or with --text-file, not both');
  if (textArg === undefined && opts.textFile === undefined && opts.glosses === undefined) throw new Error('no text: give it as an argument, with --text-file, or --glosses');
  let text = '';
  if (opts.glosses !== undefined) {
    if (opts.glosses.trim().length === 0) throw new Error('--glosses: empty (give at least one gloss)');
  } else if (opts.textFile !== undefined) {
    const { readInputText } = await import('../../pose/fsio.js');
    text = (await readInputText(opts.textFile, { maxBytes: MAX_TEXT_FILE_BYTES, fatal: true })).replace(/\r?\n$/, '');
    checkText(text, `--text-file ${opts.textFile}`);
  } else {
    text = textArg as string;
    if (text.length > MAX_TEXT_CHARS) {
      throw new Error(`text: ${text.length} characters is over the limit of ${MAX_TEXT_CHARS}; for long input use --text-file`);
    }
    checkText(text);
  }
  if (opts.id.length === 0 || opts.id.length > MAX_ID_CHARS) throw new Error(`--id must be 1 to ${MAX_ID_CHARS} characters, got ${opts.id.length}`);
  const ext = extname(opts.out).toLowerCase();
  if (!OUT_EXTENSIONS.includes(ext)) throw new Error(`--out ${opts.out}: unknown extension "${ext}" (use .pose, .npz or .json)`);
  if (!existsSync(join(opts.model, 'manifest.json'))) throw new Error(`--model ${opts.model}: no manifest.json (not a generator model directory)`);
  // What onnxruntime-node sees is process.argv itself: refuse any argument long enough to crash it.
  const longest = Math.max(...process.argv.map((arg) => arg.length));
  if (longest > MAX_ARG_CHARS) throw new Error(`a command-line argument of ${longest} characters is too long (at most ${MAX_ARG_CHARS}); for long text use --text-file`);
  const { MAX_GENERATE_FPS } = await import('../../generator/config.js');
  return { text, fps: fpsOption(opts.fps, '--fps', MAX_GENERATE_FPS), threads: positiveInt(opts.threads, '--threads', MAX_THREADS) };
}

/** A trainer's message line, on stderr. */
function logLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `train generator --config nar…`: the non-autoregressive generator, trained with PyTorch (generator/nar/train.ts). */
async function trainNar(opts: TrainGeneratorCli): Promise<void> {
  const { getNarConfig } = await import('../../generator/nar/config.js');
  const { loadGeneratorCorpus } = await import('../../generator/corpus-data.js');
  const { trainNarGenerator } = await import('../../generator/nar/train.js');
  const arOnly: [string, unknown][] = [
    ['--tokenizer', opts.tokenizer], ['--input-noise', opts.inputNoise], ['--align-loss', opts.alignLoss], ['--counter', opts.counter],
    ['--self-feed', opts.selfFeed], ['--frame-stride', opts.frameStride], ['--encoder-layers', opts.encoderLayers], ['--decoder-layers', opts.decoderLayers],
    ['--init', opts.init], ['--resume', opts.resume || undefined], ['--no-placement', opts.placement === false ? true : undefined],
    ['--accelerator', opts.accelerator === 'tfjs' ? undefined : opts.accelerator], ['--device', opts.device === 'auto' ? undefined : opts.device],
  ];
  const given = arOnly.filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length > 0) throw new Error(`${given.join(', ')}: not an option of the non-autoregressive config ${opts.config} (autoregressive configs only)`);
  const lr = nonNegativeNumber(opts.lr, '--lr');
  if (lr === 0) throw new Error('--lr must be greater than 0');
  const handLossWeight = nonNegativeNumber(opts.handLoss, '--hand-loss');
  const steps = positiveInt(opts.steps, '--steps');
  const batch = positiveInt(opts.batch, '--batch');
  const config = getNarConfig(opts.config, {
    ...(lr !== undefined ? { lr } : {}), ...(handLossWeight !== undefined ? { handLossWeight } : {}),
    ...(steps !== undefined ? { steps } : {}), ...(batch !== undefined ? { batch } : {}),
  });
  const corpus = await loadGeneratorCorpus(opts.corpus, { sentences: positiveInt(opts.sentences, '--sentences') });
  const progress = await trainProgress(`generator ${config.name}`, { logEvery: 50, bar: opts.progress !== false });
  const res = await trainNarGenerator({
    train: corpus.train, dev: corpus.dev, config, outDir: opts.out, corpus: corpus.info, seed: seedOption(opts.seed),
    timeBudget: positiveInt(opts.timeBudget, '--time-budget'), threads: positiveInt(opts.threads, '--threads'), python: opts.python,
    command: ['signbench', ...process.argv.slice(2)].join(' '), onProgress: progress.onProgress, onLog: logLine,
  }).finally(progress.stop);
  if (opts.json) printJson(res);
  else process.stdout.write(`trained generator ${config.name} (non-autoregressive): ${res.steps} steps, ${res.parameters} params, final loss ${res.finalLoss.toFixed(5)}, ${res.stepsPerSecond.toFixed(2)} steps/s (${res.backend}) → ${res.modelDir}\n`);
}

/** `signbench train generator` and `signbench generate`. */
export function register(program: Command): void {
  trainSubcommand(program, 'generator', {
    description: 'Train a text→pose generator: non-autoregressive (--config nar, the shipped model; PyTorch on the CPU) or SignDW-style autoregressive (tfjs, or PyTorch with --accelerator torch), then export its ONNX graphs to --out',
    configs: 'nar (non-autoregressive: the shipped model), nar-tiny; autoregressive: tiny (tfjs CPU default), compact, small, signdw-40m', config: 'tiny', seed: 27,
    out: 'model directory (ONNX export; resumable checkpoint in <dir>/checkpoint)',
  })
    .option('--tokenizer <mode>', 'word (SignDW) or char (fingerspelling); default: the config\'s')
    .option('--input-noise <std>', "std of the noise on teacher-forced frames, in standard units (default: the config's)")
    .option('--hand-loss <weight>', "weight of the hand-shape loss (default: the config's)")
    .option('--align-loss <weight>', "weight of the gloss-guided attention loss, on corpora with gloss timings (default: the config's)")
    .option('--counter <mode>', "decoder counter: absolute (t/96, SignDW) or progress (t/length) (default: the config's)")
    .option('--no-placement', 'train on the sequences where they stand (default: re-placed at the mean neck position and shoulder width)')
    .option('--self-feed <prob>', "scheduled sampling: share of input frames replaced by the model's own predictions (default: the config's)")
    .option('--frame-stride <n>', "model every n-th corpus frame (2: a 24-fps corpus is modelled at 12 fps) (default: the config's)")
    .option('--lr <rate>', "peak learning rate (default: the config's)")
    .option('--encoder-layers <n>', "text-encoder layers (default: the config's; with --init, may add layers on top of the saved ones)")
    .option('--decoder-layers <n>', "frame-decoder layers (default: the config's; with --init, may add layers on top of the saved ones)")
    .option('--init <dir>', 'warm start from the weights of this model or checkpoint directory (fresh optimizer and schedule)')
    .option('--accelerator <name>', 'tfjs (default: tfjs-node-gpu / tfjs-node when installed, else wasm) or torch (generator/torch/train.py: PyTorch, on a GPU when it sees one)', 'tfjs')
    .option('--device <name>', 'with --accelerator torch: auto (CUDA when available), cuda or cpu', 'auto')
    .option('--time-budget <seconds>', 'with --accelerator torch or a nar config: train for this long (the cosine schedule runs over wall time) instead of --steps')
    .option('--threads <n>', 'nar configs: PyTorch CPU threads (default 2; use 1 on cores busy with other work)')
    .option('--python <path>', 'with --accelerator torch: Python with PyTorch and NumPy (default: $SIGNBENCH_PYTHON or python3)')
    .option('--no-progress', 'log lines instead of a progress bar')
    .action(async (opts: TrainGeneratorCli) => {
      const { isNarConfigName } = await import('../../generator/nar/config.js');
      if (isNarConfigName(opts.config)) return trainNar(opts);
      const { getConfig } = await import('../../generator/config.js');
      const { loadGeneratorCorpus } = await import('../../generator/corpus-data.js');
      const { trainGenerator } = await import('../../generator/train.js');
      const seed = seedOption(opts.seed);
      if (opts.tokenizer !== undefined && opts.tokenizer !== 'word' && opts.tokenizer !== 'char') {
        throw new Error(`--tokenizer must be "word" or "char", got "${opts.tokenizer}"`);
      }
      const inputNoise = nonNegativeNumber(opts.inputNoise, '--input-noise');
      const handLossWeight = nonNegativeNumber(opts.handLoss, '--hand-loss');
      const alignLossWeight = nonNegativeNumber(opts.alignLoss, '--align-loss');
      const selfFeed = nonNegativeNumber(opts.selfFeed, '--self-feed');
      if (selfFeed !== undefined && selfFeed > 1) throw new Error(`--self-feed must be a probability in [0, 1], got "${opts.selfFeed}"`);
      if (opts.counter !== undefined && opts.counter !== 'absolute' && opts.counter !== 'progress') {
        throw new Error(`--counter must be "absolute" or "progress", got "${opts.counter}"`);
      }
      const frameStride = positiveInt(opts.frameStride, '--frame-stride', 64);
      const encoderLayers = positiveInt(opts.encoderLayers, '--encoder-layers', 64);
      const decoderLayers = positiveInt(opts.decoderLayers, '--decoder-layers', 64);
      const lr = nonNegativeNumber(opts.lr, '--lr');
      if (lr === 0) throw new Error('--lr must be greater than 0');
      const config = getConfig(opts.config, {
        ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}),
        ...(inputNoise !== undefined ? { inputNoise } : {}),
        ...(handLossWeight !== undefined ? { handLossWeight } : {}),
        ...(alignLossWeight !== undefined ? { alignLossWeight } : {}),
        ...(opts.counter ? { counter: opts.counter } : {}),
        ...(opts.placement === false ? { placement: false } : {}),
        ...(selfFeed !== undefined ? { selfFeed } : {}),
        ...(frameStride !== undefined ? { frameStride } : {}),
        ...(encoderLayers !== undefined ? { encoderLayers } : {}),
        ...(decoderLayers !== undefined ? { decoderLayers } : {}),
        ...(lr !== undefined ? { lr } : {}),
      });
      if (opts.accelerator !== 'tfjs' && opts.accelerator !== 'torch') throw new Error(`--accelerator must be "tfjs" or "torch", got "${opts.accelerator}"`);
      const torch = opts.accelerator === 'torch';
      if (!torch) {
        for (const [flag, given] of [['--time-budget', opts.timeBudget], ['--python', opts.python], ['--device', opts.device === 'auto' ? undefined : opts.device]] as const) {
          if (given !== undefined) throw new Error(`${flag} needs --accelerator torch`);
        }
      }
      if (!['auto', 'cuda', 'cpu'].includes(opts.device ?? 'auto')) throw new Error(`--device must be auto, cuda or cpu, got "${opts.device}"`);
      const timeBudget = positiveInt(opts.timeBudget, '--time-budget', TRAIN_LIMITS.timeBudget);
      const corpus = await loadGeneratorCorpus(opts.corpus, { sentences: positiveInt(opts.sentences, '--sentences', TRAIN_LIMITS.sentences) });
      const common = {
        train: corpus.train, dev: corpus.dev, config, outDir: opts.out, seed,
        steps: positiveInt(opts.steps, '--steps', TRAIN_LIMITS.steps), batch: positiveInt(opts.batch, '--batch', TRAIN_LIMITS.batch), resume: Boolean(opts.resume),
        initFrom: opts.init, corpus: corpus.info, command: ['signbench', ...process.argv.slice(2)].join(' '),
      };
      if (torch && opts.resume) throw new SignbenchError('invalid-input', '--resume: the PyTorch trainer starts runs, it does not resume them (use --init DIR to continue from a model)');
      const progress = await trainProgress(`generator ${config.name}`, { logEvery: torch ? 100 : 25, bar: opts.progress !== false });
      const res = await (torch
        ? (await import('../../generator/torch-train.js')).trainGeneratorTorch({ ...common, device: opts.device, timeBudget, python: opts.python, onProgress: progress.onProgress, onLog: logLine })
        : trainGenerator({ ...common, onProgress: progress.onProgress })).finally(progress.stop);
      if (opts.json) printJson(res);
      else process.stdout.write(`trained generator ${config.name}: ${res.steps} steps, ${res.parameters} params, final loss ${res.finalLoss.toFixed(5)}, ${res.stepsPerSecond.toFixed(2)} steps/s (${res.backend}) → ${res.modelDir}\n`);
    });

  program
    .command('generate')
    .description('Generate a pose sequence from text (or, with a non-autoregressive model, from glosses) with a generator model (ONNX Runtime)')
    .argument('[text]', 'spoken-language text (or --text-file, or --glosses)')
    .option('--text-file <file>', 'read the text from a UTF-8 file (for long input)')
    .option('--glosses <glosses>', 'sign glosses instead of text, e.g. "TOMORROW STORE YOU GO ?" (non-autoregressive models; a trailing ? marks a question)')
    .option('--model <dir>', 'generator model directory', DEFAULT_GENERATOR_DIR)
    .requiredOption('--out <file>', 'output file: .pose, .npz (SignVerse) or .json (DWPose)')
    .option('--id <id>', 'sequence id', 'generated')
    .option('--truncate', 'truncate over-long text to the model limit instead of refusing it')
    .option('--full-length', 'keep all 96 frames (ignore the length head)')
    .option('--fps <rate>', "output frame rate, by linear interpolation (default: the model's)")
    .option('--threads <n>', 'ONNX Runtime intra-op threads', '2')
    .option('--json', 'print one JSON line')
    .action(async (textArg: string | undefined, opts: GenerateCli) => {
      const { text, fps, threads } = await checkGenerateInputs(textArg, opts);
      const { GeneratorRuntime } = await import('../../generator/runtime.js');
      const rt = await GeneratorRuntime.load(opts.model, { threads });
      const t0 = performance.now();
      const gopts = { id: opts.id, truncate: opts.truncate, fullLength: opts.fullLength, fps };
      let seq: PoseSequence;
      try {
        seq = await (opts.glosses !== undefined ? rt.generateGlosses(opts.glosses, gopts) : rt.generate(text as string, gopts));
      } finally {
        await rt.release();
      }
      const ms = performance.now() - t0;
      await (await import('../../pose/io.js')).writePoseFile(opts.out, seq);
      const summary = { out: opts.out, frames: seq.frames, fps: seq.meta.fps, width: seq.meta.width, height: seq.meta.height, ms: Math.round(ms) };
      if (opts.json) printJson(summary);
      else process.stdout.write(`generated ${seq.frames} frames at ${seq.meta.fps} fps (${seq.meta.width}×${seq.meta.height}) in ${Math.round(ms)} ms → ${opts.out}\n`);
    });
}

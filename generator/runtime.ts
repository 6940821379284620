import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignbenchError } from '../pose/errors.js';
import { checkFpsValue, PoseSequence } from '../pose/sequence.js';
import { FRAME_STRIDE } from '../pose/skeleton.js';
import { resample } from '../pose/transforms.js';
import { floatTensor, int64Tensor, openOrtSession, ort, requireGraphNames, type OrtSessionOptions } from '../nn/ort.js';
import { MAX_FRAMES, MAX_GENERATE_FPS, MIN_FRAMES, POSE_DIM } from './config.js';
import { framesFromRatio, modelFramesToSequence } from './features.js';
import { isNarManifest, readAnyGeneratorManifest, type AnyGeneratorManifest, type GeneratorManifest } from './manifest.js';
import { NarRuntime } from './nar/runtime.js';
import { checkText, Vocab } from './tokenizer.js';

export interface GenerateOptions {
  /** Sequence id in the output meta (default "generated"). */
  id?: string;
  /** Accept texts over the token limit by truncating (SignDW behaviour) instead of refusing them. */
  truncate?: boolean;
  /** Keep all 96 frames instead of truncating to the predicted length. */
  fullLength?: boolean;
  /**
   * Output frame rate: the model's frames are linearly interpolated to it, keeping the duration (default: the
   * model's own rate, `normalization.fps`). For video models that want 24 or 30 fps from a 6- or 12-fps generator.
   */
  fps?: number;
  /** Non-autoregressive models: total frames (the predicted durations are scaled to it). */
  frames?: number;
  /** Non-autoregressive models: duration multiplier (1.5 signs slower). */
  pace?: number;
  /**
   * Called with each frame as the decoder makes it (canonical layout: 128 × x, y, c), for streaming. Only frames
   * that the output keeps are reported, and only when no `fps` resampling is asked for (resampling needs neighbours).
   * A non-autoregressive model makes all frames at once: they are reported together when it is done.
   */
  onFrame?: (t: number, frame: Float32Array) => void;
}

export interface GeneratedFrames {
  /** [steps, 384] frames (pose space: de-normalised, centre-square). */
  frames: Float32Array;
  /** Decoder steps run (96 unless generateIds was asked to stop earlier). */
  steps: number;
  lengthRatio: number;
  /** Frames kept: clamp(round_half_even(ratio·96), 8, 96). */
  length: number;
}

/** Default model directory: models/generator/ in the repository. */
export function defaultModelDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'generator');
}

/** Token ids for `text` with a model's vocabulary, refusing empty and over-long input with a message naming the limit. */
export function encodeModelText(vocab: Vocab, maxLen: number, text: string, opts: { truncate?: boolean } = {}): number[] {
  checkText(text);
  const ids = vocab.encode(text, Number.MAX_SAFE_INTEGER);
  if (ids.length <= 2) throw new SignbenchError('invalid-input', 'text: no tokens after tokenization (give at least one word)');
  if (ids.length > maxLen && !opts.truncate) {
    throw new SignbenchError('too-large', `text: ${ids.length - 2} tokens is over the limit of ${maxLen - 2} tokens (${maxLen} with <bos>/<eos>)`, { detail: { option: 'truncate' } });
  }
  return ids.slice(0, maxLen);
}

/**
 * The autoregressive (SignDW-style) model: tokenizer → encoder → 96 KV-cached decoder steps → length truncation.
 * Works with any model directory that follows that contract in generator/README.md.
 */
export class AutoregressiveRuntime {
  private constructor(
    readonly dir: string,
    readonly manifest: GeneratorManifest,
    readonly vocab: Vocab,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly provider: string,
  ) {}

  static async load(dir: string, m: GeneratorManifest, opts: OrtSessionOptions & { decoderThreads?: number } = {}): Promise<AutoregressiveRuntime> {
    const encPath = join(dir, m.files.encoder);
    const decPath = join(dir, m.files.decoderStep);
    const enc = await openOrtSession(encPath, opts);
    // One decoder step of a small model is a few 1×d matmuls: waking a second ORT thread costs more than it saves
    // (measured 42–45 ms vs 45–62 ms for 96 tiny steps on 2 cores), so small decoders run on one thread.
    const decoderThreads = opts.decoderThreads ?? (m.config.d <= 256 ? 1 : opts.threads);
    const dec = await openOrtSession(decPath, { ...opts, threads: decoderThreads, log: false });
    const L = m.config.decoderLayers;
    const layerNames = (p: string) => Array.from({ length: L }, (_, l) => `${p}_${l}`);
    const why = `; it does not match manifest.json (decoderLayers ${L})`;
    requireGraphNames(enc.session, encPath, { inputs: ['tokens'], outputs: ['memory_mask', 'length_ratio', ...layerNames('cross_k'), ...layerNames('cross_v')] }, why);
    requireGraphNames(dec.session, decPath, {
      inputs: ['frame', 'step', ...layerNames('past_k'), ...layerNames('past_v'), ...(m.config.counter === 'progress' ? ['length'] : [])],
      outputs: ['next_frame', ...layerNames('present_k'), ...layerNames('present_v')],
    }, why);
    return new AutoregressiveRuntime(dir, m, new Vocab(m.vocab, m.tokenizer.mode), enc.session, dec.session, enc.provider);
  }

  /** Token ids for `text`, refusing empty and over-long input with a message naming the limit. */
  encodeText(text: string, opts: GenerateOptions = {}): number[] {
    return encodeModelText(this.vocab, this.manifest.tokenizer.maxTextLen, text, opts);
  }

  /**
   * Runs the encoder and the KV-cached decoder for one token sequence: 96 steps, or with `stopAtLength` only as
   * many as the length head keeps (frame t depends only on earlier frames, so the kept frames are the same).
   */
  async generateIds(ids: number[], opts: { stopAtLength?: boolean; onStep?: (i: number, frame: Float32Array) => void } = {}): Promise<GeneratedFrames> {
    const { heads, d, decoderLayers: L } = this.manifest.config;
    const dh = d / heads;
    const enc = await this.encoder.run({ tokens: int64Tensor(ids, [1, ids.length]) });
    const ratio = (enc.length_ratio.data as Float32Array)[0];
    const steps = opts.stopAtLength ? framesFromRatio(ratio) : MAX_FRAMES;
    const feeds: Record<string, ort.Tensor> = {};
    const declared = new Set(this.decoder.inputNames);
    for (const name of this.decoder.inputNames) if (enc[name] && name !== 'tokens') feeds[name] = enc[name];
    for (let l = 0; l < L; l++) {
      feeds[`past_k_${l}`] = floatTensor(new Float32Array(0), [1, heads, 0, dh]);
      feeds[`past_v_${l}`] = floatTensor(new Float32Array(0), [1, heads, 0, dh]);
    }
    const frames = new Float32Array(steps * POSE_DIM);
    feeds.frame = floatTensor(new Float32Array(POSE_DIM), [1, POSE_DIM]);
    if (declared.has('length')) feeds.length = floatTensor(Float32Array.of(framesFromRatio(ratio)), [1]);
    for (let i = 0; i < steps; i++) {
      feeds.step = int64Tensor([i], [1]);
      const out = await this.decoder.run(feeds);
      const next = out.next_frame.data as Float32Array;
      if (next.length !== POSE_DIM) throw new Error(`${join(this.dir, this.manifest.files.decoderStep)}: next_frame has ${next.length} values, expected ${POSE_DIM}`);
      frames.set(next, i * POSE_DIM);
      if (opts.onStep) {
        const f = next.slice();
        this.denormalize(f);
        opts.onStep(i, f);
      }
      feeds.frame = out.next_frame; // fed back as is (no copy)
      for (let l = 0; l < L; l++) {
        feeds[`past_k_${l}`] = out[`present_k_${l}`];
        feeds[`past_v_${l}`] = out[`present_v_${l}`];
      }
      if (!declared.has('step')) delete feeds.step;
    }
    this.denormalize(frames);
    return { frames, steps, lengthRatio: ratio, length: framesFromRatio(ratio) };
  }

  private denormalize(frames: Float32Array): void {
    const { poseMean, poseStd } = this.manifest.normalization;
    if (!poseMean || !poseStd) return;
    for (let i = 0; i < frames.length; i++) frames[i] = frames[i] * poseStd[i % POSE_DIM] + poseMean[i % POSE_DIM];
  }

  /** Text → PoseSequence (fps and square size from the manifest; x, y in the centre-square crop). */
  async generate(text: string, opts: GenerateOptions = {}): Promise<PoseSequence> {
    const fpsProblem = opts.fps === undefined ? null : checkFpsValue(opts.fps, MAX_GENERATE_FPS);
    if (fpsProblem) throw new SignbenchError('invalid-input', fpsProblem);
    const ids = this.encodeText(text, opts);
    const fps = this.manifest.normalization.fps;
    const onFrame = opts.onFrame;
    const onStep = onFrame && (opts.fps === undefined || opts.fps === fps)
      ? (i: number, f: Float32Array) => onFrame(i, modelFramesToSequence(f, 1, { size: 1, fps }).data) // every step run is kept
      : undefined;
    const g = await this.generateIds(ids, { stopAtLength: !opts.fullLength, onStep });
    const n = opts.fullLength ? MAX_FRAMES : Math.max(MIN_FRAMES, g.length);
    const seq = modelFramesToSequence(g.frames, n, {
      id: opts.id ?? 'generated', text, size: this.manifest.normalization.size, fps, language: null, source: 'signbench-generator',
    });
    if (opts.fps === undefined || opts.fps === fps) return seq;
    // Duration kept: n frames at the model rate last n / fps seconds.
    const out = resample(seq, Math.max(1, Math.round((n * opts.fps) / fps)), 'linear');
    out.meta.fps = opts.fps;
    return out;
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}

function checkFps(fps: number | undefined): void {
  const problem = fps === undefined ? null : checkFpsValue(fps, MAX_GENERATE_FPS);
  if (problem) throw new SignbenchError('invalid-input', problem);
}

/** Linear interpolation to another frame rate over the same duration; without it, each frame goes to `onFrame`. */
function toFps(seq: PoseSequence, fps: number | undefined, onFrame?: GenerateOptions['onFrame']): PoseSequence {
  if (fps === undefined || fps === seq.meta.fps) {
    if (onFrame) for (let t = 0; t < seq.frames; t++) onFrame(t, seq.data.slice(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE));
    return seq;
  }
  const out = resample(seq, Math.max(1, Math.round((seq.frames * fps) / seq.meta.fps)), 'linear');
  out.meta.fps = fps;
  return out;
}

/**
 * Text (or glosses) → PoseSequence with ONNX Runtime, for a model directory of either architecture (manifest
 * `architecture`, generator/README.md): autoregressive (SignDW-style, `encoder.onnx` + `decoder_step.onnx`) or
 * non-autoregressive (`text_to_gloss.onnx`, `gloss_encoder.onnx`, `frame_decoder.onnx`). The CLI, the benchmark and
 * the server call only this.
 */
export class GeneratorRuntime {
  private constructor(
    readonly dir: string,
    readonly manifest: AnyGeneratorManifest,
    private readonly ar: AutoregressiveRuntime | null,
    private readonly nar: NarRuntime | null,
  ) {}

  static async load(dir: string = defaultModelDir(), opts: OrtSessionOptions & { decoderThreads?: number } = {}): Promise<GeneratorRuntime> {
    const m = readAnyGeneratorManifest(dir);
    if (isNarManifest(m)) return new GeneratorRuntime(dir, m, null, await NarRuntime.load(dir, m, opts));
    return new GeneratorRuntime(dir, m, await AutoregressiveRuntime.load(dir, m, opts), null);
  }

  get architecture(): 'autoregressive' | 'non-autoregressive' {
    return this.nar ? 'non-autoregressive' : 'autoregressive';
  }

  get provider(): string {
    return (this.ar ?? this.nar)!.provider;
  }

  get vocab(): Vocab {
    return (this.ar ?? this.nar)!.vocab;
  }

  /** Output frame rate of the model. */
  get fps(): number {
    return this.manifest.normalization.fps;
  }

  encodeText(text: string, opts: GenerateOptions = {}): number[] {
    return encodeModelText(this.vocab, this.manifest.tokenizer.maxTextLen, text, opts);
  }

  /** The autoregressive model's decoder loop on token ids (see AutoregressiveRuntime.generateIds). */
  async generateIds(ids: number[], opts: { stopAtLength?: boolean } = {}): Promise<GeneratedFrames> {
    if (!this.ar) throw new SignbenchError('invalid-input', `${this.dir}: generateIds needs an autoregressive model; this one is non-autoregressive`);
    return this.ar.generateIds(ids, opts);
  }

  /** Text → gloss tokens (non-autoregressive models; a trailing '?' marks a question). */
  async glossesOf(text: string, opts: GenerateOptions = {}): Promise<string[]> {
    if (!this.nar) throw new SignbenchError('invalid-input', `${this.dir}: an autoregressive model has no gloss stage`);
    return this.nar.glossesOf(this.encodeText(text, opts));
  }

  async generate(text: string, opts: GenerateOptions = {}): Promise<PoseSequence> {
    checkFps(opts.fps);
    if (this.ar) return this.ar.generate(text, opts);
    const nar = this.nar!;
    const glosses = await nar.glossesOf(this.encodeText(text, opts));
    if (glosses.filter((g) => g !== '?').length === 0) throw new SignbenchError('invalid-input', `text: the model found no signs in ${JSON.stringify(text)}`);
    const f = await nar.framesOf(nar.glossIds(glosses), opts);
    return toFps(nar.toSequence(f, { id: opts.id, text }), opts.fps, opts.onFrame);
  }

  /** Glosses ("TIME TOPIC COMMENT", '?' for a question) → PoseSequence; non-autoregressive models only. */
  async generateGlosses(glosses: string | readonly string[], opts: GenerateOptions = {}): Promise<PoseSequence> {
    checkFps(opts.fps);
    if (!this.nar) throw new SignbenchError('invalid-input', `${this.dir}: an autoregressive model reads text, not glosses (use a non-autoregressive model, e.g. models/generator)`);
    return toFps(await this.nar.generateGlosses(glosses, opts), opts.fps, opts.onFrame);
  }

  async release(): Promise<void> {
    await (this.ar ?? this.nar)!.release();
  }
}

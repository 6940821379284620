import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floatTensor, int64Tensor, openOrtSession, type ort } from '../nn/ort.js';
import type { PoseSequence } from '../pose/sequence.js';
import { padSources } from './batch.js';
import { MAX_BATCH, MAX_BEAM, type TranslatorConfig } from './config.js';
import { SignbenchError } from '../pose/errors.js';
import { extractFeatures, FEATURE_DIM } from './features.js';
import { readTranslatorManifest, type TranslatorManifest } from './manifest.js';
import { beamSearch, type Hypothesis, type StepModel } from './search.js';
import { BOS, EOS, Vocab } from './vocab.js';

/** Default model directory: models/translator/ in the repository (the committed default). */
export function defaultModelDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'translator');
}

export interface TranslateOptions {
  /** Beam width; 1 = greedy. Default 1. */
  beam?: number;
  /** Most output tokens (capped by the model's maxTargetTokens). */
  maxLength?: number;
  /** GNMT length-penalty exponent. Default 0.6. */
  lengthPenalty?: number;
}

export interface BatchOptions extends TranslateOptions {
  /** Sequences encoded and decoded together. Default 32. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Also return each sequence's pooled encoder state (`Translation.embedding`, as `embedBatch` gives) at no extra cost. */
  embeddings?: boolean;
}

export interface Translation {
  id: string;
  text: string;
  tokens: string[];
  /** Length-normalised log-probability (the beam ranking score). */
  score: number;
  logProb: number;
  /** All finished beam hypotheses, best first (beam > 1 only). */
  alternatives?: { text: string; score: number }[];
  /** Pooled encoder state (BatchOptions.embeddings only). */
  embedding?: Float64Array;
}

export interface RuntimeOptions {
  threads?: number;
  providers?: string[];
}

/** Decoder state rows for the ONNX step graph (one row per live hypothesis). */
interface OrtCache {
  n: number;
  rows: number;
  valid: Float32Array;
  /** cross_k_0, cross_v_0, cross_k_1, … each [n, H, rows, dh]. */
  cross: Float32Array[];
  /** past_k_0, past_v_0, … each [n, H, past, dh]. */
  past: Float32Array[];
  pastLen: number;
}

function gatherRows(src: Float32Array, n: number, rows: Int32Array): Float32Array {
  const size = src.length / n;
  const out = new Float32Array(rows.length * size);
  for (let i = 0; i < rows.length; i++) out.set(src.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
  return out;
}

function isIdentity(rows: Int32Array, n: number): boolean {
  if (rows.length !== n) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}

/**
 * The served translator: encoder.onnx + decoder_step.onnx in ONNX Runtime (CUDA when installed, else CPU), greedy or
 * beam search with the self-attention K/V cache, batched for throughput.
 */
export class Translator {
  readonly config: TranslatorConfig;
  readonly vocab: Vocab;

  private constructor(
    readonly dir: string,
    readonly manifest: TranslatorManifest,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly provider: string,
  ) {
    this.config = manifest.config;
    this.vocab = Vocab.fromJson(manifest.vocab);
  }

  /** Loads a model directory (manifest.json, encoder.onnx, decoder_step.onnx); errors name the file and problem. */
  static async load(dir: string, opts: RuntimeOptions = {}): Promise<Translator> {
    const { file: manifestPath, manifest } = readTranslatorManifest(dir);
    const enc = await openOrtSession(join(dir, manifest.files.encoder), opts);
    const dec = await openOrtSession(join(dir, manifest.files.decoderStep), opts);
    const t = new Translator(dir, manifest, enc.session, dec.session, enc.provider);
    t.checkContract(manifestPath);
    return t;
  }

  /** The graphs must have the inputs/outputs the manifest promises and a vocabulary-sized output. */
  private checkContract(file: string): void {
    const io = this.manifest.io;
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (!same(this.encoder.inputNames, io.encoder.inputs) || !same(this.encoder.outputNames, io.encoder.outputs)) {
      throw new Error(`${file}: encoder.onnx inputs/outputs (${this.encoder.inputNames} → ${this.encoder.outputNames}) do not match the manifest`);
    }
    if (!same(this.decoder.inputNames, io.decoderStep.inputs) || !same(this.decoder.outputNames, io.decoderStep.outputs)) {
      throw new Error(`${file}: decoder_step.onnx inputs/outputs do not match the manifest`);
    }
    const layers = this.decoder.outputNames.filter((n) => n.startsWith('present_k_')).length;
    if (layers !== this.config.decoderLayers) throw new Error(`${file}: config has ${this.config.decoderLayers} decoder layers, decoder_step.onnx has ${layers}`);
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }

  /** Runs the encoder on sequences: pooled embeddings and the initial decoder cache. */
  private async encode(seqs: readonly PoseSequence[]): Promise<{ pooled: Float32Array; cache: OrtCache }> {
    const feats = seqs.map((s) => extractFeatures(s, { maxRows: this.config.maxSourceRows }));
    const src = padSources(feats);
    const out = await this.encoder.run({
      features: floatTensor(src.features, [src.batch, src.rows, FEATURE_DIM]),
      valid: floatTensor(src.valid, [src.batch, src.rows]),
    });
    const cross: Float32Array[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      cross.push(out[`cross_k_${i}`].data as Float32Array, out[`cross_v_${i}`].data as Float32Array);
    }
    const past = cross.map(() => new Float32Array(0));
    return { pooled: out.pooled.data as Float32Array, cache: { n: src.batch, rows: src.rows, valid: src.valid, cross, past, pastLen: 0 } };
  }

  /** The StepModel over decoder_step.onnx used by beamSearch. */
  private stepModel(): StepModel<OrtCache> {
    const { heads, dModel } = this.config;
    const dh = dModel / heads;
    return {
      vocabSize: this.vocab.size,
      step: async (c, tokens, position) => {
        const feeds: Record<string, ort.Tensor> = {
          tokens: int64Tensor(tokens, [c.n]),
          position: int64Tensor([position], [1]),
          valid: floatTensor(c.valid, [c.n, c.rows]),
        };
        for (let i = 0; i < this.config.decoderLayers; i++) {
          feeds[`cross_k_${i}`] = floatTensor(c.cross[2 * i], [c.n, heads, c.rows, dh]);
          feeds[`cross_v_${i}`] = floatTensor(c.cross[2 * i + 1], [c.n, heads, c.rows, dh]);
          feeds[`past_k_${i}`] = floatTensor(c.past[2 * i], [c.n, heads, c.pastLen, dh]);
          feeds[`past_v_${i}`] = floatTensor(c.past[2 * i + 1], [c.n, heads, c.pastLen, dh]);
        }
        const out = await this.decoder.run(feeds);
        const past: Float32Array[] = [];
        for (let i = 0; i < this.config.decoderLayers; i++) {
          past.push(out[`present_k_${i}`].data as Float32Array, out[`present_v_${i}`].data as Float32Array);
        }
        return { logProbs: out.log_probs.data as Float32Array, cache: { ...c, past, pastLen: c.pastLen + 1 } };
      },
      select: (c, rows) => {
        if (isIdentity(rows, c.n)) return c;
        return {
          n: rows.length,
          rows: c.rows,
          valid: gatherRows(c.valid, c.n, rows),
          cross: c.cross.map((a) => gatherRows(a, c.n, rows)),
          past: c.past.map((a) => gatherRows(a, c.n, rows)),
          pastLen: c.pastLen,
        };
      },
    };
  }

  /** Log-probabilities of every position when teacher-forcing `tokens` (BOS first) with the cached step graph. */
  async stepLogProbs(seq: PoseSequence, tokens: readonly number[]): Promise<Float32Array[]> {
    const { cache } = await this.encode([seq]);
    const model = this.stepModel();
    let c = cache;
    const out: Float32Array[] = [];
    for (let pos = 0; pos < tokens.length; pos++) {
      const r = await model.step(c, Int32Array.of(tokens[pos]), pos);
      out.push(r.logProbs.slice());
      c = r.cache;
    }
    return out;
  }

  private toTranslation(id: string, hyps: Hypothesis[], beam: number): Translation {
    const best = hyps[0] ?? { tokens: [], logProb: -Infinity, score: -Infinity };
    const t: Translation = {
      id,
      text: this.vocab.decode(best.tokens),
      tokens: best.tokens.map((x) => this.vocab.tokens[x]),
      score: best.score,
      logProb: best.logProb,
    };
    if (beam > 1) t.alternatives = hyps.map((h) => ({ text: this.vocab.decode(h.tokens), score: h.score }));
    return t;
  }

  async translate(seq: PoseSequence, opts: TranslateOptions = {}): Promise<Translation> {
    return (await this.translateBatch([seq], opts))[0];
  }

  /** Translates many sequences, batching similar lengths together; results are in input order. */
  async translateBatch(seqs: readonly PoseSequence[], opts: BatchOptions = {}): Promise<Translation[]> {
    const beam = Math.max(1, Math.floor(opts.beam ?? 1));
    if (!(beam <= MAX_BEAM)) throw new SignbenchError('too-large', `beam width ${opts.beam} is over the limit of ${MAX_BEAM}`, { detail: { option: 'beam', limit: MAX_BEAM } });
    const maxLength = Math.min(this.config.maxTargetTokens + 1, Math.max(1, Math.floor(opts.maxLength ?? this.config.maxTargetTokens + 1)));
    const batchSize = Math.min(MAX_BATCH, Math.max(1, Math.floor(opts.batchSize ?? 32)));
    const order = seqs.map((_, i) => i).sort((a, b) => seqs[a].frames - seqs[b].frames);
    const results: Translation[] = new Array(seqs.length);
    const model = this.stepModel();
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const { cache, pooled } = await this.encode(idx.map((i) => seqs[i]));
      const hyps = await beamSearch(model, cache, idx.length, { bos: BOS, eos: EOS, beam, maxLength, lengthPenalty: opts.lengthPenalty });
      const d = this.config.dModel;
      idx.forEach((i, j) => {
        results[i] = this.toTranslation(seqs[i].meta.id, hyps[j], beam);
        if (opts.embeddings) results[i].embedding = Float64Array.from(pooled.subarray(j * d, (j + 1) * d));
      });
      opts.onProgress?.(Math.min(order.length, s + batchSize), order.length);
    }
    return results;
  }

  /** Pooled encoder states (mean over valid rows) of each sequence: the pose embedding for the Fréchet metric. */
  async embedBatch(seqs: readonly PoseSequence[], batchSize = 32): Promise<Float64Array[]> {
    const d = this.config.dModel;
    const out: Float64Array[] = [];
    for (let s = 0; s < seqs.length; s += batchSize) {
      const chunk = seqs.slice(s, s + batchSize);
      const { pooled } = await this.encode(chunk);
      for (let j = 0; j < chunk.length; j++) out.push(Float64Array.from(pooled.subarray(j * d, (j + 1) * d)));
    }
    return out;
  }

  async embed(seq: PoseSequence): Promise<Float64Array> {
    return (await this.embedBatch([seq]))[0];
  }
}

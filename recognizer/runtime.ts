import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floatTensor, openOrtSession, type ort } from '../nn/ort.js';
import { SignbenchError } from '../pose/errors.js';
import type { PoseSequence } from '../pose/sequence.js';
import { checkSegment, FEATURE_DIM, segmentFeatures } from './features.js';
import { PHONOLOGY_PARAMS, type PhonologyParam } from './labels.js';
import { readRecognizerManifest, type RecognizerManifest } from './manifest.js';

/** Default model directory: models/recognizer/ in the repository (the committed default). */
export function defaultModelDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'recognizer');
}

/** A sign segment: frames [start, end) of a sequence (the whole sequence when the bounds are left out). */
export interface SegmentRef {
  seq: PoseSequence;
  start?: number;
  end?: number;
}

export interface Scored {
  gloss: string;
  p: number;
}

export interface Recognition {
  /** The `k` most probable glosses (default 5), most probable first. */
  top5: Scored[];
  /** Most probable class per phonological parameter with its probability. */
  phonology: Record<PhonologyParam, { label: string; p: number }>;
}

export interface RecognizeOptions {
  /** Glosses listed per segment (default 5). */
  k?: number;
  /** Segments per ONNX run (default 256). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RuntimeOptions {
  /** Intra-op threads (default 1). */
  threads?: number;
  providers?: string[];
}

function topK(probs: Float32Array, offset: number, n: number, k: number): number[] {
  const idx: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = probs[offset + j];
    if (idx.length < k) { idx.push(j); idx.sort((a, b) => probs[offset + b] - probs[offset + a]); continue; }
    if (v > probs[offset + idx[k - 1]]) {
      idx[k - 1] = j;
      idx.sort((a, b) => probs[offset + b] - probs[offset + a]);
    }
  }
  return idx;
}

/** The served recogniser: recognizer.onnx in ONNX Runtime over recognizer/features.ts features. */
export class Recognizer {
  private constructor(
    readonly manifest: RecognizerManifest,
    private readonly session: ort.InferenceSession,
    readonly dir: string,
  ) {}

  static async load(dir: string = defaultModelDir(), opts: RuntimeOptions = {}): Promise<Recognizer> {
    const { manifest } = readRecognizerManifest(dir);
    const { session } = await openOrtSession(join(dir, manifest.files.model), { threads: opts.threads ?? 1, providers: opts.providers ?? ['cpu'] });
    return new Recognizer(manifest, session, dir);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  get glosses(): readonly string[] {
    return this.manifest.glosses;
  }

  /** Runs the graph on `n` feature rows; returns the probabilities per output. */
  async runFeatures(x: Float32Array, n: number): Promise<Record<string, Float32Array>> {
    if (x.length !== n * FEATURE_DIM) throw new Error(`recognizer: ${x.length} feature values for ${n} rows of ${FEATURE_DIM}`);
    const out = await this.session.run({ features: floatTensor(x, [n, FEATURE_DIM]) });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  }

  /** Decodes row `i` of the graph outputs. */
  decode(out: Record<string, Float32Array>, i: number, k = 5): Recognition {
    const C = this.manifest.glosses.length;
    const g = out.gloss_probs;
    const top5 = topK(g, i * C, C, Math.min(k, C)).map((j) => ({ gloss: this.manifest.glosses[j], p: g[i * C + j] }));
    const phonology = {} as Recognition['phonology'];
    for (const name of PHONOLOGY_PARAMS) {
      const labels = this.manifest.phonology[name];
      const best = topK(out[`${name}_probs`], i * labels.length, labels.length, 1)[0];
      phonology[name] = { label: labels[best], p: out[`${name}_probs`][i * labels.length + best] };
    }
    return { top5, phonology };
  }

  async recognize(seq: PoseSequence, start?: number, end?: number, opts: RecognizeOptions = {}): Promise<Recognition> {
    return (await this.recognizeMany([{ seq, start, end }], opts))[0];
  }

  /** Recognises many segments, `batchSize` per graph run. Bad segments throw invalid-input naming the sequence. */
  async recognizeMany(items: readonly SegmentRef[], opts: RecognizeOptions = {}): Promise<Recognition[]> {
    const bs = Math.max(1, opts.batchSize ?? 256);
    const out: Recognition[] = [];
    for (let i = 0; i < items.length; i += bs) {
      if (opts.signal?.aborted) throw new SignbenchError('aborted', 'recognition was cancelled');
      const chunk = items.slice(i, i + bs);
      const x = new Float32Array(chunk.length * FEATURE_DIM);
      chunk.forEach((it, j) => {
        const { start, end } = checkSegment(it.seq, it.start ?? 0, it.end ?? it.seq.frames);
        x.set(segmentFeatures(it.seq, start, end).features, j * FEATURE_DIM);
      });
      const res = await this.runFeatures(x, chunk.length);
      for (let j = 0; j < chunk.length; j++) out.push(this.decode(res, j, opts.k));
      opts.onProgress?.(out.length, items.length);
    }
    return out;
  }
}

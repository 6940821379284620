import { join } from 'node:path';
import { SignbenchError } from '../../pose/errors.js';
import type { GlossSpan, PoseSequence } from '../../pose/sequence.js';
import { floatTensor, int64Tensor, openOrtSession, ort, requireGraphNames, type OrtSessionOptions } from '../../nn/ort.js';
import { POSE_DIM } from '../config.js';
import type { NarGeneratorManifest } from '../manifest.js';
import { BOS, EOS, PAD, UNK, Vocab } from '../tokenizer.js';
import { fullFramesToSequence } from './features.js';
import { parseGlosses, QUESTION } from './glosses.js';
import { PHASE_DIM, regulate, type Regulated } from './regulate.js';

export interface NarGenerateOptions {
  id?: string;
  truncate?: boolean;
  /** Total frames: the predicted durations are scaled to it (default: as predicted). */
  frames?: number;
  /** Duration multiplier (default 1; 1.5 signs slower). */
  pace?: number;
}

export interface NarFrames {
  /** [frames, 384] pose values (full frame, x, y as fractions of width and height, presence). */
  frames: Float32Array;
  length: number;
  /** Gloss tokens (without <bos>/<eos>) and each sign's frame span. */
  glosses: GlossSpan[];
}

/** Upper-cases a gloss for lookup, keeping the lower-case fingerspelling prefix (`fs-anna` → `fs-ANNA`). */
function glossKey(g: string): string {
  return g.toLowerCase().startsWith('fs-') ? 'fs-' + g.slice(3).toUpperCase() : g.toUpperCase();
}

/** Every `stride`-th row of a regulated timeline (the frames the decoder draws). */
function strided(r: Regulated, stride: number): Regulated {
  if (stride === 1) return r;
  const keep = Array.from({ length: Math.ceil(r.frames / stride) }, (_, k) => k * stride);
  const phase = new Float32Array(keep.length * PHASE_DIM);
  keep.forEach((t, k) => phase.set(r.phase.subarray(t * PHASE_DIM, (t + 1) * PHASE_DIM), k * PHASE_DIM));
  return { frames: keep.length, fromIndex: keep.map((t) => r.fromIndex[t]), toIndex: keep.map((t) => r.toIndex[t]), phase };
}

/**
 * Rows drawn at every `stride`-th frame → `total` frames: a point present at both neighbouring rows is interpolated
 * linearly, otherwise it is taken from the nearer row.
 */
export function upsample(rows: Float32Array, n: number, stride: number, total: number): Float32Array {
  if (stride === 1) return rows.slice(0, total * POSE_DIM);
  const out = new Float32Array(total * POSE_DIM);
  for (let t = 0; t < total; t++) {
    const pos = Math.min(n - 1, t / stride);
    const i0 = Math.floor(pos);
    const i1 = Math.min(n - 1, i0 + 1);
    const w = pos - i0;
    const a = i0 * POSE_DIM;
    const b = i1 * POSE_DIM;
    const o = t * POSE_DIM;
    for (let p = 0; p < POSE_DIM; p += 3) {
      if (rows[a + p + 2] >= 0.5 && rows[b + p + 2] >= 0.5) {
        for (let c = 0; c < 3; c++) out[o + p + c] = rows[a + p + c] + w * (rows[b + p + c] - rows[a + p + c]);
      } else {
        const src = w < 0.5 ? a : b;
        for (let c = 0; c < 3; c++) out[o + p + c] = rows[src + p + c];
      }
    }
  }
  return out;
}

/**
 * The non-autoregressive generator with ONNX Runtime: text → glosses (one pass of the slot decoder) → gloss states
 * and durations → length regulation (here, in JS) → all frames in one pass of the frame decoder.
 */
export class NarRuntime {
  private readonly glossIndex: Map<string, number>;

  private constructor(
    readonly dir: string,
    readonly manifest: NarGeneratorManifest,
    readonly vocab: Vocab,
    private readonly textToGloss: ort.InferenceSession,
    private readonly glossEncoder: ort.InferenceSession,
    private readonly frameDecoder: ort.InferenceSession,
    readonly provider: string,
  ) {
    this.glossIndex = new Map(manifest.glossVocab.map((g, i) => [glossKey(g), i]));
  }

  static async load(dir: string, m: NarGeneratorManifest, opts: OrtSessionOptions = {}): Promise<NarRuntime> {
    const open = async (file: string, inputs: string[], outputs: string[]) => {
      const path = join(dir, file);
      const s = await openOrtSession(path, opts);
      requireGraphNames(s.session, path, { inputs, outputs });
      return s;
    };
    const t2g = await open(m.files.textToGloss, ['tokens'], ['gloss_ids']);
    const enc = await open(m.files.glossEncoder, ['glosses'], ['states', 'log_durations']);
    const dec = await open(m.files.frameDecoder, ['states', 'from_index', 'to_index', 'phase'], ['frames']);
    return new NarRuntime(dir, m, new Vocab(m.vocab, m.tokenizer.mode), t2g.session, enc.session, dec.session, t2g.provider);
  }

  /** Text → gloss tokens as the model predicts them (may end with '?', the question marker). */
  async glossesOf(ids: number[]): Promise<string[]> {
    const out = await this.textToGloss.run({ tokens: int64Tensor(ids, [1, ids.length]) });
    const pred = out.gloss_ids.data as BigInt64Array;
    const glosses: string[] = [];
    for (const v of pred) {
      const id = Number(v);
      if (id === EOS || id === PAD) break;
      if (id === BOS || id === UNK) continue;
      glosses.push(this.manifest.glossVocab[id]);
    }
    // One question marker, at the end, however many slots named it.
    const signs = glosses.filter((g) => g !== QUESTION);
    return signs.length < glosses.length ? [...signs, QUESTION] : signs;
  }

  /** Gloss tokens → ids `<bos> … <eos>`; unknown glosses are refused with their names. */
  glossIds(glosses: readonly string[]): number[] {
    const unknown = glosses.filter((g) => !this.glossIndex.has(glossKey(g)));
    if (unknown.length > 0) {
      throw new SignbenchError('invalid-input', `glosses: ${unknown.map((g) => JSON.stringify(g)).join(', ')} not in the model's ${this.manifest.glossVocab.length - 5} glosses (manifest.json glossVocab)`);
    }
    const ids = [BOS, ...glosses.map((g) => this.glossIndex.get(glossKey(g)) as number), EOS];
    if (ids.length > this.manifest.config.maxGlosses) {
      throw new SignbenchError('too-large', `glosses: ${glosses.length} glosses is over the limit of ${this.manifest.config.maxGlosses - 2}`);
    }
    return ids;
  }

  /** Per gloss id [gap, sign] frames from the duration head; <bos> and '?' take none, nor does <eos>'s sign. */
  private durations(ids: number[], logDur: Float32Array, opts: NarGenerateOptions): [number, number][] {
    const question = this.manifest.glossVocab.indexOf(QUESTION);
    const pace = opts.pace ?? 1;
    const raw = ids.map((id, i): [number, number] => {
      if (id === BOS || id === question) return [0, 0];
      const gap = Math.max(0, Math.expm1(logDur[2 * i]) * pace);
      const sign = id === EOS ? 0 : Math.max(1, Math.expm1(logDur[2 * i + 1]) * pace);
      return [gap, sign];
    });
    const total = raw.reduce((a, [g, s]) => a + g + s, 0);
    const { maxFrames, minFrames } = this.manifest.normalization;
    const want = opts.frames ?? Math.min(maxFrames, Math.max(minFrames, total));
    const k = total > 0 ? want / total : 1;
    // Rounded on the running sum so that the segments add up to `want` frames exactly.
    let acc = 0;
    let placed = 0;
    return raw.map(([g, s]) => {
      const seg = (x: number) => {
        acc += x * k;
        const n = Math.max(0, Math.round(acc) - placed);
        placed += n;
        return n;
      };
      const gap = seg(g);
      return [gap, seg(s)];
    });
  }

  /** Gloss ids → frames: gloss encoder, durations, length regulation, frame decoder. */
  async framesOf(ids: number[], opts: NarGenerateOptions = {}): Promise<NarFrames> {
    const enc = await this.glossEncoder.run({ glosses: int64Tensor(ids, [1, ids.length]) });
    const durs = this.durations(ids, enc.log_durations.data as Float32Array, opts);
    const r = strided(regulate(durs), this.manifest.config.frameStride);
    if (r.frames === 0) throw new SignbenchError('invalid-input', 'glosses: nothing to sign');
    const out = await this.frameDecoder.run({
      ...(this.frameDecoder.inputNames.includes('glosses') ? { glosses: int64Tensor(ids, [1, ids.length]) } : {}),
      states: enc.states,
      from_index: int64Tensor(r.fromIndex, [1, r.frames]),
      to_index: int64Tensor(r.toIndex, [1, r.frames]),
      phase: floatTensor(r.phase, [1, r.frames, PHASE_DIM]),
    });
    const rows = out.frames.data as Float32Array;
    if (rows.length !== r.frames * POSE_DIM) throw new Error(`${join(this.dir, this.manifest.files.frameDecoder)}: frames has ${rows.length} values, expected ${r.frames * POSE_DIM}`);
    const total = durs.reduce((a, [g, s]) => a + g + s, 0);
    const frames = upsample(rows, r.frames, this.manifest.config.frameStride, total);
    const spans: GlossSpan[] = [];
    let t = 0;
    durs.forEach(([gap, sign], i) => {
      t += gap;
      const id = ids[i];
      if (sign > 0 && id !== BOS && id !== EOS) spans.push({ gloss: this.manifest.glossVocab[id], start: t, end: t + sign });
      t += sign;
    });
    return { frames, length: total, glosses: spans };
  }

  toSequence(f: NarFrames, meta: { id?: string; text: string | null }): PoseSequence {
    const n = this.manifest.normalization;
    return fullFramesToSequence(f.frames, f.length, {
      id: meta.id ?? 'generated', text: meta.text, width: n.width, height: n.height, fps: n.fps, language: null,
      gloss: f.glosses.map((g) => g.gloss).join(' '), glosses: f.glosses,
    });
  }

  /** Gloss string ("TIME TOPIC COMMENT", a trailing '?' for a question) or tokens → PoseSequence. */
  async generateGlosses(glosses: string | readonly string[], opts: NarGenerateOptions = {}): Promise<PoseSequence> {
    const list = typeof glosses === 'string' ? parseGlosses(glosses) : glosses;
    if (list.length === 0) throw new SignbenchError('invalid-input', 'glosses: empty (give at least one gloss)');
    const f = await this.framesOf(this.glossIds(list), opts);
    return this.toSequence(f, { id: opts.id, text: null });
  }

  async release(): Promise<void> {
    await this.textToGloss.release();
    await this.glossEncoder.release();
    await this.frameDecoder.release();
  }
}

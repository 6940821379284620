import { PoseFormatError } from './errors.js';
import { CHANNELS, FRAME_STRIDE, POINTS } from './skeleton.js';

/** A gloss (sign) with the frames it spans: [start, end) in frames of its sequence. */
export interface GlossSpan {
  gloss: string;
  start: number;
  end: number;
}

/** What we know about a sequence besides its points. */
export interface SequenceMeta {
  /** Stable identifier: a video id, a file stem, a corpus id. */
  id: string;
  /** Frames per second of the sequence (SignVerse: the decode fps, 24 by default). */
  fps: number;
  /** Source frame width and height in pixels; x and y are fractions of them. */
  width: number;
  height: number;
  /** Spoken-language text (caption, sentence), or null. */
  text?: string | null;
  /** Gloss string as given by the source (space separated), or null. */
  gloss?: string | null;
  /** Glosses with frame spans, where a source has timings. */
  glosses?: GlossSpan[];
  /** Spoken language of `text` (BCP-47, e.g. `en`, `de`). */
  language?: string | null;
  /** Sign language (ISO 639-3, e.g. `ase`, `gsg`). */
  signLanguage?: string | null;
  /** Signer identifier, where known. */
  signer?: string | null;
  /** Name of the format or builder it came from (`signverse`, `pose`, `procedural`, ...). */
  source?: string | null;
  /**
   * SignVerse frames with ≥ 2 people: which hand labelling was used, `stored` (the file's keys as written) or
   * `repaired` (the pipeline's multi-person hand mix-up undone), and how it was chosen (pose/signverse/hands.ts).
   */
  hands?: HandLabelling | null;
}

/** Frame rates a sequence may have: under one frame per 10 s or over 1000 frames/s is a broken file or option. */
export const MIN_FPS = 0.1;
export const MAX_FPS = 1000;

/** Why `fps` is not a usable frame rate (outside [MIN_FPS, max]), or null when it is. */
export function checkFpsValue(fps: number, max = MAX_FPS): string | null {
  if (typeof fps === 'number' && Number.isFinite(fps) && fps >= MIN_FPS && fps <= max) return null;
  return `fps must be a number from ${MIN_FPS} to ${max}, got ${fps}`;
}

/** How a reader labelled the hands of frames with two or more people. */
export interface HandLabelling {
  labels: 'stored' | 'repaired';
  /** `auto`: decided from the data; `stored` / `repair`: as asked. */
  mode: 'auto' | 'stored' | 'repair';
  /** Hand roots nearer their own body wrist under each labelling (auto mode; pairs where the two differ). */
  evidence?: { stored: number; repaired: number };
}

/**
 * Frame t's other people (persons 1, 2, … of the source, in its order), each 384 floats laid out like a frame of
 * `data`; absent or empty where the frame has only the primary signer. Person 0 (the signer) is always `data`.
 */
export type ExtraPeople = (Float32Array | undefined)[];

/**
 * The canonical pose sequence: DWPose-128 per frame, stored as one Float32Array `[frame][point][x, y, c]`.
 *
 * - x, y are normalised to the source frame (0..1 inside it) and never clipped.
 * - c is a confidence; a point is present iff c > 0. Readers map their validity flags onto it (SignVerse body
 *   scores are subset indices: present becomes 1, missing 0; hand and face scores are kept raw).
 * - Missing points keep whatever coordinates the source had (SignVerse keeps DWPose's guesses); c = 0 marks them.
 * - `people[t]` is how many people the source saw in frame t (0 = an empty frame, all points missing). The points are
 *   those of the primary signer (person_000 in SignVerse).
 * - `extraPeople` (optional) carries the other people of multi-person frames for the formats and renderers that
 *   keep them (SignVerse, DWPose JSON, the controlnet style); everything else sees only the signer. Transforms that
 *   build a new sequence from `data` drop them.
 */
export class PoseSequence {
  readonly data: Float32Array;
  readonly people: Uint8Array;
  meta: SequenceMeta;
  /** Other people per frame (see ExtraPeople); null when the sequence has none. */
  extraPeople: ExtraPeople | null = null;

  constructor(meta: SequenceMeta, data: Float32Array, people?: Uint8Array, extraPeople?: ExtraPeople | null) {
    if (data.length % FRAME_STRIDE !== 0) {
      throw new PoseFormatError(meta.id || '<sequence>', `data length ${data.length} is not a multiple of ${FRAME_STRIDE} (128 points × x, y, c)`);
    }
    const frames = data.length / FRAME_STRIDE;
    if (people && people.length !== frames) {
      throw new PoseFormatError(meta.id || '<sequence>', `people has ${people.length} entries for ${frames} frames`);
    }
    this.meta = { ...meta };
    this.data = data;
    this.people = people ?? PoseSequence.peopleFromData(data, frames);
    if (extraPeople) this.setExtraPeople(extraPeople);
  }

  /** Sets the other people (one entry per frame, each a multiple of 384 floats); raises people[t] to match. */
  setExtraPeople(extra: ExtraPeople | null): void {
    if (!extra || extra.every((e) => !e || e.length === 0)) {
      this.extraPeople = null;
      return;
    }
    if (extra.length !== this.frames) {
      throw new PoseFormatError(this.meta.id || '<sequence>', `extraPeople has ${extra.length} entries for ${this.frames} frames`);
    }
    for (let t = 0; t < extra.length; t++) {
      const e = extra[t];
      if (!e) continue;
      if (e.length % FRAME_STRIDE !== 0) {
        throw new PoseFormatError(this.meta.id || '<sequence>', `extraPeople[${t}] has ${e.length} floats, not a multiple of ${FRAME_STRIDE}`);
      }
      const n = Math.min(255, 1 + e.length / FRAME_STRIDE);
      if (this.people[t] < n) this.people[t] = n;
    }
    this.extraPeople = extra;
  }

  /** How many people frame t holds points for: the signer (when present) plus the extra people. */
  peopleWithPoints(t: number): number {
    const e = this.extraPeople?.[t];
    return (e ? e.length / FRAME_STRIDE : 0) + (this.people[t] > 0 ? 1 : 0);
  }

  /** Person k of frame t as 384 floats (k = 0: the signer, `frame(t)`), or undefined when the frame lacks it. */
  person(t: number, k: number): Float32Array | undefined {
    if (k === 0) return this.frame(t);
    const e = this.extraPeople?.[t];
    if (!e || k * FRAME_STRIDE > e.length) return undefined;
    return e.subarray((k - 1) * FRAME_STRIDE, k * FRAME_STRIDE);
  }

  /** Extra people of frames [s, e), copied (null when none). */
  private extraSlice(s: number, e: number): ExtraPeople | null {
    if (!this.extraPeople) return null;
    return this.extraPeople.slice(s, e).map((x) => x?.slice());
  }

  /** A sequence of `frames` empty frames (all points missing). */
  static empty(meta: SequenceMeta, frames: number): PoseSequence {
    return new PoseSequence(meta, new Float32Array(frames * FRAME_STRIDE), new Uint8Array(frames));
  }

  /** Frames of several sequences one after another, with `meta` (frame sizes are not rescaled). */
  static concat(parts: readonly PoseSequence[], meta: SequenceMeta): PoseSequence {
    let frames = 0;
    for (const p of parts) frames += p.frames;
    const data = new Float32Array(frames * FRAME_STRIDE);
    const people = new Uint8Array(frames);
    const extra: ExtraPeople | null = parts.some((p) => p.extraPeople) ? new Array(frames) : null;
    let t = 0;
    for (const p of parts) {
      data.set(p.data, t * FRAME_STRIDE);
      people.set(p.people, t);
      if (extra && p.extraPeople) for (let i = 0; i < p.frames; i++) extra[t + i] = p.extraPeople[i]?.slice();
      t += p.frames;
    }
    return new PoseSequence(meta, data, people, extra);
  }

  private static peopleFromData(data: Float32Array, frames: number): Uint8Array {
    const people = new Uint8Array(frames);
    for (let t = 0; t < frames; t++) {
      const base = t * FRAME_STRIDE;
      for (let p = 0; p < POINTS; p++) {
        if (data[base + p * CHANNELS + 2] > 0) { people[t] = 1; break; }
      }
    }
    return people;
  }

  get frames(): number {
    return this.data.length / FRAME_STRIDE;
  }

  get id(): string {
    return this.meta.id;
  }

  /** Duration in seconds. */
  get duration(): number {
    return this.meta.fps > 0 ? this.frames / this.meta.fps : 0;
  }

  /** The most people seen in any frame. */
  get maxPeople(): number {
    let m = 0;
    for (let i = 0; i < this.people.length; i++) if (this.people[i] > m) m = this.people[i];
    return m;
  }

  /** Offset of point p of frame t in `data`. */
  offset(t: number, p: number): number {
    return t * FRAME_STRIDE + p * CHANNELS;
  }

  x(t: number, p: number): number { return this.data[t * FRAME_STRIDE + p * CHANNELS]; }
  y(t: number, p: number): number { return this.data[t * FRAME_STRIDE + p * CHANNELS + 1]; }
  c(t: number, p: number): number { return this.data[t * FRAME_STRIDE + p * CHANNELS + 2]; }

  set(t: number, p: number, x: number, y: number, c: number): void {
    const o = t * FRAME_STRIDE + p * CHANNELS;
    this.data[o] = x;
    this.data[o + 1] = y;
    this.data[o + 2] = c;
  }

  /** A view (no copy) of frame t: 384 floats. */
  frame(t: number): Float32Array {
    return this.data.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE);
  }

  /** Frames [start, end) as a new sequence sharing no memory with this one. */
  slice(start: number, end: number = this.frames, meta?: Partial<SequenceMeta>): PoseSequence {
    const s = Math.max(0, Math.min(this.frames, start));
    const e = Math.max(s, Math.min(this.frames, end));
    return new PoseSequence(
      { ...this.meta, ...meta },
      this.data.slice(s * FRAME_STRIDE, e * FRAME_STRIDE),
      this.people.slice(s, e),
      this.extraSlice(s, e),
    );
  }

  clone(meta?: Partial<SequenceMeta>): PoseSequence {
    return new PoseSequence({ ...this.meta, ...meta }, this.data.slice(), this.people.slice(), this.extraSlice(0, this.frames));
  }

  /**
   * Throws a PoseFormatError naming `file` when the sequence is unusable: non-finite values, an fps outside
   * [MIN_FPS, MAX_FPS], a non-positive frame size.
   */
  validate(file: string = this.meta.id): this {
    const { fps, width, height } = this.meta;
    const fpsProblem = checkFpsValue(fps);
    if (fpsProblem) throw new PoseFormatError(file, fpsProblem);
    if (!(Number.isFinite(width) && width > 0) || !(Number.isFinite(height) && height > 0)) {
      throw new PoseFormatError(file, `frame size must be positive, got ${width}×${height}`);
    }
    const d = this.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        const t = Math.floor(i / FRAME_STRIDE);
        const p = Math.floor((i % FRAME_STRIDE) / CHANNELS);
        throw new PoseFormatError(file, `non-finite value ${d[i]} at frame ${t}, point ${p}`);
      }
    }
    this.extraPeople?.forEach((e, t) => {
      const i = e ? e.findIndex((v) => !Number.isFinite(v)) : -1;
      if (e && i >= 0) {
        const k = 1 + Math.floor(i / FRAME_STRIDE);
        throw new PoseFormatError(file, `non-finite value ${e[i]} at frame ${t}, person ${k}, point ${Math.floor((i % FRAME_STRIDE) / CHANNELS)}`);
      }
    });
    return this;
  }
}

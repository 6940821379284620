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
}

/** Frame rates a sequence may have: under one frame per 10 s or over 1000 frames/s is a broken file or option. */
export const MIN_FPS = 0.1;
export const MAX_FPS = 1000;

/** Why `fps` is not a usable frame rate (outside [MIN_FPS, max]), or null when it is. */
export function checkFpsValue(fps: number, max = MAX_FPS): string | null {
  if (typeof fps === 'number' && Number.isFinite(fps) && fps >= MIN_FPS && fps <= max) return null;
  return `fps must be a number from ${MIN_FPS} to ${max}, got ${fps}`;
}

/**
 * The canonical pose sequence: DWPose-128 per frame, stored as one Float32Array `[frame][point][x, y, c]`.
 *
 * - x, y are normalised to the source frame (0..1 inside it) and never clipped.
 * - c is a confidence; a point is present iff c > 0. Readers map their validity flags onto it (SignVerse body
 *   scores are subset indices: present becomes 1, missing 0; hand and face scores are kept raw).
 * - Missing points keep whatever coordinates the source had (SignVerse keeps DWPose's guesses); c = 0 marks them.
 * - `people[t]` is how many people the source saw in frame t (0 = an empty frame, all points missing). The points are
 *   those of the primary signer (person_000 in SignVerse).
 */
export class PoseSequence {
  readonly data: Float32Array;
  readonly people: Uint8Array;
  meta: SequenceMeta;

  constructor(meta: SequenceMeta, data: Float32Array, people?: Uint8Array) {
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
    let t = 0;
    for (const p of parts) {
      data.set(p.data, t * FRAME_STRIDE);
      people.set(p.people, t);
      t += p.frames;
    }
    return new PoseSequence(meta, data, people);
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
    );
  }

  clone(meta?: Partial<SequenceMeta>): PoseSequence {
    return new PoseSequence({ ...this.meta, ...meta }, this.data.slice(), this.people.slice());
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
    return this;
  }
}

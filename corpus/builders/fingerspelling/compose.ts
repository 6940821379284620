/**
 * Fingerspelled words from letter clips: each clip is cut to its hold (the letter itself, without the hand rising
 * from and dropping to rest), and holds are joined by short smoothstep interpolations so that nothing jumps.
 */
import { PoseSequence, type GlossSpan, type SequenceMeta } from '../../../pose/sequence.js';
import { BODY, CHANNELS, FRAME_STRIDE, PARTS, POINTS } from '../../../pose/skeleton.js';
import { resample } from '../../../pose/transforms.js';

export interface ComposeOptions {
  /** Longest hold kept per letter, in frames; longer holds are resampled (sped up) to this (default 12). */
  maxLetterFrames?: number;
  /** Per-frame step (in frame heights) the transition length aims for (default 0.035). */
  transitionStep?: number;
  /** Frames of a transition between letters: at least / at most (default 3 / 5). */
  minTransition?: number;
  maxTransition?: number;
  /** Frames of the transition at a word gap inside a phrase (default 10). */
  gapFrames?: number;
  /** Keep the first clip's rise from rest and the last clip's drop to rest (default true). */
  withRest?: boolean;
}

export const COMPOSE_DEFAULTS: Required<ComposeOptions> = Object.freeze({
  maxLetterFrames: 12, transitionStep: 0.035, minTransition: 3, maxTransition: 5, gapFrames: 10, withRest: true,
});

/** A letter clip cut into rise | hold | drop. */
export interface LetterCut {
  gloss: string;
  /** Frames before the hold (hand rising from rest), at most 12. */
  rise: PoseSequence;
  hold: PoseSequence;
  /** Frames after the hold (hand dropping to rest), at most 12. */
  drop: PoseSequence;
  /** Hold bounds in the trimmed clip, [start, end). */
  holdStart: number;
  holdEnd: number;
  /** The signing hand. */
  hand: 'left' | 'right';
}

/** Slower than this (shoulder widths per frame) counts as held still. */
const STILL = 0.06;
const MIN_HOLD = 3;
/** Farther than this (shoulder widths) from where the hold started, the hand has left the letter. */
const LEAVE = 0.8;
/** Longest rise from / drop to rest kept at the ends of a word (frames). */
const MAX_REST_FRAMES = 12;

function handPresence(seq: PoseSequence, start: number): number {
  let n = 0;
  for (let t = 0; t < seq.frames; t++) {
    let k = 0;
    for (let p = start; p < start + PARTS.leftHand.count; p++) if (seq.c(t, p) > 0) k++;
    if (k >= PARTS.leftHand.count / 2) n++;
  }
  return n;
}

/** The median shoulder width in frame heights (0.25 when shoulders are never seen). */
function shoulderWidth(seq: PoseSequence): number {
  const aspect = seq.meta.width / seq.meta.height;
  const w: number[] = [];
  for (let t = 0; t < seq.frames; t++) {
    if (seq.c(t, BODY.rShoulder) > 0 && seq.c(t, BODY.lShoulder) > 0) {
      w.push(Math.hypot((seq.x(t, BODY.rShoulder) - seq.x(t, BODY.lShoulder)) * aspect, seq.y(t, BODY.rShoulder) - seq.y(t, BODY.lShoulder)));
    }
  }
  if (w.length === 0) return 0.25;
  w.sort((a, b) => a - b);
  return Math.max(1e-3, w[w.length >> 1]);
}

/** Wrist of `hand` in frame t (hand keypoint 0, else the body wrist), in frame heights; null when missing. */
function wrist(seq: PoseSequence, t: number, hand: 'left' | 'right'): [number, number] | null {
  const aspect = seq.meta.width / seq.meta.height;
  const hp = hand === 'left' ? PARTS.leftHand.start : PARTS.rightHand.start;
  const bp = hand === 'left' ? BODY.lWrist : BODY.rWrist;
  const p = seq.c(t, hp) > 0 ? hp : seq.c(t, bp) > 0 ? bp : -1;
  return p < 0 ? null : [seq.x(t, p) * aspect, seq.y(t, p)];
}

/**
 * The hold of a letter clip, [start, end): it starts at the first two consecutive slow steps of the signing hand's
 * wrist, and ends at the last two slow steps before the wrist leaves the letter's place (more than `LEAVE` shoulder
 * widths from where the hold started: the drop to rest, or a hand leaving the picture). Letters with movement
 * (J, Z) keep it: the hand moves, but stays near its place. When no hold is found (a short or noisy clip) the
 * middle half of the clip is taken.
 */
export function findHold(seq: PoseSequence): { start: number; end: number; hand: 'left' | 'right' } {
  const T = seq.frames;
  const hand = handPresence(seq, PARTS.leftHand.start) > handPresence(seq, PARTS.rightHand.start) ? 'left' : 'right';
  const sw = shoulderWidth(seq);
  // step[t]: wrist displacement from t-1 to t in shoulder widths (Infinity where the wrist is missing).
  const step = new Float64Array(T).fill(Infinity);
  for (let t = 1; t < T; t++) {
    const a = wrist(seq, t - 1, hand);
    const b = wrist(seq, t, hand);
    if (a && b) step[t] = Math.hypot(b[0] - a[0], b[1] - a[1]) / sw;
  }
  let start = -1;
  for (let t = 1; t + 1 < T; t++) if (step[t] < STILL && step[t + 1] < STILL) { start = t - 1; break; }
  let end = -1;
  if (start >= 0) {
    const anchor = wrist(seq, start, hand)!;
    let leave = T;
    for (let t = start + 1; t < T; t++) {
      const p = wrist(seq, t, hand);
      if (!p || Math.hypot(p[0] - anchor[0], p[1] - anchor[1]) / sw > LEAVE) { leave = t; break; }
    }
    for (let t = leave - 1; t >= start + 2; t--) if (step[t] < STILL && step[t - 1] < STILL) { end = t + 1; break; }
  }
  if (start < 0 || end - start < MIN_HOLD) {
    const q = Math.floor(T / 4);
    return { start: q, end: Math.max(q + 1, T - q), hand };
  }
  return { start, end, hand };
}

/** Cuts a (trimmed) letter clip into rise | hold | drop; a hold longer than `maxLetterFrames` is resampled. */
export function cutLetter(clip: PoseSequence, gloss: string, maxLetterFrames: number): LetterCut {
  const { start, end, hand } = findHold(clip);
  let hold = clip.slice(start, end);
  if (hold.frames > maxLetterFrames) hold = resample(hold, maxLetterFrames, 'linear');
  hold.meta = { ...clip.meta };
  return {
    gloss, rise: clip.slice(Math.max(0, start - MAX_REST_FRAMES), start), hold, drop: clip.slice(end, end + MAX_REST_FRAMES),
    holdStart: start, holdEnd: end, hand,
  };
}

function smoothstep(s: number): number {
  return s * s * (3 - 2 * s);
}

/** Largest displacement (frame heights) of points present in both frames. */
function largestMove(a: Float32Array, b: Float32Array, aspect: number): number {
  let m = 0;
  for (let p = 0; p < POINTS; p++) {
    const o = p * CHANNELS;
    if (a[o + 2] > 0 && b[o + 2] > 0) m = Math.max(m, Math.hypot((b[o] - a[o]) * aspect, b[o + 1] - a[o + 1]));
  }
  return m;
}

/**
 * `k` frames easing from frame `a` to frame `b` with smoothstep. A point present on both sides is interpolated;
 * a point present on one side only stays where that side has it, shown while that side is the nearer one.
 */
export function transition(a: Float32Array, b: Float32Array, k: number): { data: Float32Array; people: Uint8Array } {
  const data = new Float32Array(k * FRAME_STRIDE);
  const people = new Uint8Array(k);
  for (let i = 0; i < k; i++) {
    const s = smoothstep((i + 1) / (k + 1));
    const base = i * FRAME_STRIDE;
    for (let p = 0; p < POINTS; p++) {
      const o = p * CHANNELS;
      const ca = a[o + 2] > 0;
      const cb = b[o + 2] > 0;
      let x = 0, y = 0, c = 0;
      if (ca && cb) {
        x = a[o] + (b[o] - a[o]) * s;
        y = a[o + 1] + (b[o + 1] - a[o + 1]) * s;
        c = a[o + 2] + (b[o + 2] - a[o + 2]) * s;
      } else if (ca || cb) {
        const src = ca ? a : b;
        x = src[o];
        y = src[o + 1];
        c = (ca ? s < 0.5 : s >= 0.5) ? src[o + 2] : 0;
      }
      data[base + o] = x;
      data[base + o + 1] = y;
      data[base + o + 2] = c;
      if (c > 0) people[i] = 1;
    }
  }
  return { data, people };
}

/** How many transition frames keep the largest per-frame step near `step` (smoothstep's peak slope is 1.5). */
export function transitionFrames(move: number, o: Required<ComposeOptions>): number {
  const k = Math.ceil((1.5 * move) / o.transitionStep) - 1;
  return Math.max(o.minTransition, Math.min(o.maxTransition, k));
}

export interface ComposedWord {
  seq: PoseSequence;
  glosses: GlossSpan[];
  /** [start, end) of every inserted transition. */
  transitions: { start: number; end: number }[];
}

/** Joins letter cuts (null = a word gap) into one sequence with `meta`; glosses span the holds. */
export function composeWord(letters: readonly (LetterCut | null)[], meta: SequenceMeta, opts: ComposeOptions = {}): ComposedWord {
  const o = { ...COMPOSE_DEFAULTS, ...opts };
  const cuts = letters.filter((l): l is LetterCut => l !== null);
  if (cuts.length === 0) throw new Error(`composeWord: '${meta.id}' has no letters`);
  const aspect = meta.width / meta.height;
  const chunks: { data: Float32Array; people: Uint8Array }[] = [];
  const glosses: GlossSpan[] = [];
  const transitions: { start: number; end: number }[] = [];
  let t = 0;
  const push = (data: Float32Array, people: Uint8Array) => {
    chunks.push({ data, people });
    t += people.length;
  };
  let prev: LetterCut | null = null;
  let gap = false;
  for (const l of letters) {
    if (l === null) { gap = true; continue; }
    if (prev === null) {
      if (o.withRest) push(l.rise.data, l.rise.people);
    } else {
      const a = prev.hold.frame(prev.hold.frames - 1);
      const b = l.hold.frame(0);
      const k = gap ? Math.max(o.gapFrames, transitionFrames(largestMove(a, b, aspect), o)) : transitionFrames(largestMove(a, b, aspect), o);
      const tr = transition(a, b, k);
      transitions.push({ start: t, end: t + k });
      push(tr.data, tr.people);
    }
    glosses.push({ gloss: l.gloss, start: t, end: t + l.hold.frames });
    push(l.hold.data, l.hold.people);
    prev = l;
    gap = false;
  }
  if (o.withRest && prev) push(prev.drop.data, prev.drop.people);
  const seq = PoseSequence.concat(chunks.map((c) => new PoseSequence(meta, c.data, c.people)), meta);
  return { seq, glosses, transitions };
}

import { FRAME_STRIDE } from '../../pose/skeleton.js';
import type { GlossSpan } from '../../pose/sequence.js';
import { FrameScratch, renderFrame, type FramePose, type HandPose } from './body.js';
import { NEUTRAL_FACE, type FaceState } from './face.js';
import { slerp } from './hand.js';
import { LETTERS } from './handshapes.js';
import { sign, type MouthShape } from './lexicon.js';
import {
  compileFingerspelling, compileSign, ease, letterFrames, restPose, signFrames, type SignMotion,
} from './motion.js';
import type { NonManual, Sentence } from './grammar.js';
import type { Rng } from '../../nn/rng.js';
import type { Signer } from './signer.js';

/**
 * A sentence laid out in time: rest, then each sign (or fingerspelled name) with eased co-articulation between
 * them, then rest again; sentence-level non-manual markers mapped from gloss ranges to frame ranges; a few dropped
 * hand windows. Planning is cheap (no frames are drawn) so that entries can report their length.
 */

interface Segment {
  start: number;
  frames: number;
  /** Index into `signs` for sign segments; -1 for rest and transitions. */
  sign: number;
  pose(u: number): { dom: HandPose; weak: HandPose };
}

interface PlannedSign {
  gloss: string;
  start: number;
  end: number;
  mouth: MouthShape;
}

export interface Timeline {
  frames: number;
  signs: PlannedSign[];
  segments: Segment[];
  nonManual: { kind: NonManual['kind']; start: number; end: number }[];
  drops: { hand: 'dom' | 'weak'; start: number; end: number }[];
  /** Frames where a blink starts (each lasts BLINK_FRAMES). */
  blinks: number[];
  /** Phase and period (frames) of the slow body sway (breathing, weight shift). */
  sway: { phase: number; period: number; amp: number };
}

const BLINK_FRAMES = 4;

function lerpPose(a: HandPose, b: HandPose, w: number): HandPose {
  if (w <= 0) return a;
  if (w >= 1) return b;
  const shape = new Float64Array(a.shape.length);
  for (let k = 0; k < shape.length; k++) shape[k] = a.shape[k] + w * (b.shape[k] - a.shape[k]);
  return {
    x: a.x + w * (b.x - a.x), y: a.y + w * (b.y - a.y), z: a.z + w * (b.z - a.z), shape, q: slerp(a.q, b.q, w), scale: a.scale + w * (b.scale - a.scale),
    anchor: a.anchor + w * (b.anchor - a.anchor),
  };
}

function transitionFrames(a: HandPose, b: HandPose, speed: number, min: number): number {
  const d = Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
  // turning the hand moves the wrist around the contact point: long turns need time too
  const dot = Math.abs(a.q[0] * b.q[0] + a.q[1] * b.q[1] + a.q[2] * b.q[2] + a.q[3] * b.q[3]);
  const angle = 2 * Math.acos(Math.min(1, dot));
  const byMove = 3 + 11 * Math.min(1.6, d / 0.9);
  const byTurn = 3 + 9 * (angle / Math.PI);
  return Math.max(min, Math.round(Math.max(byMove, byTurn) / speed));
}

/** Compiles the motion of one gloss token: a lexical sign or a fingerspelled name (`fs-NAME`). */
function motionOf(gloss: string, signer: Signer): { motion: SignMotion; frames: number; mouth: MouthShape } {
  if (gloss.startsWith('fs-')) {
    const letters = [...gloss.slice(3)].map((ch) => {
      const l = LETTERS.get(ch);
      if (!l) throw new Error(`cannot fingerspell '${ch}' in ${gloss}`);
      return l;
    });
    return { motion: compileFingerspelling(letters, signer), frames: letterFrames(letters, signer), mouth: 'open' };
  }
  const def = sign(gloss);
  return { motion: compileSign(def, signer), frames: signFrames(def, signer), mouth: def.mouth };
}

export function planSentence(sentence: Pick<Sentence, 'glosses' | 'nonManual'>, signer: Signer, rng: Rng): Timeline {
  const segments: Segment[] = [];
  const signs: PlannedSign[] = [];
  const restDom = restPose(signer, false);
  const restWeak = restPose(signer, true);
  const rest = { dom: restDom, weak: restWeak };
  let t = 0;
  const push = (frames: number, sign: number, pose: Segment['pose']) => {
    segments.push({ start: t, frames, sign, pose });
    t += frames;
  };
  push(rng.intBetween(4, 9), -1, () => rest);
  let prevEnd = rest;
  for (const gloss of sentence.glosses) {
    const { motion, frames, mouth } = motionOf(gloss, signer);
    const weakOf = (u: number) => (motion.weak ? motion.weak(u) : restWeak);
    const first = { dom: motion.dom(0), weak: weakOf(0) };
    const from = prevEnd;
    const n = Math.max(transitionFrames(from.dom, first.dom, signer.speed, 3), transitionFrames(from.weak, first.weak, signer.speed, 3));
    push(n, -1, (u) => ({ dom: lerpPose(from.dom, first.dom, ease(u)), weak: lerpPose(from.weak, first.weak, ease(u)) }));
    const len = Math.max(4, frames + rng.intBetween(-1, 1));
    signs.push({ gloss, start: t, end: t + len, mouth });
    push(len, signs.length - 1, (u) => ({ dom: motion.dom(u), weak: weakOf(u) }));
    prevEnd = { dom: motion.dom(1), weak: weakOf(1) };
  }
  const last = prevEnd;
  const back = Math.max(transitionFrames(last.dom, restDom, signer.speed, 5), transitionFrames(last.weak, restWeak, signer.speed, 5));
  push(back, -1, (u) => ({ dom: lerpPose(last.dom, restDom, ease(u)), weak: lerpPose(last.weak, restWeak, ease(u)) }));
  push(rng.intBetween(4, 9), -1, () => rest);
  const frames = t;
  const nonManual = sentence.nonManual.map((m) => ({
    kind: m.kind,
    start: Math.max(0, signs[m.start].start - 3),
    end: Math.min(frames, signs[m.end - 1].end + 2),
  }));
  const drops: Timeline['drops'] = [];
  if (rng.chance(signer.dropRate)) {
    const count = rng.intBetween(1, 2);
    for (let k = 0; k < count; k++) {
      const len = rng.intBetween(2, 5);
      const start = rng.intBetween(0, Math.max(0, frames - len));
      drops.push({ hand: rng.chance(0.65) ? 'weak' : 'dom', start, end: start + len });
    }
  }
  // blinks every 2-5 s, more often at sign boundaries in real signing; here simply spaced at random
  const blinks: number[] = [];
  for (let f = rng.intBetween(6, 40); f < frames - BLINK_FRAMES; f += rng.intBetween(48, 120)) blinks.push(f);
  const sway = { phase: rng.uniform(0, 2 * Math.PI), period: rng.uniform(70, 130), amp: rng.uniform(0.004, 0.012) };
  return { frames, signs, segments, nonManual, drops, blinks, sway };
}

const MOUTHS: Record<MouthShape, Partial<FaceState>> = {
  neutral: {},
  open: { open: 0.55 },
  round: { round: 1, open: 0.2 },
  wide: { wide: 1, open: 0.12 },
  closed: { open: 0 },
  puff: { puff: 1 },
};

/** A [start, end) envelope with eased ramps of `ramp` frames. */
function envelope(f: number, start: number, end: number, ramp: number): number {
  if (f < start || f >= end) return 0;
  return Math.min(ease((f - start + 1) / ramp), ease((end - f) / ramp));
}

function faceAt(tl: Timeline, f: number, signIdx: number, u: number): FaceState {
  const face: FaceState = { ...NEUTRAL_FACE };
  if (signIdx >= 0) {
    const m = MOUTHS[tl.signs[signIdx].mouth];
    const env = Math.sin(Math.PI * u);
    face.open = (m.open ?? 0) * env;
    face.wide = (m.wide ?? 0) * env;
    face.round = (m.round ?? 0) * env;
    face.puff = (m.puff ?? 0) * env;
  }
  for (const b of tl.blinks) {
    if (f >= b && f < b + BLINK_FRAMES) face.blink = Math.sin((Math.PI * (f - b + 0.5)) / BLINK_FRAMES);
  }
  for (const nm of tl.nonManual) {
    const e = envelope(f, nm.start, nm.end, 4);
    if (e === 0) continue;
    if (nm.kind === 'brow-raise') { face.brow += e; face.pitch += 0.08 * e; }
    else if (nm.kind === 'brow-furrow') { face.brow -= e; face.roll += 0.05 * e; face.pitch -= 0.03 * e; }
    else face.yaw += 0.3 * e * Math.sin((2 * Math.PI * (f - nm.start)) / 10);
  }
  return face;
}

/** Draws every frame of a planned sentence. */
export function renderTimeline(tl: Timeline, signer: Signer, rng: Rng): Float32Array {
  const data = new Float32Array(tl.frames * FRAME_STRIDE);
  const scratch = new FrameScratch();
  let seg = 0;
  for (let f = 0; f < tl.frames; f++) {
    while (f >= tl.segments[seg].start + tl.segments[seg].frames) seg++;
    const s = tl.segments[seg];
    const u = s.frames > 1 ? (f - s.start) / (s.frames - 1) : 1;
    const { dom, weak } = s.pose(u);
    let dropDom = false;
    let dropWeak = false;
    for (const d of tl.drops) {
      if (f >= d.start && f < d.end) { if (d.hand === 'dom') dropDom = true; else dropWeak = true; }
    }
    const sw = Math.sin(tl.sway.phase + (2 * Math.PI * f) / tl.sway.period) * tl.sway.amp;
    const pose: FramePose = { dom, weak, face: faceAt(tl, f, s.sign, u), dropDom, dropWeak, swayX: sw, swayY: 0.3 * sw };
    renderFrame(signer, pose, rng, data, f, scratch);
  }
  return data;
}

export function glossSpans(tl: Timeline): GlossSpan[] {
  return tl.signs.map((s) => ({ gloss: s.gloss, start: s.start, end: s.end }));
}

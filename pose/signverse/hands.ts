/**
 * The SignVerse pipeline's multi-person hand mix-up (reference §1.6), decided per clip.
 *
 * DWPose stacks the hands of N people as [L0 … L(N-1), R0 … R(N-1)]; the pipeline's writer stored person k's hands
 * as left = stack[2k], right = stack[2k + 1]. For N = 1 that is right; for N ≥ 2 it mixes people up (person 0's
 * "right hand" is person 1's left hand when N = 2). Writers without the bug (a fixed upstream writer, other groups'
 * writers, ours) store each person's own hands, and repairing those would corrupt them.
 *
 * So the data decides: a hand's root (hand point 0) lies at its own body wrist (body 4 right, 7 left). For every hand
 * slot the two labellings fill differently, the stored and the repaired candidate roots are compared with the wrist;
 * a pair counts as a vote when one candidate is clearly nearer (under half the other's distance). The clip is
 * repaired only when the repaired layout wins clearly (≥ 4 × the stored votes, at least 1); otherwise the stored
 * labelling stays.
 */
import type { HandLabelling, PoseSequence } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';

export type SignVerseHandsMode = 'auto' | 'stored' | 'repair';
export const SIGNVERSE_HANDS_MODES: readonly SignVerseHandsMode[] = ['auto', 'stored', 'repair'];

const R_WRIST = 4;
const L_WRIST = 7;
/** Hand points count as located from this score on (DWPose's threshold). */
const HAND_ROOT_MIN = 0.3;
const HAND_FLOATS = PARTS.leftHand.count * CHANNELS;
const LEFT_AT = PARTS.leftHand.start * CHANNELS;
const RIGHT_AT = PARTS.rightHand.start * CHANNELS;

/** The N persons of frame t (person 0 then the extra people) as 384-float views; [] when N < 2. */
function framePersons(seq: PoseSequence, t: number): Float32Array[] {
  const e = seq.extraPeople?.[t];
  if (!e || seq.people[t] === 0) return [];
  const n = 1 + e.length / FRAME_STRIDE;
  // The mix-up depends on N: only frames holding every person num_persons counts can be told apart.
  if (n !== seq.people[t]) return [];
  const out = [seq.frame(t)];
  for (let k = 1; k < n; k++) out.push(e.subarray((k - 1) * FRAME_STRIDE, k * FRAME_STRIDE));
  return out;
}

/** Stacked index (into [L0..L(N-1), R0..R(N-1)]) of the hand stored in person k's slot `side` (0 left, 1 right). */
const storedStack = (k: number, side: number): number => 2 * k + side;
/** Stacked index of person j's true hand `side`. */
const trueStack = (j: number, side: number, n: number): number => side * n + j;
/** Person and side slot where stacked hand s was stored. */
const slotOf = (s: number): [number, number] => [s >> 1, s & 1];

function handAt(persons: Float32Array[], s: number): Float32Array {
  const [k, side] = slotOf(s);
  const at = side === 0 ? LEFT_AT : RIGHT_AT;
  return persons[k].subarray(at, at + HAND_FLOATS);
}

/**
 * Adds the votes of frame t (n people: person 0 at data[base], person k ≥ 1 at extra[(k - 1) * FRAME_STRIDE]) to
 * votes[0] (stored nearer) and votes[1] (repaired nearer). Works on offsets: it runs for every multi-person frame.
 */
function addFrameVotes(data: Float32Array, base: number, extra: Float32Array, n: number, width: number, height: number, votes: Int32Array): void {
  for (let j = 0; j < n; j++) {
    const body = j === 0 ? data : extra;
    const bodyAt = j === 0 ? base : (j - 1) * FRAME_STRIDE;
    for (let side = 0; side < 2; side++) {
      const sStored = storedStack(j, side);
      const sTrue = trueStack(j, side, n);
      if (sStored === sTrue) continue; // both labellings put the same hand here
      const w = bodyAt + (side === 0 ? L_WRIST : R_WRIST) * CHANNELS;
      if (!(body[w + 2] > 0)) continue;
      // stacked hand s was stored in person s >> 1's slot s & 1
      const ka = sStored >> 1;
      const kb = sTrue >> 1;
      const a = ka === 0 ? data : extra;
      const b = kb === 0 ? data : extra;
      const aAt = (ka === 0 ? base : (ka - 1) * FRAME_STRIDE) + ((sStored & 1) === 0 ? LEFT_AT : RIGHT_AT);
      const bAt = (kb === 0 ? base : (kb - 1) * FRAME_STRIDE) + ((sTrue & 1) === 0 ? LEFT_AT : RIGHT_AT);
      if (!(a[aAt + 2] >= HAND_ROOT_MIN && b[bAt + 2] >= HAND_ROOT_MIN)) continue;
      // squared distances (da < db / 2 ⇔ da² < db² / 4): Math.hypot is slow, and this runs for every frame
      const ax = (a[aAt] - body[w]) * width;
      const ay = (a[aAt + 1] - body[w + 1]) * height;
      const bx = (b[bAt] - body[w]) * width;
      const by = (b[bAt + 1] - body[w + 1]) * height;
      const da2 = ax * ax + ay * ay;
      const db2 = bx * bx + by * by;
      if (da2 < 0.25 * db2) votes[0]++;
      else if (db2 < 0.25 * da2) votes[1]++;
    }
  }
}

/** Whether frame t holds every one of its ≥ 2 people (what framePersons returns for it is not empty). */
function isMultiFrame(seq: PoseSequence, t: number): boolean {
  const e = seq.extraPeople?.[t];
  return e !== undefined && e !== null && seq.people[t] !== 0 && 1 + e.length / FRAME_STRIDE === seq.people[t] && seq.people[t] >= 2;
}

/** Puts every person's true hands in their slots (frames holding all their people). */
function repairFrame(persons: Float32Array[]): void {
  const n = persons.length;
  const stack: Float32Array[] = [];
  for (let s = 0; s < 2 * n; s++) stack.push(handAt(persons, s).slice());
  for (let j = 0; j < n; j++) {
    persons[j].set(stack[trueStack(j, 0, n)], LEFT_AT);
    persons[j].set(stack[trueStack(j, 1, n)], RIGHT_AT);
  }
}

/**
 * Relabels the hands of `seq`'s multi-person frames in place as `mode` says and records the choice in
 * `seq.meta.hands` (left null when no frame holds two or more people with points).
 */
export function resolveSignVerseHands(seq: PoseSequence, mode: SignVerseHandsMode = 'auto'): HandLabelling | null {
  if (!SIGNVERSE_HANDS_MODES.includes(mode)) throw new Error(`signverseHands must be one of ${SIGNVERSE_HANDS_MODES.join(', ')}, got ${String(mode)}`);
  const multi: number[] = [];
  for (let t = 0; t < seq.frames; t++) if (isMultiFrame(seq, t)) multi.push(t);
  if (multi.length === 0) {
    seq.meta.hands = null;
    return null;
  }
  let labels: HandLabelling['labels'] = mode === 'repair' ? 'repaired' : 'stored';
  let evidence: HandLabelling['evidence'];
  if (mode === 'auto') {
    const votes = new Int32Array(2);
    const extra = seq.extraPeople as NonNullable<PoseSequence['extraPeople']>;
    for (const t of multi) {
      const e = extra[t] as Float32Array;
      addFrameVotes(seq.data, t * FRAME_STRIDE, e, 1 + e.length / FRAME_STRIDE, seq.meta.width, seq.meta.height, votes);
    }
    const stored = votes[0];
    const repaired = votes[1];
    evidence = { stored, repaired };
    if (repaired >= 1 && repaired >= 4 * stored) labels = 'repaired';
  }
  if (labels === 'repaired') for (const t of multi) repairFrame(framePersons(seq, t));
  const result: HandLabelling = evidence ? { labels, mode, evidence } : { labels, mode };
  seq.meta.hands = result;
  return result;
}

/**
 * The inverse of the repair, for writers reproducing the pipeline's stored layout: returns the persons of a frame
 * with their hands put where the buggy writer put them (stored slot of stacked hand s = the true hand s).
 */
export function applyHandLayout(persons: Float32Array[]): Float32Array[] {
  const n = persons.length;
  if (n < 2) return persons;
  const out = persons.map((p) => p.slice());
  for (let j = 0; j < n; j++) {
    for (const side of [0, 1]) {
      const [k, slot] = slotOf(trueStack(j, side, n));
      const from = side === 0 ? LEFT_AT : RIGHT_AT;
      out[k].set(persons[j].subarray(from, from + HAND_FLOATS), slot === 0 ? LEFT_AT : RIGHT_AT);
    }
  }
  return out;
}

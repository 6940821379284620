import { headPosition, type HandPose } from './body.js';
import { handshapeVector, orientationQuat, rotateQuat, slerp, type Quat, type Vec3 } from './hand.js';
import { handshape, type FingerDir, type LetterSign, type PalmDir } from './handshapes.js';
import type { Location, Movement, SignDef } from './lexicon.js';
import type { Signer } from './signer.js';

/**
 * Where signs are made and how they move. Every function returns hand poses in the hand's own right-hand space
 * (see body.ts), as functions of the phase u ∈ [0, 1] over the sign.
 */

const FINGER_VEC: Record<FingerDir, Vec3> = {
  up: [0, -1, 0], forward: [0, 0, 1], contra: [1, 0, 0], down: [0, 1, 0], 'up-contra': [0.7, -0.7, 0],
  'forward-up': [0, -0.6, 0.8],
};
const PALM_VEC: Record<PalmDir, Vec3> = {
  out: [0, 0, 1], in: [0, 0, -1], down: [0, 1, 0], up: [0, -1, 0], contra: [1, 0, 0], ipsi: [-1, 0, 0],
};

export function orientation(fingers: FingerDir, palm: PalmDir): { q: Quat; axis: Vec3 } {
  return { q: orientationQuat(FINGER_VEC[fingers], PALM_VEC[palm]), axis: FINGER_VEC[fingers] };
}

/** Smooth ease-in-out (cosine), used for movements and transitions. */
export function ease(u: number): number {
  const c = Math.min(1, Math.max(0, u));
  return 0.5 - 0.5 * Math.cos(Math.PI * c);
}

const CENTRAL: ReadonlySet<Location> = new Set(['neutral', 'chest', 'waist', 'nose', 'mouth', 'chin', 'forehead', 'neck']);

/** Hand-centre target of a location for the dominant hand (signer space, right-hand side). */
export function locationPoint(loc: Location, signer: Signer, twoHanded: boolean): [number, number, number] {
  const [hx, hy] = headPosition(signer);
  const k = signer.headSize;
  let p: [number, number, number];
  switch (loc) {
    case 'neutral': p = [-0.2 * signer.space, 0.4, 0.5]; break;
    case 'forehead': p = [hx - 0.02, hy - 0.2 * k, 0.32]; break;
    case 'eyes': p = [hx - 0.1 * k, hy - 0.1 * k, 0.32]; break;
    case 'nose': p = [hx, hy + 0.01, 0.36]; break;
    case 'mouth': p = [hx, hy + 0.11 * k, 0.33]; break;
    case 'chin': p = [hx, hy + 0.24 * k, 0.3]; break;
    case 'cheek': p = [hx - 0.17 * k, hy + 0.05 * k, 0.25]; break;
    case 'ear': p = [hx - 0.26 * k, hy - 0.06 * k, 0.12]; break;
    case 'neck': p = [-0.02, -0.12, 0.22]; break;
    case 'shoulder': p = [0.36, 0.02, 0.18]; break;
    case 'chest': p = [-0.06, 0.36, 0.22]; break;
    case 'waist': p = [-0.14, 0.85, 0.5]; break;
    case 'otherHand': p = [-WEAK_BASE[0] - 0.02, WEAK_BASE[1] - 0.1, WEAK_BASE[2] + 0.04]; break;
  }
  if (twoHanded && CENTRAL.has(loc)) p[0] = Math.min(p[0], loc === 'neutral' ? -0.22 * signer.space : -0.17);
  return p;
}

/** The weak hand's place when it serves as the base of a sign (its own mirrored space). */
export const WEAK_BASE: readonly [number, number, number] = [-0.12, 0.55, 0.45];

const REST_Q = orientationQuat([0.45, 0.35, 0.8], [0.2, -0.2, -1]);
const REST_SHAPE = handshapeVector(handshape('rest'));

/** Hands at rest, low in front of the body (start and end of every sentence; the idle weak hand). */
export function restPose(signer: Signer, weak: boolean): HandPose {
  return { x: weak ? -0.46 : -0.47, y: weak ? 1.24 : 1.26, z: 0.18, shape: REST_SHAPE, q: REST_Q, scale: 1, anchor: 1 };
}

interface Offset { dx: number; dy: number; dz: number; scale: number; twist: number }

/** Movement offset at phase u of the movement part of a sign; `amp` is its size in U. */
export function movementOffset(m: Movement, u: number, amp: number): Offset {
  const e = ease(u);
  const o: Offset = { dx: 0, dy: 0, dz: 0, scale: 1, twist: 0 };
  switch (m) {
    case 'hold': o.dy = 0.01 * e; break;
    case 'up': o.dy = amp * (0.35 - e); break;
    case 'down': o.dy = amp * (e - 0.35); break;
    case 'right': o.dx = -amp * (e - 0.35); break; // signer's right = image left for the right hand
    case 'left': o.dx = amp * (e - 0.35); break;
    case 'toward': o.scale = 1.08 - 0.18 * e; o.dy = -0.05 * e; o.dz = amp * (0.5 - e); break;
    case 'away': o.scale = 0.95 + 0.2 * e; o.dy = 0.04 * e; o.dx = 0.03 * e; o.dz = amp * e; break;
    case 'circle': {
      const a = 2 * Math.PI * e;
      o.dx = 0.45 * amp * Math.sin(a);
      o.dy = 0.45 * amp * (1 - Math.cos(a)) - 0.2 * amp;
      break;
    }
    case 'arc': o.dx = -0.6 * amp * Math.cos(Math.PI * e); o.dy = -0.45 * amp * Math.sin(Math.PI * e); break;
    case 'twist': o.twist = 1.3 * (e - 0.5); break;
    case 'repeat': o.dy = -0.28 * amp * Math.pow(Math.sin(2 * Math.PI * u), 2); break;
    case 'contact': {
      const a = 1 - ease(Math.min(1, u / 0.55));
      o.dy = -0.08 * a; o.dx = 0.04 * a; o.dz = 0.1 * a; o.scale = 1 + 0.1 * a;
      break;
    }
    case 'shake': o.dx = 0.22 * amp * Math.sin(4 * Math.PI * u); o.twist = 0.25 * Math.sin(4 * Math.PI * u); break;
  }
  return o;
}

/** Frames of a sign's movement at speed 1 (24 fps), without its holds. */
export const MOVEMENT_FRAMES: Record<Movement, number> = {
  hold: 4, up: 6, down: 6, left: 6, right: 6, toward: 6, away: 6, circle: 10, arc: 8, twist: 7, repeat: 9,
  contact: 7, shake: 9,
};
const CYCLIC: ReadonlySet<Movement> = new Set(['circle', 'repeat', 'shake']);

/** A compiled sign: its two hands as functions of phase. */
export interface SignMotion {
  dom(u: number): HandPose;
  /** null: the weak hand is idle (stays at rest). */
  weak: ((u: number) => HandPose) | null;
}

function handAt(base: readonly [number, number, number], shape: Float64Array, q: Quat, axis: Vec3, off: Offset): HandPose {
  return {
    x: base[0] + off.dx, y: base[1] + off.dy, z: base[2] + off.dz, shape, q: off.twist ? rotateQuat(q, axis, off.twist) : q, scale: off.scale, anchor: 1,
  };
}

/** The phase inside the movement part, after a short initial hold and before a final one. */
function movementPhase(u: number): number {
  return Math.min(1, Math.max(0, (u - 0.15) / 0.7));
}

export function compileSign(def: SignDef, signer: Signer): SignMotion {
  const twoHanded = def.hands === 'symmetric' || def.hands === 'alternating';
  const base = locationPoint(def.location, signer, twoHanded);
  const onFace = ['forehead', 'eyes', 'nose', 'mouth', 'chin', 'cheek', 'ear', 'neck'].includes(def.location);
  const amp = (onFace ? 0.09 : 0.16) * signer.space;
  const shape = handshapeVector(handshape(def.handshape));
  const { q, axis } = orientation(def.fingers, def.palm);
  const dom = (u: number) => handAt(base, shape, q, axis, movementOffset(def.movement, movementPhase(u), amp));
  let weak: SignMotion['weak'] = null;
  if (def.hands === 'symmetric') weak = dom;
  else if (def.hands === 'alternating') {
    const cyclic = CYCLIC.has(def.movement);
    weak = (u: number) => {
      const p = movementPhase(u);
      return handAt(base, shape, q, axis, movementOffset(def.movement, cyclic ? (p + 0.5) % 1 : 1 - p, amp));
    };
  } else if (def.hands === 'base') {
    const bshape = handshapeVector(handshape(def.baseHandshape ?? 'B'));
    const bo = orientation('contra', 'up');
    const pose: HandPose = { x: WEAK_BASE[0], y: WEAK_BASE[1], z: WEAK_BASE[2], shape: bshape, q: bo.q, scale: 1, anchor: 1 };
    weak = () => pose;
  }
  return { dom, weak };
}

/** Frames of a sign (holds included) for a signer. */
export function signFrames(def: SignDef, signer: Signer): number {
  return Math.max(5, Math.round((MOVEMENT_FRAMES[def.movement] / 0.75) / signer.speed));
}

// ---- fingerspelling ---------------------------------------------------------------------------------------------

const LETTER_HOLD = 4;
const LETTER_MOVE = 3;

export function letterFrames(letters: readonly LetterSign[], signer: Signer): number {
  return Math.max(4, Math.round((letters.length * (LETTER_HOLD + LETTER_MOVE) + 2) / signer.speed));
}

/** A fingerspelled word: letters in a row beside the shoulder, drifting outward, eased from one to the next. */
export function compileFingerspelling(letters: readonly LetterSign[], signer: Signer): SignMotion {
  const shapes = letters.map((l) => handshapeVector(handshape(l.handshape)));
  const orients = letters.map((l) => orientation(l.fingers, l.palm));
  const n = letters.length;
  // wrist position of the first letter (the hand rises above it, beside the shoulder)
  const x0 = -0.3;
  const y0 = 0.18;
  const dom = (u: number): HandPose => {
    const pos = Math.min(n - 1e-6, Math.max(0, u * n));
    const i = Math.floor(pos);
    const f = pos - i; // phase inside letter i
    const holdPart = LETTER_HOLD / (LETTER_HOLD + LETTER_MOVE);
    const j = Math.min(n - 1, i + 1);
    const w = i === j || f < holdPart ? 0 : ease((f - holdPart) / (1 - holdPart));
    const shape = new Float64Array(shapes[i].length);
    for (let k = 0; k < shape.length; k++) shape[k] = shapes[i][k] + w * (shapes[j][k] - shapes[i][k]);
    const qa = orients[i].q;
    const qb = orients[j].q;
    const q = w === 0 ? qa : slerp(qa, qb, w);
    let x = x0 - 0.03 * (i + w);
    let y = y0;
    const letter = letters[i];
    const lf = Math.min(1, f / holdPart);
    if (letter.movement === 'J') { x += 0.05 * Math.sin(Math.PI * lf); y += 0.06 * lf; }
    if (letter.movement === 'Z') {
      const z = lf * 3;
      const seg = Math.min(2, Math.floor(z));
      const s = z - seg;
      const pts = [[0, 0], [0.07, 0], [0, 0.06], [0.07, 0.06]];
      x += pts[seg][0] + s * (pts[seg + 1][0] - pts[seg][0]);
      y += pts[seg][1] + s * (pts[seg + 1][1] - pts[seg][1]);
    }
    // a doubled letter slides outward instead of repeating in place
    if (i > 0 && letters[i - 1].letter === letter.letter) x -= 0.03;
    return { x, y, z: 0.35, shape, q, scale: 1, anchor: 0 };
  };
  return { dom, weak: null };
}

import { LEXICAL_HANDSHAPES, type FingerDir, type PalmDir } from './handshapes.js';
import { hashSeed, Rng } from '../../nn/rng.js';
import { lexicalGlosses } from './words.js';

/**
 * The lexicon: one sign per gloss, each a bundle of phonological parameters. A few signs are hand-written (iconic
 * pointing and question signs); the rest are assigned deterministically from a hash of the gloss, redrawing until
 * the (handshape, location, movement) triple is unused, so that every sign differs from every other in form.
 */

export const LOCATIONS = [
  'neutral', 'forehead', 'eyes', 'nose', 'mouth', 'chin', 'cheek', 'ear', 'neck', 'shoulder', 'chest', 'waist',
  'otherHand',
] as const;
export type Location = (typeof LOCATIONS)[number];

export const MOVEMENTS = [
  'up', 'down', 'left', 'right', 'toward', 'away', 'circle', 'arc', 'twist', 'hold', 'repeat', 'contact', 'shake',
] as const;
export type Movement = (typeof MOVEMENTS)[number];

/** one: dominant hand only; symmetric: both, mirrored; alternating: both, half a cycle apart; base: the weak hand
 * holds still as the place of articulation. */
export type HandUse = 'one' | 'symmetric' | 'alternating' | 'base';

export type MouthShape = 'neutral' | 'open' | 'round' | 'wide' | 'closed' | 'puff';

export interface SignDef {
  gloss: string;
  handshape: string;
  location: Location;
  movement: Movement;
  fingers: FingerDir;
  palm: PalmDir;
  hands: HandUse;
  /** Handshape of the weak hand for `base` signs. */
  baseHandshape?: string;
  mouth: MouthShape;
}

const FACE_LOCATIONS: ReadonlySet<Location> = new Set(['forehead', 'eyes', 'nose', 'mouth', 'chin', 'cheek', 'ear', 'neck']);

const ORIENT_NEUTRAL: readonly [FingerDir, PalmDir][] = [
  ['up', 'out'], ['up', 'contra'], ['forward', 'down'], ['forward', 'contra'], ['contra', 'in'], ['contra', 'down'],
  ['up-contra', 'out'], ['forward', 'up'], ['down', 'in'], ['forward-up', 'contra'], ['up', 'in'],
];
const ORIENT_FACE: readonly [FingerDir, PalmDir][] = [
  ['up', 'in'], ['up', 'contra'], ['contra', 'in'], ['up-contra', 'in'], ['up-contra', 'contra'], ['contra', 'down'],
];
const BASE_SHAPES = ['B', 'S', '1', '5', 'C'];

/** Mouthing from the English word: the first vowel's shape, or closed lips for a bilabial onset. */
function mouthFor(gloss: string): MouthShape {
  const w = gloss.toLowerCase();
  if (/^[mbp]/.test(w)) return 'closed';
  const v = w.match(/[aeiou]/)?.[0];
  if (v === 'a') return 'open';
  if (v === 'o' || v === 'u') return 'round';
  if (v === 'e' || v === 'i') return 'wide';
  return 'neutral';
}

const HAND_WRITTEN: readonly Omit<SignDef, 'mouth'>[] = [
  { gloss: 'ME', handshape: '1', location: 'chest', movement: 'contact', fingers: 'forward', palm: 'contra', hands: 'one' },
  { gloss: 'YOU', handshape: '1', location: 'neutral', movement: 'away', fingers: 'forward', palm: 'down', hands: 'one' },
  { gloss: 'HE', handshape: '1', location: 'neutral', movement: 'right', fingers: 'forward', palm: 'down', hands: 'one' },
  { gloss: 'SHE', handshape: '1', location: 'neutral', movement: 'left', fingers: 'forward', palm: 'down', hands: 'one' },
  { gloss: 'WE', handshape: '1', location: 'chest', movement: 'arc', fingers: 'up-contra', palm: 'in', hands: 'one' },
  { gloss: 'THEY', handshape: '1', location: 'neutral', movement: 'arc', fingers: 'forward', palm: 'down', hands: 'one' },
  { gloss: 'MY', handshape: 'B', location: 'chest', movement: 'contact', fingers: 'up', palm: 'in', hands: 'one' },
  { gloss: 'YOUR', handshape: 'B', location: 'neutral', movement: 'away', fingers: 'up', palm: 'out', hands: 'one' },
  { gloss: 'MOTHER', handshape: '5', location: 'chin', movement: 'contact', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'FATHER', handshape: '5', location: 'forehead', movement: 'contact', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'EAT', handshape: 'flat-O', location: 'mouth', movement: 'repeat', fingers: 'up-contra', palm: 'in', hands: 'one' },
  { gloss: 'DRINK', handshape: 'C', location: 'mouth', movement: 'twist', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'NOT', handshape: 'A', location: 'chin', movement: 'away', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'WHAT', handshape: '5', location: 'neutral', movement: 'shake', fingers: 'forward', palm: 'up', hands: 'symmetric' },
  { gloss: 'WHERE', handshape: '1', location: 'neutral', movement: 'shake', fingers: 'up', palm: 'out', hands: 'one' },
  { gloss: 'WHO', handshape: 'L', location: 'chin', movement: 'twist', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'WHEN', handshape: '1', location: 'otherHand', movement: 'circle', fingers: 'forward', palm: 'down', hands: 'base', baseHandshape: '1' },
  { gloss: 'WHY', handshape: 'Y', location: 'forehead', movement: 'away', fingers: 'up', palm: 'in', hands: 'one' },
  { gloss: 'YESTERDAY', handshape: 'Y', location: 'cheek', movement: 'arc', fingers: 'up', palm: 'out', hands: 'one' },
  { gloss: 'TOMORROW', handshape: 'A', location: 'cheek', movement: 'away', fingers: 'up', palm: 'contra', hands: 'one' },
  { gloss: 'HOUSE', handshape: 'B', location: 'neutral', movement: 'down', fingers: 'up-contra', palm: 'contra', hands: 'symmetric' },
  { gloss: 'BOOK', handshape: 'B', location: 'neutral', movement: 'twist', fingers: 'forward', palm: 'contra', hands: 'symmetric' },
];

function buildLexicon(): Map<string, SignDef> {
  const lex = new Map<string, SignDef>();
  const used = new Set<string>();
  const key = (s: Omit<SignDef, 'mouth'>) => `${s.handshape}|${s.location}|${s.movement}`;
  for (const s of HAND_WRITTEN) {
    lex.set(s.gloss, { ...s, mouth: mouthFor(s.gloss) });
    used.add(key(s));
  }
  for (const gloss of lexicalGlosses().sort()) {
    if (lex.has(gloss)) continue;
    const rng = Rng.fromState(hashSeed('sbp-lexicon', gloss));
    for (let attempt = 0; ; attempt++) {
      const handshape = rng.pick(LEXICAL_HANDSHAPES);
      const location = rng.pick(LOCATIONS);
      const movement = rng.pick(MOVEMENTS);
      const onFace = FACE_LOCATIONS.has(location);
      const [fingers, palm] = rng.pick(onFace ? ORIENT_FACE : ORIENT_NEUTRAL);
      let hands: HandUse = 'one';
      if (location === 'otherHand') hands = 'base';
      else {
        const r = rng.next();
        if (r < 0.2 && location !== 'shoulder' && location !== 'neck') hands = 'symmetric';
        else if (r < 0.3 && !onFace && location !== 'shoulder') hands = 'alternating';
      }
      const def: Omit<SignDef, 'mouth'> = {
        gloss, handshape, location, movement, fingers, palm, hands,
        ...(hands === 'base' ? { baseHandshape: rng.pick(BASE_SHAPES) } : {}),
      };
      if (used.has(key(def)) && attempt < 1000) continue;
      used.add(key(def));
      lex.set(gloss, { ...def, mouth: mouthFor(gloss) });
      break;
    }
  }
  return lex;
}

let cached: Map<string, SignDef> | undefined;

/** The lexicon, gloss → sign (built once, identical on every run). */
export function lexicon(): ReadonlyMap<string, SignDef> {
  cached ??= buildLexicon();
  return cached;
}

export function sign(gloss: string): SignDef {
  const s = lexicon().get(gloss);
  if (!s) throw new Error(`no sign for gloss '${gloss}'`);
  return s;
}

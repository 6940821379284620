import type { FingerFlex, Handshape } from './hand.js';

/**
 * The handshape inventory: joint angles for each named shape (names follow common ASL handshape labels; the values
 * are our own approximations, not measurements).
 */

const EXT: FingerFlex = [0, 0, 0];
const FIST: FingerFlex = [1.55, 1.7, 1.0];
const BENT: FingerFlex = [1.45, 0.05, 0.05];
const CURVED: FingerFlex = [0.45, 0.7, 0.4];
const OCURL: FingerFlex = [0.75, 1.0, 0.6];
const HOOK: FingerFlex = [0.15, 1.35, 1.0];
const CLAW: FingerFlex = [0.25, 1.0, 0.7];
const HALF: FingerFlex = [0.7, 0.2, 0.1];
const TUCK: FingerFlex = [1.2, 1.9, 1.2];

// Thumb presets: [abduction, opposition, MCP flex, IP flex]
const T_ALONG = [0.3, 0.15, 0.05, 0.05] as const; // alongside the fist (A)
const T_OVER = [0.45, 1.0, 0.8, 0.6] as const; // across the curled fingers (S, 1, V)
const T_OUT = [1.25, 0.15, 0, 0] as const; // abducted (5, L, Y)
const T_PALM = [0.25, 0.8, 0.55, 0.3] as const; // folded against the palm (B, 4)
const T_OPP = [0.85, 0.75, 0.35, 0.3] as const; // opposed, curved (C, O)
const T_PINCH = [0.7, 1.0, 0.55, 0.45] as const; // pinching the index tip (F, O, flat-O)
const T_UNDER = [0.3, 0.9, 1.0, 0.7] as const; // tucked under fingers (E, M, N, T)

function hs(name: string, fingers: [FingerFlex, FingerFlex, FingerFlex, FingerFlex], spread: number,
  thumb: readonly [number, number, number, number]): Handshape {
  return { name, fingers, spread, thumb };
}

export const HANDSHAPES: readonly Handshape[] = [
  hs('B', [EXT, EXT, EXT, EXT], 0, T_PALM),
  hs('5', [EXT, EXT, EXT, EXT], 1, T_OUT),
  hs('A', [FIST, FIST, FIST, FIST], 0, T_ALONG),
  hs('S', [FIST, FIST, FIST, FIST], 0, T_OVER),
  hs('1', [EXT, FIST, FIST, FIST], 0, T_OVER),
  hs('V', [EXT, EXT, FIST, FIST], 1, T_OVER),
  hs('U', [EXT, EXT, FIST, FIST], 0, T_OVER),
  hs('W', [EXT, EXT, EXT, FIST], 1, T_OVER),
  hs('Y', [FIST, FIST, FIST, EXT], 0.6, T_OUT),
  hs('L', [EXT, FIST, FIST, FIST], 0, [1.45, 0.05, 0, 0]),
  hs('C', [CURVED, CURVED, CURVED, CURVED], 0.1, T_OPP),
  hs('O', [OCURL, OCURL, OCURL, OCURL], 0, T_PINCH),
  hs('F', [OCURL, EXT, EXT, EXT], 0.8, T_PINCH),
  hs('X', [HOOK, FIST, FIST, FIST], 0, T_OVER),
  hs('bent-B', [BENT, BENT, BENT, BENT], 0, T_PALM),
  hs('claw-5', [CLAW, CLAW, CLAW, CLAW], 1, [1.1, 0.4, 0.4, 0.5]),
  hs('I', [FIST, FIST, FIST, EXT], 0, T_OVER),
  hs('K', [EXT, [0.6, 0, 0], FIST, FIST], 0.7, [0.7, 0.6, 0.1, 0]),
  hs('3', [EXT, EXT, FIST, FIST], 1, T_OUT),
  hs('open-8', [EXT, [1.0, 0.2, 0.1], EXT, EXT], 1, T_OUT),
  hs('flat-O', [HALF, HALF, HALF, HALF], 0, T_PINCH),
  hs('E', [TUCK, TUCK, TUCK, TUCK], 0, T_UNDER),
  hs('4', [EXT, EXT, EXT, EXT], 1, T_PALM),
  hs('horns', [EXT, FIST, FIST, EXT], 0.8, T_OVER),
  hs('ILY', [EXT, FIST, FIST, EXT], 0.8, T_OUT),
  hs('bent-V', [CLAW, CLAW, FIST, FIST], 1, T_OVER),
  hs('D', [EXT, OCURL, OCURL, OCURL], 0, T_PINCH),
  hs('M', [[1.3, 1.5, 0.9], [1.3, 1.5, 0.9], [1.3, 1.5, 0.9], FIST], 0, T_UNDER),
  hs('N', [[1.3, 1.5, 0.9], [1.3, 1.5, 0.9], FIST, FIST], 0, T_UNDER),
  hs('T', [[1.2, 1.3, 0.7], FIST, FIST, FIST], 0, [0.4, 0.9, 0.7, 0.2]),
  hs('R', [EXT, [0.15, 0.1, 0.05], FIST, FIST], 0, T_OVER),
  hs('G', [EXT, FIST, FIST, FIST], 0, [0.6, 0.1, 0.1, 0]),
  hs('bent-L', [[0.3, 1.2, 0.6], FIST, FIST, FIST], 0, [1.3, 0.2, 0.2, 0.2]),
  hs('rest', [[0.35, 0.45, 0.25], [0.4, 0.5, 0.3], [0.45, 0.55, 0.3], [0.5, 0.6, 0.3]], 0.3, [0.6, 0.4, 0.2, 0.2]),
];

const BY_NAME = new Map(HANDSHAPES.map((h) => [h.name, h] as const));

export function handshape(name: string): Handshape {
  const h = BY_NAME.get(name);
  if (!h) throw new Error(`unknown handshape '${name}'`);
  return h;
}

/** Handshapes used for lexical signs (the relaxed 'rest' shape and letter-only shapes excluded). */
export const LEXICAL_HANDSHAPES: readonly string[] = [
  'B', '5', 'A', 'S', '1', 'V', 'U', 'W', 'Y', 'L', 'C', 'O', 'F', 'X', 'bent-B', 'claw-5', 'I', 'K', '3',
  'open-8', 'flat-O', '4', 'horns', 'ILY', 'bent-V', 'D', 'bent-L',
];

/** Finger direction / palm facing, named (for a right hand; see hand.ts for the axes). */
export type FingerDir = 'up' | 'forward' | 'contra' | 'down' | 'up-contra' | 'forward-up';
export type PalmDir = 'out' | 'in' | 'down' | 'up' | 'contra' | 'ipsi';

/** One fingerspelled letter: handshape, orientation and an optional letter movement (J, Z). */
export interface LetterSign {
  letter: string;
  handshape: string;
  fingers: FingerDir;
  palm: PalmDir;
  movement?: 'J' | 'Z';
}

/** A one-handed manual alphabet modelled on the ASL one. */
export const ALPHABET: readonly LetterSign[] = [
  { letter: 'A', handshape: 'A', fingers: 'up', palm: 'out' },
  { letter: 'B', handshape: 'B', fingers: 'up', palm: 'out' },
  { letter: 'C', handshape: 'C', fingers: 'up', palm: 'contra' },
  { letter: 'D', handshape: 'D', fingers: 'up', palm: 'out' },
  { letter: 'E', handshape: 'E', fingers: 'up', palm: 'out' },
  { letter: 'F', handshape: 'F', fingers: 'up', palm: 'out' },
  { letter: 'G', handshape: 'G', fingers: 'contra', palm: 'in' },
  { letter: 'H', handshape: 'U', fingers: 'contra', palm: 'in' },
  { letter: 'I', handshape: 'I', fingers: 'up', palm: 'out' },
  { letter: 'J', handshape: 'I', fingers: 'up', palm: 'out', movement: 'J' },
  { letter: 'K', handshape: 'K', fingers: 'up', palm: 'out' },
  { letter: 'L', handshape: 'L', fingers: 'up', palm: 'out' },
  { letter: 'M', handshape: 'M', fingers: 'up', palm: 'out' },
  { letter: 'N', handshape: 'N', fingers: 'up', palm: 'out' },
  { letter: 'O', handshape: 'O', fingers: 'up', palm: 'contra' },
  { letter: 'P', handshape: 'K', fingers: 'down', palm: 'in' },
  { letter: 'Q', handshape: 'G', fingers: 'down', palm: 'in' },
  { letter: 'R', handshape: 'R', fingers: 'up', palm: 'out' },
  { letter: 'S', handshape: 'S', fingers: 'up', palm: 'out' },
  { letter: 'T', handshape: 'T', fingers: 'up', palm: 'out' },
  { letter: 'U', handshape: 'U', fingers: 'up', palm: 'out' },
  { letter: 'V', handshape: 'V', fingers: 'up', palm: 'out' },
  { letter: 'W', handshape: 'W', fingers: 'up', palm: 'out' },
  { letter: 'X', handshape: 'X', fingers: 'up', palm: 'contra' },
  { letter: 'Y', handshape: 'Y', fingers: 'up', palm: 'out' },
  { letter: 'Z', handshape: '1', fingers: 'up', palm: 'out', movement: 'Z' },
];

export const LETTERS = new Map(ALPHABET.map((l) => [l.letter, l] as const));

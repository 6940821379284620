import { LEXICAL_HANDSHAPES } from '../corpus/procedural/handshapes.js';
import { LOCATIONS, MOVEMENTS } from '../corpus/procedural/lexicon.js';

/**
 * The phonological parameters the recogniser reports per segment (LAP-2021's sign semantics), on the procedural
 * corpus's inventories: location (13 places of articulation of the dominant hand), movement (13 path shapes and
 * directions), orientation (6 palm facings, relative to the dominant side: `contra` faces across the body) and
 * handshape (27 lexical handshapes).
 */
export const PHONOLOGY_PARAMS = ['location', 'movement', 'orientation', 'handshape'] as const;
export type PhonologyParam = (typeof PHONOLOGY_PARAMS)[number];

export const PHONOLOGY_CLASSES: Readonly<Record<PhonologyParam, readonly string[]>> = Object.freeze({
  location: LOCATIONS,
  movement: MOVEMENTS,
  orientation: ['out', 'in', 'down', 'up', 'contra', 'ipsi'],
  handshape: LEXICAL_HANDSHAPES,
});

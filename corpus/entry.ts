import type { GlossSpan } from '../pose/sequence.js';

/** What every corpus lists per sequence (procedural or built from real data), and the split it belongs to. */
export type Split = 'train' | 'dev' | 'test';

export interface CorpusEntry {
  id: string;
  text: string;
  glosses: GlossSpan[];
  language: string;
  signLanguage: string;
  signer: string;
  split: Split;
  frames: number;
  fps: number;
  source: string;
}

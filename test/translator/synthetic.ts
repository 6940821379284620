import { PoseSequence } from '../../pose/sequence.js';
import { BODY, POINTS } from '../../pose/skeleton.js';
import type { TrainingExample } from '../../corpus/training.js';
import { getConfig, type TranslatorConfig } from '../../translator/config.js';

/** Toy sign language for tests: every word holds the right hand at its own place for 6 frames. */
export const WORDS = ['hello', 'world', 'cat', 'dog', 'runs', 'sleeps'];

export function synthSequence(text: string, id = 'synthetic', jitter = 0): PoseSequence {
  const words = text.split(' ');
  const frames = words.length * 6;
  const seq = PoseSequence.empty({ id, fps: 24, width: 640, height: 480, text }, frames);
  for (let t = 0; t < frames; t++) {
    const w = Math.max(0, WORDS.indexOf(words[Math.floor(t / 6)]));
    const cx = 320, cy = 200, sw = 100;
    for (let p = 0; p < POINTS; p++) {
      const hand = p >= 107;
      const ux = hand ? Math.cos(w) * 1.2 + (p - 107) * 0.02 : ((p * 37) % 11) / 5 - 1;
      const uy = hand ? Math.sin(w) * 1.2 + 0.5 : ((p * 53) % 13) / 6 - 1;
      const j = jitter * Math.sin(t * 7.1 + p);
      seq.set(t, p, (cx + (ux + j) * sw) / 640, (cy + uy * sw) / 480, 1);
    }
    seq.set(t, BODY.neck, cx / 640, cy / 480, 1);
    seq.set(t, BODY.rShoulder, (cx - sw / 2) / 640, cy / 480, 1);
    seq.set(t, BODY.lShoulder, (cx + sw / 2) / 640, cy / 480, 1);
  }
  return seq;
}

/** `n` random two-to-four-word sentences with their sequences (deterministic). */
export function synthExamples(n: number, seed = 3): TrainingExample[] {
  let s = seed;
  const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
  return Array.from({ length: n }, (_, i) => {
    const len = 2 + Math.floor(next() * 3);
    const text = Array.from({ length: len }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
    const glosses = text.split(' ').map((w, k) => ({ gloss: w.toUpperCase(), start: 6 * k, end: 6 * k + 6 }));
    return { id: `syn${i}`, text, glosses, sequence: () => synthSequence(text, `syn${i}`) };
  });
}

/** A very small model for fast tests. */
export function microConfig(): TranslatorConfig {
  return getConfig('tiny', { name: 'micro', dModel: 32, heads: 2, encoderLayers: 1, decoderLayers: 1, ff: 64, maxSourceRows: 32, maxTargetTokens: 8, warmupSteps: 5, learningRate: 3e-3, batch: 8 });
}

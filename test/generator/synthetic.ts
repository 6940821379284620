import { PoseSequence } from '../../pose/sequence.js';
import { POINTS } from '../../pose/skeleton.js';
import type { TrainingExample } from '../../corpus/training.js';

const WORDS = ['hello', 'world', 'sign', 'book', 'house', 'water', 'thanks', 'friend'];

/** Small text→pose pairs whose motion depends on the words (so a model can learn something in a few steps). */
export function syntheticPairs(n: number, seed = 1): TrainingExample[] {
  let s = seed;
  const rand = () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff; };
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    const text = words.join(' ') + (i % 3 === 0 ? '.' : '');
    const sequence = () => {
      const frames = 8 + 6 * words.length;
      // Word k is signed over frames 6k … 6k+5 (the first 8 frames of the tail hold the last word).
      const glosses = words.map((w, k) => ({ gloss: w.toUpperCase(), start: 6 * k, end: 6 * k + 6 }));
      const seq = PoseSequence.empty({ id: `syn${i}`, fps: 24, width: 640, height: 480, text, glosses }, frames);
      for (let t = 0; t < frames; t++) {
        const w = WORDS.indexOf(words[Math.min(words.length - 1, Math.floor(t / 6))]);
        for (let p = 0; p < POINTS; p++) {
          if (p >= 106 && w % 2 === 0) continue; // right hand missing for even words
          const x = 0.3 + 0.4 * ((p * 37) % 100) / 100 + 0.02 * Math.sin(t / 3 + w);
          const y = 0.2 + 0.6 * ((p * 53) % 100) / 100 + 0.03 * w / WORDS.length;
          seq.set(t, p, x, y, 0.9);
        }
      }
      seq.people.fill(1);
      return seq;
    };
    return { id: `syn${i}`, text, sequence };
  });
}

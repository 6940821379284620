/** The loop of a DTW-MJE worker thread: receives chunks of (hypothesis, reference) pairs, answers their results. */
import { parentPort } from 'node:worker_threads';
import { PoseSequence, type SequenceMeta } from '../../pose/sequence.js';
import { dtwMje } from '../metrics/pose/dtw-mje.js';

interface Wire { meta: SequenceMeta; data: Float32Array }
const seq = (w: Wire) => new PoseSequence(w.meta, w.data);

parentPort!.on('message', (msg: { chunk: number; pairs: [Wire, Wire][] }) => {
  try {
    parentPort!.postMessage({ chunk: msg.chunk, results: msg.pairs.map(([h, r]) => dtwMje(seq(h), seq(r))) });
  } catch (err) {
    parentPort!.postMessage({ chunk: msg.chunk, error: (err as Error).message });
  }
});

import { loadTrainingSplits } from '../corpus/training.js';
import type { TrainingExample } from '../corpus/training.js';

export interface TrainingCorpus {
  version: string;
  train: TrainingExample[];
  dev: TrainingExample[];
  test: TrainingExample[];
}

/**
 * Train/dev/test examples for the translator (sequences drawn on demand): `procedural` (test = held-out signers) or a
 * corpus directory / SignVerse shards (corpus/training.ts). Gloss timings, where the corpus has them, feed the
 * auxiliary gloss loss.
 */
export async function loadTrainingCorpus(name: string, opts: { sentences?: number; seed?: number } = {}): Promise<TrainingCorpus> {
  const c = await loadTrainingSplits(name, opts);
  return { version: c.version, train: c.train, dev: c.dev, test: c.test };
}

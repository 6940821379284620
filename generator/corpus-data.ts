import { loadTrainingSplits } from '../corpus/training.js';
import type { TrainingExample } from '../corpus/training.js';
import type { CorpusInfo } from './train.js';

export interface GeneratorCorpus {
  info: CorpusInfo;
  train: TrainingExample[];
  dev: TrainingExample[];
  test: TrainingExample[];
}

/**
 * Training pairs for the generator: `procedural` (streamed from its seed, nothing written out) or a corpus directory
 * / SignVerse shards (corpus/training.ts).
 */
export async function loadGeneratorCorpus(spec: string, opts: { sentences?: number; seed?: number } = {}): Promise<GeneratorCorpus> {
  const c = await loadTrainingSplits(spec, opts);
  return { info: { name: c.name, version: c.version, hash: null, sentences: c.entries }, train: c.train, dev: c.dev, test: c.test };
}

import { loadTrainingSplits } from '../corpus/training.js';
import type { TrainingPair } from './data.js';
import type { CorpusInfo } from './train.js';

export interface GeneratorCorpus {
  info: CorpusInfo;
  train: TrainingPair[];
  dev: TrainingPair[];
  test: TrainingPair[];
}

/**
 * Training pairs for the generator: `procedural` (streamed from its seed, nothing written out) or a corpus directory
 * / SignVerse shards (corpus/training.ts).
 */
export async function loadGeneratorCorpus(spec: string, opts: { sentences?: number; seed?: number } = {}): Promise<GeneratorCorpus> {
  const c = await loadTrainingSplits(spec, opts);
  const pairs = (xs: typeof c.train): TrainingPair[] => xs.map((x) => ({ id: x.id, text: x.text, glosses: x.glosses, load: x.sequence }));
  const sentences = c.train.length + c.dev.length + c.test.length;
  return { info: { name: c.name, version: c.version, hash: null, sentences }, train: pairs(c.train), dev: pairs(c.dev), test: pairs(c.test) };
}

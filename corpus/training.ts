/**
 * Training splits for the models, from either the procedural corpus streamed from its seed (`procedural`: nothing is
 * written out, sequences are drawn on demand) or a corpus on disk (`openCorpus`: a signbench corpus directory or
 * SignVerse shards). Disk corpora are read once up front, because training draws sequences synchronously and
 * at random; a corpus too large for that is refused with a message.
 */
import type { GlossSpan, PoseSequence } from '../pose/sequence.js';
import { FRAME_STRIDE } from '../pose/skeleton.js';
import { openCorpus } from './format.js';
import { proceduralCorpus, type CorpusEntry, type Split } from './procedural/index.js';
import { isSignbenchError, SignbenchError } from '../pose/errors.js';

/** One training example of every model (generator, translator): a sentence and (lazily) its pose sequence. */
export interface TrainingExample {
  id: string;
  text: string;
  sequence: () => PoseSequence;
  /** Timed glosses (frame spans), where the corpus times its signs. */
  glosses?: readonly GlossSpan[];
}

/** An example of a corpus split: its glosses and signer are always known. */
export interface CorpusExample extends TrainingExample {
  glosses: GlossSpan[];
  signer: string;
}

export interface TrainingSplits {
  /** `procedural` or the corpus directory. */
  name: string;
  version: string;
  /** Entries in the corpus (train + dev + test before test sentences are taken out of train and dev). */
  entries: number;
  train: CorpusExample[];
  dev: CorpusExample[];
  test: CorpusExample[];
}

/** Most float32 bytes of poses a disk corpus may hold to be loaded for training (4 GiB). */
export const MAX_PRELOAD_BYTES = 4 * 1024 ** 3;

export async function loadTrainingSplits(spec: string, opts: { sentences?: number; seed?: number } = {}): Promise<TrainingSplits> {
  const splits = (entries: CorpusEntry[], load: (e: CorpusEntry) => () => PoseSequence) => {
    // A sentence of the test split is never trained on, not even signed by another signer: a large procedural corpus
    // repeats some sentences, and the benchmark's suites are cut from the test split.
    const testTexts = new Set(entries.filter((e) => e.split === 'test').map((e) => e.text));
    const of = (s: Split): CorpusExample[] => entries.filter((e) => e.split === s && (s === 'test' || !testTexts.has(e.text)))
      .map((e) => ({ id: e.id, text: e.text, glosses: e.glosses, signer: e.signer, sequence: load(e) }));
    return { entries: entries.length, train: of('train'), dev: of('dev'), test: of('test') };
  };
  if (spec === 'procedural') {
    const corpus = proceduralCorpus({ ...(opts.sentences ? { sentences: opts.sentences } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    return { name: 'procedural', version: corpus.version, ...splits(corpus.entries, (e) => () => corpus.sequence(e)) };
  }
  const corpus = await openCorpus(spec).catch((err: Error) => {
    throw new SignbenchError(isSignbenchError(err) ? err.kind : 'invalid-input', `corpus ${spec}: ${err.message} (give a corpus directory, SignVerse shards, or "procedural")`, { cause: err, detail: { option: 'corpus' } });
  });
  const entries = corpus.entries();
  const bytes = entries.reduce((a, e) => a + e.frames * FRAME_STRIDE * 4, 0);
  if (bytes > MAX_PRELOAD_BYTES) {
    throw new SignbenchError('too-large', `corpus ${spec}: ${(bytes / 1024 ** 3).toFixed(1)} GiB of poses is too much to load for training (limit ${MAX_PRELOAD_BYTES / 1024 ** 3} GiB); use a smaller corpus or "procedural"`, { detail: { option: 'corpus' } });
  }
  if (entries.length === 0) throw new SignbenchError('invalid-input', `corpus ${spec}: the corpus has no entries`, { detail: { option: 'corpus' } });
  const loaded = new Map<string, PoseSequence>();
  for await (const { entry, seq } of corpus.stream()) loaded.set(entry.id, seq);
  return {
    name: spec,
    version: corpus.version,
    ...splits(entries, (e) => () => {
      const s = loaded.get(e.id);
      if (!s) throw new SignbenchError('invalid-input', `corpus ${spec}: entry ${e.id} has no sequence`, { detail: { option: 'corpus' } });
      return s;
    }),
  };
}

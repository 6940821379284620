/**
 * Reading the inputs of the pose-scoring commands: any format the project reads (pose/io.ts), plus the raw counters
 * of Progressive Transformers `.skels` files (for the PT DTW score's trimming at the counter peak).
 */
import type { PoseSequence } from '../../../pose/sequence.js';
import { ptCounter, readPtSkels } from '../../../pose/formats/pt-skels.js';
import { readPoses } from '../../../pose/io.js';

export interface PoseInputs {
  sequences: PoseSequence[];
  /** Counter channel per sequence id, where the format has one. */
  counters: Map<string, Float32Array>;
}

export async function readPoseInputs(path: string): Promise<PoseInputs> {
  const counters = new Map<string, Float32Array>();
  const sequences: PoseSequence[] = [];
  if (path.endsWith('.skels')) {
    for await (const item of readPtSkels(path)) {
      sequences.push(item.seq);
      counters.set(item.seq.id, ptCounter(item.raw));
    }
    return { sequences, counters };
  }
  for await (const seq of readPoses(path)) sequences.push(seq);
  return { sequences, counters };
}

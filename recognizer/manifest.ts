import type { RecognizerConfig } from './config.js';
import { FEATURE_DIM } from './features.js';
import { readManifest } from '../nn/manifest.js';

export const MODEL_FORMAT = 'signbench-recognizer';
export const MODEL_VERSION = 1;
export const MODEL_FILE = 'recognizer.onnx';

/** manifest.json of an exported recogniser model directory: everything needed to serve it. */
export interface RecognizerManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  config: RecognizerConfig;
  params: number;
  /** Class index → gloss. */
  glosses: string[];
  /** Phonological parameter → class index → label. */
  phonology: Record<string, string[]>;
  features: { dim: number; frames: number; keyFrames: number; description: string };
  files: { model: string; lossCurve: string | null };
  io: { inputs: string[]; outputs: string[]; notes: string };
  corpusVersion: string | null;
  training: { command: string | null; steps: number; seed: number | null; batch: number | null; examples: number | null; finalLoss: number | null; backend: string | null };
  metrics: Record<string, unknown>;
  created: string;
}

/** Reads a model directory's manifest and checks the parts the runtime relies on; errors name the file and the field. */
export function readRecognizerManifest(dir: string): { file: string; manifest: RecognizerManifest } {
  const { file, manifest } = readManifest(dir, { format: MODEL_FORMAT, version: MODEL_VERSION, what: 'recognizer model' });
  const m = manifest as Partial<RecognizerManifest>;
  const fail = (problem: string): never => { throw new Error(`${file}: ${problem}`); };
  if (!Array.isArray(m!.glosses) || m!.glosses.length < 2) fail('glosses is missing or has fewer than 2 entries');
  if (m!.features?.dim !== FEATURE_DIM) fail(`features.dim is ${m!.features?.dim}, this version computes ${FEATURE_DIM}`);
  if (!m!.files?.model) fail('files.model missing');
  if (!m!.phonology || typeof m!.phonology !== 'object') fail('phonology labels missing');
  return { file, manifest: m as RecognizerManifest };
}

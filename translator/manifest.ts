import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM } from './features.js';
import type { VocabJson } from './vocab.js';

export const MODEL_FORMAT = 'signbench-translator';
export const MODEL_VERSION = 1;
export const ENCODER_FILE = 'encoder.onnx';
export const DECODER_STEP_FILE = 'decoder_step.onnx';
export const MODEL_MANIFEST_FILE = 'manifest.json';

/** manifest.json of an exported translator model directory: everything needed to serve it. */
export interface TranslatorManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  config: TranslatorConfig;
  params: number;
  vocab: VocabJson;
  features: { dim: number; stride: number; maxRows: number; description: string };
  files: { encoder: string; decoderStep: string; lossCurve: string | null };
  io: {
    encoder: { inputs: string[]; outputs: string[] };
    decoderStep: { inputs: string[]; outputs: string[] };
    notes: string;
  };
  corpusVersion: string | null;
  training: { command: string | null; steps: number; seed: number | null; batch: number | null; finalLoss: number | null; backend: string | null };
  metrics: Record<string, unknown>;
  created: string;
}

/** Checks the parts of a manifest the runtime relies on; errors name the file and the field. */
export function validateManifest(json: unknown, file: string): TranslatorManifest {
  const m = json as Partial<TranslatorManifest> | null;
  const fail = (problem: string): never => { throw new Error(`${file}: ${problem}`); };
  if (!m || typeof m !== 'object') fail('not a JSON object');
  if (m!.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(m!.format)}, expected "${MODEL_FORMAT}" (not a translator model directory?)`);
  if (m!.version !== MODEL_VERSION) fail(`version ${m!.version} is not supported (expected ${MODEL_VERSION})`);
  const c = m!.config;
  if (!c || ![c.dModel, c.heads, c.encoderLayers, c.decoderLayers, c.maxSourceRows, c.maxTargetTokens].every((v) => Number.isInteger(v) && v > 0)) {
    fail('config is missing or has invalid sizes');
  }
  if (!m!.vocab || !Array.isArray(m!.vocab.tokens) || m!.vocab.tokens.length < 5) fail('vocab is missing or too small');
  if (m!.features?.dim !== FEATURE_DIM) fail(`features.dim is ${m!.features?.dim}, this version computes ${FEATURE_DIM}`);
  if (!m!.files?.encoder || !m!.files?.decoderStep) fail('files.encoder / files.decoderStep missing');
  return m as TranslatorManifest;
}

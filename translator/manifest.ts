import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM } from './features.js';
import type { VocabJson } from './vocab.js';
import { readManifest } from '../nn/manifest.js';

export const MODEL_FORMAT = 'signbench-translator';
export const MODEL_VERSION = 1;
export const ENCODER_FILE = 'encoder.onnx';
export const DECODER_STEP_FILE = 'decoder_step.onnx';

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

/** Reads a model directory's manifest and checks the parts the runtime relies on; errors name the file and the field. */
export function readTranslatorManifest(dir: string): { file: string; manifest: TranslatorManifest } {
  const { file, manifest } = readManifest(dir, { format: MODEL_FORMAT, version: MODEL_VERSION, what: 'translator model' });
  const m = manifest as Partial<TranslatorManifest>;
  const fail = (problem: string): never => { throw new Error(`${file}: ${problem}`); };
  const c = m!.config;
  if (!c || ![c.dModel, c.heads, c.encoderLayers, c.decoderLayers, c.maxSourceRows, c.maxTargetTokens].every((v) => Number.isInteger(v) && v > 0)) {
    fail('config is missing or has invalid sizes');
  }
  if (!m!.vocab || !Array.isArray(m!.vocab.tokens) || m!.vocab.tokens.length < 5) fail('vocab is missing or too small');
  if (m!.features?.dim !== FEATURE_DIM) fail(`features.dim is ${m!.features?.dim}, this version computes ${FEATURE_DIM}`);
  if (!m!.files?.encoder || !m!.files?.decoderStep) fail('files.encoder / files.decoderStep missing');
  return { file, manifest: m as TranslatorManifest };
}

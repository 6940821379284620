import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, readManifest } from '../nn/manifest.js';
import { validateConfig, type GeneratorConfig } from './config.js';
import { NAR_ARCHITECTURE, validateNarConfig, type NarConfig } from './nar/config.js';
import { SPECIALS, type TokenizerMode } from './tokenizer.js';

export const MODEL_FORMAT = 'signbench-generator';
export const MODEL_VERSION = 1;

/** The generator model directory's manifest.json (the I/O contract is documented in generator/README.md). */
export interface GeneratorManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  /** Absent in models written before the field existed: those are autoregressive. */
  architecture?: 'autoregressive';
  files: { encoder: string; decoderStep: string; lossCurve?: string };
  /** Names and shapes of the graph inputs/outputs, for humans and checks. */
  io: Record<string, unknown>;
  tokenizer: { mode: TokenizerMode; lowercase: true; pattern: string; specials: readonly string[]; maxTextLen: number };
  vocab: string[];
  config: GeneratorConfig;
  normalization: {
    space: 'centre-square';
    layout: 'dwpose128-xyp';
    /** Width = height of generated sequences, in pixels (the training corpus's crop size). */
    size: number;
    fps: number;
    maxFrames: number;
    minFrames: number;
    presenceThreshold: number;
    poseMean: number[] | null;
    poseStd: number[] | null;
  };
  corpus: { name: string; version: string; hash: string | null; sentences: number };
  metrics: Record<string, number>;
  training: { command: string; steps: number; seed: number; backend: string; stepsPerSecond: number; date: string; parameters: number };
}

/**
 * The manifest of a non-autoregressive model (generator/nar/, contract in generator/README.md): text → glosses →
 * durations → frames, three graphs each run once per sentence.
 */
export interface NarGeneratorManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  architecture: typeof NAR_ARCHITECTURE;
  files: { textToGloss: string; glossEncoder: string; frameDecoder: string; lossCurve?: string };
  io: Record<string, unknown>;
  tokenizer: GeneratorManifest['tokenizer'];
  /** Text vocabulary (itos). */
  vocab: string[];
  /** Gloss vocabulary (itos): the specials, '?', then the glosses. */
  glossVocab: string[];
  config: NarConfig;
  normalization: {
    space: 'full-frame';
    layout: 'dwpose128-xyp';
    /** Frame size of generated sequences (x, y are fractions of it) and their frame rate. */
    width: number;
    height: number;
    fps: number;
    maxFrames: number;
    minFrames: number;
    presenceThreshold: number;
    /** Length-regulator phase features per frame (generator/nar/regulate.ts). */
    phaseDim: number;
  };
  corpus: GeneratorManifest['corpus'];
  metrics: Record<string, number>;
  training: GeneratorManifest['training'];
}

export type AnyGeneratorManifest = GeneratorManifest | NarGeneratorManifest;

export function isNarManifest(m: AnyGeneratorManifest): m is NarGeneratorManifest {
  return m.architecture === NAR_ARCHITECTURE;
}

/** Reads and checks an autoregressive model directory's manifest; errors name the file and the mismatch. */
export function readGeneratorManifest(dir: string): GeneratorManifest {
  const m = readAnyGeneratorManifest(dir);
  if (isNarManifest(m)) throw new Error(`${join(dir, MANIFEST_FILE)}: a non-autoregressive model (load it with GeneratorRuntime.load)`);
  return m;
}

function checkFiles(dir: string, file: string, names: string[]): void {
  for (const f of names) {
    if (typeof f !== 'string' || /[\\/]/.test(f) || f.startsWith('.')) throw new Error(`${file}: file name ${JSON.stringify(f)} must be a plain name inside the model directory`);
    if (!existsSync(join(dir, f))) throw new Error(`${join(dir, f)}: not found (named in ${file})`);
  }
}

function checkNarManifest(dir: string, file: string, m: NarGeneratorManifest): NarGeneratorManifest {
  if (!Array.isArray(m.glossVocab) || m.glossVocab.some((t) => typeof t !== 'string') || SPECIALS.some((s, i) => m.glossVocab[i] !== s)) {
    throw new Error(`${file}: glossVocab must be a list of strings starting with ${SPECIALS.join(' ')}`);
  }
  if (!m.config || typeof m.config !== 'object') throw new Error(`${file}: config is missing`);
  validateNarConfig(m.config, file);
  const n = m.normalization;
  if (n?.space !== 'full-frame' || !(n.width > 0) || !(n.height > 0) || !(n.fps > 0)) {
    throw new Error(`${file}: normalization must give space "full-frame" and positive width, height and fps`);
  }
  if (!m.files?.textToGloss || !m.files?.glossEncoder || !m.files?.frameDecoder) throw new Error(`${file}: files.textToGloss, files.glossEncoder and files.frameDecoder are required`);
  checkFiles(dir, file, [m.files.textToGloss, m.files.glossEncoder, m.files.frameDecoder]);
  return m;
}

/** Reads and checks a model directory's manifest of either architecture; errors name the file and the mismatch. */
export function readAnyGeneratorManifest(dir: string): AnyGeneratorManifest {
  const { file, manifest } = readManifest(dir, {
    format: MODEL_FORMAT, version: MODEL_VERSION, what: 'generator model', holds: 'manifest.json and the ONNX graphs it names',
  });
  const m = manifest as unknown as AnyGeneratorManifest;
  if (!Array.isArray(m.vocab) || m.vocab.some((t) => typeof t !== 'string') || SPECIALS.some((s, i) => m.vocab[i] !== s)) {
    throw new Error(`${file}: vocab must be a list of strings starting with ${SPECIALS.join(' ')}`);
  }
  if (m.tokenizer?.mode !== 'word' && m.tokenizer?.mode !== 'char') throw new Error(`${file}: tokenizer.mode must be "word" or "char"`);
  if (isNarManifest(m)) return checkNarManifest(dir, file, m);
  if (m.architecture !== undefined && m.architecture !== 'autoregressive') {
    throw new Error(`${file}: architecture ${JSON.stringify(m.architecture)} is not supported (autoregressive or ${NAR_ARCHITECTURE})`);
  }
  if (!m.config || typeof m.config !== 'object') throw new Error(`${file}: config is missing`);
  validateConfig(m.config, file);
  const n = m.normalization;
  if (!n || !(n.size > 0) || !(n.fps > 0)) throw new Error(`${file}: normalization.size and normalization.fps must be positive`);
  for (const key of ['poseMean', 'poseStd'] as const) {
    const v = n[key];
    if (v != null && (!Array.isArray(v) || v.length !== 384)) throw new Error(`${file}: normalization.${key} must be null or 384 numbers`);
  }
  if (!m.files?.encoder || !m.files?.decoderStep) throw new Error(`${file}: files.encoder and files.decoderStep are required`);
  checkFiles(dir, file, [m.files.encoder, m.files.decoderStep]);
  return m;
}

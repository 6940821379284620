import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '../nn/manifest.js';
import { loadCheckpoint } from '../nn/checkpoint.js';
import { FEATURE_DIM, KEY_FRAMES, SEGMENT_FRAMES } from './features.js';
import { PHONOLOGY_CLASSES } from './labels.js';
import { MODEL_FILE, MODEL_FORMAT, MODEL_VERSION, type RecognizerManifest } from './manifest.js';
import { exportRecognizerGraph, INPUTS, OUTPUTS } from './onnx-export.js';
import type { RecognizerCheckpointConfig } from './train.js';

export interface ExportOptions {
  metrics?: Record<string, unknown>;
  backend?: string | null;
}

/** Exports a recogniser checkpoint to a servable directory: recognizer.onnx, manifest.json, loss.svg. */
export function exportRecognizer(checkpointDir: string, outDir: string, opts: ExportOptions = {}): RecognizerManifest {
  const ckpt = loadCheckpoint(checkpointDir);
  const meta = ckpt.manifest.config as RecognizerCheckpointConfig | null;
  if (!meta || meta.model !== 'recognizer') throw new Error(`${checkpointDir}: not a recognizer checkpoint (config.model is ${JSON.stringify(meta?.model)})`);
  if (meta.featureDim !== FEATURE_DIM) throw new Error(`${checkpointDir}: trained on ${meta.featureDim}-dim features, this version computes ${FEATURE_DIM}`);
  const bytes = exportRecognizerGraph(meta.recognizer, ckpt, meta.featureDim, meta.glosses.length, meta.mean, meta.std);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, MODEL_FILE), bytes);
  const svg = join(checkpointDir, 'loss.svg');
  const hasSvg = existsSync(svg);
  if (hasSvg && resolve(svg) !== resolve(join(outDir, 'loss.svg'))) copyFileSync(svg, join(outDir, 'loss.svg'));
  const extra = ckpt.manifest.extra ?? {};
  const history = Array.isArray(extra.history) ? (extra.history as { loss: number }[]) : [];
  const params = ckpt.manifest.tensors.filter((t) => !t.name.startsWith('adam.')).reduce((n, t) => n + t.length, 0);
  let previous: Record<string, unknown> = {};
  const old = join(outDir, MANIFEST_FILE);
  if (existsSync(old)) {
    try { previous = (JSON.parse(readFileSync(old, 'utf8')) as RecognizerManifest).metrics ?? {}; } catch { previous = {}; }
  }
  const manifest: RecognizerManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config: meta.recognizer,
    params,
    glosses: meta.glosses,
    phonology: Object.fromEntries(Object.entries(PHONOLOGY_CLASSES).map(([k, v]) => [k, [...v]])),
    features: {
      dim: FEATURE_DIM, frames: SEGMENT_FRAMES, keyFrames: KEY_FRAMES,
      description: 'recognizer/features.ts: segment → 63 frames (linear) → 27-point arm+hand subset in shoulder units; 6 key frames (lowest smoothed hand speed, ≥ 5 frames apart) × 56 values + 16 path frames × 16 values + ln duration',
    },
    files: { model: MODEL_FILE, lossCurve: hasSvg ? 'loss.svg' : null },
    io: {
      inputs: [...INPUTS], outputs: [...OUTPUTS],
      notes: 'features [batch, dim] f32 raw (standardisation is inside the graph); every output is softmax probabilities [batch, classes] in the order of manifest.glosses / manifest.phonology',
    },
    corpusVersion: typeof extra.corpusVersion === 'string' ? extra.corpusVersion : null,
    training: {
      command: typeof extra.command === 'string' ? extra.command : null,
      steps: ckpt.manifest.step,
      seed: meta.seed,
      batch: typeof extra.batch === 'number' ? extra.batch : null,
      examples: typeof extra.examples === 'number' ? extra.examples : null,
      finalLoss: history.length > 0 ? history.slice(-50).reduce((a, p) => a + p.loss, 0) / Math.min(50, history.length) : null,
      backend: opts.backend ?? null,
    },
    metrics: { ...previous, ...(opts.metrics ?? {}) },
    created: new Date().toISOString(),
  };
  writeFileSync(old, JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

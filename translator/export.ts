import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../nn/manifest.js';
import { loadCheckpoint, type LoadedCheckpoint } from '../nn/checkpoint.js';
import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM, FEATURE_STRIDE } from './features.js';
import {
  DECODER_STEP_FILE, ENCODER_FILE, MODEL_FORMAT, MODEL_VERSION, type TranslatorManifest,
} from './manifest.js';
import { decoderIo, encoderIo, exportTranslatorGraphs } from './onnx-export.js';
import type { TranslatorCheckpointConfig } from './train.js';
import { Vocab } from './vocab.js';
import { writeFileAtomicSync } from '../pose/fsio.js';

/** The translator config and vocabulary stored in a training checkpoint (errors name the checkpoint). */
export function checkpointModel(ckpt: LoadedCheckpoint): { config: TranslatorConfig; vocab: Vocab; meta: TranslatorCheckpointConfig } {
  const meta = ckpt.manifest.config as TranslatorCheckpointConfig | null;
  if (!meta || meta.model !== 'translator' || !meta.translator) throw new Error(`${ckpt.dir}: not a translator checkpoint (config.model is ${JSON.stringify(meta?.model)})`);
  if (meta.featureDim !== FEATURE_DIM) throw new Error(`${ckpt.dir}: trained on ${meta.featureDim}-dim features, this version computes ${FEATURE_DIM}`);
  if (!ckpt.manifest.vocab) throw new Error(`${ckpt.dir}: checkpoint has no vocabulary`);
  return { config: meta.translator, vocab: new Vocab(meta.translator.vocabLevel, ckpt.manifest.vocab), meta };
}

export interface ExportOptions {
  metrics?: Record<string, unknown>;
}

/**
 * Exports a training checkpoint to a servable model directory: encoder.onnx, decoder_step.onnx, manifest.json (I/O
 * contract, vocabulary, features, config, corpus version, training command, metrics) and loss.svg.
 */
export function exportTranslator(checkpointDir: string, outDir: string, opts: ExportOptions = {}): TranslatorManifest {
  const ckpt = loadCheckpoint(checkpointDir);
  const { config, vocab, meta } = checkpointModel(ckpt);
  const graphs = exportTranslatorGraphs(config, ckpt, vocab.size);
  mkdirSync(outDir, { recursive: true });
  writeFileAtomicSync(join(outDir, ENCODER_FILE), graphs.encoder);
  writeFileAtomicSync(join(outDir, DECODER_STEP_FILE), graphs.decoderStep);
  const svg = join(checkpointDir, 'loss.svg');
  const hasSvg = existsSync(svg);
  if (hasSvg && join(checkpointDir, 'loss.svg') !== join(outDir, 'loss.svg')) copyFileSync(svg, join(outDir, 'loss.svg'));
  const extra = ckpt.manifest.extra ?? {};
  const history = Array.isArray(extra.history) ? (extra.history as { loss: number }[]) : [];
  const tail = history.slice(-50);
  const params = ckpt.manifest.tensors.filter((t) => !t.name.startsWith('adam.') && !t.name.startsWith('aux.')).reduce((n, t) => n + t.length, 0);
  let previous: Record<string, unknown> = {};
  const oldManifest = join(outDir, MANIFEST_FILE);
  if (existsSync(oldManifest)) {
    try { previous = (JSON.parse(readFileSync(oldManifest, 'utf8')) as TranslatorManifest).metrics ?? {}; } catch { previous = {}; }
  }
  const manifest: TranslatorManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config,
    params,
    vocab: vocab.toJson(),
    features: {
      dim: FEATURE_DIM,
      stride: FEATURE_STRIDE,
      maxRows: config.maxSourceRows,
      description: `translator/features.ts: per point x, y (neck-centred, ÷ shoulder width, clipped ±8), valid, dx, dy (×4 per frame); resampled to 24 fps, every ${FEATURE_STRIDE} frames averaged (stride ${FEATURE_STRIDE})`,
    },
    files: { encoder: ENCODER_FILE, decoderStep: DECODER_STEP_FILE, lossCurve: hasSvg ? 'loss.svg' : null },
    io: {
      encoder: encoderIo(config),
      decoderStep: decoderIo(config),
      notes: 'encoder: features [batch, rows, 640] f32, valid [batch, rows] f32 → pooled [batch, d], cross_k_i/cross_v_i [batch, H, rows, dh]. '
        + 'decoder_step: tokens [n] i64, position [1] i64, valid [n, rows], cross_k_i/cross_v_i, past_k_i/past_v_i [n, H, past, dh] (past = 0 at the first step, token BOS = 1) '
        + '→ log_probs [n, V], present_k_i/present_v_i [n, H, past + 1, dh]. Vocabulary ids: 0 pad, 1 bos, 2 eos, 3 unk.',
    },
    corpusVersion: typeof extra.corpusVersion === 'string' ? extra.corpusVersion : null,
    training: {
      command: typeof extra.command === 'string' ? extra.command : null,
      steps: ckpt.manifest.step,
      seed: meta.seed ?? null,
      batch: meta.batch ?? null,
      finalLoss: tail.length ? tail.reduce((a, p) => a + p.loss, 0) / tail.length : null,
      backend: typeof extra.backend === 'string' ? extra.backend : null,
    },
    metrics: { ...previous, ...opts.metrics },
    created: new Date().toISOString(),
  };
  writeFileAtomicSync(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

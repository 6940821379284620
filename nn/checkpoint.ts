import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamData, ParamStore, WeightSource } from './params.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';
import { readInputFileSync } from '../pose/fsio.js';

export const CHECKPOINT_FORMAT = 'signbench-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const WEIGHTS_FILE = 'weights.bin';

/** One tensor inside weights.bin: little-endian float32, `offset` in bytes from the start of the file. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  offset: number;
  length: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Training step the weights belong to. */
  step: number;
  /** Model configuration (free-form for nn/; each model validates its own). */
  config: unknown;
  /** Vocabulary (itos) or null. */
  vocab: string[] | null;
  /** Model weights, then optionally `adam.m/…`, `adam.v/…` (resume state). */
  tensors: TensorEntry[];
  /** Optimizer step count, when optimizer state is included. */
  optimizerStep?: number;
  /** Anything else: loss history, RNG state, corpus version, metrics. */
  extra?: Record<string, unknown>;
}

export interface SaveCheckpointInput {
  params: ParamStore;
  step: number;
  config: unknown;
  vocab?: string[] | null;
  optimizer?: { step: number; tensors: Map<string, ParamData> };
  extra?: Record<string, unknown>;
}

/** Writes `weights.bin` + `manifest.json` into `dir` (created if needed); each file is written then renamed. */
export function saveCheckpoint(dir: string, input: SaveCheckpointInput): CheckpointManifest {
  mkdirSync(dir, { recursive: true });
  const all: [string, ParamData][] = input.params.names().map((n) => [n, input.params.weight(n)]);
  if (input.optimizer) all.push(...input.optimizer.tensors.entries());
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of all) {
    tensors.push({ name, shape: t.shape, dtype: 'float32', offset, length: t.data.length });
    offset += t.data.length * 4;
  }
  const blob = Buffer.alloc(offset);
  for (let i = 0; i < all.length; i++) {
    const d = all[i][1].data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(blob, tensors[i].offset);
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: input.step,
    config: input.config,
    vocab: input.vocab ?? null,
    tensors,
    ...(input.optimizer ? { optimizerStep: input.optimizer.step } : {}),
    ...(input.extra ? { extra: input.extra } : {}),
  };
  writeFileSync(join(dir, WEIGHTS_FILE + '.tmp'), blob);
  writeFileSync(join(dir, MANIFEST_FILE + '.tmp'), JSON.stringify(manifest, null, 1));
  renameSync(join(dir, WEIGHTS_FILE + '.tmp'), join(dir, WEIGHTS_FILE));
  renameSync(join(dir, MANIFEST_FILE + '.tmp'), join(dir, MANIFEST_FILE));
  return manifest;
}

/** A checkpoint read into memory; hands out weights by name (a WeightSource for the ONNX exporters). */
export class LoadedCheckpoint implements WeightSource {
  constructor(
    readonly dir: string,
    readonly manifest: CheckpointManifest,
    readonly tensors: Map<string, ParamData>,
  ) {}

  weight(name: string): ParamData {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${join(this.dir, MANIFEST_FILE)}: no tensor named ${name}`);
    return t;
  }

  /** Optimizer tensors (`adam.*`), if saved. */
  optimizerTensors(): Map<string, ParamData> {
    return new Map([...this.tensors].filter(([n]) => n.startsWith('adam.')));
  }

  /** Whether the checkpoint holds a tensor of this name. */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Copies the model weights into `params`; every parameter (or every one `only` keeps) must exist with the same shape. */
  loadInto(params: ParamStore, only?: (name: string) => boolean): void {
    for (const name of params.names()) {
      if (only && !only(name)) continue;
      const t = this.tensors.get(name);
      const want = params.get(name).shape;
      if (!t) throw new Error(`${join(this.dir, WEIGHTS_FILE)}: missing tensor ${name} [${want}] that the model needs`);
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new Error(`${join(this.dir, WEIGHTS_FILE)}: tensor ${name} has shape [${t.shape}], the model expects [${want}]`);
      }
      params.assign(name, t.data);
    }
  }
}


/** Whether `dir` holds a checkpoint (both files). */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, WEIGHTS_FILE));
}

/** Reads and validates a checkpoint; errors name the file and what is wrong. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const manifestPath = join(dir, MANIFEST_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const manifest = readManifest(dir, { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, what: 'checkpoint' }).manifest as unknown as CheckpointManifest;
  if (!existsSync(weightsPath)) throw new Error(`${weightsPath}: not found`);
  if (!Array.isArray(manifest.tensors)) throw new Error(`${manifestPath}: "tensors" is missing`);
  const buf = readInputFileSync(weightsPath);
  const tensors = new Map<string, ParamData>();
  for (const e of manifest.tensors) {
    const size = Array.isArray(e.shape) ? e.shape.reduce((a, b) => a * b, 1) : NaN;
    if (e.dtype !== 'float32' || !Number.isInteger(e.offset) || e.offset < 0 || e.offset % 4 !== 0 || size !== e.length) {
      throw new Error(`${manifestPath}: tensor ${e.name} has an invalid entry (dtype ${e.dtype}, offset ${e.offset}, shape [${e.shape}], length ${e.length})`);
    }
    if (e.offset + e.length * 4 > buf.byteLength) {
      throw new Error(`${weightsPath}: ${buf.byteLength} bytes, too short for tensor ${e.name} (needs ${e.offset + e.length * 4}); the file is truncated or does not belong to this manifest`);
    }
    // Copy out: pooled Buffers may not be 4-byte aligned.
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + e.offset, buf.byteOffset + e.offset + e.length * 4));
    tensors.set(e.name, { shape: e.shape, data });
  }
  return new LoadedCheckpoint(dir, manifest, tensors);
}

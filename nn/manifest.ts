import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignbenchError } from '../pose/errors.js';
import { readInputTextSync } from '../pose/fsio.js';

/** The manifest of every model and checkpoint directory (generator, translator, recogniser, nn/checkpoint.ts). */
export const MANIFEST_FILE = 'manifest.json';

/** Manifests hold vocabularies and loss histories, never weights: 64 MiB is far above any we write. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface ManifestKind {
  /** The `format` field the manifest must carry. */
  format: string;
  /** The supported `version`. */
  version: number;
  /** What the directory is, for messages: "generator model", "checkpoint". */
  what: string;
  /** What the directory holds, for the not-found message: "manifest.json, encoder.onnx, decoder_step.onnx". */
  holds?: string;
}

/**
 * Reads `dir/manifest.json` (bounded), parses it and checks its format and version. Each package then checks the
 * fields it relies on. Errors name the file and the problem (not-found for a missing directory or file,
 * invalid-input for the rest).
 */
export function readManifest(dir: string, kind: ManifestKind): { file: string; manifest: Record<string, unknown> } {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(dir)) throw new SignbenchError('not-found', `${dir}: ${kind.what} directory not found`);
  if (!existsSync(file)) {
    throw new SignbenchError('not-found', `${file}: not found (${kind.holds ? `a ${kind.what} directory holds ${kind.holds}` : `expected a ${kind.what} directory`})`);
  }
  const text = readInputTextSync(file, { maxBytes: MAX_MANIFEST_BYTES });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SignbenchError('invalid-input', `${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new SignbenchError('invalid-input', `${file}: not a JSON object`);
  const m = json as Record<string, unknown>;
  if (m.format !== kind.format) {
    throw new SignbenchError('invalid-input', `${file}: format is ${JSON.stringify(m.format)}, expected "${kind.format}" (not a ${kind.what} directory?)`);
  }
  if (m.version !== kind.version) throw new SignbenchError('invalid-input', `${file}: version ${m.version} is not supported (expected ${kind.version})`);
  return { file, manifest: m };
}

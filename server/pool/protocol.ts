/** Messages between the server and its inference processes (structured-clone serialisation: typed arrays travel). */
import type { ErrorKind } from '../../pose/errors.js';
import type { SequenceMeta } from '../../pose/sequence.js';
import type { RenderFormat, RenderStyle } from '../../render/index.js';

/** A pose sequence as it crosses a process boundary. */
export interface WireSequence {
  meta: SequenceMeta;
  data: Float32Array;
  people: Uint8Array;
}

/** Pose input of render/translate: raw upload bytes (parsed in the worker) or text to generate first. */
export type PoseSource =
  | { kind: 'bytes'; bytes: Uint8Array; format?: string; name: string }
  | { kind: 'text'; text: string; model: string };

/**
 * A response encoding the worker applies itself, so that the server's event loop only forwards finished bytes:
 * `dwpose-json`, `pose`, `pose-plain` (the four DWPose components only, for sign.mt clients) or `signverse-npz`.
 */
export type GenerateEncoding = 'dwpose-json' | 'pose' | 'pose-plain' | 'signverse-npz';

export type TaskRequest =
  | { op: 'generate'; text: string; model: string; fps?: number; stream?: boolean; encode?: GenerateEncoding }
  | { op: 'translate'; source: PoseSource; beam: number }
  | { op: 'render'; source: PoseSource; style: RenderStyle; format: RenderFormat; width?: number; height?: number; fps?: number; frame?: number };

export interface TranslateResult {
  id: string;
  text: string;
  score: number;
  alternatives?: { text: string; score: number }[];
  frames: number;
}

/** A generated sequence already encoded (`encode` given): the response body and its frame count. */
export interface EncodedResult {
  bytes: Uint8Array;
  frames: number;
}

export interface RenderResult {
  bytes: Uint8Array;
  frames: number;
  width: number;
  height: number;
  fps: number;
}

export type ToWorker =
  | { type: 'task'; id: number; task: TaskRequest }
  | { type: 'limits'; maxBytes: number; maxFrames: number; maxEntries: number };

export interface WireError {
  kind: ErrorKind;
  message: string;
  detail?: unknown;
}

export type FromWorker =
  | { type: 'ready'; models: ModelInfo[] }
  | { type: 'frame'; id: number; t: number; frame: Float32Array; meta: Pick<SequenceMeta, 'fps' | 'width' | 'height'> }
  | { type: 'done'; id: number; result: WireSequence | EncodedResult | TranslateResult | RenderResult }
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'fatal'; error: WireError };

export interface ModelInfo {
  id: string;
  kind: 'generator' | 'translator';
  config: string;
  fps?: number;
  params?: number;
  default: boolean;
}

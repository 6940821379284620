/**
 * One inference process of the server's pool: loads the generators and the translator once, then runs tasks one at a
 * time (generation, translation, rendering), so that none of that CPU work runs on the server's event loop.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeneratorRuntime } from '../../generator/runtime.js';
import { SignbenchError } from '../../pose/errors.js';
import { parsePoseBytes, type ByteFormat } from '../../pose/io.js';
import { encodeGenerated } from './encode.js';
import { PoseSequence } from '../../pose/sequence.js';
import { renderFramePng, renderSequence } from '../../render/index.js';
import { Translator } from '../../translator/runtime.js';
import type { FromWorker, ModelInfo, PoseSource, TaskRequest, ToWorker, WireError } from './protocol.js';

const send = (m: FromWorker) => process.send!(m);
const generators = new Map<string, GeneratorRuntime>();
let translator: Translator;
let limits = { maxBytes: 64 * 2 ** 20, maxFrames: 10_000, maxEntries: 10_000 };

/** SIGNBENCH_POOL_MODELS: JSON {generators: {id: dir}, defaultGenerator, translator: dir}. */
async function load(): Promise<ModelInfo[]> {
  const spec = JSON.parse(process.env.SIGNBENCH_POOL_MODELS ?? '{}') as { generators?: Record<string, string>; defaultGenerator?: string; translator?: string };
  const models: ModelInfo[] = [];
  for (const [id, dir] of Object.entries(spec.generators ?? {})) {
    const g = await GeneratorRuntime.load(dir, { threads: 1 });
    generators.set(id, g);
    models.push({ id, kind: 'generator', config: g.manifest.config.name, fps: g.manifest.normalization.fps, default: id === spec.defaultGenerator });
  }
  translator = await Translator.load(spec.translator!, { threads: 1 });
  models.push({ id: 'translator', kind: 'translator', config: translator.config.name, default: true });
  return models;
}

function generator(id: string): GeneratorRuntime {
  const g = generators.get(id);
  if (!g) throw new SignbenchError('not-found', `model '${id}' is not served (GET /v1/models lists them)`);
  return g;
}

/** The generator's own text checks throw plain Errors; over HTTP they are the caller's input errors. */
async function generate(text: string, model: string, opts: { fps?: number; onFrame?: (t: number, f: Float32Array) => void } = {}): Promise<PoseSequence> {
  const g = generator(model);
  try {
    g.encodeText(text);
  } catch (err) {
    throw new SignbenchError('invalid-input', (err as Error).message);
  }
  return g.generate(text, { id: 'generated', fps: opts.fps, onFrame: opts.onFrame });
}

async function poseOf(source: PoseSource): Promise<PoseSequence> {
  if (source.kind === 'text') return generate(source.text, source.model);
  const seqs = await parsePoseBytes(source.bytes, source.format as ByteFormat | undefined, source.name, { limits });
  if (seqs.length !== 1) throw new SignbenchError('invalid-input', `${source.name}: holds ${seqs.length} sequences; upload one`);
  const seq = seqs[0];
  if (seq.frames === 0) throw new SignbenchError('invalid-input', `${source.name}: the sequence has no frames`);
  if (seq.frames > limits.maxFrames) throw new SignbenchError('too-large', `${source.name}: ${seq.frames} frames, over the ${limits.maxFrames}-frame limit`);
  return seq;
}

async function run(id: number, task: TaskRequest): Promise<void> {
  if (task.op === 'generate') {
    const norm = generator(task.model).manifest.normalization;
    // Frame size of the model's output: a square (autoregressive, centre-square space) or the full frame.
    const meta = 'size' in norm ? { fps: norm.fps, width: norm.size, height: norm.size } : { fps: norm.fps, width: norm.width, height: norm.height };
    const onFrame = task.stream ? (t: number, frame: Float32Array) => send({ type: 'frame', id, t, frame, meta }) : undefined;
    const seq = await generate(task.text, task.model, { fps: task.fps, onFrame });
    if (task.encode) {
      // The response bytes are made here, not on the server's event loop (a dwpose-json body is ~37k numbers).
      send({ type: 'done', id, result: { bytes: await encodeGenerated(seq, task.encode), frames: seq.frames } });
      return;
    }
    send({ type: 'done', id, result: { meta: seq.meta, data: seq.data, people: seq.people } });
    return;
  }
  const seq = await poseOf(task.source);
  if (task.op === 'translate') {
    const t = await translator.translate(seq, { beam: task.beam });
    send({ type: 'done', id, result: { id: seq.id, text: t.text, score: t.score, alternatives: t.alternatives, frames: seq.frames } });
    return;
  }
  if (task.format === 'png') {
    const frame = task.frame ?? 0;
    if (frame >= seq.frames) throw new SignbenchError('invalid-input', `frame ${frame} is out of range: the sequence has ${seq.frames} frames`);
    const png = await renderFramePng(seq, frame, { style: task.style, width: task.width, height: task.height });
    send({ type: 'done', id, result: { bytes: new Uint8Array(png), frames: 1, width: task.width ?? seq.meta.width, height: task.height ?? seq.meta.height, fps: seq.meta.fps } });
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'signbench-render-'));
  try {
    const out = await renderSequence(seq, { style: task.style, format: task.format, width: task.width, height: task.height, fps: task.fps, out: join(dir, `out.${task.format}`), concurrency: 1 });
    const bytes = new Uint8Array(await readFile(out.path));
    send({ type: 'done', id, result: { bytes, frames: out.frames, width: out.width, height: out.height, fps: out.fps } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function wireError(err: unknown): WireError {
  if (err instanceof SignbenchError) return { kind: err.kind, message: err.message, detail: err.detail };
  // Renderer and pose-layer checks on sizes and values throw plain Errors naming the option; anything else is ours.
  const message = err instanceof Error ? err.message : String(err);
  const input = /^(fps|width|height|out|unknown output format|unknown render style|render size|.*: the sequence has no frames)/i.test(message) || /must be|out of range|over the limit|exceeds?/i.test(message);
  return { kind: input ? 'invalid-input' : 'internal', message };
}

// One task at a time: the pool never sends a second before the first is answered.
process.on('message', (m: ToWorker) => {
  if (m.type === 'limits') {
    limits = { maxBytes: m.maxBytes, maxFrames: m.maxFrames, maxEntries: m.maxEntries };
    return;
  }
  run(m.id, m.task).catch((err: unknown) => send({ type: 'failed', id: m.id, error: wireError(err) }));
});
process.on('disconnect', () => process.exit(0));

load().then(
  (models) => send({ type: 'ready', models }),
  (err: unknown) => {
    send({ type: 'fatal', error: { kind: 'internal', message: `loading models: ${(err as Error).message}` } });
    process.exit(1);
  },
);

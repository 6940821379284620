/**
 * The recognition track: a suite of isolated sign clips whose labels stay hidden from submitters. Submitters send a
 * recogniser's predictions `{id: [gloss, …]}` (best first, at most 5) and are scored top-1 / top-5 per class and
 * overall. Built in: the procedural corpus's signs by its held-out signers (`buildProceduralRecognitionSuite`).
 *
 * On disk (`writeRecognitionSuite`): `suite.json` (kind `recognition`, the ids, the gloss vocabulary), `clips/<id>.pose`
 * (what submitters get) and `labels.json` (id → gloss; kept by the organiser).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusGlosses, corpusVersion } from '../../corpus/procedural/index.js';
import { Rng } from '../../nn/rng.js';
import { encodePoses } from '../../pose/io.js';
import { SignbenchError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { signClips } from '../../recognizer/corpus-data.js';

export const SUITE_KIND = 'recognition';
/** Most glosses a prediction may list. */
export const MAX_PREDICTIONS = 5;

export interface RecognitionItem {
  id: string;
  sequence: PoseSequence;
}

export interface RecognitionSuite {
  kind: typeof SUITE_KIND;
  name: string;
  /** Where the clips come from (corpus version, signers, seed). */
  source: string;
  glosses: string[];
  items: RecognitionItem[];
  /** id → gloss (hidden from submitters). */
  labels: Record<string, string>;
}

/**
 * Every gloss of the procedural corpus signed `perSign` times by the 4 held-out signers (round-robin), each clip cut
 * at its gloss timing out of a 3-sign carrier; ids are shuffled (`sbr-00001`, …) so that they say nothing of the label.
 */
export function buildProceduralRecognitionSuite(opts: { perSign?: number; seed?: number; signal?: AbortSignal } = {}): RecognitionSuite {
  const perSign = opts.perSign ?? 2;
  const seed = opts.seed ?? 2026;
  const clips = [...signClips({ signers: 'test', perSign, seed })];
  const order = new Rng(seed).shuffle(clips.map((_, i) => i));
  const items: RecognitionItem[] = [];
  const labels: Record<string, string> = {};
  order.forEach((ci, k) => {
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'building the recognition suite was cancelled');
    const c = clips[ci];
    const id = `sbr-${String(k + 1).padStart(5, '0')}`;
    const data = c.seq.data.slice(c.start * FRAME_STRIDE, c.end * FRAME_STRIDE);
    // Only what a recogniser may see: no gloss, no signer, no text.
    const sequence = new PoseSequence({ id, fps: c.seq.meta.fps, width: c.seq.meta.width, height: c.seq.meta.height, source: 'procedural' }, data);
    items.push({ id, sequence });
    labels[id] = c.gloss;
  });
  return {
    kind: SUITE_KIND, name: 'procedural-signs-heldout', glosses: corpusGlosses(), items, labels,
    source: `${corpusVersion()}: every gloss × ${perSign} by the held-out signers, signClips seed ${seed}`,
  };
}

/** Writes suite.json, clips/<id>.pose and labels.json under `dir`; returns the paths. */
export async function writeRecognitionSuite(suite: RecognitionSuite, dir: string): Promise<{ suite: string; clips: string; labels: string }> {
  mkdirSync(join(dir, 'clips'), { recursive: true });
  for (const it of suite.items) writeFileSync(join(dir, 'clips', `${it.id}.pose`), await encodePoses(it.sequence, 'pose'));
  const meta = { kind: suite.kind, name: suite.name, source: suite.source, glosses: suite.glosses, items: suite.items.map((i) => i.id), predictions: `{"<id>": ["<gloss>", … at most ${MAX_PREDICTIONS}, best first]}` };
  writeFileSync(join(dir, 'suite.json'), JSON.stringify(meta, null, 1) + '\n');
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(suite.labels, null, 1) + '\n');
  return { suite: join(dir, 'suite.json'), clips: join(dir, 'clips'), labels: join(dir, 'labels.json') };
}

export interface RecognitionScore {
  n: number;
  /** Percentages (0–100). Items without a prediction count as wrong. */
  top1: number;
  top5: number;
  missing: number;
  perClass: Record<string, { n: number; top1: number; top5: number }>;
}

/**
 * Checks a predictions object against the labels: an object of id → non-empty array of at most 5 gloss strings, with
 * no id outside the suite. Problems are collected and thrown at once as `rejected` with a per-item `detail`.
 */
export function validatePredictions(labels: Readonly<Record<string, string>>, predictions: unknown): Record<string, string[]> {
  if (!predictions || typeof predictions !== 'object' || Array.isArray(predictions)) {
    throw new SignbenchError('invalid-input', 'predictions must be a JSON object {"<id>": ["<gloss>", …]}');
  }
  const problems: { id: string; problem: string }[] = [];
  const out: Record<string, string[]> = {};
  for (const [id, v] of Object.entries(predictions as Record<string, unknown>)) {
    if (!Object.hasOwn(labels, id)) { problems.push({ id, problem: 'not an item of the suite' }); continue; }
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_PREDICTIONS || !v.every((g) => typeof g === 'string')) {
      problems.push({ id, problem: `must be a list of 1..${MAX_PREDICTIONS} gloss strings` });
      continue;
    }
    out[id] = v as string[];
  }
  if (problems.length > 0) {
    throw new SignbenchError('rejected', `predictions rejected: ${problems.length} problem(s), first: ${problems[0].id}: ${problems[0].problem}`, { detail: problems.slice(0, 1000) });
  }
  return out;
}

/** Scores predictions top-1 / top-5 per class and overall (macro per class is left to the reader of perClass). */
export function scoreRecognition(labels: Readonly<Record<string, string>>, predictions: unknown): RecognitionScore {
  const preds = validatePredictions(labels, predictions);
  const perClass: RecognitionScore['perClass'] = {};
  let n = 0;
  let t1 = 0;
  let t5 = 0;
  let missing = 0;
  for (const [id, gloss] of Object.entries(labels)) {
    const p = preds[id];
    if (!p) missing++;
    const h1 = p ? +(p[0] === gloss) : 0;
    const h5 = p ? +p.slice(0, MAX_PREDICTIONS).includes(gloss) : 0;
    n++; t1 += h1; t5 += h5;
    const c = (perClass[gloss] ??= { n: 0, top1: 0, top5: 0 });
    c.n++; c.top1 += h1; c.top5 += h5;
  }
  for (const c of Object.values(perClass)) { c.top1 = (100 * c.top1) / c.n; c.top5 = (100 * c.top5) / c.n; }
  return { n, top1: n ? (100 * t1) / n : 0, top5: n ? (100 * t5) / n : 0, missing, perClass };
}

/** Reads a JSON file for the track, with errors that name it. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { throw new SignbenchError('not-found', `${path}: ${what} not found`); }
  try { return JSON.parse(text); } catch (err) { throw new SignbenchError('invalid-input', `${path}: ${what} is not valid JSON (${(err as Error).message})`); }
}

/** Reads labels.json (id → gloss). */
export function readLabels(path: string): Record<string, string> {
  const j = readJsonFile(path, 'labels');
  if (!j || typeof j !== 'object' || Array.isArray(j) || !Object.values(j).every((g) => typeof g === 'string')) {
    throw new SignbenchError('invalid-input', `${path}: labels must be a JSON object {"<id>": "<gloss>"}`);
  }
  return j as Record<string, string>;
}

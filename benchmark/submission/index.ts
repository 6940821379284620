/**
 * Submissions: validated first, then scored. Two kinds:
 * - predictions: a directory, `.zip` or `.tar` with one pose file per prompt id (`<id>.<ext>`, any format
 *   pose/io.ts reads; a folder `<id>/` of frame files counts too), or one SignVerse shard (`.tar`) holding every id;
 * - model: an ONNX generator directory (generator/README.md's contract), run in a child process with time and
 *   memory limits (model.ts), whose output is then validated as predictions.
 *
 * Every problem is collected before refusing, so the report names every offending id at once: missing and extra
 * ids, unreadable files, NaN/Inf values, 0 frames, more frames than the suite's cap; unsafe archives are refused
 * before anything is unpacked (archive.ts).
 */
import { lstat, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, sep } from 'node:path';
import { SignbenchError } from '../../pose/errors.js';
import { readFirstPose, readPoses } from '../../pose/io.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE } from '../../pose/skeleton.js';
import { modelDirHash, sha256Dir, sha256File } from '../hash.js';
import type { Suite } from '../suite/index.js';
import { ArchiveRefused, archiveKind, listArchive, unpackArchive, type ArchiveLimits } from './archive.js';

export type SubmissionInput = { kind: 'predictions'; path: string } | { kind: 'model'; dir: string };

export interface SubmissionProblem {
  id?: string;
  problem: string;
}

/** A submission that was validated and refused; `detail.problems` is the per-item report. */
export class SubmissionRejectedError extends SignbenchError {
  declare readonly detail: { problems: SubmissionProblem[] };

  constructor(problems: SubmissionProblem[], what = 'submission') {
    const shown = problems.slice(0, 5).map((p) => (p.id ? `${p.id}: ${p.problem}` : p.problem)).join('; ');
    super('rejected', `${what} rejected: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${shown}${problems.length > 5 ? '; …' : ''})`, { detail: { problems } });
    this.name = 'SubmissionRejectedError';
  }
}

export interface ValidateOptions {
  /** Archive bounds (defaults: 2 GiB unpacked, 4 entries per item + 64, ratio 200). */
  archive?: Partial<ArchiveLimits>;
  /** Model runs: wall-clock limit (default 120 s + 1 s per item) and memory limit (default 4 GiB resident). */
  modelTimeoutMs?: number;
  modelMemoryMiB?: number;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
  signal?: AbortSignal;
}

export interface ValidatedSubmission {
  kind: SubmissionInput['kind'];
  /** sha256 of the archive file, of a directory's files (sorted paths + their hashes), or of a model's manifest and graphs. */
  sha256: string;
  /** Poses in prompt order, keyed by id. */
  poses: Map<string, PoseSequence>;
  /** What was read: `files` (one per id) or `signverse-shard`. */
  layout: 'files' | 'signverse-shard';
}

/** File extensions of single-sequence pose files (a folder `<id>/` is read as DWPose/OpenPose frames). */
const POSE_EXTS = new Set(['.pose', '.json', '.npz', '.npy', '.parquet']);

export function archiveLimits(suite: Suite, given: Partial<ArchiveLimits> = {}): ArchiveLimits {
  return { maxTotalBytes: 2 * 1024 ** 3, maxEntries: 4 * suite.info.n + 64, maxRatio: 200, ...given };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SignbenchError('aborted', 'submission validation cancelled');
}

/**
 * The problems of one sequence against the suite's rules (empty: fine): 0 frames, more than the frame cap,
 * non-finite confidences, non-finite coordinates of present points. A sequence without fps gets the suite's.
 */
export function sequenceProblems(seq: PoseSequence, suite: Suite): string[] {
  const out: string[] = [];
  if (seq.frames === 0) out.push('0 frames');
  if (seq.frames > suite.info.frameCap) out.push(`${seq.frames} frames, over the suite's cap of ${suite.info.frameCap}`);
  const d = seq.data;
  for (let i = 0; i < d.length; i += CHANNELS) {
    const c = d[i + 2]!;
    if (!Number.isFinite(c) || (c > 0 && !(Number.isFinite(d[i]!) && Number.isFinite(d[i + 1]!)))) {
      const t = Math.floor(i / FRAME_STRIDE);
      out.push(`NaN or Inf value (frame ${t}, point ${(i % FRAME_STRIDE) / CHANNELS})`);
      break;
    }
  }
  if (!(seq.meta.fps > 0)) seq.meta.fps = suite.info.fps;
  return out;
}

/** Checks poses already in memory (baselines, model output) the same way as files; throws SubmissionRejectedError. */
export function validatePoses(suite: Suite, poses: ReadonlyMap<string, PoseSequence>): Map<string, PoseSequence> {
  const problems: SubmissionProblem[] = [];
  const want = new Set(suite.prompts().map((p) => p.id));
  for (const id of poses.keys()) if (!want.has(id)) problems.push({ id, problem: 'extra: not a prompt id of the suite' });
  const out = new Map<string, PoseSequence>();
  for (const p of suite.prompts()) {
    const seq = poses.get(p.id);
    if (!seq) { problems.push({ id: p.id, problem: 'missing' }); continue; }
    for (const problem of sequenceProblems(seq, suite)) problems.push({ id: p.id, problem });
    out.set(p.id, seq);
  }
  if (problems.length > 0) throw new SubmissionRejectedError(problems);
  return out;
}

/** Validates a submission against a suite: the poses per id, or SubmissionRejectedError naming every problem. */
export async function validateSubmission(suite: Suite, input: SubmissionInput, opts: ValidateOptions = {}): Promise<ValidatedSubmission> {
  checkAborted(opts.signal);
  if (input.kind === 'model') {
    const { runModelSubmission } = await import('./model.js');
    const sha = await modelDirHash(input.dir).catch(() => {
      throw new SubmissionRejectedError([{ problem: `model ${input.dir}: not a readable directory` }]);
    });
    const out = await mkdtemp(join(tmpdir(), 'signbench-model-'));
    try {
      await runModelSubmission(suite, input.dir, out, opts);
      const v = await validatePredictions(suite, out, opts);
      return { ...v, kind: 'model', sha256: sha };
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  return validatePredictions(suite, input.path, opts);
}

async function validatePredictions(suite: Suite, path: string, opts: ValidateOptions): Promise<ValidatedSubmission> {
  const st = await lstat(path).catch(() => null);
  if (!st) throw new SubmissionRejectedError([{ problem: `${path}: no such file or directory` }]);
  if (st.isSymbolicLink()) throw new SubmissionRejectedError([{ problem: `${path}: a link (refused)` }]);
  if (st.isDirectory()) {
    const sha = await sha256Dir(path);
    return { kind: 'predictions', sha256: sha, layout: 'files', poses: await readFilesDir(suite, path, opts) };
  }
  if (!st.isFile()) throw new SubmissionRejectedError([{ problem: `${path}: not a file or directory` }]);
  const sha = await sha256File(path);
  const kind = await archiveKind(path);
  if (!kind) throw new SubmissionRejectedError([{ problem: `${path}: expected a directory, a .zip or a .tar (found neither)` }]);
  const limits = archiveLimits(suite, opts.archive);
  if (kind === 'tar' && (await isSignVerseShard(path))) {
    return { kind: 'predictions', sha256: sha, layout: 'signverse-shard', poses: await readShard(suite, path, opts) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'signbench-sub-'));
  try {
    await unpackArchive(path, kind, dir, limits).catch((err: unknown) => {
      if (err instanceof ArchiveRefused) throw new SubmissionRejectedError(err.problems.map((p) => ({ problem: p.entry ? `archive entry '${p.entry}': ${p.problem}` : `archive: ${p.problem}` })));
      throw err;
    });
    // One folder holding everything (`preds/<id>.pose`) is read as that folder.
    let root = dir;
    const top = (await readdir(root)).filter((n) => !n.startsWith('.') && n !== '__MACOSX');
    if (top.length === 1 && (await stat(join(root, top[0]!))).isDirectory() && !suite.prompts().some((p) => p.id === top[0])) root = join(root, top[0]!);
    return { kind: 'predictions', sha256: sha, layout: 'files', poses: await readFilesDir(suite, root, opts) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A tar is a SignVerse shard when its members follow `<video>/npz/poses.npz` (or per-frame `<video>/npz/*.npz`). */
async function isSignVerseShard(path: string): Promise<boolean> {
  const entries = await listArchive(path, 'tar').catch(() => []);
  return entries.some((e) => /(^|\/)npz\/[^/]+\.npz$/.test(e.name));
}

async function readShard(suite: Suite, path: string, opts: ValidateOptions): Promise<Map<string, PoseSequence>> {
  const limits = archiveLimits(suite, opts.archive);
  const entries = await listArchive(path, 'tar');
  const problems = entries.flatMap((e) => {
    const out: SubmissionProblem[] = [];
    if (e.type === 'link' || e.type === 'other') out.push({ problem: `archive entry '${e.name}': ${e.type === 'link' ? 'a link' : 'not a regular file'} (refused)` });
    if (/(^|[/\\])\.\.([/\\]|$)/.test(e.name) || e.name.startsWith('/')) out.push({ problem: `archive entry '${e.name}': unsafe path (refused)` });
    return out;
  });
  if (entries.length > limits.maxEntries) problems.push({ problem: `archive: ${entries.length} entries, over the limit of ${limits.maxEntries}` });
  if (problems.length > 0) throw new SubmissionRejectedError(problems);
  const poses = new Map<string, PoseSequence>();
  const dupes: SubmissionProblem[] = [];
  try {
    for await (const seq of readPoses(path, { fps: suite.info.fps, limits: { maxFrames: suite.info.frameCap, maxBytes: limits.maxTotalBytes } })) {
      checkAborted(opts.signal);
      if (poses.has(seq.id)) dupes.push({ id: seq.id, problem: 'appears twice in the shard' });
      poses.set(seq.id, seq);
      opts.onProgress?.({ done: poses.size, total: suite.info.n, stage: 'reading' });
    }
  } catch (err) {
    if (err instanceof SignbenchError && err.kind === 'aborted') throw err;
    throw new SubmissionRejectedError([{ problem: `SignVerse shard unreadable: ${(err as Error).message}` }]);
  }
  if (dupes.length > 0) throw new SubmissionRejectedError(dupes);
  return validatePoses(suite, poses);
}

/** Reads `<dir>/<id>.<ext>` (or `<dir>/<id>/`) for every prompt id, collecting every problem. */
async function readFilesDir(suite: Suite, dir: string, opts: ValidateOptions): Promise<Map<string, PoseSequence>> {
  const problems: SubmissionProblem[] = [];
  const want = new Set(suite.prompts().map((p) => p.id));
  const files = new Map<string, string>();
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && n !== '__MACOSX').sort();
  if (names.length > archiveLimits(suite, opts.archive).maxEntries) {
    throw new SubmissionRejectedError([{ problem: `${names.length} entries in the directory, over the limit of ${archiveLimits(suite, opts.archive).maxEntries}` }]);
  }
  for (const name of names) {
    const p = join(dir, name);
    const st = await lstat(p);
    const ext = extname(name).toLowerCase();
    const id = st.isDirectory() ? name : POSE_EXTS.has(ext) ? name.slice(0, -ext.length) : null;
    if (st.isSymbolicLink()) { problems.push({ id: id ?? name, problem: `${name} is a link (refused)` }); continue; }
    if (id === null) { problems.push({ id: name, problem: `extra: '${name}' is not <id>.<ext> with a pose extension (${[...POSE_EXTS].join(', ')})` }); continue; }
    if (!want.has(id)) { problems.push({ id, problem: `extra: '${name}' names no prompt id of the suite` }); continue; }
    if (files.has(id)) { problems.push({ id, problem: `two files for one id ('${files.get(id)}' and '${name}')` }); continue; }
    files.set(id, name);
  }
  const poses = new Map<string, PoseSequence>();
  const prompts = suite.prompts();
  const limits = archiveLimits(suite, opts.archive);
  for (const [i, p] of prompts.entries()) {
    checkAborted(opts.signal);
    const name = files.get(p.id);
    if (!name) { problems.push({ id: p.id, problem: 'missing: no file for this prompt id' }); continue; }
    try {
      // One frame over the cap still reads, so that the report says "N frames, over the cap" rather than a reader error.
      const seq = await readFirstPose(join(dir, name), { fps: suite.info.fps, limits: { maxFrames: suite.info.frameCap + 1, maxBytes: limits.maxTotalBytes } });
      seq.meta.id = p.id;
      const bad = sequenceProblems(seq, suite);
      if (bad.length > 0) for (const problem of bad) problems.push({ id: p.id, problem });
      else poses.set(p.id, seq);
    } catch (err) {
      // Messages name the file; inside an unpacked archive, by its name in the archive.
      problems.push({ id: p.id, problem: `unreadable: ${(err as Error).message.split(dir + sep).join('')}` });
    }
    opts.onProgress?.({ done: i + 1, total: prompts.length, stage: 'reading' });
  }
  if (problems.length > 0) throw new SubmissionRejectedError(problems);
  return poses;
}

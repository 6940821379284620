import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { baselineResults } from '../benchmark/baselines/index.js';
import { rankLeaderboard, type Leaderboard, type LeaderboardEntry } from '../benchmark/leaderboard/index.js';
import type { Progress } from '../benchmark/scoring/evaluate.js';
import { validateSubmission } from '../benchmark/submission/index.js';
import { loadSuite, type Suite } from '../benchmark/suite/index.js';
import { SignbenchError } from '../pose/errors.js';
import type { RunQueue } from './queue/types.js';
import type { RunState, Store, Submitter } from './store/types.js';
import { storeUpload, storeUploadBytes, type UploadLimits } from './uploads.js';

/** The submitter of CLI submissions made without a token (whoever can write the data directory). */
export const LOCAL_SUBMITTER = 'local';

export type SubmitInput =
  | { kind: 'predictions' | 'model'; path: string }
  /** An HTTP upload: a predictions archive (.zip, .tar or a SignVerse shard) as bytes; `filename` gives its extension. */
  | { kind: 'predictions'; bytes: Uint8Array; filename: string };

export interface SubmitOptions {
  store: Store;
  dataDir: string;
  suite: string;
  name: string;
  input: SubmitInput;
  /** Who submits: a token (authenticated here), a known submitter id, or neither (the local submitter). */
  token?: string;
  submitterId?: string;
  /** Runs per submitter per suite per UTC day; not applied to the local submitter. */
  quota?: number;
  /** Announces the queued run to a queue other than `local` (issue 17). */
  queue?: RunQueue;
  /** Free-form facts the submitter declares (e.g. `{ uses: 'glosses' }`); stored with the submission. */
  meta?: Record<string, unknown>;
  uploadLimits?: UploadLimits;
  signal?: AbortSignal;
}

export interface SubmitResult {
  id: string;
  state: RunState;
  runId: string;
  sha256: string;
}

const NAME_RE = /^[^\p{Cc}]{1,100}$/u;

async function submitterOf(o: SubmitOptions): Promise<Submitter | { id: string }> {
  if (o.token !== undefined) {
    const s = await o.store.authenticate(o.token);
    if (!s) throw new SignbenchError('unauthorized', 'unknown or revoked token');
    return s;
  }
  if (o.submitterId) return { id: o.submitterId };
  return o.store.ensureSubmitter(LOCAL_SUBMITTER);
}

/**
 * Takes a submission: authenticates the submitter, loads the suite, copies the input into `<dataDir>/uploads/`
 * under its sha256, validates predictions at once (a rejected one is never queued: the error carries the per-item
 * report), and queues a run (within the quota). Models are checked for a manifest here and run by the worker.
 */
export async function submit(o: SubmitOptions): Promise<SubmitResult> {
  const name = o.name.trim();
  if (!NAME_RE.test(name)) throw new SignbenchError('invalid-input', 'the submission name must be 1–100 characters without control characters');
  const submitter = await submitterOf(o);
  const suite = await loadSuite(o.suite, { dataDir: o.dataDir, signal: o.signal });
  await o.store.putSuite({ ...suite.info });

  const stored = 'bytes' in o.input
    ? await storeUploadBytes(o.dataDir, o.input.bytes, o.input.filename, o.uploadLimits)
    : await storeUpload(o.dataDir, o.input.path, o.input.kind, o.uploadLimits);
  const { kind } = o.input;
  if (kind === 'predictions') {
    try {
      await validateSubmission(suite, { kind, path: stored.path }, { signal: o.signal });
    } catch (err) {
      // A rejected upload is not kept (unless an earlier submission stored the same content).
      if (stored.created) await rm(stored.path, { recursive: true, force: true });
      throw err;
    }
  } else {
    if (!existsSync(join(stored.path, 'manifest.json'))) {
      throw new SignbenchError('rejected', 'model rejected: no manifest.json (see generator/README.md for the contract)', { detail: { problems: [{ problem: 'manifest.json missing' }] } });
    }
  }

  const local = 'name' in submitter && submitter.name === LOCAL_SUBMITTER;
  const sub = await o.store.createSubmission({
    suite: suite.info.name, name, submitterId: submitter.id, kind, sha256: stored.sha256, path: stored.path, bytes: stored.bytes,
    ...(o.meta ? { meta: o.meta } : {}),
    ...(o.quota !== undefined && !local ? { quota: { limit: o.quota } } : {}),
  });
  await o.queue?.enqueue(sub.runId);
  return { id: sub.id, state: sub.state, runId: sub.runId, sha256: stored.sha256 };
}

export interface LeaderboardOptions {
  store: Store;
  dataDir: string;
  suite: string | Suite;
  onProgress?: (p: Progress & { baseline?: string }) => void;
  signal?: AbortSignal;
}

/**
 * A suite's leaderboard: its baseline rows (computed on first use and cached by benchmark/baselines) and each
 * submission's latest finished result on the current suite version, ranked by rankLeaderboard.
 */
export async function leaderboard(o: LeaderboardOptions): Promise<Leaderboard> {
  const suite = typeof o.suite === 'string' ? await loadSuite(o.suite, { dataDir: o.dataDir, signal: o.signal }) : o.suite;
  const baselines = await baselineResults(suite, { dataDir: o.dataDir, onProgress: o.onProgress, signal: o.signal });
  const submissions = await o.store.finishedResults(suite.info.name, { suiteVersion: suite.info.version });
  const entries: LeaderboardEntry[] = [
    ...baselines.map((b): LeaderboardEntry => ({ name: b.name, kind: 'baseline', result: b.result })),
    ...submissions,
  ];
  return rankLeaderboard(suite.info.name, entries);
}

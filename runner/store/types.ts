import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import type { LeaderboardEntry } from '../../benchmark/leaderboard/index.js';

/**
 * The leaderboard store: suites, submitters and their tokens, submissions, runs with their state history, and
 * results. Every method is async so that the SQLite implementation (runner/store/sqlite.ts) and the PostgreSQL one
 * (issue 17) are interchangeable. Timestamps cross this interface as ISO strings; states move
 * `queued → running → finished | failed`, and every change is a timestamped `run_events` row.
 */
export type RunState = 'queued' | 'running' | 'finished' | 'failed';
export type SubmissionKind = 'predictions' | 'model';

export interface Submitter {
  id: string;
  name: string;
  createdAt: string;
}

export interface Progress {
  done: number;
  total: number;
  stage: string;
}

/** What a failed run keeps: the error's kind and message (and detail, e.g. a rejected submission's per-item report). */
export interface RunError {
  kind: string;
  message: string;
  detail?: unknown;
}

export interface Submission {
  id: string;
  suite: string;
  name: string;
  submitterId: string;
  submitter: string;
  kind: SubmissionKind;
  sha256: string;
  /** The stored copy under `<dataDir>/uploads/`. */
  path: string;
  bytes: number;
  meta: Record<string, unknown> | null;
  createdAt: string;
  /** The latest run's id and state. */
  runId: string;
  state: RunState;
}

export interface Run {
  id: string;
  submissionId: string;
  suite: string;
  state: RunState;
  /** How many times a worker has claimed this run (a re-queued run is claimed again). */
  attempt: number;
  workerId: string | null;
  leaseUntil: string | null;
  progress: Progress | null;
  error: RunError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The submission's name, kind, stored file and owner, so that a worker needs no second query. */
  submission: { name: string; kind: SubmissionKind; path: string; sha256: string; submitterId: string; submitter: string };
  /** The run's log (child process output and the worker's notes); only from getRun. */
  log?: string | null;
}

export type RunEventType = 'queued' | 'running' | 'progress' | 'finished' | 'failed' | 'requeued' | 'released';

export interface RunEvent {
  seq: number;
  runId: string;
  at: string;
  type: RunEventType;
  workerId: string | null;
  detail: unknown;
}

export interface NewSubmission {
  suite: string;
  name: string;
  submitterId: string;
  kind: SubmissionKind;
  sha256: string;
  path: string;
  bytes?: number;
  meta?: Record<string, unknown>;
  /** Checked in the same transaction as the insert, so it holds across processes and servers. */
  quota?: { limit: number; now?: number };
}

export interface Store {
  /** The submitter with this name, created when new (the CLI's `local` submitter, a token's owner). */
  ensureSubmitter(name: string): Promise<Submitter>;
  /** A new token for `name` (the submitter is created when new); the token is returned once and stored hashed. */
  createToken(name: string): Promise<{ token: string; submitter: Submitter }>;
  /** Revokes every live token of `name`; not-found when it has none. Returns how many were revoked. */
  revokeToken(name: string): Promise<number>;
  /** The submitter a live token belongs to, or null (unknown, revoked or malformed token). */
  authenticate(token: string): Promise<Submitter | null>;

  /** Records a suite's name, version and info (what the leaderboard and the server list). */
  putSuite(info: { name: string; version: string } & Record<string, unknown>): Promise<void>;
  listSuites(): Promise<{ name: string; version: string; info: Record<string, unknown> }[]>;

  /** Stores a submission and queues its first run; rate-limited when `quota` is given and reached. */
  createSubmission(s: NewSubmission): Promise<Submission>;
  getSubmission(id: string): Promise<Submission | null>;
  listSubmissions(filter?: { suite?: string; submitterId?: string; limit?: number }): Promise<Submission[]>;

  getRun(id: string): Promise<Run | null>;
  listRuns(filter?: { suite?: string; state?: RunState; submissionId?: string; limit?: number }): Promise<Run[]>;
  /** A run's state history and progress events after `afterSeq`, oldest first. */
  runEvents(runId: string, afterSeq?: number): Promise<RunEvent[]>;

  /**
   * Atomically takes the oldest queued run (or `runId` when given and queued) for `workerId` with a lease of
   * `leaseMs`, re-queueing expired leases first; null when there is none.
   */
  claimRun(workerId: string, leaseMs: number, opts?: { runId?: string; now?: number }): Promise<Run | null>;
  /** Extends the lease (and records progress); false when the run is no longer this worker's. */
  heartbeat(runId: string, workerId: string, leaseMs: number, progress?: Progress): Promise<boolean>;
  /** Writes the run's one result and marks it finished; conflict when the run is not this worker's any more. */
  finishRun(runId: string, workerId: string, result: EvalResult, log?: string): Promise<void>;
  /** Marks the run failed with its error and log; conflict when the run is not this worker's any more. */
  failRun(runId: string, workerId: string, error: RunError, log: string): Promise<void>;
  /** Gives a running run back to the queue (a worker shutting down); false when it was not this worker's. */
  releaseRun(runId: string, workerId: string, reason?: string): Promise<boolean>;
  /** Re-queues running runs whose lease ended before `now`; returns their ids. */
  requeueExpired(now?: number): Promise<string[]>;
  /** Queues a new run of a submission (by submission or run id); conflict while one is queued or running. */
  rerun(id: string): Promise<Run>;

  /** The stored result of a run, or of a submission's latest finished run. */
  getResult(id: string): Promise<EvalResult | null>;
  /** Each submission's latest finished result on `suite` (optionally only those of one suite version). */
  finishedResults(suite: string, opts?: { suiteVersion?: string }): Promise<LeaderboardEntry[]>;
  /** Distinct submissions of `submitterId` on `suite` whose run finished on UTC `day` (YYYY-MM-DD). */
  quotaUsed(submitterId: string, suite: string, day: string): Promise<number>;

  close(): Promise<void>;
}

import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import type { Run, RunError, RunEvent, RunEventType, RunState, Submission } from './types.js';

/** Row ↔ object mapping and the queries both SQL stores share (SQLite returns JSON as text, PostgreSQL as objects). */
export type Row = Record<string, unknown>;

export const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
export const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
export const parse = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v === null || v === undefined ? null : (v as T));

/** A result's primary metric (sacrebleu BLEU), kept in its own column so that SQL can sort by it. */
export function primaryScore(result: EvalResult): number | null {
  const bleu = result.sacrebleu?.bleu;
  return typeof bleu === 'number' && Number.isFinite(bleu) ? bleu : null;
}

export function signatureText(result: EvalResult): string | null {
  const sig = result.signature as { text?: unknown } | undefined;
  return typeof sig?.text === 'string' ? sig.text : sig ? JSON.stringify(sig) : null;
}

export const suiteVersion = (result: EvalResult): string | null => result.signature?.suite?.version ?? null;

export const RUN_SELECT = `SELECT r.*, s.name AS s_name, s.kind AS s_kind, s.path AS s_path, s.sha256 AS s_sha256,
  s.submitter_id AS s_submitter_id, u.name AS s_submitter
  FROM runs r JOIN submissions s ON s.id = r.submission_id JOIN submitters u ON u.id = s.submitter_id`;

export const SUBMISSION_SELECT = `SELECT s.*, u.name AS submitter, r.id AS run_id, r.state AS run_state
  FROM submissions s JOIN submitters u ON u.id = s.submitter_id
  JOIN runs r ON r.id = (SELECT id FROM runs WHERE submission_id = s.id ORDER BY created_at DESC, id DESC LIMIT 1)`;

export function toRun(r: Row, withLog = false): Run {
  const run: Run = {
    id: r.id as string,
    submissionId: r.submission_id as string,
    suite: r.suite as string,
    state: r.state as RunState,
    attempt: Number(r.attempt),
    workerId: (r.worker_id as string | null) ?? null,
    leaseUntil: iso(r.lease_until),
    progress: r.progress_total === null || r.progress_total === undefined ? null
      : { done: Number(r.progress_done), total: Number(r.progress_total), stage: String(r.progress_stage ?? '') },
    error: parse<RunError>(r.error),
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    submission: {
      name: r.s_name as string, kind: r.s_kind as Run['submission']['kind'], path: r.s_path as string,
      sha256: r.s_sha256 as string, submitterId: r.s_submitter_id as string, submitter: r.s_submitter as string,
    },
  };
  if (withLog) run.log = (r.log as string | null) ?? null;
  return run;
}

export function toSubmission(r: Row): Submission {
  return {
    id: r.id as string,
    suite: r.suite as string,
    name: r.name as string,
    submitterId: r.submitter_id as string,
    submitter: r.submitter as string,
    kind: r.kind as Submission['kind'],
    sha256: r.sha256 as string,
    path: r.path as string,
    bytes: Number(r.bytes),
    meta: parse<Record<string, unknown>>(r.meta),
    createdAt: iso(r.created_at)!,
    runId: r.run_id as string,
    state: r.run_state as RunState,
  };
}

export function toEvent(r: Row): RunEvent {
  return {
    seq: Number(r.seq), runId: r.run_id as string, at: iso(r.at)!, type: r.type as RunEventType,
    workerId: (r.worker_id as string | null) ?? null, detail: parse(r.detail),
  };
}

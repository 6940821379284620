import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SignbenchError } from '../../pose/errors.js';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import type { LeaderboardEntry } from '../../benchmark/leaderboard/index.js';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationSql } from './schema.js';
import { dayRange, hashToken, isTokenShaped, newId, newToken, sameDigest } from './ids.js';
import { iso, json, parse, primaryScore, RUN_SELECT, signatureText, SUBMISSION_SELECT, suiteVersion, toEvent, toRun, toSubmission, type Row } from './rows.js';
import type {
  NewSubmission, Progress, Run, RunError, RunEvent, RunEventType, RunState, Store, Submission, Submitter,
} from './types.js';

/**
 * The Store on one SQLite file (better-sqlite3, WAL). Several processes (the server, any number of local workers)
 * share the file: writes that must be atomic across them (claiming a run, the quota check with its insert) run in
 * `BEGIN IMMEDIATE` transactions, which take SQLite's write lock before reading.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (err) {
      throw new SignbenchError('internal', `cannot open the database ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 10000');
    this.migrate();
  }

  /** Applies the migrations this file has not seen, each in its own transaction. */
  private migrate(): void {
    this.db.exec(MIGRATIONS_TABLE);
    const apply = this.db.transaction(() => {
      const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        for (const sql of migrationSql(m, 'sqlite')) this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }
    });
    apply.immediate();
  }

  private event(runId: string, type: RunEventType, workerId: string | null, detail: unknown, at = Date.now()): void {
    this.db.prepare('INSERT INTO run_events (run_id, at, type, worker_id, detail) VALUES (?, ?, ?, ?, ?)')
      .run(runId, at, type, workerId, json(detail));
  }

  private submitterByName(name: string): Submitter | null {
    const r = this.db.prepare('SELECT * FROM submitters WHERE name = ?').get(name) as Row | undefined;
    return r ? { id: r.id as string, name: r.name as string, createdAt: iso(r.created_at)! } : null;
  }

  private ensureSubmitterSync(name: string): Submitter {
    if (!name.trim() || name.length > 200) throw new SignbenchError('invalid-input', `submitter name must be 1–200 characters, got "${name.slice(0, 40)}"`);
    const now = Date.now();
    this.db.prepare('INSERT INTO submitters (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(newId('usr', now), name, now);
    return this.submitterByName(name)!;
  }

  async ensureSubmitter(name: string): Promise<Submitter> {
    return this.ensureSubmitterSync(name);
  }

  async createToken(name: string): Promise<{ token: string; submitter: Submitter }> {
    return this.db.transaction(() => {
      const submitter = this.ensureSubmitterSync(name);
      const token = newToken();
      this.db.prepare('INSERT INTO tokens (id, submitter_id, hash, created_at) VALUES (?, ?, ?, ?)')
        .run(newId('tok'), submitter.id, hashToken(token), Date.now());
      return { token, submitter };
    }).immediate();
  }

  async revokeToken(name: string): Promise<number> {
    const n = this.db.prepare(`UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL
      AND submitter_id = (SELECT id FROM submitters WHERE name = ?)`).run(Date.now(), name).changes;
    if (n === 0) throw new SignbenchError('not-found', `no live token for "${name}"`);
    return n;
  }

  async authenticate(token: string): Promise<Submitter | null> {
    if (typeof token !== 'string' || !isTokenShaped(token)) return null;
    const hash = hashToken(token);
    const r = this.db.prepare(`SELECT t.hash, t.revoked_at, u.id, u.name, u.created_at FROM tokens t
      JOIN submitters u ON u.id = t.submitter_id WHERE t.hash = ?`).get(hash) as Row | undefined;
    // The lookup is by digest; the comparison that decides is constant-time.
    if (!r || r.revoked_at !== null || !sameDigest(r.hash as string, hash)) return null;
    return { id: r.id as string, name: r.name as string, createdAt: iso(r.created_at)! };
  }

  async putSuite(info: { name: string; version: string } & Record<string, unknown>): Promise<void> {
    this.db.prepare(`INSERT INTO suites (name, version, info, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET version = excluded.version, info = excluded.info, updated_at = excluded.updated_at`)
      .run(info.name, info.version, JSON.stringify(info), Date.now());
  }

  async listSuites(): Promise<{ name: string; version: string; info: Record<string, unknown> }[]> {
    return (this.db.prepare('SELECT * FROM suites ORDER BY name').all() as Row[])
      .map((r) => ({ name: r.name as string, version: r.version as string, info: parse<Record<string, unknown>>(r.info) ?? {} }));
  }

  async createSubmission(s: NewSubmission): Promise<Submission> {
    const id = this.db.transaction(() => {
      const now = s.quota?.now ?? Date.now();
      if (s.quota) {
        const day = new Date(now).toISOString().slice(0, 10);
        const used = this.quotaUsedSync(s.submitterId, s.suite, day) + this.pendingSync(s.submitterId, s.suite);
        if (used >= s.quota.limit) {
          throw new SignbenchError('rate-limited', `quota reached: ${s.quota.limit} runs per day on ${s.suite} (finished today plus queued or running: ${used}); failed runs do not count`,
            { detail: { limit: s.quota.limit, used, day } });
        }
      }
      const subId = newId('sub', now);
      this.db.prepare(`INSERT INTO submissions (id, suite, name, submitter_id, kind, sha256, path, bytes, meta, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(subId, s.suite, s.name, s.submitterId, s.kind, s.sha256, s.path, s.bytes ?? 0, json(s.meta), now);
      this.insertRun(subId, s.suite, now);
      return subId;
    }).immediate();
    return (await this.getSubmission(id))!;
  }

  private insertRun(submissionId: string, suite: string, now = Date.now()): string {
    const runId = newId('run', now);
    this.db.prepare(`INSERT INTO runs (id, submission_id, suite, state, attempt, created_at) VALUES (?, ?, ?, 'queued', 0, ?)`)
      .run(runId, submissionId, suite, now);
    this.event(runId, 'queued', null, null, now);
    return runId;
  }

  async getSubmission(id: string): Promise<Submission | null> {
    const r = this.db.prepare(`${SUBMISSION_SELECT} WHERE s.id = ?`).get(id) as Row | undefined;
    return r ? toSubmission(r) : null;
  }

  async listSubmissions(filter: { suite?: string; submitterId?: string; limit?: number } = {}): Promise<Submission[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.suite) { where.push('s.suite = ?'); args.push(filter.suite); }
    if (filter.submitterId) { where.push('s.submitter_id = ?'); args.push(filter.submitterId); }
    const sql = `${SUBMISSION_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY s.created_at DESC, s.id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 1000) as Row[]).map(toSubmission);
  }

  async getRun(id: string): Promise<Run | null> {
    const r = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
    return r ? toRun(r, true) : null;
  }

  async listRuns(filter: { suite?: string; state?: RunState; submissionId?: string; limit?: number } = {}): Promise<Run[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.suite) { where.push('r.suite = ?'); args.push(filter.suite); }
    if (filter.state) { where.push('r.state = ?'); args.push(filter.state); }
    if (filter.submissionId) { where.push('r.submission_id = ?'); args.push(filter.submissionId); }
    const sql = `${RUN_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 1000) as Row[]).map((r) => toRun(r));
  }

  async runEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (this.db.prepare('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq').all(runId, afterSeq) as Row[])
      .map(toEvent);
  }

  private requeueExpiredSync(now: number): string[] {
    const expired = this.db.prepare(`SELECT id, worker_id, lease_until FROM runs WHERE state = 'running' AND lease_until < ?`).all(now) as Row[];
    for (const r of expired) {
      this.db.prepare(`UPDATE runs SET state = 'queued', worker_id = NULL, lease_until = NULL, progress_done = NULL,
        progress_total = NULL, progress_stage = NULL WHERE id = ?`).run(r.id);
      this.event(r.id as string, 'requeued', r.worker_id as string, { reason: 'lease expired', leaseUntil: iso(r.lease_until) }, now);
    }
    return expired.map((r) => r.id as string);
  }

  async requeueExpired(now = Date.now()): Promise<string[]> {
    return this.db.transaction(() => this.requeueExpiredSync(now)).immediate();
  }

  async claimRun(workerId: string, leaseMs: number, opts: { runId?: string; now?: number } = {}): Promise<Run | null> {
    const id = this.db.transaction(() => {
      const now = opts.now ?? Date.now();
      this.requeueExpiredSync(now);
      const r = (opts.runId
        ? this.db.prepare(`SELECT id FROM runs WHERE id = ? AND state = 'queued'`).get(opts.runId)
        : this.db.prepare(`SELECT id FROM runs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1`).get()) as Row | undefined;
      if (!r) return null;
      const changed = this.db.prepare(`UPDATE runs SET state = 'running', worker_id = ?, lease_until = ?, attempt = attempt + 1,
        started_at = ?, error = NULL, log = NULL WHERE id = ? AND state = 'queued'`).run(workerId, now + leaseMs, now, r.id).changes;
      if (changed !== 1) return null;
      this.event(r.id as string, 'running', workerId, { leaseUntil: iso(now + leaseMs) }, now);
      return r.id as string;
    }).immediate();
    return id ? this.getRun(id) : null;
  }

  async heartbeat(runId: string, workerId: string, leaseMs: number, progress?: Progress): Promise<boolean> {
    return this.db.transaction(() => {
      const now = Date.now();
      const n = progress
        ? this.db.prepare(`UPDATE runs SET lease_until = ?, progress_done = ?, progress_total = ?, progress_stage = ?
            WHERE id = ? AND worker_id = ? AND state = 'running'`).run(now + leaseMs, progress.done, progress.total, progress.stage, runId, workerId).changes
        : this.db.prepare(`UPDATE runs SET lease_until = ? WHERE id = ? AND worker_id = ? AND state = 'running'`).run(now + leaseMs, runId, workerId).changes;
      if (n === 1 && progress) this.event(runId, 'progress', workerId, progress, now);
      return n === 1;
    }).immediate();
  }

  /** The run, checked to be running for `workerId`; conflict otherwise (its lease was lost to another worker). */
  private ownedRun(runId: string, workerId: string): Row {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
    if (!r) throw new SignbenchError('not-found', `no run ${runId}`);
    if (r.state !== 'running' || r.worker_id !== workerId) {
      throw new SignbenchError('conflict', `run ${runId} is ${r.state}${r.worker_id ? ` for worker ${r.worker_id}` : ''}, not running for ${workerId}`);
    }
    return r;
  }

  async finishRun(runId: string, workerId: string, result: EvalResult, log?: string): Promise<void> {
    this.db.transaction(() => {
      const now = Date.now();
      const r = this.ownedRun(runId, workerId);
      // The primary key on run_id makes a second write of the same run's result fail instead of doubling a row.
      this.db.prepare(`INSERT INTO results (run_id, submission_id, suite, suite_version, signature, primary_score, result, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(runId, r.submission_id, r.suite, suiteVersion(result), signatureText(result), primaryScore(result), JSON.stringify(result), now);
      this.db.prepare(`UPDATE runs SET state = 'finished', finished_at = ?, lease_until = NULL, log = ?,
        progress_done = progress_total WHERE id = ?`).run(now, log ?? null, runId);
      this.event(runId, 'finished', workerId, { primary: primaryScore(result) }, now);
    }).immediate();
  }

  async failRun(runId: string, workerId: string, error: RunError, log: string): Promise<void> {
    this.db.transaction(() => {
      const now = Date.now();
      this.ownedRun(runId, workerId);
      this.db.prepare(`UPDATE runs SET state = 'failed', finished_at = ?, lease_until = NULL, error = ?, log = ? WHERE id = ?`)
        .run(now, JSON.stringify(error), log, runId);
      this.event(runId, 'failed', workerId, { kind: error.kind, message: error.message }, now);
    }).immediate();
  }

  async releaseRun(runId: string, workerId: string, reason = 'worker stopped'): Promise<boolean> {
    return this.db.transaction(() => {
      const now = Date.now();
      const n = this.db.prepare(`UPDATE runs SET state = 'queued', worker_id = NULL, lease_until = NULL, progress_done = NULL,
        progress_total = NULL, progress_stage = NULL WHERE id = ? AND worker_id = ? AND state = 'running'`).run(runId, workerId).changes;
      if (n === 1) this.event(runId, 'released', workerId, { reason }, now);
      return n === 1;
    }).immediate();
  }

  async rerun(id: string): Promise<Run> {
    const runId = this.db.transaction(() => {
      const sub = (this.db.prepare('SELECT id, suite FROM submissions WHERE id = ?').get(id)
        ?? this.db.prepare('SELECT s.id, s.suite FROM submissions s JOIN runs r ON r.submission_id = s.id WHERE r.id = ?').get(id)) as Row | undefined;
      if (!sub) throw new SignbenchError('not-found', `no submission or run ${id}`);
      const live = this.db.prepare(`SELECT id, state FROM runs WHERE submission_id = ? AND state IN ('queued', 'running')`).get(sub.id) as Row | undefined;
      if (live) throw new SignbenchError('conflict', `submission ${sub.id} already has run ${live.id} ${live.state}`);
      return this.insertRun(sub.id as string, sub.suite as string);
    }).immediate();
    return (await this.getRun(runId))!;
  }

  async getResult(id: string): Promise<EvalResult | null> {
    const r = (this.db.prepare('SELECT result FROM results WHERE run_id = ?').get(id)
      ?? this.db.prepare('SELECT result FROM results WHERE submission_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(id)) as Row | undefined;
    return r ? parse<EvalResult>(r.result) : null;
  }

  async finishedResults(suite: string, opts: { suiteVersion?: string } = {}): Promise<LeaderboardEntry[]> {
    // Each submission's latest result (a rerun replaces the earlier one on the leaderboard).
    const rows = this.db.prepare(`SELECT s.id, s.name, s.created_at, x.result, x.suite_version FROM results x
      JOIN submissions s ON s.id = x.submission_id
      WHERE x.suite = ? AND x.rowid = (SELECT rowid FROM results WHERE submission_id = s.id ORDER BY created_at DESC, rowid DESC LIMIT 1)
      ORDER BY s.created_at, s.id`).all(suite) as Row[];
    return rows
      .filter((r) => !opts.suiteVersion || r.suite_version === null || r.suite_version === opts.suiteVersion)
      .map((r) => ({
        name: r.name as string, kind: 'submission' as const, result: parse<EvalResult>(r.result)!,
        id: r.id as string, submittedAt: iso(r.created_at)!,
      }));
  }

  private quotaUsedSync(submitterId: string, suite: string, day: string): number {
    const [start, end] = dayRange(day);
    const r = this.db.prepare(`SELECT COUNT(DISTINCT s.id) AS n FROM runs r JOIN submissions s ON s.id = r.submission_id
      WHERE s.submitter_id = ? AND s.suite = ? AND r.state = 'finished' AND r.finished_at >= ? AND r.finished_at < ?`)
      .get(submitterId, suite, start, end) as Row;
    return Number(r.n);
  }

  private pendingSync(submitterId: string, suite: string): number {
    const r = this.db.prepare(`SELECT COUNT(DISTINCT s.id) AS n FROM runs r JOIN submissions s ON s.id = r.submission_id
      WHERE s.submitter_id = ? AND s.suite = ? AND r.state IN ('queued', 'running')`).get(submitterId, suite) as Row;
    return Number(r.n);
  }

  async quotaUsed(submitterId: string, suite: string, day: string): Promise<number> {
    return this.quotaUsedSync(submitterId, suite, day);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

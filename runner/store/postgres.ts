import pg from 'pg';
import { SignbenchError } from '../../pose/errors.js';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import type { LeaderboardEntry } from '../../benchmark/leaderboard/index.js';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationSql } from './schema.js';
import { dayRange, hashToken, isTokenShaped, newId, newToken, sameDigest } from './ids.js';
import { iso, json, parse, primaryScore, RUN_SELECT, signatureText, SUBMISSION_SELECT, suiteVersion, toEvent, toRun, toSubmission, type Row } from './rows.js';
import type { NewSubmission, Progress, Run, RunError, RunEvent, RunEventType, RunState, Store, Submission, Submitter } from './types.js';

type Client = pg.PoolClient | pg.Pool;

/** Advisory-lock key of the migrations (any constant both servers agree on). */
const MIGRATION_LOCK = 815_015;

/**
 * The Store on PostgreSQL (issue 17): the same schema (rendered from runner/store/schema.ts), the same contract
 * (test/runner/store-suite.ts). Several API servers and workers share it: a claim takes the oldest queued run with
 * `FOR UPDATE SKIP LOCKED`, the quota check and its insert hold a transaction-scoped advisory lock per submitter and
 * suite, and a result's primary key (the run id) refuses a second write.
 */
export class PostgresStore implements Store {
  readonly pool: pg.Pool;

  private constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 8 });
    // An idle client's error (the server restarting) must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  static async open(url: string): Promise<PostgresStore> {
    const store = new PostgresStore(url);
    try {
      await store.migrate();
    } catch (err) {
      await store.pool.end().catch(() => undefined);
      throw new SignbenchError('internal', `cannot open the database ${url.replace(/\/\/[^@]*@/, '//…@')}: ${(err as Error).message}`, { cause: err });
    }
    return store;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  private async one(c: Client, sql: string, args: unknown[] = []): Promise<Row | undefined> {
    return (await c.query(sql, args)).rows[0] as Row | undefined;
  }

  private async all(c: Client, sql: string, args: unknown[] = []): Promise<Row[]> {
    return (await c.query(sql, args)).rows as Row[];
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(MIGRATIONS_TABLE);
      const done = new Set((await this.all(c, 'SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        for (const sql of migrationSql(m, 'postgres')) await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
    });
  }

  private async event(c: Client, runId: string, type: RunEventType, workerId: string | null, detail: unknown, at = Date.now()): Promise<void> {
    await c.query('INSERT INTO run_events (run_id, at, type, worker_id, detail) VALUES ($1, $2, $3, $4, $5)', [runId, at, type, workerId, json(detail)]);
  }

  private async ensureSubmitterIn(c: Client, name: string): Promise<Submitter> {
    if (!name.trim() || name.length > 200) throw new SignbenchError('invalid-input', `submitter name must be 1–200 characters, got "${name.slice(0, 40)}"`);
    const now = Date.now();
    await c.query('INSERT INTO submitters (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [newId('usr', now), name, now]);
    const r = (await this.one(c, 'SELECT * FROM submitters WHERE name = $1', [name]))!;
    return { id: r.id as string, name: r.name as string, createdAt: iso(r.created_at)! };
  }

  async ensureSubmitter(name: string): Promise<Submitter> {
    return this.ensureSubmitterIn(this.pool, name);
  }

  async createToken(name: string): Promise<{ token: string; submitter: Submitter }> {
    return this.tx(async (c) => {
      const submitter = await this.ensureSubmitterIn(c, name);
      const token = newToken();
      await c.query('INSERT INTO tokens (id, submitter_id, hash, created_at) VALUES ($1, $2, $3, $4)', [newId('tok'), submitter.id, hashToken(token), Date.now()]);
      return { token, submitter };
    });
  }

  async revokeToken(name: string): Promise<number> {
    const r = await this.pool.query(`UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL
      AND submitter_id = (SELECT id FROM submitters WHERE name = $2)`, [Date.now(), name]);
    if (!r.rowCount) throw new SignbenchError('not-found', `no live token for "${name}"`);
    return r.rowCount;
  }

  async authenticate(token: string): Promise<Submitter | null> {
    if (typeof token !== 'string' || !isTokenShaped(token)) return null;
    const hash = hashToken(token);
    const r = await this.one(this.pool, `SELECT t.hash, t.revoked_at, u.id, u.name, u.created_at FROM tokens t
      JOIN submitters u ON u.id = t.submitter_id WHERE t.hash = $1`, [hash]);
    if (!r || r.revoked_at !== null || !sameDigest(r.hash as string, hash)) return null;
    return { id: r.id as string, name: r.name as string, createdAt: iso(r.created_at)! };
  }

  async putSuite(info: { name: string; version: string } & Record<string, unknown>): Promise<void> {
    await this.pool.query(`INSERT INTO suites (name, version, info, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE SET version = excluded.version, info = excluded.info, updated_at = excluded.updated_at`,
    [info.name, info.version, JSON.stringify(info), Date.now()]);
  }

  async listSuites(): Promise<{ name: string; version: string; info: Record<string, unknown> }[]> {
    return (await this.all(this.pool, 'SELECT * FROM suites ORDER BY name'))
      .map((r) => ({ name: r.name as string, version: r.version as string, info: parse<Record<string, unknown>>(r.info) ?? {} }));
  }

  private async countSubmissions(c: Client, submitterId: string, suite: string, where: string, args: unknown[]): Promise<number> {
    const r = await this.one(c, `SELECT COUNT(DISTINCT s.id) AS n FROM runs r JOIN submissions s ON s.id = r.submission_id
      WHERE s.submitter_id = $1 AND s.suite = $2 AND ${where}`, [submitterId, suite, ...args]);
    return Number(r!.n);
  }

  private async quotaUsedIn(c: Client, submitterId: string, suite: string, day: string): Promise<number> {
    const [start, end] = dayRange(day);
    return this.countSubmissions(c, submitterId, suite, `r.state = 'finished' AND r.finished_at >= $3 AND r.finished_at < $4`, [start, end]);
  }

  async createSubmission(s: NewSubmission): Promise<Submission> {
    const id = await this.tx(async (c) => {
      const now = s.quota?.now ?? Date.now();
      if (s.quota) {
        // One submitter's submissions to one suite go one at a time, whichever server takes them.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [s.submitterId, s.suite]);
        const day = new Date(now).toISOString().slice(0, 10);
        const used = await this.quotaUsedIn(c, s.submitterId, s.suite, day)
          + await this.countSubmissions(c, s.submitterId, s.suite, `r.state IN ('queued', 'running')`, []);
        if (used >= s.quota.limit) {
          throw new SignbenchError('rate-limited', `quota reached: ${s.quota.limit} runs per day on ${s.suite} (finished today plus queued or running: ${used}); failed runs do not count`,
            { detail: { limit: s.quota.limit, used, day } });
        }
      }
      const subId = newId('sub', now);
      await c.query(`INSERT INTO submissions (id, suite, name, submitter_id, kind, sha256, path, bytes, meta, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [subId, s.suite, s.name, s.submitterId, s.kind, s.sha256, s.path, s.bytes ?? 0, json(s.meta), now]);
      await this.insertRun(c, subId, s.suite, now);
      return subId;
    });
    return (await this.getSubmission(id))!;
  }

  private async insertRun(c: Client, submissionId: string, suite: string, now = Date.now()): Promise<string> {
    const runId = newId('run', now);
    await c.query(`INSERT INTO runs (id, submission_id, suite, state, attempt, created_at) VALUES ($1, $2, $3, 'queued', 0, $4)`, [runId, submissionId, suite, now]);
    await this.event(c, runId, 'queued', null, null, now);
    return runId;
  }

  async getSubmission(id: string): Promise<Submission | null> {
    const r = await this.one(this.pool, `${SUBMISSION_SELECT} WHERE s.id = $1`, [id]);
    return r ? toSubmission(r) : null;
  }

  /** `WHERE` clauses with $-numbered arguments from a filter's given fields. */
  private filter(fields: [string, unknown][]): { where: string; args: unknown[] } {
    const given = fields.filter(([, v]) => v !== undefined && v !== null && v !== '');
    return { where: given.length ? ` WHERE ${given.map(([col], i) => `${col} = $${i + 1}`).join(' AND ')}` : '', args: given.map(([, v]) => v) };
  }

  async listSubmissions(f: { suite?: string; submitterId?: string; limit?: number } = {}): Promise<Submission[]> {
    const { where, args } = this.filter([['s.suite', f.suite], ['s.submitter_id', f.submitterId]]);
    return (await this.all(this.pool, `${SUBMISSION_SELECT}${where} ORDER BY s.created_at DESC, s.id DESC LIMIT $${args.length + 1}`, [...args, f.limit ?? 1000])).map(toSubmission);
  }

  async getRun(id: string): Promise<Run | null> {
    const r = await this.one(this.pool, `${RUN_SELECT} WHERE r.id = $1`, [id]);
    return r ? toRun(r, true) : null;
  }

  async listRuns(f: { suite?: string; state?: RunState; submissionId?: string; limit?: number } = {}): Promise<Run[]> {
    const { where, args } = this.filter([['r.suite', f.suite], ['r.state', f.state], ['r.submission_id', f.submissionId]]);
    return (await this.all(this.pool, `${RUN_SELECT}${where} ORDER BY r.created_at DESC, r.id DESC LIMIT $${args.length + 1}`, [...args, f.limit ?? 1000])).map((r) => toRun(r));
  }

  async runEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (await this.all(this.pool, 'SELECT * FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq])).map(toEvent);
  }

  private async requeueExpiredIn(c: pg.PoolClient, now: number): Promise<string[]> {
    const expired = await this.all(c, `SELECT id, worker_id, lease_until FROM runs WHERE state = 'running' AND lease_until < $1 FOR UPDATE SKIP LOCKED`, [now]);
    for (const r of expired) {
      await c.query(`UPDATE runs SET state = 'queued', worker_id = NULL, lease_until = NULL, progress_done = NULL,
        progress_total = NULL, progress_stage = NULL WHERE id = $1`, [r.id]);
      await this.event(c, r.id as string, 'requeued', r.worker_id as string, { reason: 'lease expired', leaseUntil: iso(r.lease_until) }, now);
    }
    return expired.map((r) => r.id as string);
  }

  async requeueExpired(now = Date.now()): Promise<string[]> {
    return this.tx((c) => this.requeueExpiredIn(c, now));
  }

  async claimRun(workerId: string, leaseMs: number, opts: { runId?: string; now?: number } = {}): Promise<Run | null> {
    const id = await this.tx(async (c) => {
      const now = opts.now ?? Date.now();
      await this.requeueExpiredIn(c, now);
      const r = opts.runId
        ? await this.one(c, `SELECT id FROM runs WHERE id = $1 AND state = 'queued' FOR UPDATE SKIP LOCKED`, [opts.runId])
        : await this.one(c, `SELECT id FROM runs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`);
      if (!r) return null;
      const u = await c.query(`UPDATE runs SET state = 'running', worker_id = $1, lease_until = $2, attempt = attempt + 1,
        started_at = $3, error = NULL, log = NULL WHERE id = $4 AND state = 'queued'`, [workerId, now + leaseMs, now, r.id]);
      if (u.rowCount !== 1) return null;
      await this.event(c, r.id as string, 'running', workerId, { leaseUntil: iso(now + leaseMs) }, now);
      return r.id as string;
    });
    return id ? this.getRun(id) : null;
  }

  async heartbeat(runId: string, workerId: string, leaseMs: number, progress?: Progress): Promise<boolean> {
    return this.tx(async (c) => {
      const now = Date.now();
      const u = progress
        ? await c.query(`UPDATE runs SET lease_until = $1, progress_done = $2, progress_total = $3, progress_stage = $4
            WHERE id = $5 AND worker_id = $6 AND state = 'running'`, [now + leaseMs, progress.done, progress.total, progress.stage, runId, workerId])
        : await c.query(`UPDATE runs SET lease_until = $1 WHERE id = $2 AND worker_id = $3 AND state = 'running'`, [now + leaseMs, runId, workerId]);
      if (u.rowCount === 1 && progress) await this.event(c, runId, 'progress', workerId, progress, now);
      return u.rowCount === 1;
    });
  }

  private async ownedRun(c: pg.PoolClient, runId: string, workerId: string): Promise<Row> {
    const r = await this.one(c, 'SELECT * FROM runs WHERE id = $1 FOR UPDATE', [runId]);
    if (!r) throw new SignbenchError('not-found', `no run ${runId}`);
    if (r.state !== 'running' || r.worker_id !== workerId) {
      throw new SignbenchError('conflict', `run ${runId} is ${r.state as string}${r.worker_id ? ` for worker ${r.worker_id as string}` : ''}, not running for ${workerId}`);
    }
    return r;
  }

  async finishRun(runId: string, workerId: string, result: EvalResult, log?: string): Promise<void> {
    await this.tx(async (c) => {
      const now = Date.now();
      const r = await this.ownedRun(c, runId, workerId);
      await c.query(`INSERT INTO results (run_id, submission_id, suite, suite_version, signature, primary_score, result, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [runId, r.submission_id, r.suite, suiteVersion(result), signatureText(result), primaryScore(result), JSON.stringify(result), now]);
      await c.query(`UPDATE runs SET state = 'finished', finished_at = $1, lease_until = NULL, log = $2,
        progress_done = progress_total WHERE id = $3`, [now, log ?? null, runId]);
      await this.event(c, runId, 'finished', workerId, { primary: primaryScore(result) }, now);
    });
  }

  async failRun(runId: string, workerId: string, error: RunError, log: string): Promise<void> {
    await this.tx(async (c) => {
      const now = Date.now();
      await this.ownedRun(c, runId, workerId);
      await c.query(`UPDATE runs SET state = 'failed', finished_at = $1, lease_until = NULL, error = $2, log = $3 WHERE id = $4`, [now, JSON.stringify(error), log, runId]);
      await this.event(c, runId, 'failed', workerId, { kind: error.kind, message: error.message }, now);
    });
  }

  async releaseRun(runId: string, workerId: string, reason = 'worker stopped'): Promise<boolean> {
    return this.tx(async (c) => {
      const u = await c.query(`UPDATE runs SET state = 'queued', worker_id = NULL, lease_until = NULL, progress_done = NULL,
        progress_total = NULL, progress_stage = NULL WHERE id = $1 AND worker_id = $2 AND state = 'running'`, [runId, workerId]);
      if (u.rowCount === 1) await this.event(c, runId, 'released', workerId, { reason });
      return u.rowCount === 1;
    });
  }

  async rerun(id: string): Promise<Run> {
    const runId = await this.tx(async (c) => {
      const sub = (await this.one(c, 'SELECT id, suite FROM submissions WHERE id = $1 FOR UPDATE', [id]))
        ?? await this.one(c, 'SELECT s.id, s.suite FROM submissions s JOIN runs r ON r.submission_id = s.id WHERE r.id = $1 FOR UPDATE OF s', [id]);
      if (!sub) throw new SignbenchError('not-found', `no submission or run ${id}`);
      const live = await this.one(c, `SELECT id, state FROM runs WHERE submission_id = $1 AND state IN ('queued', 'running')`, [sub.id]);
      if (live) throw new SignbenchError('conflict', `submission ${sub.id as string} already has run ${live.id as string} ${live.state as string}`);
      return this.insertRun(c, sub.id as string, sub.suite as string);
    });
    return (await this.getRun(runId))!;
  }

  async getResult(id: string): Promise<EvalResult | null> {
    const r = (await this.one(this.pool, 'SELECT result FROM results WHERE run_id = $1', [id]))
      ?? await this.one(this.pool, 'SELECT result FROM results WHERE submission_id = $1 ORDER BY created_at DESC, run_id DESC LIMIT 1', [id]);
    return r ? parse<EvalResult>(r.result) : null;
  }

  async finishedResults(suite: string, opts: { suiteVersion?: string } = {}): Promise<LeaderboardEntry[]> {
    const rows = await this.all(this.pool, `SELECT * FROM (
        SELECT DISTINCT ON (x.submission_id) s.id, s.name, s.created_at, x.result, x.suite_version FROM results x
        JOIN submissions s ON s.id = x.submission_id WHERE x.suite = $1
        ORDER BY x.submission_id, x.created_at DESC, x.run_id DESC) latest
      ORDER BY created_at, id`, [suite]);
    return rows
      .filter((r) => !opts.suiteVersion || r.suite_version === null || r.suite_version === opts.suiteVersion)
      .map((r) => ({ name: r.name as string, kind: 'submission' as const, result: parse<EvalResult>(r.result)!, id: r.id as string, submittedAt: iso(r.created_at)! }));
  }

  async quotaUsed(submitterId: string, suite: string, day: string): Promise<number> {
    return this.quotaUsedIn(this.pool, submitterId, suite, day);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

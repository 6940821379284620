import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../benchmark/suite/index.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { waitForRun } from '../../runner/events.js';
import { LocalQueue } from '../../runner/queue/local.js';
import { submit } from '../../runner/submit.js';
import { runWorker } from '../../runner/worker.js';
import { openStore } from '../../runner/store/index.js';
import { PostgresStore } from '../../runner/store/postgres.js';
import { hasPostgres, startPostgres, type TestPostgres } from './postgres-server.js';
import { storeContract } from './store-suite.js';

/** The same Store contract as SQLite's, against a real PostgreSQL server on loopback (a fresh database per test). */
if (hasPostgres()) {
  let server: Promise<TestPostgres> | undefined;
  const pgServer = () => (server ??= startPostgres());
  afterAll(async () => { if (server) await (await server).stop(); }, 30_000);

  storeContract('postgres', async () => {
    const url = await (await pgServer()).createDatabase();
    return { store: await PostgresStore.open(url), reopen: () => PostgresStore.open(url) };
  });

  describe('PostgreSQL store', () => {
    it('opens through SIGNBENCH_DB-style URLs and applies migrations once, also when two servers open it at once', async () => {
      const url = await (await pgServer()).createDatabase();
      const [a, b] = await Promise.all([openStore({ db: url }), openStore({ db: url })]);
      const rows = await (a as PostgresStore).pool.query('SELECT version FROM schema_migrations');
      expect(rows.rows.map((r: { version: number }) => Number(r.version))).toEqual([1]);
      await a.close();
      await b.close();
    }, 60_000);

    it('a worker scores a submission against it (submit → local queue on PostgreSQL → child → result)', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'sb-pg-data-'));
      const store = await PostgresStore.open(await (await pgServer()).createDatabase());
      try {
        const suite = await loadSuite('synthetic-mini', { dataDir });
        const preds = join(dataDir, 'preds');
        await mkdir(preds);
        for (const p of suite.prompts()) await writeFile(join(preds, `${p.id}.pose`), encodePoseFile(suite.reference(p.id)));
        const sub = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'on-postgres', input: { kind: 'predictions', path: preds } });
        const stop = new AbortController();
        const worker = runWorker({ store, queue: new LocalQueue(store, { leaseMs: 30_000, pollMs: 100 }), dataDir, signal: stop.signal, leaseMs: 30_000, limits: { timeoutMs: 300_000, memoryMb: 4096 } });
        const end = await waitForRun(store, sub.runId, { intervalMs: 100 });
        stop.abort();
        await worker;
        expect(end.type).toBe('finished');
        const [entry] = await store.finishedResults('synthetic-mini', { suiteVersion: suite.info.version });
        expect(entry).toMatchObject({ name: 'on-postgres', id: sub.id });
        expect(entry!.result.pose.dtw_mje).toBe(0);
        expect(entry!.result.submission.sha256).toBe(sub.sha256);
        expect((await store.runEvents(sub.runId)).some((e) => e.type === 'progress')).toBe(true);
      } finally {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 300_000);

    it('says which database it could not open', async () => {
      await expect(openStore({ db: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toMatchObject({ kind: 'internal', message: expect.stringMatching(/cannot open the database/) });
    });
  });
} else {
  describe.skip('PostgreSQL store', () => { it('needs Debian postgresql or SIGNBENCH_TEST_POSTGRES', () => {}); });
}

import { afterAll, describe, expect, it } from 'vitest';
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

    it('says which database it could not open', async () => {
      await expect(openStore({ db: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toMatchObject({ kind: 'internal', message: expect.stringMatching(/cannot open the database/) });
    });
  });
} else {
  describe.skip('PostgreSQL store', () => { it('needs Debian postgresql or SIGNBENCH_TEST_POSTGRES', () => {}); });
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationSql } from '../../runner/store/schema.js';
import { SqliteStore } from '../../runner/store/sqlite.js';
import { openStore } from '../../runner/store/index.js';
import { storeContract } from './store-suite.js';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sb-store-'));
  const path = join(dir, 'signbench.db');
  return {
    store: new SqliteStore(path),
    reopen: async () => new SqliteStore(path),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SQLite store', () => {
  it('uses WAL, applies migrations once, and reopens an existing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-store-'));
    const path = join(dir, 'nested', 'signbench.db');
    const a = new SqliteStore(path);
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = a.db.prepare('SELECT version FROM schema_migrations').all();
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    const tables = (a.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['suites', 'submitters', 'tokens', 'submissions', 'runs', 'run_events', 'results']) expect(tables).toContain(t);
    await a.close();
    const b = await openStore({ db: `sqlite:${path}` });
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the same migrations for PostgreSQL (one definition)', () => {
    const pg = migrationSql(MIGRATIONS[0]!, 'postgres').join(';\n');
    expect(pg).toMatch(/seq BIGSERIAL PRIMARY KEY/);
    expect(pg).toMatch(/result JSONB NOT NULL/);
    expect(pg).not.toMatch(/AUTOINCREMENT/);
    expect(migrationSql(MIGRATIONS[0]!, 'sqlite').join(';\n')).toMatch(/seq INTEGER PRIMARY KEY AUTOINCREMENT/);
  });

  it('refuses unknown database URLs with a clear error', async () => {
    await expect(openStore({ db: 'mysql://x' })).rejects.toMatchObject({ kind: 'invalid-input' });
  });

  it('three processes racing claim each run exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-race-'));
    const path = join(dir, 'signbench.db');
    const store = new SqliteStore(path);
    const alice = await store.ensureSubmitter('alice');
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const s = await store.createSubmission({ suite: 'mini', name: `s${i}`, submitterId: alice.id, kind: 'predictions', sha256: 'ab'.repeat(32), path: '/x' });
      ids.add(s.runId);
    }
    const go = join(dir, 'go');
    const claimers = ['w1', 'w2', 'w3'].map((w) => spawn('npx', ['tsx', 'test/runner/claimer.ts', path, w, go], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const outputs = claimers.map((c) => {
      let out = '';
      const ready = new Promise<void>((resolve) => c.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; if (out.includes('ready')) resolve(); }));
      const exited = once(c, 'exit').then(() => out);
      return { ready, exited };
    });
    await Promise.all(outputs.map((o) => o.ready));
    await writeFile(go, '');
    const claimed = (await Promise.all(outputs.map((o) => o.exited))).map((out) => JSON.parse(out.trim().split('\n').at(-1)!) as string[]);
    const all = claimed.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all)).toEqual(ids);
    // Each run went to exactly one worker, once: one `running` event, one result.
    for (const id of ids) {
      const events = await store.runEvents(id);
      expect(events.filter((e) => e.type === 'running')).toHaveLength(1);
    }
    expect(await store.finishedResults('mini')).toHaveLength(60);
    // More than one process got work (the claimers really raced).
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }, 90_000);
});

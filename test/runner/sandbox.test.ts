import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../benchmark/suite/index.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { LogTail, scoreInChild, type ScoreJob } from '../../runner/sandbox.js';

/** The scoring child's limits: each case starts a real child on synthetic-mini and stops it at its limit. */
let dataDir: string;
let job: ScoreJob;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-sandbox-'));
  const suite = await loadSuite('synthetic-mini', { dataDir });
  const preds = join(dataDir, 'preds');
  await mkdir(preds);
  for (const p of suite.prompts()) await writeFile(join(preds, `${p.id}.pose`), encodePoseFile(suite.reference(p.id)));
  job = { suite: 'synthetic-mini', dataDir, input: { kind: 'predictions', path: preds } };
}, 120_000);

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('scoring child process', () => {
  it('is killed at its time limit', async () => {
    const log = new LogTail();
    await expect(scoreInChild(job, { timeoutMs: 300, memoryMb: 4096, log })).rejects.toMatchObject({ kind: 'too-large', message: expect.stringMatching(/longer than the limit/) });
  }, 60_000);

  it('is killed over its memory limit', async () => {
    const log = new LogTail();
    await expect(scoreInChild(job, { timeoutMs: 120_000, memoryMb: 40, log })).rejects.toMatchObject({ kind: 'too-large', message: expect.stringMatching(/over the limit of 40 MiB/) });
  }, 60_000);

  it('stops when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    await expect(scoreInChild(job, { timeoutMs: 120_000, memoryMb: 4096, signal: ac.signal, log: new LogTail() })).rejects.toMatchObject({ kind: 'aborted' });
  }, 60_000);

  it('sends back a rejection with its per-item report, and its output goes to the log', async () => {
    const log = new LogTail();
    const bad = { ...job, input: { kind: 'predictions' as const, path: join(dataDir, 'nope') } };
    const err = await scoreInChild(bad, { timeoutMs: 120_000, memoryMb: 4096, log }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rejected', detail: { problems: [{ problem: expect.stringMatching(/no such file/) }] } });
    expect(log.toString()).toMatch(/SubmissionRejectedError|rejected/);
  }, 60_000);

  it('keeps only the tail of a long log', () => {
    const log = new LogTail(100);
    for (let i = 0; i < 1000; i++) log.write(`line ${i}\n`);
    expect(log.toString().length).toBeLessThanOrEqual(101);
    expect(log.toString()).toMatch(/line 999\n$/);
  });
});

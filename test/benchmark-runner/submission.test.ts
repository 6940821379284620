import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineResults } from '../../benchmark/baselines/index.js';
import { evaluateSubmission, type EvalResult } from '../../benchmark/scoring/evaluate.js';
import { SubmissionRejectedError, validateSubmission } from '../../benchmark/submission/index.js';
import type { Suite } from '../../benchmark/suite/index.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { PoseSequence } from '../../pose/sequence.js';
import { writeSignVerseShard } from '../../pose/signverse/index.js';
import { miniSuite, referenceCopy, scoresOf, testDataDir, tmp, writeTar, writeZip } from './helpers.js';

async function rejection(suite: Suite, path: string): Promise<SubmissionRejectedError> {
  const err = await evaluateSubmission(suite, { kind: 'predictions', path }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SubmissionRejectedError);
  const r = err as SubmissionRejectedError;
  expect(r.kind).toBe('rejected');
  return r;
}

async function poseFiles(dir: string): Promise<{ name: string; data: Uint8Array }[]> {
  return Promise.all((await readdir(dir)).sort().map(async (name) => ({ name, data: new Uint8Array(await readFile(join(dir, name))) })));
}

describe('predictions submissions', () => {
  let suite: Suite;
  let truth: EvalResult;
  let refs: string;
  beforeAll(async () => {
    suite = await miniSuite();
    refs = await referenceCopy(suite);
    truth = (await baselineResults(suite, { dataDir: await testDataDir(), only: ['ground-truth'] }))[0]!.result;
  });

  it('scores the ground-truth poses submitted as a directory exactly as the ground-truth row', async () => {
    const r = await evaluateSubmission(suite, { kind: 'predictions', path: refs });
    expect(scoresOf(r)).toEqual(scoresOf(truth));
    expect(r.submission.kind).toBe('predictions');
    expect(r.submission.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.pose.dtw_mje).toBe(0);
    expect(r.sacrebleu!.bleu).toBeGreaterThan(40);
  });

  it('scores the same poses in a .zip, a .tar (with one folder inside) and a SignVerse shard identically', async () => {
    const files = await poseFiles(refs);
    const dir = await tmp();
    await writeZip(join(dir, 'preds.zip'), files.map((f) => ({ ...f, compress: true })));
    await writeTar(join(dir, 'preds.tar'), files.map((f) => ({ name: `preds/${f.name}`, data: f.data })));
    const seqs = suite.prompts().map((p) => suite.reference(p.id));
    await writeSignVerseShard(join(dir, 'shard.tar'), seqs);
    for (const name of ['preds.zip', 'preds.tar']) {
      const r = await evaluateSubmission(suite, { kind: 'predictions', path: join(dir, name) });
      expect(scoresOf(r), name).toEqual(scoresOf(truth));
    }
    const v = await validateSubmission(suite, { kind: 'predictions', path: join(dir, 'shard.tar') });
    expect(v.layout).toBe('signverse-shard');
    expect([...v.poses.keys()]).toEqual(suite.prompts().map((p) => p.id));
    const shard = await evaluateSubmission(suite, { kind: 'predictions', path: join(dir, 'shard.tar') });
    expect(scoresOf(shard)).toEqual(scoresOf(truth));
  });

  it('rejects missing, extra, NaN, empty and over-long items, naming every id', async () => {
    const dir = await referenceCopy(suite);
    const ids = suite.prompts().map((p) => p.id);
    await rm(join(dir, `${ids[0]}.pose`));
    await writeFile(join(dir, 'not-an-id.pose'), encodePoseFile(suite.reference(ids[1]!)));
    const nan = suite.reference(ids[2]!);
    const data = Float32Array.from(nan.data);
    // The writer refuses NaN, so a sentinel is written and its bytes patched to NaN afterwards.
    const sentinel = Math.fround(0.7654321);
    data[3 * 5 + 2] = sentinel;
    const bytes = Buffer.from(encodePoseFile(new PoseSequence(nan.meta, data)));
    const pattern = Buffer.from(new Float32Array([sentinel]).buffer);
    const at = bytes.indexOf(pattern);
    expect(at).toBeGreaterThan(0);
    Buffer.from(new Float32Array([Number.NaN]).buffer).copy(bytes, at);
    await writeFile(join(dir, `${ids[2]}.pose`), bytes);
    await writeFile(join(dir, `${ids[3]}.pose`), encodePoseFile(PoseSequence.empty({ ...nan.meta, id: ids[3]! }, 0)));
    const long = PoseSequence.empty({ ...nan.meta, id: ids[4]! }, suite.info.frameCap + 1);
    await writeFile(join(dir, `${ids[4]}.pose`), encodePoseFile(long));
    await writeFile(join(dir, `${ids[5]}.pose`), 'not a pose file');
    const r = await rejection(suite, dir);
    const byId = new Map(r.detail.problems.map((p) => [p.id, p.problem]));
    expect(byId.get(ids[0])).toMatch(/missing/);
    expect(byId.get('not-an-id')).toMatch(/extra/);
    expect(byId.get(ids[2])).toMatch(/NaN or Inf|non-finite/);
    expect(byId.get(ids[3])).toMatch(/0 frames|unreadable/);
    expect(byId.get(ids[4])).toBe(`${suite.info.frameCap + 1} frames, over the suite's cap of ${suite.info.frameCap}`);
    expect(byId.get(ids[5])).toMatch(new RegExp(`^unreadable: ${ids[5]}\\.pose: `));
    expect(r.message).toMatch(/rejected: 6 problems/);
  });

  it('reports progress and honours an AbortSignal', async () => {
    const stages = new Set<string>();
    const r = await evaluateSubmission(suite, { kind: 'predictions', path: refs }, { onProgress: (p) => { stages.add(p.stage); expect(p.total).toBe(suite.info.n); } });
    expect(r.n).toBe(suite.info.n);
    expect([...stages]).toEqual(expect.arrayContaining(['reading', 'translating', 'pose metrics']));
    const ac = new AbortController();
    const err = await evaluateSubmission(suite, { kind: 'predictions', path: refs }, {
      signal: ac.signal, onProgress: (p) => { if (p.stage === 'reading' && p.done === 3) ac.abort(); },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'aborted' });
  });

  it('refuses archives with path traversal, absolute paths and links before unpacking anything', async () => {
    const files = await poseFiles(refs);
    const dir = await tmp();
    const bad = join(dir, 'bad.tar');
    await writeTar(bad, [
      ...files.map((f) => ({ name: f.name, data: f.data })),
      { name: '../evil.pose', data: files[0]!.data },
      { name: '/abs.pose', data: files[0]!.data },
      { name: 'link.pose', type: 'symlink' as const, linkname: '/etc/passwd' },
    ]);
    const r = await rejection(suite, bad);
    const text = r.detail.problems.map((p) => p.problem).join('\n');
    expect(text).toMatch(/'\.\.\/evil\.pose'.*'\.\.'/);
    expect(text).toMatch(/'\/abs\.pose'.*absolute/);
    expect(text).toMatch(/'link\.pose'.*link/);
    await expect(readdir(join(dir, '..'))).resolves.not.toContain('evil.pose');
  });

  it('refuses a zip bomb by its compression ratio', async () => {
    const files = await poseFiles(refs);
    const dir = await tmp();
    const bomb = join(dir, 'bomb.zip');
    await writeZip(bomb, [...files, { name: 'zeros.pose', data: new Uint8Array(32 * 1024 * 1024), compress: true }]);
    const r = await rejection(suite, bomb);
    expect(r.detail.problems.map((p) => p.problem).join('\n')).toMatch(/compression ratio \d+:1 is over the limit|zip bomb/);
  });

  it('refuses a link inside a predictions directory', async () => {
    const dir = await referenceCopy(suite);
    const id = suite.prompts()[0]!.id;
    await rm(join(dir, `${id}.pose`));
    await symlink(join(refs, `${id}.pose`), join(dir, `${id}.pose`));
    const r = await rejection(suite, dir);
    expect(r.detail.problems).toContainEqual({ id, problem: `${id}.pose is a link (refused)` });
  });

  it('takes frame files without an fps at the suite fps (a folder <id>/ of DWPose JSON frames)', async () => {
    const dir = await referenceCopy(suite);
    const id = suite.prompts()[0]!.id;
    const { encodeDwposeJson } = await import('../../pose/formats/dwpose-json.js');
    await rm(join(dir, `${id}.pose`));
    await mkdir(join(dir, id));
    const ref = suite.reference(id);
    for (let t = 0; t < ref.frames; t++) {
      const frame = new PoseSequence(ref.meta, ref.data.slice(t * 384, (t + 1) * 384));
      const json = JSON.parse(encodeDwposeJson(frame));
      await writeFile(join(dir, id, `${String(t).padStart(6, '0')}.json`), JSON.stringify(Array.isArray(json.frames) ? json.frames[0] : json));
    }
    const v = await validateSubmission(suite, { kind: 'predictions', path: dir });
    expect(v.poses.get(id)!.frames).toBe(ref.frames);
    expect(v.poses.get(id)!.meta.fps).toBeGreaterThan(0);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineResults, type BaselineRow } from '../../benchmark/baselines/index.js';
import { rankLeaderboard, leaderboardHtml, leaderboardMarkdown, type LeaderboardEntry } from '../../benchmark/leaderboard/index.js';
import { evaluateSubmission, type EvalResult } from '../../benchmark/scoring/evaluate.js';
import { SubmissionRejectedError } from '../../benchmark/submission/index.js';
import type { Suite } from '../../benchmark/suite/index.js';
import type { SignBlock } from '../../benchmark/metrics/sign/index.js';
import { REPO_ROOT } from '../../benchmark/hash.js';
import { miniSuite, scoresOf, testDataDir, tmp } from './helpers.js';

const clone = (r: EvalResult, patch: (r: EvalResult) => void): EvalResult => {
  const c = structuredClone(r);
  patch(c);
  return c;
};

describe('baselines and the leaderboard', () => {
  let suite: Suite;
  let rows: BaselineRow[];
  beforeAll(async () => {
    suite = await miniSuite();
    rows = await baselineResults(suite, { dataDir: await testDataDir() });
  }, 180_000);

  it('computes the four baseline rows once and caches them under hashes of what made them', async () => {
    expect(rows.map((r) => r.name)).toEqual(['ground-truth', 'mean-pose', 'nearest-sentence', 'default-generator']);
    for (const r of rows) expect(r.result.submission.kind).toBe('baseline');
    // the second call reads the cache: a mark put into a cached file comes back
    const { readdir, readFile } = await import('node:fs/promises');
    const dataDir = await testDataDir();
    const cacheDir = join(dataDir, 'cache', 'baselines', suite.info.version);
    const cached = (await readdir(cacheDir)).filter((f) => f.endsWith('.json'));
    expect(cached.map((f) => f.replace(/-[0-9a-f]{16}\.json$/, '')).sort()).toEqual(['default-generator', 'ground-truth', 'mean-pose', 'nearest-sentence']);
    const gtFile = join(cacheDir, cached.find((f) => f.startsWith('ground-truth'))!);
    const marked = JSON.parse(await readFile(gtFile, 'utf8'));
    await writeFile(gtFile, JSON.stringify({ ...marked, timings: { total_s: -1 } }));
    const again = await baselineResults(suite, { dataDir });
    expect(again[0]!.result.timings).toEqual({ total_s: -1 });
    await writeFile(gtFile, JSON.stringify(marked));
    expect(again.slice(1).map((r) => r.result)).toEqual(rows.slice(1).map((r) => r.result));
    // a different generator (here: the same model in another directory with another manifest) gets a new row
    const other = await tmp('sb-gen-');
    const { copyFile } = await import('node:fs/promises');
    for (const f of (await readdir(join(REPO_ROOT, 'models/generator'))).filter((f) => f.endsWith('.onnx'))) await copyFile(join(REPO_ROOT, 'models/generator', f), join(other, f));
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'models/generator/manifest.json'), 'utf8'));
    await writeFile(join(other, 'manifest.json'), JSON.stringify({ ...manifest, note: 'a copy' }));
    const before = (await readdir(join(dataDir, 'cache', 'baselines', suite.info.version))).filter((f) => f.startsWith('default-generator'));
    const copy = await baselineResults(suite, { dataDir, only: ['default-generator'], generatorDir: other });
    const after = (await readdir(join(dataDir, 'cache', 'baselines', suite.info.version))).filter((f) => f.startsWith('default-generator'));
    expect(after.length).toBe(before.length + 1);
    expect(scoresOf(copy[0]!.result)).toEqual(scoresOf(rows[3]!.result));
  }, 180_000);

  it('scores a model submission (the committed generator) as its baseline row, and rejects broken or runaway models', async () => {
    const r = await evaluateSubmission(suite, { kind: 'model', dir: join(REPO_ROOT, 'models/generator') });
    expect(r.submission.kind).toBe('model');
    expect(scoresOf(r)).toEqual(scoresOf(rows[3]!.result));
    const broken = await tmp('sb-broken-');
    await writeFile(join(broken, 'manifest.json'), '{"format": "nope"}');
    const e1 = await evaluateSubmission(suite, { kind: 'model', dir: broken }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(SubmissionRejectedError);
    expect((e1 as SubmissionRejectedError).detail.problems[0]!.problem).toMatch(/model failed \(exit 1\)/);
    const e2 = await evaluateSubmission(suite, { kind: 'model', dir: join(REPO_ROOT, 'models/generator') }, { limits: { modelMemoryMiB: 40 } }).catch((e: unknown) => e);
    expect((e2 as SubmissionRejectedError).detail.problems[0]!.problem).toMatch(/over the memory limit of 40 MiB/);
    const e3 = await evaluateSubmission(suite, { kind: 'model', dir: join(REPO_ROOT, 'models/generator') }, { limits: { modelTimeoutMs: 300 } }).catch((e: unknown) => e);
    expect((e3 as SubmissionRejectedError).detail.problems[0]!.problem).toMatch(/time limit/);
  }, 180_000);

  it('ranks ground truth > default generator > mean pose on synthetic-mini, with paired tests against the row above', () => {
    const lb = rankLeaderboard('synthetic-mini', rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })));
    const names = lb.rows.map((r) => r.name);
    expect(names.indexOf('ground-truth')).toBe(0);
    expect(names.indexOf('default-generator')).toBeLessThan(names.indexOf('mean-pose'));
    expect(lb.rows[0]!.vs_above).toBeNull();
    for (const r of lb.rows.slice(1)) expect(r.vs_above).toMatchObject({ p: expect.any(Number), significant: expect.any(Boolean) });
    const meanRow = lb.rows.find((r) => r.name === 'mean-pose')!;
    expect(meanRow.vs_above!.significant).toBe(true);
    expect(lb.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it('carries the sign-level block (issue 20) for suites with gloss timings: ground truth reads, the mean pose does not', () => {
    const sign = (name: string) => rows.find((r) => r.name === name)!.result.sign as SignBlock;
    expect(sign('ground-truth').segments).toBeGreaterThan(suite.info.n);
    expect(sign('ground-truth').accuracy_top1).toBeGreaterThanOrEqual(90);
    expect(sign('mean-pose').accuracy_top1).toBeLessThanOrEqual(5);
    expect(sign('ground-truth').ci95!.accuracy_top1[0]).toBeLessThanOrEqual(sign('ground-truth').accuracy_top1);
    const lb = rankLeaderboard('synthetic-mini', rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })));
    expect(lb.rows.find((r) => r.name === 'ground-truth')!.sign).toEqual(sign('ground-truth'));
  });

  it('a submission equal to the row above is not called significantly different (p = 1)', () => {
    const gt = rows[0]!.result;
    const lb = rankLeaderboard('synthetic-mini', [
      { name: 'ground-truth', kind: 'baseline', result: gt },
      { name: 'copy', kind: 'submission', result: structuredClone(gt), submittedAt: '2026-12-01T00:00:00Z' },
    ]);
    expect(lb.rows.map((r) => r.name)).toEqual(['ground-truth', 'copy']);
    expect(lb.rows[1]!.vs_above).toEqual({ p: 1, significant: false });
  });

  it('breaks ties by chrF, then DTW-MJE, then the earlier submission, and never puts a row without BLEU above one with it', () => {
    const base = rows[3]!.result;
    const e = (name: string, r: EvalResult, submittedAt?: string): LeaderboardEntry => ({ name, kind: 'submission', result: r, ...(submittedAt ? { submittedAt } : {}) });
    const withScores = (bleu: number, chrf: number, mje: number) => clone(base, (c) => { c.sacrebleu = { bleu, chrf }; c.pose.dtw_mje = mje; });
    const lb = rankLeaderboard('s', [
      e('no-bleu', clone(base, (c) => { c.sacrebleu = null; c.pose.dtw_mje = 0.001; })),
      e('late', withScores(30, 50, 0.08), '2026-12-02T00:00:00Z'),
      e('early', withScores(30, 50, 0.08), '2026-12-01T00:00:00Z'),
      e('better-mje', withScores(30, 50, 0.07), '2026-12-03T00:00:00Z'),
      e('better-chrf', withScores(30, 51, 0.09), '2026-12-04T00:00:00Z'),
      e('best', withScores(31, 40, 0.2), '2026-12-05T00:00:00Z'),
      e('nan-bleu', clone(base, (c) => { c.sacrebleu = { bleu: Number.NaN, chrf: 99 }; })),
    ]);
    expect(lb.primary).toBe('sacrebleu.bleu');
    expect(lb.rows.map((r) => r.name)).toEqual(['best', 'better-chrf', 'better-mje', 'early', 'late', 'nan-bleu', 'no-bleu']);
    // (the two rows without BLEU: by chrF, which only nan-bleu has)
    // a pose-only board ranks by DTW-MJE
    const po = rankLeaderboard('p', [e('a', clone(base, (c) => { c.sacrebleu = null; c.pose.dtw_mje = 0.2; })), e('b', clone(base, (c) => { c.sacrebleu = null; c.pose.dtw_mje = 0.1; }))]);
    expect(po.primary).toBe('pose.dtw_mje');
    expect(po.rows.map((r) => r.name)).toEqual(['b', 'a']);
  });

  it('writes Markdown and a self-contained HTML page with the SVG plot', async () => {
    const lb = rankLeaderboard('synthetic-mini', rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })));
    const md = leaderboardMarkdown(lb);
    for (const r of rows) expect(md).toContain(`| ${r.name} | baseline |`);
    expect(md).toContain(rows[0]!.result.signature.text);
    const html = leaderboardHtml(lb);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html.match(/<circle /g)!.length).toBe(2 * rows.length);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    const out = await tmp('sb-lb-');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'lb.html'), html);
  });
});

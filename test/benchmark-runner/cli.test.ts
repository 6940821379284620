import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineResults } from '../../benchmark/baselines/index.js';
import { ciVerdict } from '../../benchmark/ci/index.js';
import { evaluateSubmission, type EvalResult } from '../../benchmark/scoring/evaluate.js';
import type { Suite } from '../../benchmark/suite/index.js';
import { REPO_ROOT } from '../../benchmark/hash.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { PoseSequence } from '../../pose/sequence.js';
import { miniSuite, testDataDir, tmp } from './helpers.js';

const BIN = `node ${join(REPO_ROOT, 'bin', 'signbench.js')}`;

/** Runs a shell command line with `npx signbench` meaning this checkout's CLI. */
function sh(line: string, cwd: string, env: Record<string, string>): { code: number; out: string; err: string } {
  const cmd = line.replace(/\bnpx signbench\b/g, BIN);
  const r = spawnSync('bash', ['-c', cmd], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The `signbench eval|ci` command lines of docs/ci.md (shell blocks and YAML `run:` / `- ` lines). */
function documentedLines(): string[] {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
  const blocks = [...doc.matchAll(/```(?:sh|yaml)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n'))
    .map((l) => l.trim().replace(/^(- )?(run: )?/, ''))
    .filter((l) => /^npx signbench (eval|ci) /.test(l));
}

async function writePoses(dir: string, poses: Map<string, PoseSequence>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [id, seq] of poses) await writeFile(join(dir, `${id}.pose`), encodePoseFile(seq));
  return dir;
}

describe('signbench eval / ci (docs/ci.md)', () => {
  let suite: Suite;
  let cwd: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    suite = await miniSuite();
    cwd = await tmp('sb-ci-');
    await symlink(join(REPO_ROOT, 'models'), join(cwd, 'models'));
    await mkdir(join(cwd, 'ci'));
    env = { SIGNBENCH_DATA: await testDataDir(), GITHUB_STEP_SUMMARY: join(cwd, 'step-summary.md') };
  });

  it('runs the documented command lines: the baseline eval, then each ci line passes', () => {
    const lines = documentedLines();
    const evals = lines.filter((l) => l.startsWith('npx signbench eval'));
    const cis = lines.filter((l) => l.startsWith('npx signbench ci'));
    expect(evals.length).toBeGreaterThanOrEqual(1);
    expect(cis.length).toBeGreaterThanOrEqual(3); // the shell block, GitHub Actions, GitLab CI
    for (const l of evals) {
      const r = sh(l, cwd, env);
      expect(r.code, r.err).toBe(0);
    }
    const baseline = JSON.parse(readFileSync(join(cwd, 'ci', 'signbench-baseline.json'), 'utf8')) as EvalResult;
    expect(baseline.suite).toBe('synthetic-mini');
    for (const l of cis) {
      const r = sh(l, cwd, env);
      expect(r.code, `${l}\n${r.err}`).toBe(0);
      expect(r.out).toMatch(/^PASS: BLEU did not drop/);
    }
    const junit = readFileSync(join(cwd, 'signbench-junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="signbench" tests="1" failures="0"/);
    expect(readFileSync(join(cwd, 'signbench-summary.md'), 'utf8')).toMatch(/signbench ci: ✅ pass on synthetic-mini/);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toMatch(/\| BLEU \|/);
  }, 300_000);

  it('exits 1 on a real drop (mean pose against the generator\'s baseline), with a failed JUnit case', async () => {
    const baselineFile = join(cwd, 'ci', 'signbench-baseline.json');
    if (!existsSync(baselineFile)) {
      const r = sh(`npx signbench eval --suite synthetic-mini --model models/generator --out ${baselineFile}`, cwd, env);
      expect(r.code, r.err).toBe(0);
    }
    const { meanPoseSequence } = await import('../../benchmark/baselines/systems.js');
    const { loadTrainingSplits } = await import('../../corpus/training.js');
    const train = (await loadTrainingSplits('procedural')).train.slice(0, 50).map((e) => e.sequence());
    const mean = meanPoseSequence(train, 'mean');
    const dir = await writePoses(join(cwd, 'mean'), new Map(suite.prompts().map((p) => [p.id, mean])));
    const r = sh(`npx signbench ci --suite synthetic-mini --predictions ${dir} --baseline ci/signbench-baseline.json --junit drop.xml --summary drop.md --json`, cwd, env);
    expect(r.code, r.err).toBe(1);
    const v = JSON.parse(r.out.trim().split('\n').pop()!);
    expect(v).toMatchObject({ pass: false, metric: 'sacrebleu.bleu', significant: true });
    expect(v.drop).toBeGreaterThan(20);
    expect(r.err).toMatch(/signbench: regression: BLEU dropped by/);
    expect(readFileSync(join(cwd, 'drop.xml'), 'utf8')).toMatch(/failures="1"[\s\S]*<failure message="BLEU dropped/);
    expect(readFileSync(join(cwd, 'drop.md'), 'utf8')).toMatch(/❌ regression/);
  }, 300_000);

  it('passes on noise: the ground truth with a small jitter against the ground truth', async () => {
    const truth = (await baselineResults(suite, { dataDir: await testDataDir(), only: ['ground-truth'] }))[0]!.result;
    // deterministic jitter of present points (0.4 % of the frame)
    let s = 1;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.008;
    const poses = new Map(suite.prompts().map((p) => {
      const ref = suite.reference(p.id);
      const d = Float32Array.from(ref.data);
      for (let i = 0; i < d.length; i += 3) if (d[i + 2]! > 0) { d[i] += rand(); d[i + 1] += rand(); }
      return [p.id, new PoseSequence(ref.meta, d)];
    }));
    const dir = await writePoses(join(cwd, 'jitter'), poses);
    const r = await evaluateSubmission(suite, { kind: 'predictions', path: dir });
    expect(r.pose.dtw_mje).toBeGreaterThan(0);
    // the jitter changes some back-translations: a real difference in BLEU, but noise to the paired bootstrap
    expect(r.items.some((it, i) => it.hyp !== truth.items[i]!.hyp)).toBe(true);
    expect(r.sacrebleu!.bleu).not.toBe(truth.sacrebleu!.bleu);
    const v = ciVerdict(r, truth, { maxDrop: 1.0 });
    expect(v.significant, v.reason).toBe(false);
    expect(v.pass, v.reason).toBe(true);
    // the same verdict for a zero margin: without significance no drop fails
    expect(ciVerdict(r, truth, { maxDrop: 0 }).pass).toBe(true);
  }, 120_000);

  it('eval --json prints the eval JSON of the contract, and on a rejected submission exits 1 with the per-item report', async () => {
    const ok = sh(`npx signbench eval --suite synthetic-mini --predictions ${suite.referenceDir} --json`, cwd, env);
    expect(ok.code, ok.err).toBe(0);
    const res = JSON.parse(ok.out) as EvalResult;
    for (const k of ['suite', 'signature', 'n', 'slt', 'sacrebleu', 'pose', 'ci95', 'items']) expect(res).toHaveProperty(k);
    expect(Object.keys(res.slt!)).toEqual(['bleu1', 'bleu2', 'bleu3', 'bleu4', 'rouge']);
    expect(Object.keys(res.sacrebleu!)).toEqual(['bleu', 'chrf']);
    expect(res.pose).toMatchObject({ dtw_mje: 0, fpd: 0 });
    expect(Object.keys(res.ci95)).toEqual(['bleu', 'chrf', 'dtw_mje']);
    for (const c of Object.values(res.ci95)) { expect(c).toHaveLength(2); expect(c![0]).toBeLessThanOrEqual(c![1]); }
    expect(res.items).toHaveLength(suite.info.n);
    expect(res.signature).toMatchObject({ suite: { name: 'synthetic-mini', version: suite.info.version }, judge: { hash: suite.info.judge!.hash }, signbench: '0.1.0' });
    expect(Object.keys(res.breakdown.type)).toEqual(expect.arrayContaining(['statement', 'yes-no-question', 'wh-question', 'negation', 'fingerspelled-name']));
    const partial = join(cwd, 'partial');
    await writePoses(partial, new Map(suite.prompts().slice(1).map((p) => [p.id, suite.reference(p.id)])));
    const bad = sh(`npx signbench eval --suite synthetic-mini --predictions ${partial} --json`, cwd, env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toEqual({ error: 'rejected', detail: { problems: [{ id: suite.prompts()[0]!.id, problem: 'missing: no file for this prompt id' }] } });
    expect(bad.err).toMatch(/signbench: submission rejected: 1 problem/);
  }, 120_000);
});

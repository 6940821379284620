/**
 * The fingerspelling suite end to end on real letter clips (../shared/corpus/fingerspelling-lexicon): a smoke build of
 * two sign languages (seconds), scored pose-only, with its four baseline rows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { baselineResults, type BaselineRow } from '../../benchmark/baselines/index.js';
import { charModelDir, readTrainWords } from '../../benchmark/baselines/fingerspelling.js';
import { REPO_ROOT, sha256Dir } from '../../benchmark/hash.js';
import { leaderboardHtml, leaderboardMarkdown, rankLeaderboard } from '../../benchmark/leaderboard/index.js';
import { buildSuite, type Suite } from '../../benchmark/suite/index.js';
import { buildCorpus } from '../../corpus/builders/index.js';
import { openCorpus } from '../../corpus/format.js';
import { tempDir } from '../corpus-builders/helpers.js';
import { describeShared, sharedPath } from '../shared.js';

describeShared(['corpus', 'fingerspelling-lexicon'], 'fingerspelling suite (smoke build: ase + gsg)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let corpusDir: string;
  let suite: Suite;
  let rows: BaselineRow[];
  const row = (name: string) => rows.find((r) => r.name === name)!;

  beforeAll(async () => {
    tmp = await tempDir('fs-suite');
    corpusDir = join(tmp.dir, 'corpus');
    await buildCorpus('fingerspelling', { src: sharedPath('corpus', 'fingerspelling-lexicon'), out: corpusDir, signLanguages: ['ase', 'gsg'] });
    suite = await buildSuite({ corpus: corpusDir, split: 'test', out: join(tmp.dir, 'suite'), name: 'fs-smoke' });
    rows = await baselineResults(suite, { dataDir: join(tmp.dir, 'data') });
  }, 120_000);
  afterAll(async () => { await tmp?.cleanup(); });

  it('is a pose-only fingerspelling suite whose prompts name their sign language and letters', async () => {
    expect(suite.info.scoring).toBe('pose-only');
    expect(suite.info.judge).toBeNull();
    expect(suite.info.protocols).toEqual(['pose']);
    expect(suite.info.task).toBe('fingerspelling');
    const prompts = suite.prompts();
    expect(prompts.length).toBeGreaterThan(2);
    expect(new Set(prompts.map((p) => p.signLanguage))).toEqual(new Set(['ase', 'gsg']));
    for (const p of prompts) expect(p.glosses!.length).toBeGreaterThan(0);
    // No test word is a training word, in any language (the builder splits by the folded word).
    const train = new Set((await openCorpus(corpusDir)).entries('train').map((e) => e.text.toLowerCase()));
    expect(train.size).toBeGreaterThan(20);
    for (const p of prompts) expect(train.has(p.text.toLowerCase())).toBe(false);
  });

  it('scores pose metrics only, overall and per sign language, for its four baselines', () => {
    expect(rows.map((r) => r.name)).toEqual(['ground-truth', 'mean-pose', 'nearest-word', 'char-generator']);
    for (const { result } of rows) {
      expect(result.scoring).toBe('pose-only');
      expect(result.sacrebleu).toBeNull();
      expect(result.items.every((it) => it.hyp === null && it.sign_language)).toBe(true);
      const langs = result.breakdown.sign_language!;
      expect(Object.keys(langs)).toEqual(['ase', 'gsg']);
      expect(langs.ase!.n + langs.gsg!.n).toBe(result.n);
      for (const l of Object.values(langs)) {
        expect(l.ci95_dtw_mje[0]).toBeLessThanOrEqual(l.dtw_mje + 1e-12);
        expect(l.ci95_dtw_mje[1]).toBeGreaterThanOrEqual(l.dtw_mje - 1e-12);
        expect(l.length_ratio).toBeGreaterThan(0);
      }
    }
  });

  it('orders the baselines sanely: ground truth 0 < char generator < nearest word < mean pose', () => {
    const mje = (n: string) => row(n).result.pose.dtw_mje;
    expect(mje('ground-truth')).toBe(0);
    expect(mje('char-generator')).toBeGreaterThan(0);
    expect(mje('char-generator')).toBeLessThan(mje('nearest-word'));
    expect(mje('nearest-word')).toBeLessThan(mje('mean-pose'));
    // retrieval returns a real training word of the same sign language
    const retrieved = row('nearest-word').result.retrieved as Record<string, string>;
    expect(Object.keys(retrieved).sort()).toEqual(suite.prompts().map((p) => p.id).sort());
  });

  it('writes the char model under the data dir and records its hash in its row; a second call reuses it', async () => {
    const model = row('char-generator').result.model as { hash: string; dir: string; unseenLetters: number; trainWords: number };
    expect(model.dir.startsWith(join(tmp.dir, 'data'))).toBe(true);
    const words = await readTrainWords(corpusDir, suite.prompts());
    expect(words.words.length).toBe(model.trainWords);
    expect(model.dir).toBe(charModelDir(join(tmp.dir, 'data'), words.version, words.words));
    expect(existsSync(join(model.dir, 'weights.bin'))).toBe(true);
    expect(existsSync(join(model.dir, 'train-log.json'))).toBe(true);
    expect(model.hash).toBe(await sha256Dir(model.dir, (rel) => rel !== 'train-log.json'));
    expect(row('char-generator').result.submission.sha256).toBe(model.hash);
    expect(model.trainWords).toBeGreaterThan(20);
    const manifest = JSON.parse(await readFile(join(model.dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.languages)).toEqual(['ase', 'gsg']);
    const again = await baselineResults(suite, { dataDir: join(tmp.dir, 'data'), only: ['char-generator'] });
    expect((again[0]!.result.model as { hash: string }).hash).toBe(model.hash);
  });

  it('keeps a suite\'s own words out of the baselines\' training even when it is cut from the train split', async () => {
    const trainSuite = await buildSuite({ corpus: corpusDir, split: 'train', out: join(tmp.dir, 'train-suite'), limit: 6 });
    expect(trainSuite.prompts().every((p) => p.signLanguage)).toBe(true);
    const [nearest] = await baselineResults(trainSuite, { dataDir: join(tmp.dir, 'data'), only: ['nearest-word'] });
    const retrieved = nearest!.result.retrieved as Record<string, string>;
    for (const p of trainSuite.prompts()) expect(retrieved[p.id]!.toLowerCase()).not.toBe(p.text.toLowerCase());
    expect(nearest!.result.pose.dtw_mje).toBeGreaterThan(0);
  });

  it('puts the per-language table and the model hash in the Markdown leaderboard', () => {
    const lb = rankLeaderboard('fs-smoke', rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })));
    expect(lb.primary).toBe('pose.dtw_mje');
    expect(lb.rows.map((r) => r.name)).toEqual(['ground-truth', 'char-generator', 'nearest-word', 'mean-pose']);
    const md = leaderboardMarkdown(lb);
    expect(md).toContain('DTW-MJE ↓ per sign language');
    expect(md).toMatch(/\| ase \| \d+ \| 0\.0000 /);
    expect(md).toMatch(/\| gsg \| \d+ \| 0\.0000 /);
    expect(md).toContain(`model sha256 \`${(row('char-generator').result.model as { hash: string }).hash}\``);
    expect(md).not.toContain('BLEU ↑');
    const html = leaderboardHtml(lb);
    expect(html).toContain('DTW-MJE ↓ per sign language');
    expect(html).toMatch(/<tr><td>gsg<\/td><td>\d+<\/td><td>0\.0000/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
  });

  it('builds from the command line: corpus build, then suite build --baselines prints the per-language table', () => {
    const bin = `node ${join(REPO_ROOT, 'bin', 'signbench.js')}`;
    const run = (args: string) => spawnSync('bash', ['-c', `${bin} ${args}`], { cwd: tmp.dir, encoding: 'utf8', timeout: 120_000 });
    const c = run(`corpus build fingerspelling --src ${sharedPath('corpus', 'fingerspelling-lexicon')} --sign-languages ase,gsg --out cli-corpus --no-progress`);
    expect(c.status, c.stderr).toBe(0);
    const s = run('suite build --corpus cli-corpus --split test --out cli-suite --baselines --data cli-data');
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/suite cli-suite sv-[0-9a-f]{16}: \d+ items, pose-only/);
    expect(s.stdout).toContain('DTW-MJE ↓ per sign language');
    expect(s.stdout).toMatch(/\| \d \| char-generator \| baseline \| /);
    expect(existsSync(join(tmp.dir, 'cli-data', 'models', 'fingerspelling-char'))).toBe(true);
  }, 120_000);
});

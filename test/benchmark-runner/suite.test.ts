import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCorpus } from '../../corpus/format.js';
import { proceduralCorpus } from '../../corpus/procedural/index.js';
import { buildSuite, loadSuite, MINI_ITEMS, promptsJsonl, SUITE_FILE } from '../../benchmark/suite/index.js';
import { isSignbenchError } from '../../pose/errors.js';
import { evaluateSubmission } from '../../benchmark/scoring/evaluate.js';
import { rankLeaderboard } from '../../benchmark/leaderboard/index.js';
import { miniSuite, testDataDir, tmp } from './helpers.js';

describe('suites', () => {
  it('materialises synthetic-mini under <dataDir>/suites with the info of the contract', async () => {
    const s = await miniSuite();
    expect(s.dir).toBe(join(await testDataDir(), 'suites', 'synthetic-mini'));
    expect(existsSync(join(s.dir, SUITE_FILE))).toBe(true);
    const i = s.info;
    expect(i).toMatchObject({
      name: 'synthetic-mini', n: MINI_ITEMS, split: 'test', scoring: 'back-translation', fps: 24,
      corpus: { version: 'sbp-4f768afe37fedf64', seed: 1, sentences: 5000 },
      judge: { dir: 'models/translator' }, protocols: ['sacrebleu', 'slt', 'slrtp', 'pose'],
    });
    expect(i.version).toMatch(/^sv-[0-9a-f]{16}$/);
    expect(i.judge!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.prompts()).toHaveLength(MINI_ITEMS);
    expect(s.prompts()[0]).toEqual({ id: 'sbp-1-000028', text: 'He does not come to the theater.', glosses: ['THEATER', 'HE', 'COME', 'NOT'] });
    expect(s.reference('sbp-1-000028').frames).toBe(112);
    expect(promptsJsonl(s).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(s.prompts().map((p) => p.id));
  });

  it('leaves out test items whose sentence is a training sentence, and is deterministic', async () => {
    const c = proceduralCorpus({ sentences: 5000, seed: 1 });
    const train = new Set(c.entries.filter((e) => e.split === 'train').map((e) => e.text));
    const out = await tmp();
    const a = await buildSuite({ corpus: 'procedural', split: 'test', judge: 'models/translator', out: join(out, 'a'), name: 'x', limit: 60 });
    const b = await buildSuite({ corpus: 'procedural', split: 'test', judge: 'models/translator', out: join(out, 'b'), name: 'x', limit: 60 });
    expect(a.info.version).toBe(b.info.version);
    expect(readFileSync(join(a.dir, 'prompts.jsonl'), 'utf8')).toBe(readFileSync(join(b.dir, 'prompts.jsonl'), 'utf8'));
    expect(a.prompts().some((p) => train.has(p.text))).toBe(false);
    const leaking = c.entries.filter((e) => e.split === 'test' && train.has(e.text)).map((e) => e.id);
    expect(leaking.length).toBe(7);
    const mini = await miniSuite();
    // the mini suite is the first items of the same list
    expect(a.prompts().slice(0, MINI_ITEMS)).toEqual(mini.prompts());
    expect(a.info.version).not.toBe(mini.info.version);
  });

  it('makes a pose-only suite from a corpus whose language the judge does not read', async () => {
    const c = proceduralCorpus({ sentences: 60, seed: 3 });
    const dir = await tmp('sb-corpus-');
    await writeCorpus(dir, [...c.stream()].map(({ entry, seq }) => ({ entry: { ...entry, language: 'de' }, seq })), { version: 'test-de' });
    const s = await buildSuite({ corpus: dir, split: 'test', judge: 'models/translator', out: join(dir, 'suite') });
    expect(s.info.scoring).toBe('pose-only');
    expect(s.info.judge).toBeNull();
    expect(s.info.protocols).toEqual(['pose']);
    expect(s.info.note).toMatch(/does not read de/);
    expect(s.info.publicReferences).toBe(false);
    const loaded = await loadSuite(join(dir, 'suite'), { dataDir: await testDataDir() });
    expect(loaded.info).toEqual(s.info);
    // scored on pose metrics only: null text blocks, and a board ranked by DTW-MJE
    const r = await evaluateSubmission(loaded, { kind: 'predictions', path: loaded.referenceDir });
    expect(r).toMatchObject({ scoring: 'pose-only', slt: null, sacrebleu: null, slrtp: null, ci95: { bleu: null, chrf: null, dtw_mje: [0, 0] }, pose: { dtw_mje: 0, fpd: null } });
    expect(r.signature.judge).toBeNull();
    expect(r.items.every((it) => it.hyp === null && it.stats === null)).toBe(true);
    expect(rankLeaderboard(s.info.name, [{ name: 'truth', kind: 'baseline', result: r }]).primary).toBe('pose.dtw_mje');
  });

  it('refuses unknown suites and bad splits with typed errors', async () => {
    const err = await loadSuite('no-such-suite', { dataDir: await testDataDir() }).catch((e: unknown) => e);
    expect(isSignbenchError(err, 'not-found')).toBe(true);
    const bad = await buildSuite({ corpus: 'procedural', split: 'val', out: join(await tmp(), 's') }).catch((e: unknown) => e);
    expect(isSignbenchError(bad, 'invalid-input')).toBe(true);
  });
});

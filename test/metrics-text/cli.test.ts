import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../shared.js';
import { fixtureJson } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describeShared(['fixtures', 'metrics'], 'signbench score (CLI)', () => {
  it('prints one JSON line with the contract keys and the reference numbers', () => {
    const m = (f: string) => sharedPath('fixtures', 'metrics', f);
    const r = spawnSync('npx', ['tsx', 'cli/main.ts', 'score', '--hyp', m('hyp.txt'), '--ref', m('ref.txt'), '--ref', m('ref2.txt'), '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual(['n', 'sacrebleu', 'slt', 'slrtp']);
    const exp = fixtureJson<{ n: number; sacrebleu: { bleu_2refs: number }; slt: { bleu4: number } }>('metrics', 'expected.json');
    expect(out.n).toBe(exp.n);
    const bleu = out.sacrebleu!.bleu as { score: number; signature: string };
    expect(Math.abs(bleu.score - exp.sacrebleu.bleu_2refs)).toBeLessThan(1e-6);
    expect(bleu.signature.startsWith('nrefs:2|')).toBe(true);
    expect(Object.keys(out.sacrebleu!)).toEqual(['bleu', 'chrf', 'chrf++']);
    expect(Math.abs((out.slt!.bleu4 as number) - exp.slt.bleu4)).toBeLessThan(1e-6);
    expect(Object.keys(out.slrtp!).sort()).toEqual(['bleu1', 'bleu2', 'bleu3', 'bleu4', 'chrf', 'rouge', 'signature', 'wer']);
    expect(out.slrtp!.signature).toMatch(/^nrefs:1\|bleu:raw_corpus_bleu\|.*\|wer:jiwer-3\.1-slrtp\|norm:none\|impl:slrtp-2025$/);
  });
});

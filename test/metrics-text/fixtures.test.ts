import { expect, it } from 'vitest';
import { corpusBleu } from '../../benchmark/metrics/text/bleu.js';
import { corpusChrf } from '../../benchmark/metrics/text/chrf.js';
import { cocoRouge } from '../../benchmark/metrics/text/rouge.js';
import { sltBleu } from '../../benchmark/metrics/text/slt.js';
import { wer } from '../../benchmark/metrics/text/wer.js';
import { scoreText } from '../../benchmark/protocols/text.js';
import { describeShared, hasShared } from '../shared.js';
import { fixtureJson, fixtureLines } from './helpers.js';

interface Expected {
  n: number;
  sacrebleu: {
    bleu: number;
    bleu_2refs: number;
    chrf: number;
    'chrf++': number;
    bleu_signature: string;
    precisions: number[];
    bp: number;
  };
  slt: { bleu1: number; bleu2: number; bleu3: number; bleu4: number; rouge: number };
}

const TOL = 1e-6;

describeShared(['fixtures', 'metrics'], 'reference numbers of fixtures/metrics (sacrebleu 2.6.0, SLT)', () => {
  const exp = fixtureJson<Expected>('metrics', 'expected.json');
  const hyp = fixtureLines('hyp.txt');
  const ref = fixtureLines('ref.txt');
  const ref2 = fixtureLines('ref2.txt');

  it('reads one segment per line (empty hypothesis lines kept)', () => {
    expect(hyp.length).toBe(exp.n);
    expect(ref.length).toBe(exp.n);
    expect(ref2.length).toBe(exp.n);
    expect(hyp.some((l) => l === '')).toBe(true);
  });

  it('corpus BLEU, one reference: score, precisions, BP, signature', () => {
    const b = corpusBleu(hyp, [ref]);
    expect(Math.abs(b.score - exp.sacrebleu.bleu)).toBeLessThan(TOL);
    b.precisions.forEach((p, i) => expect(Math.abs(p - exp.sacrebleu.precisions[i]!)).toBeLessThan(TOL));
    expect(Math.abs(b.bp - exp.sacrebleu.bp)).toBeLessThan(TOL);
    expect(b.signature).toBe(exp.sacrebleu.bleu_signature);
  });

  it('corpus BLEU, two references', () => {
    const b = corpusBleu(hyp, [ref, ref2]);
    expect(Math.abs(b.score - exp.sacrebleu.bleu_2refs)).toBeLessThan(TOL);
    expect(b.signature).toBe(exp.sacrebleu.bleu_signature.replace('nrefs:1', 'nrefs:2'));
  });

  it('chrF and chrF++ with signatures in sacrebleu format', () => {
    const c = corpusChrf(hyp, [ref]);
    const cpp = corpusChrf(hyp, [ref], { wordOrder: 2 });
    expect(Math.abs(c.score - exp.sacrebleu.chrf)).toBeLessThan(TOL);
    expect(Math.abs(cpp.score - exp.sacrebleu['chrf++'])).toBeLessThan(TOL);
    const version = exp.sacrebleu.bleu_signature.split('version:')[1];
    expect(c.signature).toBe(`nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:${version}`);
    expect(cpp.signature).toBe(`nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:${version}`);
    expect(c.name).toBe('chrF2');
    expect(cpp.name).toBe('chrF2++');
  });

  it('SLT BLEU-1..4 and COCO ROUGE-L', () => {
    const s = sltBleu(hyp, [ref]);
    for (const k of ['bleu1', 'bleu2', 'bleu3', 'bleu4'] as const) expect(Math.abs(s[k] - exp.slt[k])).toBeLessThan(TOL);
    expect(Math.abs(cocoRouge(hyp, [ref]) - exp.slt.rouge)).toBeLessThan(TOL);
  });

  it.skipIf(!hasShared('fixtures', 'slrtp', 'expected.json'))('SLRTP WER (jiwer 3.1 transforms)', () => {
    const e = fixtureJson<{ wer: number }>('slrtp', 'expected.json');
    expect(Math.abs(wer(hyp, [ref]).wer - e.wer)).toBeLessThan(TOL);
  });

  it('scoreText gives the CLI contract with all three protocols', () => {
    const s = scoreText(hyp, [ref, ref2]);
    expect(Object.keys(s)).toEqual(['n', 'sacrebleu', 'slt', 'slrtp']);
    expect(s.n).toBe(exp.n);
    expect(Math.abs(s.sacrebleu.bleu.score - exp.sacrebleu.bleu_2refs)).toBeLessThan(TOL);
    expect(Object.keys(s.sacrebleu.bleu)).toEqual(['score', 'precisions', 'bp', 'signature']);
    // slt/slrtp use the first reference only
    expect(Math.abs(s.slt.bleu4 - exp.slt.bleu4)).toBeLessThan(TOL);
    expect(Math.abs(s.slrtp.rouge - exp.slt.rouge)).toBeLessThan(TOL);
    expect(Math.abs(s.slrtp.chrf - exp.sacrebleu.chrf)).toBeLessThan(TOL);
    expect(Object.keys(s.slrtp)).toEqual(['bleu1', 'bleu2', 'bleu3', 'bleu4', 'rouge', 'signature', 'chrf', 'wer']);
    expect(s.slt.signature).toContain('impl:neccam-slt');
    expect(s.slrtp.signature).toContain('impl:slrtp-2025');
  });
});

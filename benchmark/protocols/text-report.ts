/** Plain-text tables of the text protocols' scores for the CLI (the JSON contract is the machine-readable form). */
import type { TextScores } from './text.js';
import type { PairedMetricResult } from '../metrics/text/significance.js';

const f2 = (x: number): string => x.toFixed(2);

export function formatScoreTable(s: TextScores): string {
  const b = s.sacrebleu.bleu;
  const rows: [string, string, string][] = [
    ['sacrebleu', 'BLEU', `${f2(b.score)}  ${b.precisions.map((p) => p.toFixed(1)).join('/')} (BP = ${b.bp.toFixed(3)})`],
    ['', '', b.signature],
    ['', 'chrF2', f2(s.sacrebleu.chrf.score)],
    ['', '', s.sacrebleu.chrf.signature],
    ['', 'chrF2++', f2(s.sacrebleu['chrf++'].score)],
    ['', '', s.sacrebleu['chrf++'].signature],
    ['slt', 'BLEU-1..4', [s.slt.bleu1, s.slt.bleu2, s.slt.bleu3, s.slt.bleu4].map(f2).join(' / ')],
    ['', 'ROUGE-L', f2(s.slt.rouge)],
    ['slrtp', 'BLEU-1..4', [s.slrtp.bleu1, s.slrtp.bleu2, s.slrtp.bleu3, s.slrtp.bleu4].map(f2).join(' / ')],
    ['', 'chrF', f2(s.slrtp.chrf)],
    ['', 'ROUGE-L', f2(s.slrtp.rouge)],
    ['', 'WER', f2(s.slrtp.wer)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length), 'protocol'.length);
  const w1 = Math.max(...rows.map((r) => r[1].length), 'metric'.length);
  const lines = [`segments: ${s.n}`, `${'protocol'.padEnd(w0)}  ${'metric'.padEnd(w1)}  score`];
  for (const [a, m, v] of rows) lines.push(`${a.padEnd(w0)}  ${m.padEnd(w1)}  ${v}`);
  return lines.join('\n') + '\n';
}

export function formatPairedTable(results: readonly PairedMetricResult[]): string {
  const lines = ['', 'paired bootstrap resampling (sacrebleu --paired-bs)'];
  for (const r of results) {
    lines.push(`${r.metric}  ${r.signature}`);
    lines.push(`  baseline    ${f2(r.baseline.score)} (μ = ${f2(r.baseline.mean)} ± ${f2(r.baseline.ci)})`);
    for (const s of r.systems) {
      const mark = s.pValue < 0.05 ? ' *' : '';
      lines.push(`  ${s.name.padEnd(10)}  ${f2(s.score)} (μ = ${f2(s.mean)} ± ${f2(s.ci)})  p = ${s.pValue.toFixed(4)}${mark}`);
    }
  }
  lines.push('* significantly different from the baseline at p < 0.05');
  return lines.join('\n') + '\n';
}

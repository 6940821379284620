/** A leaderboard as a Markdown table (README, job summaries). */
import type { Leaderboard, LeaderboardRow } from './index.js';

const f = (x: number | null | undefined, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ci = (c: [number, number] | null | undefined, d = 2) => (c ? `[${f(c[0], d)}, ${f(c[1], d)}]` : '');

export function vsAboveText(r: LeaderboardRow): string {
  if (!r.vs_above) return '';
  return `p = ${r.vs_above.p.toFixed(3)}${r.vs_above.significant ? ' *' : ''}`;
}

export function leaderboardMarkdown(lb: Leaderboard): string {
  const sig = lb.rows[0]?.signature;
  const lines = [
    `### Leaderboard: ${lb.suite}`,
    '',
    `| # | system | kind | BLEU ↑ (95% CI) | chrF ↑ | SLT BLEU-4 ↑ | ROUGE-L ↑ | DTW-MJE ↓ (95% CI) | FPD ↓ | vs row above |`,
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...lb.rows.map((r) => `| ${r.rank} | ${r.name.replace(/\|/g, '\\|')} | ${r.kind} | ${f(r.sacrebleu?.bleu)} ${ci(r.ci95?.bleu)} | ${f(r.sacrebleu?.chrf)} | ${f(r.slt?.bleu4)} | ${f(r.slt?.rouge)} | ${f(r.pose?.dtw_mje, 4)} ${ci(r.ci95?.dtw_mje, 4)} | ${f(r.pose?.fpd, 3)} | ${vsAboveText(r)} |`),
    '',
    `Primary metric: ${lb.primary === 'sacrebleu.bleu' ? 'sacrebleu BLEU' : 'DTW-MJE'}; ties by chrF, DTW-MJE, then the earlier submission. ` +
      `vs row above: paired bootstrap (1,000 resamples), * = significant at α = 0.05.`,
    ...(sig ? ['', `Signature: \`${sig.text}\``] : []),
  ];
  return lines.join('\n') + '\n';
}

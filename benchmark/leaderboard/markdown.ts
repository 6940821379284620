/** A leaderboard as a Markdown table (README, job summaries). */
import type { LanguageRow } from '../scoring/evaluate.js';
import type { Leaderboard, LeaderboardRow } from './index.js';

const f = (x: number | null | undefined, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ci = (c: [number, number] | null | undefined, d = 2) => (c ? `[${f(c[0], d)}, ${f(c[1], d)}]` : '');

export function vsAboveText(r: LeaderboardRow): string {
  if (!r.vs_above) return '';
  return `p = ${r.vs_above.p.toFixed(3)}${r.vs_above.significant ? ' *' : ''}`;
}

export function leaderboardMarkdown(lb: Leaderboard): string {
  const sig = lb.rows[0]?.signature;
  // A pose-only suite has no text columns to show.
  const table = lb.primary === 'pose.dtw_mje'
    ? [
      `| # | system | kind | DTW-MJE ↓ (95% CI) | hands MJE ↓ | length ratio | vs row above |`,
      '|---:|---|---|---:|---:|---:|---|',
      ...lb.rows.map((r) => `| ${r.rank} | ${r.name.replace(/\|/g, '\\|')} | ${r.kind} | ${f(r.pose?.dtw_mje, 4)} ${ci(r.ci95?.dtw_mje, 4)} | ${f(r.pose?.parts?.hands, 4)} | ${f(r.pose?.length_ratio, 3)} | ${vsAboveText(r)} |`),
    ]
    : [
      `| # | system | kind | BLEU ↑ (95% CI) | chrF ↑ | SLT BLEU-4 ↑ | ROUGE-L ↑ | DTW-MJE ↓ (95% CI) | FPD ↓ | vs row above |`,
      '|---:|---|---|---:|---:|---:|---:|---:|---:|---|',
      ...lb.rows.map((r) => `| ${r.rank} | ${r.name.replace(/\|/g, '\\|')} | ${r.kind} | ${f(r.sacrebleu?.bleu)} ${ci(r.ci95?.bleu)} | ${f(r.sacrebleu?.chrf)} | ${f(r.slt?.bleu4)} | ${f(r.slt?.rouge)} | ${f(r.pose?.dtw_mje, 4)} ${ci(r.ci95?.dtw_mje, 4)} | ${f(r.pose?.fpd, 3)} | ${vsAboveText(r)} |`),
    ];
  const lines = [
    `### Leaderboard: ${lb.suite}`,
    '',
    ...table,
    '',
    `Primary metric: ${lb.primary === 'sacrebleu.bleu' ? 'sacrebleu BLEU; ties by chrF, DTW-MJE' : 'DTW-MJE (pose-only suite)'}, then the earlier submission. ` +
      `vs row above: paired bootstrap (1,000 resamples), * = significant at α = 0.05.`,
    ...languageTable(lb),
    ...(sig ? ['', `Signature: \`${sig.text}\``] : []),
  ];
  return lines.join('\n') + '\n';
}

/**
 * A multilingual suite's DTW-MJE per sign language (rows) and system (columns, in rank order), 95% bootstrap
 * intervals, then the overall row and the mean length ratio; the models the rows record, by hash.
 */
function languageTable(lb: Leaderboard): string[] {
  const rows = lb.rows.filter((r) => r.languages);
  if (rows.length === 0) return [];
  const langs = [...new Set(rows.flatMap((r) => Object.keys(r.languages!)))].sort();
  const name = (r: LeaderboardRow) => r.name.replace(/\|/g, '\\|');
  const cell = (l: LanguageRow | undefined) => (l ? `${f(l.dtw_mje, 4)} ${ci(l.ci95_dtw_mje, 4)}` : 'n/a');
  const n = (lang: string) => rows.find((r) => r.languages![lang])?.languages![lang]!.n ?? 0;
  return [
    '',
    `#### DTW-MJE ↓ per sign language (95% CI)`,
    '',
    `| sign language | n | ${rows.map(name).join(' | ')} |`,
    `|---|---:|${rows.map(() => '---:').join('|')}|`,
    ...langs.map((lang) => `| ${lang} | ${n(lang)} | ${rows.map((r) => cell(r.languages![lang])).join(' | ')} |`),
    `| **all** | ${rows[0]!.n} | ${rows.map((r) => `**${f(r.pose?.dtw_mje, 4)}** ${ci(r.ci95?.dtw_mje, 4)}`).join(' | ')} |`,
    `| length ratio | | ${rows.map((r) => f(r.pose?.length_ratio, 3)).join(' | ')} |`,
    ...rows.filter((r) => r.model).map((r) => `\n${name(r)}: model sha256 \`${r.model!.hash}\``),
  ];
}

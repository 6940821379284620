/**
 * Leaderboard ranking. Primary metric: sacrebleu BLEU for back-translation suites (DTW-MJE, lower is better, for
 * pose-only suites); ties broken by chrF, then DTW-MJE, then the earlier submission (baselines first); a row without
 * the primary metric never ranks above one with it. Each row carries its 95% intervals and `vs_above`: the paired
 * bootstrap of its primary metric against the row above (α = 0.05), from the per-item statistics the results store.
 */
import { pairedTest, METRICS, statsOf, type MetricKey } from '../scoring/bootstrap.js';
import type { EvalResult, LanguageRow } from '../scoring/evaluate.js';
import type { SignBlock } from '../metrics/sign/index.js';

export interface LeaderboardEntry {
  name: string;
  kind: 'baseline' | 'submission';
  result: EvalResult;
  id?: string;
  /** ISO time of submission. */
  submittedAt?: string;
}

export interface LeaderboardRow {
  rank: number;
  name: string;
  kind: 'baseline' | 'submission';
  n: number;
  slt: EvalResult['slt'];
  sacrebleu: EvalResult['sacrebleu'];
  pose: EvalResult['pose'];
  ci95: EvalResult['ci95'];
  signature: EvalResult['signature'];
  /** Sign-level block (aligned sign accuracy, phonological agreement) where the suite has one. */
  sign?: SignBlock;
  /** Per sign language DTW-MJE and length ratio, in a multilingual suite (the fingerspelling suite). */
  languages?: Record<string, LanguageRow>;
  /** The model a baseline row was made by, where it records one (the fingerspelling char generator: its hash). */
  model?: { hash: string; [key: string]: unknown };
  /** Paired bootstrap of the primary metric against the row above (null: first row, or not comparable). */
  vs_above: { p: number; significant: boolean } | null;
  id?: string;
  submittedAt?: string;
}

export interface Leaderboard {
  suite: string;
  /** `sacrebleu.bleu` or `pose.dtw_mje`. */
  primary: 'sacrebleu.bleu' | 'pose.dtw_mje';
  rows: LeaderboardRow[];
}

const bleuOf = (r: EvalResult) => (typeof r.sacrebleu?.bleu === 'number' && Number.isFinite(r.sacrebleu.bleu) ? r.sacrebleu.bleu : null);
const chrfOf = (r: EvalResult) => (typeof r.sacrebleu?.chrf === 'number' && Number.isFinite(r.sacrebleu.chrf) ? r.sacrebleu.chrf : null);
const mjeOf = (r: EvalResult) => (typeof r.pose?.dtw_mje === 'number' && Number.isFinite(r.pose.dtw_mje) ? r.pose.dtw_mje : null);

/** Compare two optional numbers: present before missing, then by direction. */
function cmp(a: number | null, b: number | null, higher: boolean): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return higher ? b - a : a - b;
}

/** Per-item statistics of one metric, or null when the result lacks them. */
export function itemStats(r: EvalResult, metric: MetricKey) {
  if (!Array.isArray(r.items) || r.items.length === 0) return null;
  if (metric === 'dtw_mje') return statsOf(r.items.map((it) => [it.dtw_mje, 1]));
  if (r.items.some((it) => !it.stats)) return null;
  return statsOf(r.items.map((it) => it.stats![metric]));
}

/** Whether two results scored the same items of the same suite version (so they can be paired). */
export function comparable(a: EvalResult, b: EvalResult): boolean {
  if (a.signature?.suite?.version !== b.signature?.suite?.version || a.items?.length !== b.items?.length) return false;
  return a.items.every((it, i) => it.id === b.items[i]!.id);
}

/** Paired bootstrap of `system` against `baseline` on one metric; null when they cannot be paired. */
export function comparePaired(baseline: EvalResult, system: EvalResult, metric: MetricKey): { delta: number; p: number; significant: boolean } | null {
  if (!comparable(baseline, system)) return null;
  const a = itemStats(baseline, metric);
  const b = itemStats(system, metric);
  if (!a || !b) return null;
  return pairedTest(a, b, METRICS[metric]);
}

function isModel(m: unknown): m is { hash: string } {
  return typeof m === 'object' && m !== null && typeof (m as { hash?: unknown }).hash === 'string';
}

export function rankLeaderboard(suite: string, entries: readonly LeaderboardEntry[]): Leaderboard {
  const poseOnly = entries.length > 0 && entries.every((e) => bleuOf(e.result) === null);
  const primary: Leaderboard['primary'] = poseOnly ? 'pose.dtw_mje' : 'sacrebleu.bleu';
  const sorted = [...entries].sort((x, y) => {
    const a = x.result;
    const b = y.result;
    return (poseOnly ? 0 : cmp(bleuOf(a), bleuOf(b), true))
      || (poseOnly ? 0 : cmp(chrfOf(a), chrfOf(b), true))
      || cmp(mjeOf(a), mjeOf(b), false)
      // earlier submission first; baselines (no time) before submissions
      || (x.submittedAt ?? '').localeCompare(y.submittedAt ?? '')
      || x.name.localeCompare(y.name);
  });
  const metric: MetricKey = poseOnly ? 'dtw_mje' : 'bleu';
  const rows = sorted.map((e, i): LeaderboardRow => {
    const r = e.result;
    let vs: LeaderboardRow['vs_above'] = null;
    const above = sorted[i - 1];
    const hasPrimary = poseOnly ? mjeOf(r) !== null : bleuOf(r) !== null;
    if (above && hasPrimary) {
      const t = comparePaired(above.result, r, metric);
      if (t) vs = { p: t.p, significant: t.significant };
    }
    return {
      rank: i + 1, name: e.name, kind: e.kind, n: r.n, slt: r.slt ?? null, sacrebleu: r.sacrebleu ?? null, pose: r.pose, ci95: r.ci95,
      signature: r.signature, ...(r.sign ? { sign: r.sign as SignBlock } : {}),
      ...(r.breakdown?.sign_language ? { languages: r.breakdown.sign_language } : {}),
      ...(isModel(r.model) ? { model: r.model } : {}), vs_above: vs, ...(e.id !== undefined ? { id: e.id } : {}), ...(e.submittedAt !== undefined ? { submittedAt: e.submittedAt } : {}),
    };
  });
  return { suite, primary, rows };
}

export { leaderboardHtml } from './html.js';
export { leaderboardMarkdown } from './markdown.js';

/**
 * CI mode: is a new result a regression against a stored baseline result of the same suite? It fails iff the primary
 * metric (sacrebleu BLEU; DTW-MJE for pose-only suites) got worse by more than `maxDrop` points AND the paired
 * bootstrap calls the difference significant (α = 0.05), so neither noise nor a tiny real change breaks a build.
 */
import { SignbenchError } from '../../pose/errors.js';
import { ALPHA } from '../scoring/bootstrap.js';
import type { EvalResult } from '../scoring/evaluate.js';
import { comparable, comparePaired } from '../leaderboard/index.js';

export interface CiVerdict {
  pass: boolean;
  metric: 'sacrebleu.bleu' | 'pose.dtw_mje';
  baseline: number;
  current: number;
  /** How much worse (positive: worse; in the metric's points). */
  drop: number;
  maxDrop: number;
  p: number;
  significant: boolean;
  reason: string;
  suite: string;
  signature: string;
}

export function ciVerdict(result: EvalResult, baseline: EvalResult, opts: { maxDrop?: number } = {}): CiVerdict {
  const maxDrop = opts.maxDrop ?? 1.0;
  if (!(Number.isFinite(maxDrop) && maxDrop >= 0)) throw new SignbenchError('invalid-input', `max drop must be a number ≥ 0, got ${maxDrop}`);
  if (!comparable(baseline, result)) {
    throw new SignbenchError('invalid-input', `the baseline result is of suite ${baseline.signature?.suite?.name}@${baseline.signature?.suite?.version}, this one of ${result.signature.suite.name}@${result.signature.suite.version}: they cannot be compared`);
  }
  const text = result.sacrebleu !== null && baseline.sacrebleu !== null;
  const metric = text ? 'sacrebleu.bleu' as const : 'pose.dtw_mje' as const;
  const cur = text ? result.sacrebleu!.bleu : result.pose.dtw_mje;
  const base = text ? baseline.sacrebleu!.bleu : baseline.pose.dtw_mje;
  // DTW-MJE is lower-better and small: its "points" are its own units.
  const drop = text ? base - cur : cur - base;
  const t = comparePaired(baseline, result, text ? 'bleu' : 'dtw_mje');
  if (!t) throw new SignbenchError('invalid-input', 'the results carry no per-item statistics to compare');
  const regress = drop > maxDrop && t.significant;
  const name = text ? 'BLEU' : 'DTW-MJE';
  const reason = regress
    ? `${name} dropped by ${drop.toFixed(2)} (> ${maxDrop}) and the paired bootstrap calls it significant (p = ${t.p.toFixed(4)} < ${ALPHA})`
    : drop > maxDrop
      ? `${name} dropped by ${drop.toFixed(2)} (> ${maxDrop}) but the paired bootstrap does not call it significant (p = ${t.p.toFixed(4)})`
      : `${name} ${drop > 0 ? `dropped by ${drop.toFixed(2)}, within the allowed ${maxDrop}` : `did not drop (${(-drop).toFixed(2)} better)`}`;
  return { pass: !regress, metric, baseline: base, current: cur, drop, maxDrop, p: t.p, significant: t.significant, reason, suite: result.suite, signature: result.signature.text };
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit XML with one test case, failed on a regression. */
export function junitXml(v: CiVerdict, result?: EvalResult): string {
  const secs = result?.timings?.total_s ?? 0;
  const props = result ? [
    ['bleu', result.sacrebleu?.bleu], ['chrf', result.sacrebleu?.chrf], ['dtw_mje', result.pose.dtw_mje], ['signature', result.signature.text],
  ].filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => `      <property name="${k}" value="${xml(String(x))}"/>`).join('\n') : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="signbench" tests="1" failures="${v.pass ? 0 : 1}" time="${secs}">
  <testsuite name="signbench ci ${xml(v.suite)}" tests="1" failures="${v.pass ? 0 : 1}" time="${secs}">
    <properties>
${props}
    </properties>
    <testcase classname="signbench.${xml(v.suite)}" name="${v.metric} regression (max drop ${v.maxDrop})" time="${secs}">
${v.pass ? '' : `      <failure message="${xml(v.reason)}" type="regression">${xml(`baseline ${v.baseline.toFixed(4)}, current ${v.current.toFixed(4)}, p = ${v.p.toFixed(4)}`)}</failure>\n`}      <system-out>${xml(v.reason)}</system-out>
    </testcase>
  </testsuite>
</testsuites>
`;
}

/** A Markdown summary for CI job pages (GitHub `$GITHUB_STEP_SUMMARY`, GitLab artifacts). */
export function markdownSummary(v: CiVerdict, result?: EvalResult, baseline?: EvalResult): string {
  const f = (x: number | null | undefined, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const lines = [
    `## signbench ci: ${v.pass ? '✅ pass' : '❌ regression'} on ${v.suite}`,
    '',
    v.reason + '.',
    '',
  ];
  if (result && baseline) {
    lines.push('| metric | baseline | this run | Δ |', '|---|---:|---:|---:|');
    const row = (name: string, a: number | null | undefined, b: number | null | undefined, d = 2) =>
      lines.push(`| ${name} | ${f(a, d)} | ${f(b, d)} | ${typeof a === 'number' && typeof b === 'number' ? (b - a >= 0 ? '+' : '') + (b - a).toFixed(d) : ''} |`);
    row('BLEU', baseline.sacrebleu?.bleu, result.sacrebleu?.bleu);
    row('chrF', baseline.sacrebleu?.chrf, result.sacrebleu?.chrf);
    row('SLT BLEU-4', baseline.slt?.bleu4, result.slt?.bleu4);
    row('DTW-MJE', baseline.pose.dtw_mje, result.pose.dtw_mje, 4);
    lines.push('');
  }
  lines.push(`Paired bootstrap p = ${v.p.toFixed(4)} (1,000 resamples; significant: ${v.significant ? 'yes' : 'no'}). Max drop ${v.maxDrop}.`, '', `Signature: \`${v.signature}\``);
  return lines.join('\n') + '\n';
}

/**
 * A leaderboard as one self-contained HTML page: an inline SVG plot of each system's BLEU with its 95% interval
 * and, beside it, DTW-MJE with its interval; then the table. No scripts, fonts or images from anywhere.
 */
import type { Leaderboard, LeaderboardRow } from './index.js';
import { vsAboveText } from './markdown.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const f = (x: number | null | undefined, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');

interface Panel {
  title: string;
  value: (r: LeaderboardRow) => number | null | undefined;
  interval: (r: LeaderboardRow) => [number, number] | null | undefined;
  digits: number;
  colour: string;
}

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function panel(rows: readonly LeaderboardRow[], p: Panel, x0: number, width: number, rowH: number, top: number): string {
  const vals = rows.flatMap((r) => [p.value(r), ...(p.interval(r) ?? [])]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const max = niceMax(Math.max(0, ...vals));
  const sx = (v: number) => x0 + (Math.max(0, v) / max) * width;
  const out: string[] = [`<text x="${x0}" y="${top - 22}" class="t">${esc(p.title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    out.push(`<line x1="${sx(v)}" y1="${top - 8}" x2="${sx(v)}" y2="${top + rows.length * rowH}" class="g"/>`);
    out.push(`<text x="${sx(v)}" y="${top + rows.length * rowH + 14}" class="a">${f(v, p.digits > 2 ? 3 : 0)}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const v = p.value(r);
    if (typeof v !== 'number' || !Number.isFinite(v)) { out.push(`<text x="${x0 + 4}" y="${y + 4}" class="n">n/a</text>`); return; }
    out.push(`<rect x="${x0}" y="${y - rowH * 0.3}" width="${Math.max(0, sx(v) - x0)}" height="${rowH * 0.6}" fill="${p.colour}" opacity="0.35"><title>${esc(r.name)}: ${f(v, p.digits)}</title></rect>`);
    const iv = p.interval(r);
    if (iv) {
      out.push(`<line x1="${sx(iv[0])}" y1="${y}" x2="${sx(iv[1])}" y2="${y}" stroke="${p.colour}" stroke-width="2"/>`);
      for (const e of iv) out.push(`<line x1="${sx(e)}" y1="${y - 6}" x2="${sx(e)}" y2="${y + 6}" stroke="${p.colour}" stroke-width="2"/>`);
    }
    out.push(`<circle cx="${sx(v)}" cy="${y}" r="4" fill="${p.colour}"/>`);
  });
  return out.join('\n');
}

export function leaderboardSvg(lb: Leaderboard): string {
  const rowH = 28;
  const labelW = 200;
  const panelW = 300;
  const gap = 60;
  const top = 40;
  const h = top + lb.rows.length * rowH + 30;
  const w = labelW + 2 * panelW + gap + 30;
  const labels = lb.rows.map((r, i) => `<text x="${labelW - 10}" y="${top + i * rowH + rowH / 2 + 4}" class="l">${esc(`${r.rank}. ${r.name}`)}</text>`).join('\n');
  const bleu = panel(lb.rows, { title: 'BLEU (sacrebleu, BLEU-4) ↑ with 95% interval', value: (r) => r.sacrebleu?.bleu, interval: (r) => r.ci95?.bleu, digits: 2, colour: '#1f6feb' }, labelW, panelW, rowH, top);
  const mje = panel(lb.rows, { title: 'DTW-MJE ↓ with 95% interval', value: (r) => r.pose?.dtw_mje, interval: (r) => r.ci95?.dtw_mje, digits: 4, colour: '#d9480f' }, labelW + panelW + gap, panelW, rowH, top);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="BLEU and DTW-MJE per system">
<style>.t{font:600 13px sans-serif}.l{font:13px sans-serif;text-anchor:end}.a{font:11px sans-serif;text-anchor:middle;fill:#666}.n{font:11px sans-serif;fill:#999}.g{stroke:#ddd}</style>
${labels}
${bleu}
${mje}
</svg>`;
}

/** A multilingual suite's DTW-MJE per sign language and system (as the Markdown one); '' for other suites. */
function languageTable(lb: Leaderboard, ci: (c: [number, number] | null | undefined, d?: number) => string): string {
  const rows = lb.rows.filter((r) => r.languages);
  if (rows.length === 0) return '';
  const langs = [...new Set(rows.flatMap((r) => Object.keys(r.languages!)))].sort();
  const n = (lang: string) => rows.find((r) => r.languages![lang])?.languages![lang]!.n ?? 0;
  const body = langs.map((lang) => `<tr><td>${esc(lang)}</td><td>${n(lang)}</td>${rows.map((r) => {
    const l = r.languages![lang];
    return `<td>${l ? `${f(l.dtw_mje, 4)}${ci(l.ci95_dtw_mje, 4)}` : 'n/a'}</td>`;
  }).join('')}</tr>`);
  body.push(`<tr><th>all</th><th>${rows[0]!.n}</th>${rows.map((r) => `<th>${f(r.pose?.dtw_mje, 4)}${ci(r.ci95?.dtw_mje, 4)}</th>`).join('')}</tr>`);
  body.push(`<tr><td>length ratio</td><td></td>${rows.map((r) => `<td>${f(r.pose?.length_ratio, 3)}</td>`).join('')}</tr>`);
  const models = rows.filter((r) => r.model).map((r) => `<p>${esc(r.name)}: model sha256 <code>${esc(r.model!.hash)}</code></p>`).join('\n');
  return `<h2>DTW-MJE ↓ per sign language (95% interval)</h2>
<table><thead><tr><th>sign language</th><th>n</th>${rows.map((r) => `<th>${esc(r.name)}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>
${models}`;
}

export function leaderboardHtml(lb: Leaderboard): string {
  const sig = lb.rows[0]?.signature;
  const ci = (c: [number, number] | null | undefined, d = 2) => (c ? ` <span class="ci">[${f(c[0], d)}, ${f(c[1], d)}]</span>` : '');
  const rows = lb.rows.map((r) => `<tr class="${r.kind}"><td>${r.rank}</td><td>${esc(r.name)}</td><td>${r.kind}</td><td>${f(r.sacrebleu?.bleu)}${ci(r.ci95?.bleu)}</td><td>${f(r.sacrebleu?.chrf)}${ci(r.ci95?.chrf)}</td><td>${f(r.slt?.bleu4)}</td><td>${f(r.slt?.rouge)}</td><td>${f(r.pose?.dtw_mje, 4)}${ci(r.ci95?.dtw_mje, 4)}</td><td>${f(r.pose?.fpd, 3)}</td><td>${esc(vsAboveText(r))}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>signbench leaderboard: ${esc(lb.suite)}</title>
<style>body{font:14px/1.4 sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-top:1em}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}td:nth-child(2),td:nth-child(3),th:nth-child(2),th:nth-child(3){text-align:left}.baseline td{color:#555;font-style:italic}.ci{color:#888;font-size:12px}code{font-size:12px}</style>
</head><body>
<h1>Leaderboard: ${esc(lb.suite)}</h1>
${leaderboardSvg(lb)}
<table><thead><tr><th>#</th><th>system</th><th>kind</th><th>BLEU ↑</th><th>chrF ↑</th><th>SLT BLEU-4 ↑</th><th>ROUGE-L ↑</th><th>DTW-MJE ↓</th><th>FPD ↓</th><th>vs row above</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Primary metric: ${lb.primary === 'sacrebleu.bleu' ? 'sacrebleu BLEU' : 'DTW-MJE'}; ties by chrF, DTW-MJE, then the earlier submission; a row without the primary metric never ranks above one with it. Intervals: 95% bootstrap; vs row above: paired bootstrap (1,000 resamples), * = significant at α = 0.05.</p>
${languageTable(lb, ci)}
${sig ? `<p>Signature: <code>${esc(sig.text)}</code></p>` : ''}
</body></html>
`;
}

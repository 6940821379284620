/** One point of a loss curve. */
export interface CurvePoint {
  step: number;
  loss: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * A self-contained SVG line chart of training loss (raw points faint, a moving average bold), log-scaled y when
 * the losses span more than a decade. Extra series (e.g. dev loss) are drawn in other colours.
 */
export function lossCurveSvg(
  series: { name: string; points: CurvePoint[] }[], opts: { title?: string; width?: number; height?: number } = {},
): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 360;
  const m = { l: 64, r: 16, t: 32, b: 40 };
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.loss) && p.loss > 0);
  const title = esc(opts.title ?? 'training loss');
  if (all.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/><text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-family="sans-serif">${title}: no data</text></svg>\n`;
  }
  const x0 = Math.min(...all.map((p) => p.step));
  const x1 = Math.max(x0 + 1, ...all.map((p) => p.step));
  let y0 = Math.min(...all.map((p) => p.loss));
  let y1 = Math.max(...all.map((p) => p.loss));
  const log = y1 / y0 > 10;
  const fy = (v: number) => (log ? Math.log10(v) : v);
  if (!log) { const pad = (y1 - y0) * 0.05 || y1 * 0.05 || 1; y0 = Math.max(0, y0 - pad); y1 += pad; }
  const ly0 = fy(y0);
  const ly1 = fy(y1) === ly0 ? ly0 + 1 : fy(y1);
  const px = (s: number) => m.l + ((s - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((fy(v) - ly0) / (ly1 - ly0)) * (H - m.t - m.b);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`);
  const yTicks = log
    ? niceTicks(Math.floor(ly0), Math.ceil(ly1), 6).filter((e) => e >= ly0 - 1e-9 && e <= ly1 + 1e-9).map((e) => Math.pow(10, e))
    : niceTicks(y0, y1, 5);
  for (const v of yTicks) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(v.toPrecision(3))}</text>`);
  }
  for (const s of niceTicks(x0, x1, 6)) {
    const x = px(s).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#f3f3f3"/><text x="${x}" y="${H - m.b + 14}" text-anchor="middle">${s}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">step</text>`);
  parts.push(`<text x="14" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.t + H - m.b) / 2})">loss${log ? ' (log)' : ''}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.loss) && p.loss > 0);
    if (pts.length === 0) return;
    const c = colours[i % colours.length];
    const path = (ps: CurvePoint[]) => ps.map((p, j) => `${j ? 'L' : 'M'}${px(p.step).toFixed(1)},${py(p.loss).toFixed(1)}`).join('');
    const window = Math.max(1, Math.round(pts.length / 50));
    const smooth = pts.map((p, j) => {
      const lo = Math.max(0, j - window + 1);
      let sum = 0;
      for (let k = lo; k <= j; k++) sum += pts[k].loss;
      return { step: p.step, loss: sum / (j - lo + 1) };
    });
    if (window > 1) parts.push(`<path d="${path(pts)}" fill="none" stroke="${c}" stroke-opacity="0.25" stroke-width="1"/>`);
    parts.push(`<path d="${path(smooth)}" fill="none" stroke="${c}" stroke-width="1.8"/>`);
    parts.push(`<text x="${W - m.r - 6}" y="${m.t + 14 + 14 * i}" text-anchor="end" fill="${c}">${esc(s.name)} (last ${smooth[smooth.length - 1].loss.toPrecision(4)})</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}

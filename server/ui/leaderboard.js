import { $, api, el, fmt } from '/ui/common.js';

const status = (m, cls = 'muted') => { $('#status').textContent = m; $('#status').className = `status small ${cls}`; };
let board = null;

async function init() {
  const { suites } = await (await api('/v1/suites')).json();
  const want = new URLSearchParams(location.search).get('suite');
  for (const s of suites) $('#suite').append(el('option', { value: s.name, selected: s.name === want ? '' : null }, `${s.name} (${s.n} items)`));
  $('#suite').addEventListener('change', () => load($('#suite').value));
  if (suites.length) await load($('#suite').value);
  else status('no suites');
}

async function load(suite) {
  status('scoring baselines on first use can take a while…');
  history.replaceState(null, '', `?suite=${encodeURIComponent(suite)}`);
  for (const [id, f] of [['#md', 'md'], ['#html', 'html'], ['#jsonl', '']]) $(id).href = `/v1/leaderboard/${encodeURIComponent(suite)}${f ? `?format=${f}` : ''}`;
  board = await (await api(`/v1/leaderboard/${encodeURIComponent(suite)}`)).json();
  status(`${board.rows.length} systems · ranked by ${board.primary}`);
  plot(board);
  table(board);
  $('#details').hidden = true;
}

const primaryOf = (b, r) => (b.primary === 'pose.dtw_mje' ? { v: r.pose?.dtw_mje, ci: r.ci95?.dtw_mje, label: 'DTW-MJE (lower is better)' } : { v: r.sacrebleu?.bleu, ci: r.ci95?.bleu, label: 'BLEU (sacrebleu)' });

/** A dot-and-interval plot of the primary metric, one line per system. */
function plot(b) {
  const rows = b.rows;
  const W = 1000; const rowH = 30; const left = 230; const right = 40; const top = 30; const H = top + rows.length * rowH + 36;
  const vals = rows.flatMap((r) => { const p = primaryOf(b, r); return [p.v, ...(p.ci ?? [])]; }).filter((v) => typeof v === 'number' && Number.isFinite(v));
  let lo = Math.min(0, ...vals); let hi = Math.max(...vals, 1e-9);
  const pad = (hi - lo) * 0.05; lo = Math.max(0, lo - pad); hi += pad;
  const X = (v) => left + ((v - lo) / (hi - lo)) * (W - left - right);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `leaderboard plot of ${b.primary}`);
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const v = lo + ((hi - lo) * i) / ticks;
    add('line', { x1: X(v), x2: X(v), y1: top - 6, y2: H - 30, stroke: '#eef0f3' });
    add('text', { x: X(v), y: H - 12, 'text-anchor': 'middle', 'font-size': 12, fill: '#667085' }, v.toFixed(hi - lo < 2 ? 3 : 1));
  }
  add('text', { x: left, y: 16, 'font-size': 13, fill: '#475467', 'font-weight': 600 }, primaryOf(b, rows[0] ?? {}).label);
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const p = primaryOf(b, r);
    const colour = r.kind === 'baseline' ? '#e8590c' : '#1c7ed6';
    add('text', { x: left - 12, y: y + 4, 'text-anchor': 'end', 'font-size': 13, fill: '#1d2330' }, `${r.rank}. ${r.name}`);
    if (typeof p.v !== 'number') return;
    if (p.ci) {
      add('line', { x1: X(p.ci[0]), x2: X(p.ci[1]), y1: y, y2: y, stroke: colour, 'stroke-width': 3, 'stroke-linecap': 'round', opacity: 0.55 });
      for (const c of p.ci) add('line', { x1: X(c), x2: X(c), y1: y - 6, y2: y + 6, stroke: colour, 'stroke-width': 2 });
    }
    add('circle', { cx: X(p.v), cy: y, r: 6, fill: colour });
    add('text', { x: X(p.ci ? p.ci[1] : p.v) + 10, y: y + 4, 'font-size': 12, fill: '#475467' }, fmt(p.v, b.primary === 'pose.dtw_mje' ? 4 : 1));
  });
  $('#plot').replaceChildren(svg, el('div', { class: 'small muted' }, el('span', { class: 'tag baseline' }, 'baseline'), ' ', el('span', { class: 'tag submission' }, 'submission')));
}

function table(b) {
  const tbody = $('#board tbody');
  tbody.replaceChildren(...b.rows.map((r) => {
    const ci = r.ci95?.bleu;
    const tr = el('tr', { class: 'clickable' },
      el('td', {}, r.rank),
      el('td', {}, r.name, ' ', el('span', { class: `tag ${r.kind}` }, r.kind)),
      el('td', {}, fmt(r.sacrebleu?.bleu), ci ? el('span', { class: 'muted small' }, ` [${fmt(ci[0])}, ${fmt(ci[1])}]`) : ''),
      el('td', {}, fmt(r.sacrebleu?.chrf)),
      el('td', {}, fmt(r.slt?.bleu4)),
      el('td', {}, fmt(r.pose?.dtw_mje, 4)),
      el('td', {}, r.vs_above ? `p = ${r.vs_above.p.toFixed(3)}${r.vs_above.significant ? ' *' : ''}` : '–'),
      el('td', { class: 'small muted' }, r.submittedAt ? new Date(r.submittedAt).toLocaleString() : ''));
    tr.addEventListener('click', () => { for (const x of tbody.children) x.classList.remove('selected'); tr.classList.add('selected'); details(b, r); });
    return tr;
  }));
}

async function details(b, r) {
  const box = $('#details');
  box.hidden = false;
  box.replaceChildren(el('h3', { style: 'margin-top:0' }, `${r.rank}. ${r.name}`), el('p', { class: 'small muted' }, 'loading per-item scores…'));
  const entry = await (await api(`/v1/leaderboard/${encodeURIComponent(b.suite)}/entries/${encodeURIComponent(r.name)}`)).json();
  const items = entry.result.items ?? [];
  box.replaceChildren(
    el('h3', { style: 'margin-top:0' }, `${r.rank}. ${r.name} `, el('span', { class: `tag ${r.kind}` }, r.kind)),
    el('p', { class: 'small' }, `${r.n} items · BLEU ${fmt(r.sacrebleu?.bleu)} · chrF ${fmt(r.sacrebleu?.chrf)} · DTW-MJE ${fmt(r.pose?.dtw_mje, 4)}`),
    el('details', {}, el('summary', {}, 'Signature (reproduce it locally)'), el('pre', {}, JSON.stringify(r.signature, null, 2))),
    el('h4', {}, 'Per-item scores'),
    el('table', {}, el('thead', {}, el('tr', {}, ['id', 'reference', 'back-translation', 'BLEU', 'chrF', 'DTW-MJE', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, items.map((it) => el('tr', {},
        el('td', { class: 'small' }, it.id), el('td', {}, it.ref), el('td', {}, it.hyp ?? '–'), el('td', {}, fmt(it.bleu)), el('td', {}, fmt(it.chrf)), el('td', {}, fmt(it.dtw_mje, 4)),
        el('td', {}, el('a', { href: `/compare?suite=${encodeURIComponent(b.suite)}&item=${encodeURIComponent(it.id)}&entry=${encodeURIComponent(r.name)}` }, 'compare')))))),
  );
}

init().catch((err) => status(err.message, 'error'));

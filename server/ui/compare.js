import { $, api, el } from '/ui/common.js';
import { PosePlayer, loadSkeleton, readSse } from '/ui/player.js';

const status = (m, cls = 'muted') => { $('#status').textContent = m; $('#status').className = `status small ${cls}`; };
const left = new PosePlayer($('#left'));
const right = new PosePlayer($('#right'), { label: $('#frameLabel') });
const params = new URLSearchParams(location.search);
let suites = [];
let items = [];

// One set of controls drives both players (frame by frame at the slower clip's length).
$('#play').addEventListener('click', () => {
  const playing = !right.playing;
  for (const p of [left, right]) (playing ? p.play() : p.pause());
  $('#play').textContent = playing ? '❚❚ Pause' : '▶ Play';
});
$('#scrub').addEventListener('input', () => { for (const p of [left, right]) { p.pause(); p.seek(Number($('#scrub').value)); } $('#play').textContent = '▶ Play'; });
$('#speed').addEventListener('change', () => { for (const p of [left, right]) p.speed = Number($('#speed').value); });
setInterval(() => { const n = Math.max(left.frames.length, right.frames.length); $('#scrub').max = String(Math.max(0, n - 1)); if (right.playing) $('#scrub').value = String(right.t); }, 100);

async function init() {
  await loadSkeleton();
  suites = (await (await api('/v1/suites')).json()).suites;
  for (const s of suites) $('#suite').append(el('option', { value: s.name, selected: s.name === params.get('suite') ? '' : null }, s.name));
  $('#suite').addEventListener('change', () => loadSuite());
  $('#item').addEventListener('change', () => show());
  $('#entry').addEventListener('change', () => show());
  await loadSuite(params.get('item'), params.get('entry'));
}

async function loadSuite(item, entry) {
  const suite = $('#suite').value;
  items = (await (await api(`/v1/suites/${encodeURIComponent(suite)}/prompts`)).json()).prompts;
  $('#item').replaceChildren(...items.map((p) => el('option', { value: p.id, selected: p.id === item ? '' : null }, `${p.id}: ${p.text}`)));
  const lb = await (await api(`/v1/leaderboard/${encodeURIComponent(suite)}`)).json();
  const rows = lb.rows.filter((r) => r.kind === 'submission' || r.name === 'default-generator');
  $('#entry').replaceChildren(...rows.map((r) => el('option', { value: r.name, selected: r.name === entry ? '' : null }, `${r.name} (${r.kind})`)));
  await show();
}

async function poseJson(url) {
  const res = await fetch(url);
  if (!res.ok) { const j = await res.json().catch(() => ({})); throw new Error(j.detail ?? `${res.status}`); }
  return res.json();
}

/** The default-generator baseline is the served model: its poses are generated again (deterministic), its reading comes from the scored result. */
async function generated(suite, prompt) {
  const res = await api('/v1/generate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: prompt.text, stream: true }) });
  const out = { frames: [], fps: 12, width: 1, height: 1, hyp: null };
  await readSse(res, (event, data) => {
    if (event === 'meta') Object.assign(out, { fps: data.fps, width: data.width, height: data.height });
    else if (event === 'frame') out.frames.push(data.points);
    else if (event === 'error') throw new Error(data.detail);
  });
  const entry = await (await api(`/v1/leaderboard/${encodeURIComponent(suite)}/entries/default-generator`)).json();
  out.hyp = (entry.result?.items ?? []).find((it) => it.id === prompt.id)?.hyp ?? null;
  return out;
}

async function show() {
  const suite = $('#suite').value;
  const id = $('#item').value;
  const entry = $('#entry').value;
  if (!id) return;
  history.replaceState(null, '', `?suite=${encodeURIComponent(suite)}&item=${encodeURIComponent(id)}&entry=${encodeURIComponent(entry)}`);
  status('loading…');
  const prompt = items.find((p) => p.id === id);
  $('#leftCap').textContent = 'reference';
  $('#leftText').replaceChildren(el('b', {}, 'text: '), prompt?.text ?? '');
  const info = suites.find((s) => s.name === suite);
  const errors = [];
  try {
    if (!info?.publicReferences) throw new Error('this suite keeps its references hidden');
    const ref = await poseJson(`/v1/suites/${encodeURIComponent(suite)}/items/${encodeURIComponent(id)}/reference`);
    left.load(ref.frames, ref);
  } catch (err) { left.load([], { fps: 12 }); errors.push(`reference: ${err.message}`); }
  $('#rightCap').textContent = entry || 'system';
  try {
    if (!entry) throw new Error('no system scored on this suite yet');
    const sys = entry === 'default-generator' ? await generated(suite, prompt) : await poseJson(`/v1/leaderboard/${encodeURIComponent(suite)}/entries/${encodeURIComponent(entry)}/items/${encodeURIComponent(id)}/pose`);
    right.load(sys.frames, sys);
    $('#rightText').replaceChildren(el('b', {}, 'judge reads: '), sys.hyp ?? '–');
  } catch (err) { right.load([], { fps: 12 }); $('#rightText').textContent = ''; errors.push(`${entry}: ${err.message}`); }
  status(errors.join(' · ') || `${left.frames.length} reference frames, ${right.frames.length} system frames`, errors.length ? 'error' : 'muted');
  for (const p of [left, right]) p.play();
  $('#play').textContent = '❚❚ Pause';
}

init().catch((err) => status(err.message, 'error'));

import { $, api, download, el } from '/ui/common.js';
import { PosePlayer, loadSkeleton, readSse } from '/ui/player.js';

const player = new PosePlayer($('#canvas'), { play: $('#play'), scrub: $('#scrub'), speed: $('#speed'), label: $('#frameLabel') });
const status = (msg, cls = 'muted') => { const s = $('#status'); s.textContent = msg; s.className = `status small ${cls}`; };
let current = null; // { text, model }

async function init() {
  await loadSkeleton();
  const { models } = await (await api('/v1/models')).json();
  for (const m of models.filter((x) => x.kind === 'generator')) $('#model').append(el('option', { value: m.id }, `${m.id} (${m.config}, ${m.fps} fps)`));
  showCurl();
  if (new URLSearchParams(location.search).has('text')) { $('#text').value = new URLSearchParams(location.search).get('text'); generate(); }
}

function showCurl() {
  const body = JSON.stringify({ text: $('#text').value, format: 'pose' });
  $('#curl').textContent = `curl -s ${location.origin}/v1/generate \\\n  -H 'Content-Type: application/json' \\\n  -d '${body.replace(/'/g, "'\\''")}' -o sign.pose\n\n# sign.mt-compatible, for <pose-viewer src>:\n${location.origin}/spoken_text_to_signed_pose?text=${encodeURIComponent($('#text').value)}&spoken=en&signed=ase`;
}

async function generate() {
  const text = $('#text').value.trim();
  if (!text) return status('type a sentence first', 'error');
  const model = $('#model').value || undefined;
  $('#go').disabled = true;
  for (const b of ['#dlPose', '#dlNpz', '#dlGif', '#translate']) $(b).disabled = true;
  $('#back').textContent = '';
  status('generating…');
  player.pause();
  player.load([], { fps: 12, width: 1, height: 1 });
  const t0 = performance.now();
  try {
    const res = await api('/v1/generate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text, model, stream: true }) });
    let meta = null;
    await readSse(res, (event, data) => {
      if (event === 'meta') meta = data;
      else if (event === 'frame') player.push(data.points, meta);
      else if (event === 'error') throw new Error(`${data.error}: ${data.detail}`);
      else if (event === 'done') status(`${data.frames} frames at ${data.fps} fps in ${Math.round(performance.now() - t0)} ms`, 'ok');
    });
    current = { text, model };
    for (const b of ['#dlPose', '#dlNpz', '#dlGif', '#translate']) $(b).disabled = false;
    player.play();
  } catch (err) {
    status(err.message, 'error');
  } finally {
    $('#go').disabled = false;
    showCurl();
  }
}

async function generated(format) {
  return (await api('/v1/generate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...current, format }) })).blob();
}

const slug = () => current.text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'pose';
async function guarded(btn, fn) {
  btn.disabled = true;
  try { await fn(); } catch (err) { status(err.message, 'error'); } finally { btn.disabled = false; }
}

$('#gen').addEventListener('submit', (e) => { e.preventDefault(); generate(); });
$('#text').addEventListener('input', showCurl);
$('#dlPose').addEventListener('click', () => guarded($('#dlPose'), async () => download(await generated('pose'), `${slug()}.pose`)));
$('#dlNpz').addEventListener('click', () => guarded($('#dlNpz'), async () => download(await generated('signverse-npz'), `${slug()}.npz`)));
$('#dlGif').addEventListener('click', () => guarded($('#dlGif'), async () => {
  const res = await api('/v1/render', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...current, format: 'gif', width: 384, height: 384 }) });
  download(await res.blob(), `${slug()}.gif`);
}));
$('#translate').addEventListener('click', () => guarded($('#translate'), async () => {
  const pose = await generated('pose');
  const res = await api('/v1/translate?beam=4', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose });
  const t = await res.json();
  $('#back').replaceChildren(el('b', {}, 'judge reads: '), t.text, el('br'), el('span', { class: 'muted small' }, `score ${t.score.toFixed(3)} · ${t.frames} frames`));
}));
init().catch((err) => status(err.message, 'error'));

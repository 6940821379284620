import { $, api, el, fmt } from '/ui/common.js';

const status = (m, cls = 'muted') => { $('#status').textContent = m; $('#status').className = `status small ${cls}`; };
$('#token').value = localStorage.getItem('signbench-token') ?? '';

async function init() {
  const { suites } = await (await api('/v1/suites')).json();
  for (const s of suites) $('#suite').append(el('option', { value: s.name }, `${s.name} (${s.n} items)`));
  const showPrompts = () => { $('#prompts').replaceChildren(el('a', { href: `/v1/suites/${encodeURIComponent($('#suite').value)}/prompts`, target: '_blank' }, 'prompts of this suite')); };
  $('#suite').addEventListener('change', showPrompts);
  showPrompts();
}

$('#form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = $('#file').files[0];
  if (!file) return status('choose an archive', 'error');
  if (!$('#name').value.trim()) return status('give a name', 'error');
  localStorage.setItem('signbench-token', $('#token').value);
  const form = new FormData();
  form.set('suite', $('#suite').value);
  form.set('name', $('#name').value.trim());
  form.set('kind', $('#kind').value);
  form.set('file', file);
  $('#send').disabled = true;
  status('uploading…');
  try {
    const res = await api('/v1/submissions', { method: 'POST', headers: { Authorization: `Bearer ${$('#token').value}` }, body: form });
    const sub = await res.json();
    status(`submission ${sub.id} accepted`, 'ok');
    follow(sub.id);
  } catch (err) {
    status(err.message, 'error');
  } finally {
    $('#send').disabled = false;
  }
});

function setState(state) {
  $('#state').textContent = state;
  $('#state').className = `tag ${state}`;
}

function follow(id) {
  $('#run').hidden = false;
  $('#runTitle').textContent = `Submission ${id}`;
  $('#result').replaceChildren();
  setState('queued');
  const es = new EventSource(`/v1/submissions/${encodeURIComponent(id)}/events`);
  es.addEventListener('state', (e) => setState(JSON.parse(e.data).state));
  es.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    $('#bar').max = p.total || 1;
    $('#bar').value = p.done;
    $('#stage').textContent = `${p.stage}: ${p.done} / ${p.total}`;
  });
  es.addEventListener('result', (e) => {
    const r = JSON.parse(e.data);
    setState('finished');
    $('#bar').value = $('#bar').max;
    $('#result').replaceChildren(
      el('p', {}, el('strong', {}, `BLEU ${fmt(r.sacrebleu?.bleu)} · chrF ${fmt(r.sacrebleu?.chrf)} · DTW-MJE ${fmt(r.pose?.dtw_mje, 4)}`), ` on ${r.n} items`),
      el('a', { href: `/leaderboard?suite=${encodeURIComponent(r.suite)}` }, 'see it on the leaderboard'));
    es.close();
  });
  es.addEventListener('error', (e) => {
    if (e.data) {
      const err = JSON.parse(e.data);
      setState('failed');
      $('#result').replaceChildren(el('p', { class: 'status error' }, `${err.error}: ${err.detail}`), err.log ? el('pre', {}, err.log) : '');
      es.close();
    }
  });
}

init().catch((err) => status(err.message, 'error'));

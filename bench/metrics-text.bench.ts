import { spawnSync } from 'node:child_process';
import { mulberry32 } from '../nn/rng.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLEU } from '../benchmark/metrics/text/bleu.js';
import { CHRF } from '../benchmark/metrics/text/chrf.js';
import { splitSegments } from '../benchmark/metrics/text/segments.js';
import { ensureBuild, fmt, medianOf, timeProcess, type ProcessTiming } from './lib.js';

/**
 * Corpus BLEU + chrF throughput on 10k sentence pairs built by perturbing the 240 fixture sentences
 * (../shared/fixtures/metrics; synthetic sentences when absent). Reference: sacrebleu 2.x on the same corpus in the
 * same process-cold conditions, when a `python3` with sacrebleu importable is found (set PYTHONPATH if it lives
 * elsewhere); otherwise only our sentences/s are printed and the missing reference is stated.
 * Then whole process (target ≥ 3×): `node bin/signbench.js score --json` on the corpus files (all three protocols)
 * against a python3 process that imports sacrebleu and computes BLEU, chrF and chrF++ of the same files, median of 3
 * interleaved runs each, wall and (with /usr/bin/time) CPU seconds.
 */
const N = 10_000;

function perturb(s: string, rnd: () => number, vocab: readonly string[]): string {
  const w = s.split(' ');
  const out: string[] = [];
  for (const x of w) {
    const r = rnd();
    if (r < 0.08) continue; // drop
    if (r < 0.16) out.push(vocab[Math.floor(rnd() * vocab.length)]!); // substitute
    else out.push(x);
    if (rnd() < 0.05) out.push(vocab[Math.floor(rnd() * vocab.length)]!); // insert
  }
  // never empty: the SLRTP protocol (like jiwer) refuses empty references, and `score` runs it on the whole file
  return out.length > 0 ? out.join(' ') : w[0]!;
}

export function corpus(): { hyps: string[]; refs: string[]; source: string } {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures', 'metrics');
  let base: string[];
  let source: string;
  if (existsSync(join(root, 'ref.txt'))) {
    base = [...splitSegments(readFileSync(join(root, 'ref.txt'), 'utf8')), ...splitSegments(readFileSync(join(root, 'ref2.txt'), 'utf8'))];
    source = '../shared/fixtures/metrics ref.txt + ref2.txt, perturbed';
  } else {
    const rnd = mulberry32(7);
    const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
    base = Array.from({ length: 480 }, () => Array.from({ length: 5 + Math.floor(rnd() * 25) }, () => words[Math.floor(rnd() ** 2 * words.length)]!).join(' ') + '.');
    source = 'synthetic (../shared absent)';
  }
  const vocab = base.join(' ').split(' ');
  const rnd = mulberry32(12345);
  const hyps: string[] = [];
  const refs: string[] = [];
  for (let i = 0; i < N; i++) {
    const s = base[i % base.length]!;
    const ref = i < base.length ? s : perturb(s, rnd, vocab);
    refs.push(ref);
    hyps.push(perturb(ref, rnd, vocab));
  }
  return { hyps, refs, source };
}

interface Timing {
  /** Wall and CPU seconds of the first (cold) run. */
  cold: { wall: number; cpu: number };
  /** Best wall and best CPU seconds over all runs. */
  best: { wall: number; cpu: number };
}

/** Times `reps` runs. CPU time is reported too: on a shared, loaded machine it is the steadier figure. */
function timeRuns(fn: () => void, reps: number): Timing {
  const best = { wall: Infinity, cpu: Infinity };
  let cold = { wall: 0, cpu: 0 };
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const wall = (performance.now() - t0) / 1000;
    const u = process.cpuUsage(c0);
    const cpu = (u.user + u.system) / 1e6;
    if (r === 0) cold = { wall, cpu };
    best.wall = Math.min(best.wall, wall);
    best.cpu = Math.min(best.cpu, cpu);
  }
  return { cold, best };
}

const PY = `
import sys, time
from sacrebleu.metrics import BLEU, CHRF
import sacrebleu
h = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]
r = open(sys.argv[2], encoding='utf-8').read().split('\\n')[:-1]
walls, cpus = [], []
for _ in range(3):
    t0, c0 = time.perf_counter(), time.process_time()
    b = BLEU().corpus_score(h, [r]).score
    c = CHRF().corpus_score(h, [r]).score
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
print(sacrebleu.__version__, walls[0], cpus[0], min(walls), min(cpus), repr(b), repr(c))
`;

interface PyResult {
  version: string;
  timing: Timing;
  bleu: number;
  chrf: number;
}

function sacrebleuReference(hyps: string[], refs: string[]): PyResult | string {
  const dir = mkdtempSync(join(tmpdir(), 'signbench-bench-'));
  try {
    writeFileSync(join(dir, 'h.txt'), hyps.join('\n') + '\n');
    writeFileSync(join(dir, 'r.txt'), refs.join('\n') + '\n');
    writeFileSync(join(dir, 'run.py'), PY);
    const r = spawnSync('python3', [join(dir, 'run.py'), join(dir, 'h.txt'), join(dir, 'r.txt')], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) return `python3 not runnable (${r.error.message})`;
    if (r.status !== 0) return `sacrebleu not importable by python3 (${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 120)})`;
    const [version, cw, cc, bw, bc, bleu, chrf] = r.stdout.trim().split(/\s+/);
    return {
      version: version!,
      timing: { cold: { wall: Number(cw), cpu: Number(cc) }, best: { wall: Number(bw), cpu: Number(bc) } },
      bleu: Number(bleu),
      chrf: Number(chrf),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PY_WHOLE = `
import sys, json
from sacrebleu.metrics import BLEU, CHRF
h = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]
r = open(sys.argv[2], encoding='utf-8').read().split('\\n')[:-1]
print(json.dumps([BLEU().corpus_score(h, [r]).score, CHRF().corpus_score(h, [r]).score, CHRF(word_order=2).corpus_score(h, [r]).score]))
`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `signbench score --json` against sacrebleu, whole process each. */
function wholeProcess(hyps: string[], refs: string[]): void {
  ensureBuild(ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'signbench-bench-'));
  try {
    const h = join(dir, 'h.txt');
    const r = join(dir, 'r.txt');
    writeFileSync(h, hyps.join('\n') + '\n');
    writeFileSync(r, refs.join('\n') + '\n');
    writeFileSync(join(dir, 'whole.py'), PY_WHOLE);
    const probe = spawnSync('python3', ['-c', 'import sacrebleu'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('whole process: sacrebleu not importable by python3; no ratio claimed.');
      return;
    }
    const ours: ProcessTiming[] = [];
    const theirs: ProcessTiming[] = [];
    for (let i = 0; i < 3; i++) {
      ours.push(timeProcess(process.execPath, [join(ROOT, 'bin', 'signbench.js'), 'score', '--hyp', h, '--ref', r, '--json'], { cwd: ROOT }));
      theirs.push(timeProcess('python3', [join(dir, 'whole.py'), h, r], { cwd: ROOT }));
    }
    const j = JSON.parse(ours[0]!.stdout) as { sacrebleu: { bleu: { score: number }; chrf: { score: number }; 'chrf++': { score: number } } };
    const py = JSON.parse(theirs[0]!.stdout) as number[];
    const mine = [j.sacrebleu.bleu.score, j.sacrebleu.chrf.score, j.sacrebleu['chrf++'].score];
    const same = mine.every((x, i) => Math.abs(x - py[i]!) < 1e-9);
    const ow = medianOf(ours, 'wall');
    const tw = medianOf(theirs, 'wall');
    const oc = medianOf(ours, 'cpu');
    const tc = medianOf(theirs, 'cpu');
    console.log(`whole process, median of 3: signbench score --json (all protocols) ${fmt(ow, 2)} s wall / ${fmt(oc, 2)} s CPU; ` +
      `python3 + sacrebleu BLEU+chrF+chrF++ ${fmt(tw, 2)} s wall / ${fmt(tc, 2)} s CPU; BLEU/chrF/chrF++ ${same ? 'identical' : `DIFFER (${mine} vs ${py})`}`);
    console.log(`whole-process speed ratio sacrebleu/signbench (target ≥ 3×): wall ${fmt(tw / ow, 1)}×, CPU ${fmt(tc / oc, 1)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const { hyps, refs, source } = corpus();
  const words = hyps.reduce((n, s) => n + s.split(' ').length, 0);
  console.log(`corpus: ${N} pairs (${source}), ${words} hypothesis words`);
  let bleu = 0;
  let chrf = 0;
  const ours = timeRuns(() => {
    bleu = new BLEU().corpusScore(hyps, [refs]).score;
    chrf = new CHRF().corpusScore(hyps, [refs]).score;
  }, 5);
  const show = (t: Timing) =>
    `cold ${fmt(t.cold.wall, 3)} s wall / ${fmt(t.cold.cpu, 3)} s CPU; best ${fmt(t.best.wall, 3)} s wall / ${fmt(t.best.cpu, 3)} s CPU → ${fmt(N / t.best.cpu, 0)} pairs per CPU-second`;
  console.log(`signbench corpus BLEU+chrF: ${show(ours)} (BLEU ${fmt(bleu, 4)}, chrF ${fmt(chrf, 4)})`);
  const ref = sacrebleuReference(hyps, refs);
  if (typeof ref === 'string') {
    console.log(`reference: sacrebleu could not be run here: ${ref}. No speed ratio is claimed.`);
    return;
  }
  const same = Math.abs(ref.bleu - bleu) < 1e-9 && Math.abs(ref.chrf - chrf) < 1e-9;
  console.log(`sacrebleu ${ref.version} (python3), same corpus: ${show(ref.timing)}; scores ${same ? 'identical' : `DIFFER (${ref.bleu}, ${ref.chrf})`}`);
  const r = (a: number, b: number) => `${fmt(a / b, 1)}×`;
  console.log(
    `speed ratio signbench/sacrebleu (target ≥ 3×): best CPU ${r(ref.timing.best.cpu, ours.best.cpu)}, best wall ${r(ref.timing.best.wall, ours.best.wall)}, ` +
      `cold CPU ${r(ref.timing.cold.cpu, ours.cold.cpu)}, cold wall ${r(ref.timing.cold.wall, ours.cold.wall)}`,
  );
  wholeProcess(hyps, refs);
}

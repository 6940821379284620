/**
 * CLI start-up: `node bin/signbench.js --help` and `score` on a one-line file against `node -e 0`, each the median
 * of 5 runs interleaved in the same loop (so the machine's load moves all of them alike). Target: ≤ 2.5× `node -e 0`.
 * bin runs the compiled dist/ (`npm run build`, which this runs first); the tsx path
 * (SIGNBENCH_TSX=1, what every start cost before the build) is timed alongside for comparison. Also checks that an
 * `npx signbench` call prints no npm warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuild, fmt, median } from './lib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'signbench.js');
const RUNS = 5;

/** Wall seconds of one run, without GNU time around it (its own start-up would be counted). */
function timeRun(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { s: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { s };
}

export async function run(): Promise<void> {
  ensureBuild(ROOT); // bin must take the compiled path: a stale or missing build would time tsx instead
  const dir = mkdtempSync(join(tmpdir(), 'signbench-bench-startup-'));
  try {
    writeFileSync(join(dir, 'hyp.txt'), 'the cat sat on the mat\n');
    writeFileSync(join(dir, 'ref.txt'), 'the cat sat on a mat\n');
    const score = ['score', '--hyp', join(dir, 'hyp.txt'), '--ref', join(dir, 'ref.txt'), '--json'];
    const tsxEnv = { ...process.env, SIGNBENCH_TSX: '1' };
    const cases: [string, () => number][] = [
      ['node -e 0', () => timeRun(process.execPath, ['-e', '0']).s],
      ['signbench --help', () => timeRun(process.execPath, [BIN, '--help']).s],
      ['signbench score (1 line)', () => timeRun(process.execPath, [BIN, ...score]).s],
      ['signbench --help via tsx', () => timeRun(process.execPath, [BIN, '--help'], tsxEnv).s],
      ['signbench score via tsx', () => timeRun(process.execPath, [BIN, ...score], tsxEnv).s],
    ];
    const times = cases.map(() => [] as number[]);
    for (let r = 0; r < RUNS; r++) cases.forEach(([, f], i) => times[i]!.push(f()));
    const base = median(times[0]!);
    cases.forEach(([name], i) => {
      const m = median(times[i]!);
      const target = i === 1 || i === 2 ? ` (target ≤ 2.5×: ${m / base <= 2.5 ? 'met' : 'NOT met'})` : '';
      console.log(`${name.padEnd(26)} median of ${RUNS}: ${fmt(m, 3)} s = ${fmt(m / base, 2)}× node -e 0${target}`);
    });

    // npx resolves the local bin through npm: its own start-up is npm's, but it must not warn on every call
    const npx = spawnSync('npx', ['--no-install', 'signbench', '--version'], { cwd: ROOT, encoding: 'utf8' });
    const warn = npx.stderr.split('\n').filter((l) => /npm warn/i.test(l));
    console.log(`npx signbench --version: exit ${npx.status}, ${warn.length === 0 ? 'no npm warning' : `npm warns: ${warn.join(' / ')}`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

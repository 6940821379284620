import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Small helpers shared by the benchmark scripts. */

/** Runs fn repeatedly for at least `minMs` (and at least once) and returns seconds per call. */
export async function timeIt(fn: () => unknown | Promise<unknown>, minMs = 1000): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  do {
    await fn();
    n++;
  } while (performance.now() - t0 < minMs);
  return (performance.now() - t0) / 1000 / n;
}

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const GNU_TIME = '/usr/bin/time';

/** One whole process: wall seconds, and with GNU time its user+sys CPU seconds and peak RSS (MiB); its stdout. */
export interface ProcessTiming {
  wall: number;
  cpu?: number;
  maxRssMiB?: number;
  stdout: string;
}

/** Runs `cmd args` to completion and times it (throws with its stderr when it fails). */
export function timeProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessTiming {
  const timed = existsSync(GNU_TIME);
  const t0 = performance.now();
  const run = { cwd: opts.cwd, env: opts.env, encoding: 'utf8' as const, maxBuffer: 1 << 28 };
  const r = timed ? spawnSync(GNU_TIME, ['-f', 'rusage %U %S %M', cmd, ...args], run) : spawnSync(cmd, args, run);
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const m = /rusage ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : undefined, maxRssMiB: m ? Number(m[3]) / 1024 : undefined, stdout: r.stdout };
}

/** Median of a field over runs (NaN when any run lacks it). */
export function medianOf(runs: readonly ProcessTiming[], key: 'wall' | 'cpu' | 'maxRssMiB'): number {
  const v = runs.map((r) => r[key]);
  return v.every((x) => x !== undefined) ? median(v as number[]) : NaN;
}

let built = false;

/**
 * Compiles dist/ (npm run build) once per bench run, so that benches timing `bin/signbench.js` time the compiled CLI
 * and not the tsx fallback it takes when dist/ is missing or older than the sources.
 */
export function ensureBuild(root: string): void {
  if (built) return;
  const r = spawnSync(process.execPath, [`${root}/scripts/build.mjs`], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr.slice(-500)}`);
  built = true;
}

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

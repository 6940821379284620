/**
 * The CLI's one progress bar: a cli-progress bar on stderr when stderr is a terminal and the bar is wanted, a no-op
 * otherwise. Library code reports progress through callbacks (`onProgress(done, total)`); the CLI turns them into
 * this bar (the server turns them into events). The bar starts at the first update and follows a changing total.
 */
export interface ProgressBar {
  /** `done` of `total` (the total may be unknown at first and grow); `payload` fills `{name}` fields of the format. */
  update(done: number, total?: number, payload?: Record<string, string>): void;
  stop(): void;
}

const NO_BAR: ProgressBar = { update: () => undefined, stop: () => undefined };

/**
 * A bar with a cli-progress `format` (`{bar}`, `{value}`, `{total}`, `{eta_formatted}`, and `{name}` payload fields).
 * `enabled: false` (e.g. `--json`, `--no-progress`) gives the no-op bar.
 */
export async function progressBar(format: string, opts: { enabled?: boolean } = {}): Promise<ProgressBar> {
  if (opts.enabled === false || !process.stderr.isTTY) return NO_BAR;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 }, Presets.shades_classic);
  let started = false;
  let lastTotal = -1;
  return {
    update(done, total, payload) {
      const t = total ?? Math.max(done, lastTotal);
      if (!started) {
        bar.start(t, done, payload);
        started = true;
      } else if (t !== lastTotal) bar.setTotal(t);
      lastTotal = t;
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs `work` with a bar, stopping the bar however the work ends. */
export async function withProgressBar<T>(format: string, opts: { enabled?: boolean }, work: (bar: ProgressBar) => Promise<T> | T): Promise<T> {
  const bar = await progressBar(format, opts);
  try {
    return await work(bar);
  } finally {
    bar.stop();
  }
}

/** What a training loop reports per step (nn/train-loop.ts TrainProgress, restated so that this file imports nothing). */
interface TrainStep {
  step: number;
  steps: number;
  loss: string;
  stepsPerSecond: number;
  etaSeconds: number;
}

/**
 * Training progress for the CLI: a bar on a terminal (unless `bar: false`), else one line on stderr every `logEvery`
 * steps (for logs and CI). Returns the callback to hand to the trainer and `stop` for the end.
 */
export async function trainProgress(title: string, opts: { logEvery?: number; bar?: boolean } = {}): Promise<{ onProgress: (p: TrainStep) => void; stop: () => void }> {
  if (!process.stderr.isTTY || opts.bar === false) {
    const every = opts.logEvery ?? 50;
    return {
      onProgress: (p) => {
        if (every > 0 && p.step % every === 0) {
          process.stderr.write(`[train] step ${p.step}/${p.steps} loss ${p.loss} ${p.stepsPerSecond.toFixed(2)} steps/s ETA ${Math.round(p.etaSeconds)} s\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = await progressBar(`${title} [{bar}] {value}/{total} | loss {loss} | {sps} steps/s | ETA {eta_formatted}`);
  return {
    onProgress: (p) => bar.update(p.step, p.steps, { loss: p.loss, sps: p.stepsPerSecond.toFixed(2) }),
    stop: () => bar.stop(),
  };
}

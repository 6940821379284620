import { availableParallelism } from 'node:os';

/** A sequence of RGB frames produced on demand, one at a time, into a caller's buffer. */
export interface FrameSource {
  /** Used for default output names. */
  id: string;
  width: number;
  height: number;
  count: number;
  fps: number;
  /** Writes frame i (0 ≤ i < count) as width·height·3 RGB bytes into out. */
  renderInto(i: number, out: Uint8Array): void;
}

export type ProgressCallback = (done: number, total: number) => void;

export interface EncodeOptions {
  /** Most frames being encoded at once (default: the core count, 1..4). */
  concurrency?: number;
  onProgress?: ProgressCallback;
}

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Renders frames in order on this thread and encodes up to `concurrency` of them at once (sharp and ffmpeg work
 * off the main thread); `consume` sees the encoded frames strictly in order. Only `concurrency` raw frames exist
 * at any time, so a long sequence never sits in memory as images.
 */
export async function encodeFramesOrdered<T>(
  source: FrameSource,
  encode: (raw: Uint8Array, i: number) => Promise<T>,
  consume: (encoded: T, i: number) => Promise<void> | void,
  opts: EncodeOptions = {},
): Promise<void> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? defaultConcurrency()));
  const bytes = source.width * source.height * 3;
  const pool: Uint8Array[] = [];
  const inFlight = new Map<number, Promise<T>>();
  let next = 0;
  const start = (): void => {
    const i = next++;
    const buf = pool.pop() ?? new Uint8Array(bytes);
    source.renderInto(i, buf);
    const p = encode(buf, i).finally(() => pool.push(buf));
    p.catch(() => undefined); // observed below, in order; avoids an unhandled rejection meanwhile
    inFlight.set(i, p);
  };
  try {
    for (let i = 0; i < source.count; i++) {
      while (next < source.count && next < i + concurrency) start();
      const encoded = await inFlight.get(i)!;
      inFlight.delete(i);
      await consume(encoded, i);
      opts.onProgress?.(i + 1, source.count);
    }
  } finally {
    // After a failure, let the frames still in flight finish (their errors are dropped) so no work outlives the call.
    await Promise.allSettled(inFlight.values());
  }
}

/**
 * Per-frame durations in `unit`s per second (1000 for WebP ms, 100 for GIF centiseconds) whose running sum tracks
 * i/fps exactly, so that rounding never drifts.
 */
export function frameDuration(i: number, fps: number, unit: number): number {
  return Math.round(((i + 1) * unit) / fps) - Math.round((i * unit) / fps);
}

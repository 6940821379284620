import * as ort from 'onnxruntime-node';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface OrtSessionOptions {
  /** Intra-op threads (default 2). */
  threads?: number;
  /** Execution providers to try in order (default ['cuda', 'cpu']); falls back to cpu when one fails. */
  providers?: string[];
  /** Report the provider in use through onLog (default false; fallbacks and a missing CUDA library are always reported). */
  log?: boolean;
  /** Receives those one-line notes (library code writes nothing itself; the CLI prints them). Default: dropped. */
  onLog?: (line: string) => void;
  /**
   * Let ORT's worker threads spin while idle (default false). Spinning saves microseconds on an idle machine but
   * costs several times the latency when cores are shared (measured 6.7 vs 1.4 ms per decoder step here).
   */
  spin?: boolean;
}

export interface OrtSessionHandle {
  session: ort.InferenceSession;
  provider: string;
}

let cudaPresent: boolean | null = null;
let cudaNoted = false;

/** Whether onnxruntime-node's CUDA provider library is installed (its installer fetches it only where it can). */
export function cudaProviderInstalled(): boolean {
  if (cudaPresent === null) {
    try {
      const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
      const binDir = join(root, 'bin');
      const stack = [binDir];
      cudaPresent = false;
      while (stack.length > 0 && !cudaPresent) {
        const d = stack.pop() as string;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) stack.push(join(d, e.name));
          else if (/onnxruntime_providers_cuda/.test(e.name)) cudaPresent = true;
        }
      }
    } catch {
      cudaPresent = false;
    }
  }
  return cudaPresent;
}

/**
 * Opens an ONNX Runtime session, trying CUDA first and falling back to CPU with a log line. Errors name the file.
 */
export async function openOrtSession(model: string | Uint8Array, opts: OrtSessionOptions = {}): Promise<OrtSessionHandle> {
  const label = typeof model === 'string' ? model : '<in-memory model>';
  if (typeof model === 'string' && !existsSync(model)) throw new Error(`${model}: not found`);
  let providers = opts.providers ?? ['cuda', 'cpu'];
  if (providers.includes('cuda') && !cudaProviderInstalled()) {
    // Asking ORT for CUDA without its library prints a native error; skip it and say so once.
    providers = providers.filter((p) => p !== 'cuda');
    if (providers.length === 0) providers = ['cpu'];
    if (!cudaNoted && opts.onLog) {
      cudaNoted = true;
      opts.onLog?.('[ort] CUDA execution provider not installed; using cpu');
    }
  }
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads ?? 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' }, inter_op: { allow_spinning: opts.spin ? '1' : '0' } } },
  };
  let lastError: unknown;
  for (let i = 0; i < providers.length; i++) {
    const eps = providers.slice(i);
    try {
      const session = typeof model === 'string'
        ? await ort.InferenceSession.create(model, { ...base, executionProviders: eps })
        : await ort.InferenceSession.create(model, { ...base, executionProviders: eps });
      if (opts.log || i > 0) opts.onLog?.(`[ort] ${label}: execution provider ${eps[0]}${i > 0 ? ` (fallback from ${providers.slice(0, i).join(', ')})` : ''}`);
      return { session, provider: eps[0] };
    } catch (err) {
      lastError = err;
      // An unavailable provider (no CUDA binaries) fails here; a corrupt model fails for every provider.
    }
  }
  const msg = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${label}: ONNX Runtime could not load the model (${msg})`);
}

/** A float32 tensor. */
export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** An int64 tensor from numbers. */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const b = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) b[i] = BigInt(values[i]);
  return new ort.Tensor('int64', b, dims);
}

/**
 * Throws unless the graph in `file` has every input and output named: `file: graph input x missing (has a, b)`, and
 * `why` after it (what the names depend on).
 */
export function requireGraphNames(session: ort.InferenceSession, file: string, names: { inputs: string[]; outputs: string[] }, why = ''): void {
  for (const [kind, want, have] of [['input', names.inputs, session.inputNames], ['output', names.outputs, session.outputNames]] as const) {
    const missing = want.filter((n) => !have.includes(n));
    if (missing.length > 0) throw new Error(`${file}: graph ${kind} ${missing.join(', ')} missing (has ${have.join(', ')})${why}`);
  }
}

export { ort };

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerFastMatMulGradient } from './gradients.js';

export type TrainingBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Force a backend. Default: tfjs-node(-gpu) when importable, else wasm (SIMD). */
  prefer?: TrainingBackend;
  /** Report which backend was chosen through onLog. */
  log?: boolean;
  /** Receives that one-line note (library code writes nothing itself). Default: dropped. */
  onLog?: (line: string) => void;
}

let ready: Promise<TrainingBackend> | null = null;

/** Absolute file paths of the wasm binaries shipped inside @tensorflow/tfjs-backend-wasm. */
export function wasmBinaryPaths(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  return Object.fromEntries(names.map((n) => [n, join(dist, n)]));
}

/** Dynamic import that the type checker does not resolve (the native packages are optional and absent here). */
async function optionalImport(name: string): Promise<boolean> {
  try {
    await (new Function('n', 'return import(n)') as (n: string) => Promise<unknown>)(name);
    return true;
  } catch {
    return false;
  }
}

async function choose(opts: BackendOptions): Promise<TrainingBackend> {
  // tfjs-node(-gpu) register the 'tensorflow' backend on import; they download libtensorflow at install, so they
  // exist only on machines with internet. Never pick the pure-JS cpu backend for training unless asked to.
  if (opts.prefer === undefined || opts.prefer === 'tensorflow') {
    if ((await optionalImport('@tensorflow/tfjs-node-gpu')) || (await optionalImport('@tensorflow/tfjs-node'))) {
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    }
    if (opts.prefer === 'tensorflow') throw new Error('backend: @tensorflow/tfjs-node(-gpu) is not installed');
  }
  if (opts.prefer === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(wasmBinaryPaths());
  // In Node tfjs disables wasm threads anyway; the SIMD binary is used when the CPU supports it.
  if (!(await tf.setBackend('wasm'))) throw new Error('backend: the tfjs wasm backend failed to initialise');
  return 'wasm';
}

/**
 * Sets up tfjs for training and inference once per process: picks the backend, re-registers the fast BatchMatMul
 * gradient. Safe to call many times (returns the same promise).
 */
export function initBackend(opts: BackendOptions = {}): Promise<TrainingBackend> {
  if (!ready) {
    ready = choose(opts).then(async (name) => {
      await tf.ready();
      registerFastMatMulGradient();
      if (opts.log) opts.onLog?.(`[nn] tfjs backend: ${name}${name === 'wasm' ? ` (simd ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')})` : ''}`);
      return name;
    });
    ready.catch(() => { ready = null; });
  }
  return ready;
}

export { tf };

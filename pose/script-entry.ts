import { fileURLToPath } from 'node:url';

/**
 * One of our own scripts, to run in a child process or worker thread in the form this process runs: the compiled
 * `.js` beside it under dist/ (`npm run build`; plain Node) or the `.ts` source (through tsx's loader). Every layer
 * that spawns children (the benchmark's model runs and DTW workers, the runner's sandbox, the server's pool) asks
 * here, so that `signbench` from dist/ never looks for a `.ts` file that only the checkout has.
 */
export interface ScriptEntry {
  /** Absolute path of the script to run. */
  path: string;
  /** Node flags the child needs before the script (`--import tsx` for a `.ts` source; none for `.js`). */
  execArgv: string[];
  /** Whether this is the compiled form. */
  compiled: boolean;
}

/** `name` is relative to `base` (the caller's `import.meta.url`) and has no extension: `'./model-child'`. */
export function scriptEntry(base: string, name: string): ScriptEntry {
  const compiled = /\.js$/.test(new URL(base).pathname);
  const path = fileURLToPath(new URL(`${name}.${compiled ? 'js' : 'ts'}`, base));
  return { path, execArgv: compiled ? [] : ['--import', import.meta.resolve('tsx')], compiled };
}

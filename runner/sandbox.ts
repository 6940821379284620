import { scriptEntry } from '../pose/script-entry.js';
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { EvalResult } from '../benchmark/scoring/evaluate.js';
import { SignbenchError } from '../pose/errors.js';
import type { Progress, RunError } from './store/types.js';

/** One scoring job for the child process. */
export interface ScoreJob {
  suite: string;
  dataDir: string;
  input: { kind: 'predictions'; path: string } | { kind: 'model'; dir: string };
}

export type ChildMessage =
  | ({ type: 'progress' } & Progress)
  | { type: 'result'; result: EvalResult }
  | { type: 'error'; error: RunError };

export interface SandboxLimits {
  /** Wall-clock limit, ms. */
  timeoutMs: number;
  /** Resident-memory limit, MiB (V8's heap is capped a little lower, native memory is watched). */
  memoryMb: number;
}

/** The child's output, kept to its last `max` characters (a run's log must stay storable). */
export class LogTail {
  private text = '';
  constructor(private readonly max = 256 * 1024) {}
  write(s: string): void {
    this.text += s;
    if (this.text.length > this.max * 2) this.text = this.text.slice(-this.max);
  }
  note(line: string): void {
    this.write(`[${new Date().toISOString()}] ${line}\n`);
  }
  toString(): string {
    return this.text.length > this.max ? `…${this.text.slice(-this.max)}` : this.text;
  }
}

const CHILD = scriptEntry(import.meta.url, './scoring-child');


/** Resident set size of a process in MiB (Linux /proc), or null where it cannot be read. */
async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const m = status && /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) / 1024 : null;
}

/**
 * Scores `job` in a child process with time and memory limits and resolves to its result. Rejects with a
 * SignbenchError carrying the child's error (kind, message, detail) when scoring fails, `too-large` when it runs
 * past a limit, `aborted` when `signal` aborts (the child is killed at once), and `internal` when the child dies.
 */
export function scoreInChild(job: ScoreJob, opts: SandboxLimits & { signal?: AbortSignal; onProgress?: (p: Progress) => void; log: LogTail }): Promise<EvalResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new SignbenchError('aborted', 'scoring was cancelled before it started'));
    const heapMb = Math.max(256, Math.floor(opts.memoryMb * 0.85));
    const child = fork(CHILD.path, [], {
      execArgv: [...CHILD.execArgv, `--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => opts.log.write(s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => opts.log.write(s));

    let outcome: { result: EvalResult } | { error: SignbenchError } | null = null;
    let killedFor: SignbenchError | null = null;
    const kill = (why: SignbenchError) => {
      if (killedFor || child.exitCode !== null) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(new SignbenchError('too-large', `scoring took longer than the limit of ${Math.round(opts.timeoutMs / 1000)} s`)), opts.timeoutMs);
    const memWatch = setInterval(() => {
      void rssMb(child.pid!).then((mb) => {
        if (mb !== null && mb > opts.memoryMb) kill(new SignbenchError('too-large', `scoring used ${Math.round(mb)} MiB, over the limit of ${opts.memoryMb} MiB`));
      });
    }, 500);
    const onAbort = () => kill(new SignbenchError('aborted', 'scoring was cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') opts.onProgress?.({ done: m.done, total: m.total, stage: m.stage });
      else if (m.type === 'result') outcome = { result: m.result };
      else if (m.type === 'error') outcome = { error: new SignbenchError(m.error.kind as never, m.error.message, { detail: m.error.detail }) };
    });
    child.on('error', (err) => kill(new SignbenchError('internal', `scoring process: ${err.message}`, { cause: err })));
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      clearInterval(memWatch);
      opts.signal?.removeEventListener('abort', onAbort);
      if (killedFor) return reject(killedFor);
      if (outcome && 'result' in outcome) return resolve(outcome.result);
      if (outcome) return reject(outcome.error);
      // Killed from outside (the kernel's OOM killer, V8's heap limit) or crashed before it could report.
      reject(new SignbenchError('internal', `scoring process exited with ${sig ? `signal ${sig}` : `code ${code}`} before sending a result`));
    });
    child.send(job);
  });
}

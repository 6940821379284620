/**
 * Runs a model submission: the generator directory is loaded and run in a child process (model-child.ts) with a
 * wall-clock limit and a resident-memory limit (polled from /proc where there is one; V8's heap is capped too), so a
 * model that hangs, leaks or crashes costs a rejected submission with its log, never the scorer.
 */
import { scriptEntry } from '../../pose/script-entry.js';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignbenchError } from '../../pose/errors.js';
import { REPO_ROOT } from '../hash.js';
import { promptsJsonl, type Suite } from '../suite/index.js';
import { SubmissionRejectedError, type ValidateOptions } from './index.js';

const CHILD = scriptEntry(import.meta.url, './model-child');

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the generator in `dir` on every prompt of the suite, writing `<out>/<id>.pose`. */
export async function runModelSubmission(suite: Suite, dir: string, out: string, opts: ValidateOptions = {}): Promise<void> {
  if (!existsSync(join(dir, 'manifest.json'))) throw new SubmissionRejectedError([{ problem: `model ${dir}: no manifest.json (see generator/README.md for the contract)` }]);
  const promptsFile = join(out, '.prompts.jsonl');
  await writeFile(promptsFile, promptsJsonl(suite));
  const timeoutMs = opts.modelTimeoutMs ?? 120_000 + 1_000 * suite.info.n;
  const memoryMiB = opts.modelMemoryMiB ?? 4096;
  const total = suite.info.n;
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${Math.max(256, Math.floor(memoryMiB / 2))}`, ...CHILD.execArgv, CHILD.path, dir, promptsFile, out], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' },
    });
    let log = '';
    let killedFor: string | null = null;
    let buf = '';
    const kill = (why: string) => { if (!killedFor) { killedFor = why; child.kill('SIGKILL'); } };
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const p = JSON.parse(line) as { done: number };
          opts.onProgress?.({ done: p.done, total, stage: 'generating' });
        } catch {
          log += line + '\n';
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => { log = (log + b.toString()).slice(-20_000); });
    const timer = setTimeout(() => kill(`ran over the time limit of ${(timeoutMs / 1000).toFixed(0)} s`), timeoutMs);
    const poll = setInterval(() => {
      const rss = child.pid ? rssMiB(child.pid) : null;
      if (rss !== null && rss > memoryMiB) kill(`used ${rss.toFixed(0)} MiB, over the memory limit of ${memoryMiB} MiB`);
    }, 250);
    const onAbort = () => kill('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => { clearTimeout(timer); clearInterval(poll); reject(new SignbenchError('internal', `model runner: ${err.message}`)); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onAbort);
      if (killedFor === 'aborted') return reject(new SignbenchError('aborted', 'model run cancelled'));
      if (killedFor) return reject(new SubmissionRejectedError([{ problem: `model ${killedFor}` }], 'model submission'));
      if (code !== 0) {
        const tail = log.trim().split('\n').slice(-8).join('\n');
        return reject(new SubmissionRejectedError([{ problem: `model failed (exit ${code ?? sig}): ${tail || 'no output'}` }], 'model submission'));
      }
      resolvePromise();
    });
  });
}

/**
 * The scoring child process (forked by runner/sandbox.ts). It receives one job over IPC — a suite, the data
 * directory and a submission input — scores it with benchmark's evaluateSubmission, and sends back progress
 * messages and then the result or the error. It touches no database: the worker alone writes what it sends.
 */
import type { SubmissionInput } from '../benchmark/submission/index.js';
import type { ChildMessage, ScoreJob } from './sandbox.js';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

async function score(job: ScoreJob): Promise<void> {
  try {
    const { loadSuite } = await import('../benchmark/suite/index.js');
    const { evaluateSubmission } = await import('../benchmark/scoring/evaluate.js');
    let last = 0;
    const onProgress = (p: { done: number; total: number; stage: string }) => {
      // Progress is throttled here too, so a fast inner loop does not flood the IPC channel.
      const now = Date.now();
      if (now - last < 100 && p.done !== p.total) return;
      last = now;
      void send({ type: 'progress', done: p.done, total: p.total, stage: p.stage });
    };
    const suite = await loadSuite(job.suite, { dataDir: job.dataDir, onProgress: (p) => onProgress({ ...p, stage: `suite: ${p.stage}` }) });
    const result = await evaluateSubmission(suite, job.input as SubmissionInput, { onProgress });
    await send({ type: 'result', result });
    process.exit(0);
  } catch (err) {
    const e = err as { kind?: unknown; message?: unknown; detail?: unknown; stack?: unknown };
    process.stderr.write(`${typeof e.stack === 'string' ? e.stack : String(err)}\n`);
    await send({
      type: 'error',
      error: { kind: typeof e.kind === 'string' ? e.kind : 'internal', message: typeof e.message === 'string' ? e.message : String(err), detail: e.detail },
    });
    process.exit(1);
  }
}

// The worker that forked us died (SIGKILL included): nobody will read the result, so stop scoring.
process.on('disconnect', () => process.exit(1));
process.once('message', (job: ScoreJob) => { void score(job); });

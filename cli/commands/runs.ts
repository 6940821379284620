import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { positiveInt } from '../options.js';
import { printJson } from '../output.js';
import { progressBar } from './benchmark.js';

/**
 * The leaderboard store from the command line: `submit`, `worker`, `runs`, `leaderboard`, `token`. They open the
 * store and queue that SIGNBENCH_DB / SIGNBENCH_QUEUE name (default: SQLite and the local queue in the data
 * directory) and call runner/ — the same functions the server calls.
 */

const DATA_HELP = 'data directory (default: $SIGNBENCH_DATA or ./data)';

async function open(data?: string, extra: { leaseMs?: number } = {}) {
  const { runnerConfig } = await import('../../runner/config.js');
  const { openStore } = await import('../../runner/store/index.js');
  const config = runnerConfig({ dataDir: data, ...extra });
  const store = await openStore(config);
  return { config, store };
}

function problemsOf(err: unknown): { id?: string; problem: string }[] | null {
  const e = err as { kind?: string; detail?: { problems?: unknown } };
  return e?.kind === 'rejected' && Array.isArray(e.detail?.problems) ? (e.detail.problems as { id?: string; problem: string }[]) : null;
}

function runLine(r: import('../../runner/store/types.js').Run): string {
  const p = r.progress && r.state === 'running' ? ` ${r.progress.stage} ${r.progress.done}/${r.progress.total}` : '';
  const err = r.error ? ` — ${r.error.kind}: ${r.error.message}` : '';
  return `${r.id}  ${r.state.padEnd(8)} ${r.suite}  ${r.submission.name} (${r.submission.kind}, ${r.submission.submitter}) ${r.createdAt}${p}${err}`;
}

export function register(program: Command): void {
  program
    .command('submit')
    .description('Submit predictions or a model to a suite: validated, copied into the data directory and queued for a worker')
    .requiredOption('--suite <name>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .requiredOption('--name <name>', 'the name shown on the leaderboard')
    .option('--predictions <path>', 'a directory, .zip or .tar of <id>.<ext> pose files, or one SignVerse shard')
    .option('--model <dir>', 'an ONNX generator directory (generator/README.md), run by the worker with time and memory limits')
    .option('--token <token>', 'submit as a token\'s owner (default: $SIGNBENCH_TOKEN, else the local submitter)')
    .option('--uses <input>', 'what the system generated from: text or glosses')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print {"id","state"} as one JSON line (a rejection prints {"error","detail":{"problems"}})')
    .action(async (o: { suite: string; name: string; predictions?: string; model?: string; token?: string; uses?: string; data?: string; json?: boolean }) => {
      if (!!o.model === !!o.predictions) throw new Error('give exactly one of --model DIR and --predictions PATH');
      if (o.uses !== undefined && o.uses !== 'text' && o.uses !== 'glosses') throw new Error(`--uses must be text or glosses, got "${o.uses}"`);
      const { submit } = await import('../../runner/submit.js');
      const { openQueue } = await import('../../runner/queue/index.js');
      const { config, store } = await open(o.data);
      try {
        const queue = await openQueue(config, store);
        const r = await submit({
          store, queue, dataDir: config.dataDir, suite: o.suite, name: o.name, quota: config.quota,
          input: o.model ? { kind: 'model', path: resolve(o.model) } : { kind: 'predictions', path: resolve(o.predictions!) },
          token: o.token ?? process.env.SIGNBENCH_TOKEN, ...(o.uses ? { meta: { uses: o.uses } } : {}),
        }).finally(() => queue.close());
        if (o.json) printJson({ id: r.id, state: r.state, run: r.runId, sha256: r.sha256 });
        else process.stdout.write(`submission ${r.id} ${r.state} (run ${r.runId}); start a worker with: signbench worker\n`);
      } catch (err) {
        const problems = problemsOf(err);
        if (problems) {
          if (o.json) printJson({ error: 'rejected', detail: { problems } });
          else for (const p of problems) process.stderr.write(`  ${p.id ? `${p.id}: ` : ''}${p.problem}\n`);
        }
        throw err;
      } finally {
        await store.close();
      }
    });

  program
    .command('worker')
    .description('Score queued runs until stopped (SIGTERM/SIGINT: stop claiming and give the current runs back to the queue)')
    .option('--concurrency <n>', 'runs scored at once', '1')
    .option('--lease-ms <ms>', 'lease of a claimed run without a heartbeat (default: $SIGNBENCH_LEASE_MS or 60000)')
    .option('--drain', 'exit once no run is queued or running')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print the worker\'s events as JSON lines')
    .action(async (o: { concurrency: string; leaseMs?: string; drain?: boolean; data?: string; json?: boolean }) => {
      const concurrency = positiveInt(o.concurrency, '--concurrency')!;
      const leaseMs = positiveInt(o.leaseMs, '--lease-ms');
      const { runWorker, newWorkerId } = await import('../../runner/worker.js');
      const { openQueue } = await import('../../runner/queue/index.js');
      const { config, store } = await open(o.data, leaseMs ? { leaseMs } : {});
      const queue = await openQueue(config, store);
      const stop = new AbortController();
      const onSignal = (sig: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(130); // a second signal: leave now, the leases will expire
        process.stderr.write(`worker: ${sig}: stopping, giving current runs back to the queue\n`);
        stop.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      const workerId = newWorkerId();
      let drainTimer: NodeJS.Timeout | undefined;
      if (o.drain) {
        const check = async () => {
          const [queued, running] = await Promise.all([store.listRuns({ state: 'queued', limit: 1 }), store.listRuns({ state: 'running', limit: 1 })]);
          if (queued.length === 0 && running.length === 0) stop.abort();
          else drainTimer = setTimeout(() => void check(), config.pollMs);
        };
        drainTimer = setTimeout(() => void check(), 0);
      }
      process.stderr.write(`worker ${workerId}: data ${config.dataDir}, concurrency ${concurrency}, lease ${config.leaseMs} ms\n`);
      try {
        const summary = await runWorker({
          store, queue, dataDir: config.dataDir, signal: stop.signal, concurrency, leaseMs: config.leaseMs, workerId,
          limits: { timeoutMs: config.runTimeoutMs, memoryMb: config.runMemoryMb },
          onEvent: (e) => {
            if (o.json) return printJson(e);
            if (e.type === 'progress') return;
            const what = e.type === 'failed' ? `${e.error.kind}: ${e.error.message}` : e.type === 'finished' ? `${e.seconds.toFixed(1)} s` : e.type === 'error' ? e.message : '';
            process.stderr.write(`worker: ${e.type}${'runId' in e ? ` ${e.runId}` : ''}${what ? ` ${what}` : ''}\n`);
          },
        });
        process.stderr.write(`worker ${workerId}: stopped (finished ${summary.finished}, failed ${summary.failed}, released ${summary.released})\n`);
      } finally {
        clearTimeout(drainTimer);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        await queue.close();
        await store.close();
      }
    });

  const runs = program
    .command('runs')
    .description('List runs (newest first); `runs show ID`, `runs rerun ID`')
    .option('--suite <name>', 'only this suite')
    .option('--state <state>', 'only queued, running, finished or failed runs')
    .option('--limit <n>', 'at most this many', '100')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print the runs as one JSON array')
    .action(async (o: { suite?: string; state?: string; limit: string; data?: string; json?: boolean }) => {
      const states = ['queued', 'running', 'finished', 'failed'];
      if (o.state !== undefined && !states.includes(o.state)) throw new Error(`--state must be one of ${states.join(', ')}, got "${o.state}"`);
      const { store } = await open(o.data);
      try {
        const list = await store.listRuns({ suite: o.suite, state: o.state as never, limit: positiveInt(o.limit, '--limit') });
        if (o.json) printJson(list);
        else process.stdout.write(list.length ? list.map(runLine).join('\n') + '\n' : 'no runs\n');
      } finally {
        await store.close();
      }
    });
  runs
    .command('show')
    .description('One run: state, history, error and log')
    .argument('<id>', 'run id')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print {run, events} as one JSON line')
    .action(async (id: string, own: { data?: string; json?: boolean }) => {
      const o = { ...runs.opts<{ data?: string; json?: boolean }>(), ...own }; // commander may give `runs` the shared flags
      const { SignbenchError } = await import('../../pose/errors.js');
      const { store } = await open(o.data);
      try {
        const run = await store.getRun(id);
        if (!run) throw new SignbenchError('not-found', `no run ${id}`);
        const events = await store.runEvents(id);
        if (o.json) { printJson({ run, events }); return; }
        process.stdout.write(runLine(run) + '\n' + events.filter((e) => e.type !== 'progress').map((e) => `  ${e.at} ${e.type}${e.workerId ? ` (${e.workerId})` : ''}`).join('\n') + '\n');
        if (run.log) process.stdout.write(`--- log ---\n${run.log}`);
      } finally {
        await store.close();
      }
    });
  runs
    .command('rerun')
    .description('Queue a new run of a submission (by run or submission id), e.g. after a failure')
    .argument('<id>', 'run or submission id')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print {"id","state","submission"} as one JSON line')
    .action(async (id: string, own: { data?: string; json?: boolean }) => {
      const o = { ...runs.opts<{ data?: string; json?: boolean }>(), ...own };
      const { store, config } = await open(o.data);
      try {
        const run = await store.rerun(id);
        const { openQueue } = await import('../../runner/queue/index.js');
        const queue = await openQueue(config, store);
        await queue.enqueue(run.id).finally(() => queue.close());
        if (o.json) printJson({ id: run.id, state: run.state, submission: run.submissionId });
        else process.stdout.write(`run ${run.id} ${run.state} (submission ${run.submissionId})\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('leaderboard')
    .description('A suite\'s leaderboard: baseline rows (computed on first use, cached) and finished submissions, ranked')
    .requiredOption('--suite <name>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .option('--json', 'print {"suite","rows":[…]} as one JSON line')
    .option('--md', 'print a Markdown table')
    .option('--html <file>', 'write a self-contained HTML page (inline SVG plot)')
    .option('--data <dir>', DATA_HELP)
    .action(async (o: { suite: string; json?: boolean; md?: boolean; html?: string; data?: string }) => {
      const { leaderboard } = await import('../../runner/submit.js');
      const { leaderboardHtml, leaderboardMarkdown } = await import('../../benchmark/leaderboard/index.js');
      const { config, store } = await open(o.data);
      const bar = await progressBar(true);
      try {
        const lb = await leaderboard({
          store, dataDir: config.dataDir, suite: o.suite,
          onProgress: (p) => bar.update(p.done, p.total, p.baseline ? `${p.baseline}: ${p.stage}` : p.stage),
        });
        bar.stop();
        if (o.html) await writeFile(o.html, leaderboardHtml(lb));
        if (o.json) printJson(lb);
        else if (o.md || !o.html) process.stdout.write(leaderboardMarkdown(lb));
      } finally {
        bar.stop();
        await store.close();
      }
    });

  const token = program.command('token').description('API tokens of submitters (stored hashed; shown once)');
  token
    .command('create')
    .description('Create a token for a submitter (created when new)')
    .requiredOption('--name <name>', 'the submitter')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print {"token","submitter"} as one JSON line')
    .action(async (o: { name: string; data?: string; json?: boolean }) => {
      const { store } = await open(o.data);
      try {
        const { token: t, submitter } = await store.createToken(o.name);
        if (o.json) printJson({ token: t, submitter: submitter.name });
        else process.stdout.write(`${t}\n`);
      } finally {
        await store.close();
      }
    });
  token
    .command('revoke')
    .description('Revoke every token of a submitter')
    .argument('<name>', 'the submitter')
    .option('--data <dir>', DATA_HELP)
    .option('--json', 'print {"revoked": N} as one JSON line')
    .action(async (name: string, o: { data?: string; json?: boolean }) => {
      const { store } = await open(o.data);
      try {
        const n = await store.revokeToken(name);
        if (o.json) printJson({ revoked: n });
        else process.stdout.write(`revoked ${n} token${n === 1 ? '' : 's'} of ${name}\n`);
      } finally {
        await store.close();
      }
    });
}

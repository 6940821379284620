/**
 * A claiming process for the race test: opens the store, prints "ready", waits for the file GO_FILE (so that all
 * claimers start together), then claims runs until none is left, holding each for a few ms of "work" before
 * finishing it, and prints the ids it claimed as JSON.
 * Usage: tsx test/runner/claimer.ts DB_PATH WORKER_ID GO_FILE
 */
import { existsSync } from 'node:fs';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import { SqliteStore } from '../../runner/store/sqlite.js';

const [db, workerId, goFile] = process.argv.slice(2);
const store = new SqliteStore(db!);
process.stdout.write('ready\n');
while (!existsSync(goFile!)) await new Promise((r) => setTimeout(r, 5));
const claimed: string[] = [];
for (;;) {
  const run = await store.claimRun(workerId!, 60_000);
  if (!run) break;
  claimed.push(run.id);
  await new Promise((r) => setTimeout(r, 3));
  await store.finishRun(run.id, workerId!, { suite: run.suite, sacrebleu: { bleu: claimed.length, chrf: 0 }, signature: { suite: { name: run.suite, version: 'v' } } } as unknown as EvalResult);
}
await store.close();
process.stdout.write(JSON.stringify(claimed) + '\n');

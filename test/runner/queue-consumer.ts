/**
 * A consuming process for the queue contract's SIGKILL test: opens the SQLite store and the queue named on the
 * command line, claims runs and prints "claimed RUN_ID" for each, then holds it forever (the parent kills it).
 * Usage: node --import tsx test/runner/queue-consumer.ts DB_PATH QUEUE LEASE_MS WORKER_ID [QUEUE_NAME]
 */
import { openQueue } from '../../runner/queue/index.js';
import { RedisQueue } from '../../runner/queue/redis.js';
import { SqliteStore } from '../../runner/store/sqlite.js';

const [db, queueUrl, leaseMs, workerId, name] = process.argv.slice(2);
const store = new SqliteStore(db!);
const config = { queue: queueUrl!, leaseMs: Number(leaseMs), pollMs: 50 };
const queue = queueUrl === 'local' ? await openQueue(config, store) : new RedisQueue(queueUrl!, store, { ...config, name });
await queue.consume(async (run) => {
  process.stdout.write(`claimed ${run.id}\n`);
  await new Promise(() => {}); // never finishes: the parent kills this process with SIGKILL
}, { workerId: workerId!, concurrency: 1, signal: new AbortController().signal });

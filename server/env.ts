/** The environment variables of the server (a light module: `signbench serve --help` prints it). */
export const ENV_HELP: [string, string][] = [
  ['PORT', 'port to listen on (default 8080)'],
  ['HOST', 'address to bind (default 127.0.0.1; 0.0.0.0 to serve the network)'],
  ['SIGNBENCH_DATA', 'data directory: store, suites, uploads (default ./data)'],
  ['SIGNBENCH_CORS_ORIGINS', 'comma-separated origins allowed by CORS, or * (default *)'],
  ['SIGNBENCH_RATE_LIMIT', 'API requests per minute per client IP, 0 = off (default 600)'],
  ['SIGNBENCH_TOKEN_RATE_LIMIT', 'requests per minute per bearer token (default 120)'],
  ['SIGNBENCH_QUOTA', 'submissions per token per suite per day (default 5; failed runs do not count)'],
  ['SIGNBENCH_POOL_WORKERS', 'inference processes for generate/render/translate (default: CPU cores, at most 4)'],
  ['SIGNBENCH_POOL_QUEUE', 'requests that may wait for an inference process before 503 (default 32)'],
  ['SIGNBENCH_RUN_WORKER', 'benchmark runs scored by this server: 1 = one run at a time (default), 0 = none (run `signbench worker` apart)'],
  ['SIGNBENCH_DB, SIGNBENCH_QUEUE, SIGNBENCH_LEASE_MS, SIGNBENCH_RUN_TIMEOUT_MS, SIGNBENCH_RUN_MEMORY_MB', 'the runner\'s store, run queue and limits (see runner/config.ts)'],
  ['SIGNBENCH_TIMEOUT_MS', 'deadline of one request (default 60000)'],
  ['SIGNBENCH_MAX_UPLOAD_MB', 'largest pose upload (default 32)'],
  ['SIGNBENCH_MAX_ARCHIVE_MB', 'largest submission archive (default 256; it is held in memory while it is checked)'],
  ['SIGNBENCH_WARM_SUITES', 'prepare the built-in suites and their baseline scores in the background at start (default 1; 0 = on first use)'],
  ['SIGNBENCH_GENERATORS', 'extra generator models: id=dir,id2=dir2 (the committed model is "default")'],
  ['SIGNBENCH_TRANSLATOR', 'translator model directory (default models/translator)'],
];


/**
 * `npm start`: the signbench server (API + web UI) on PORT (default 8080). SIGTERM/SIGINT drain: new requests get
 * 503, in-flight ones finish (up to drainSeconds), then the inference pool and the store close.
 */
import { serve } from '@hono/node-server';
import { createServer } from './server.js';
import { jsonLog } from './observability.js';

const srv = await createServer();
const { config } = srv;
const http = serve({ fetch: srv.app.fetch, port: config.port, hostname: config.host }, (info) => {
  jsonLog({ msg: 'listening', url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}/`, workers: config.poolSize, queue: config.queueSize, data: config.dataDir });
});

// Responses still open (streams included: a handler returns long before its event stream ends).
let open = 0;
http.on('request', (_req, res) => {
  open++;
  res.once('close', () => { open--; });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  jsonLog({ msg: 'draining', signal, open });
  srv.drain();
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  (http as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  const deadline = Date.now() + config.drainSeconds * 1000;
  while (open > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await closed;
  await srv.close();
  jsonLog({ msg: 'stopped' });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

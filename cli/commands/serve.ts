import type { Command } from 'commander';
import { ENV_HELP } from '../../server/env.js';

/** `signbench serve`: the HTTP API and web UI (what `npm start` runs), configured by the environment. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and the web UI (generation, rendering, translation, sign.mt GET, benchmark, docs at /docs)')
    .option('--port <n>', 'port (default: $PORT or 8080)')
    .option('--data <dir>', 'data directory (default: $SIGNBENCH_DATA or ./data)')
    .addHelpText('after', `\nEnvironment:\n${ENV_HELP.map(([k, v]) => `  ${k}\n      ${v}`).join('\n')}\n`)
    .action(async (o: { port?: string; data?: string }) => {
      if (o.port) process.env.PORT = o.port;
      if (o.data) process.env.SIGNBENCH_DATA = o.data;
      await import('../../server/main.js');
    });
}

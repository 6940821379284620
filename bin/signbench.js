#!/usr/bin/env node
// Entry point for `npx signbench`. Runs the compiled CLI in dist/ (`npm run build`, which .ci/setup runs) when it is
// current, so that a command starts in about the time Node itself takes; otherwise (no build, sources edited since,
// or SIGNBENCH_TSX=1) it loads the TypeScript through tsx, which compiles on every start, and says on a terminal how
// to speed it up.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = new URL('../dist/BUILD', import.meta.url);

async function staleReason() {
  if (process.env.SIGNBENCH_TSX === '1') return undefined; // asked for tsx: no hint
  if (!existsSync(stamp)) return 'no build in dist/';
  // Only a checkout has the sources to compare with; an installed package runs dist/ as it is.
  if (!existsSync(new URL('../cli/main.ts', import.meta.url))) return '';
  const { newerSource } = await import('../scripts/sources.mjs');
  const built = JSON.parse(readFileSync(stamp, 'utf8'));
  const changed = newerSource(root, statSync(stamp).mtimeMs, built.files);
  return changed ? `${changed} since the build in dist/` : '';
}

const reason = await staleReason();
if (reason === '') {
  const { run } = await import('../dist/cli/main.js');
  await run();
} else {
  // the hint is for people at a terminal; scripts and tests that read stderr get only the command's own lines
  if (reason && process.stderr.isTTY) process.stderr.write(`signbench: ${reason}; running through tsx (slow start). Run \`npm run build\` for a fast one.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../cli/main.ts');
  await run();
}

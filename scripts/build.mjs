#!/usr/bin/env node
// `npm run build`: compile the TypeScript sources once into dist/ (git-ignored), file for file with esbuild (no
// bundling, so dynamic imports stay lazy and cli/commands/ is still discovered by directory). bin/signbench.js runs
// dist/ when it is at least as new as the sources and falls back to tsx otherwise. Files that are not TypeScript
// (e.g. generator/torch/train.py) are copied beside the output, and dist/models links to models/, so that paths built
// from import.meta.url resolve in dist/ as they do in the checkout.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SKIP_DIRS, walkSources } from './sources.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const tmp = join(root, `dist.tmp-${process.pid}`);

const { ts, assets } = walkSources(root);
const t0 = performance.now();
rmSync(tmp, { recursive: true, force: true });
try {
  await build({
    entryPoints: ts,
    outdir: tmp,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: false,
    logLevel: 'warning',
  });
  for (const f of assets) {
    const dest = join(tmp, relative(root, f));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(f, dest);
  }
  for (const d of SKIP_DIRS.linked) symlinkSync(join('..', d), join(tmp, d));
  // ESM for Node, and the package's name and version, which results record in their signatures (benchmark/hash.ts).
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }) + '\n');
  // The stamp bin/signbench.js compares the sources with (its mtime is the build time).
  writeFileSync(join(tmp, 'BUILD'), JSON.stringify({ files: ts.length + assets.length, built: new Date().toISOString() }) + '\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  throw err;
}
console.log(`build: ${ts.length} TypeScript files → dist/ in ${Math.round(performance.now() - t0)} ms`);

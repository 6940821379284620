// The TypeScript sources that `npm run build` compiles, and the check bin/signbench.js makes that dist/ is current.
// Plain JavaScript so that bin can use it without a compiler.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Top-level folders that are not compiled; `linked` ones are linked from dist/ (data the code finds by path). */
export const SKIP_DIRS = {
  skipped: new Set(['node_modules', 'dist', 'test', 'bench', 'scripts', 'bin', 'out', 'runs', 'tmp', 'data', 'models']),
  linked: ['models'],
};

const ASSET_SKIP = /\.(md|pyc|d\.ts)$|\.test\.ts$/;

/** Every source .ts file (no tests, no .d.ts) and every other file beside them that the build copies. */
export function walkSources(root) {
  const ts = [];
  const assets = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === '__pycache__' || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.isFile() || ASSET_SKIP.test(e.name)) continue;
      else if (e.name.endsWith('.ts')) ts.push(p);
      else assets.push(p);
    }
  };
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('dist') && !SKIP_DIRS.skipped.has(e.name)) walk(join(root, e.name));
  }
  return { ts, assets };
}

/**
 * Why dist/ is not current: the first source file newer than the build stamp (`stampMs`), or that files were added or
 * removed since the build compiled `files` of them; undefined when it is current.
 */
export function newerSource(root, stampMs, files) {
  const { ts, assets } = walkSources(root);
  for (const f of ts.concat(assets)) if (statSync(f).mtimeMs > stampMs) return `${f.slice(root.length)} changed`;
  if (ts.length + assets.length !== files) return 'source files were added or removed';
  return undefined;
}

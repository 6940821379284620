import { describe, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared beside the checkout (real fixtures and corpora); absent in clones outside this setup. */
export const SHARED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');

/** Absolute path of a file under ../shared. */
export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

/**
 * Whether `../shared/<parts>` exists; when it does not, says so once on stderr so that the skip is never silent.
 * Use as `describeShared(['fixtures', 'signverse'], ...)`.
 */
export function hasShared(...parts: string[]): boolean {
  const p = sharedPath(...parts);
  if (existsSync(p)) return true;
  process.stderr.write(`[skip] ${p} is missing: tests that read real ../shared data are skipped\n`);
  return false;
}

/**
 * `describe` over ../shared data. A describe body runs at collection even when the suite is skipped, so a body that
 * reads ../shared would crash the file where it is missing; here the body runs only when `parts` exists, and
 * otherwise one skipped test names what is missing.
 */
export function describeShared(parts: readonly string[], name: string, body: () => void): void {
  if (hasShared(...parts)) describe(name, body);
  else describe.skip(name, () => { it(`needs ../shared/${parts.join('/')}`, () => {}); });
}

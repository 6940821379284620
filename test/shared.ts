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
 * Use as `describe.skipIf(!hasShared('fixtures', 'signverse'))(...)`.
 */
export function hasShared(...parts: string[]): boolean {
  const p = sharedPath(...parts);
  if (existsSync(p)) return true;
  process.stderr.write(`[skip] ${p} is missing: tests that read real ../shared data are skipped\n`);
  return false;
}

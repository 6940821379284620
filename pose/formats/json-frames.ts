import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { readInputText } from '../fsio.js';

/** Reads and parses a JSON file with a size bound; errors name the file. */
export async function readJsonFile(path: string, limits: Partial<ReadLimits> = {}): Promise<unknown> {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const text = await readInputText(path, { maxBytes });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PoseFormatError(path, `invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Files of a per-frame directory, ordered by the last run of digits in the name (frame numbers are not always
 * zero-padded), then by name.
 */
export async function listFrameFiles(dir: string, pattern: RegExp, limits: Partial<ReadLimits> = {}): Promise<string[]> {
  const maxEntries = limits.maxEntries ?? DEFAULT_LIMITS.maxEntries;
  const names = (await readdir(dir)).filter((n) => pattern.test(n));
  if (names.length > maxEntries) throw new PoseFormatError(dir, `${names.length} frame files, over the ${maxEntries}-entry limit`);
  const frameNo = (n: string): number => {
    const m = /(\d+)(?!.*\d)/.exec(n);
    return m ? Number(m[1]) : -1;
  };
  names.sort((a, b) => frameNo(a) - frameNo(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((n) => join(dir, n));
}

/** A finite number or a PoseFormatError naming where it was expected. */
export function num(v: unknown, file: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new PoseFormatError(file, `${what}: expected a finite number, got ${v === null ? 'null' : typeof v === 'number' ? String(v) : typeof v}`);
  }
  return v;
}

/** An array of exactly `n` elements (or at least `n` when `atLeast`), else a PoseFormatError. */
export function arr(v: unknown, file: string, what: string, n?: number): unknown[] {
  if (!Array.isArray(v)) throw new PoseFormatError(file, `${what}: expected an array, got ${v === null ? 'null' : typeof v}`);
  if (n !== undefined && v.length !== n) throw new PoseFormatError(file, `${what}: expected ${n} entries, got ${v.length}`);
  return v;
}

export function stem(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}

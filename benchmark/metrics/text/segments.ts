/**
 * Reading segment files: one segment per line, UTF-8, no Unicode normalisation (sacrebleu does none). Line ends are
 * read as Python's universal newlines (`\r\n`, `\r`, `\n`); a final line end does not start a segment.
 */
import { readFileSync, statSync } from 'node:fs';

/** Largest segment file accepted (bytes). */
export const MAX_SEGMENT_FILE_BYTES = 256 * 1024 * 1024;

export function splitSegments(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads the segments of `path`; `what` (e.g. `--hyp`) names the argument in errors. */
export function readSegments(path: string, what: string): string[] {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new Error(`${what} ${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  if (size > MAX_SEGMENT_FILE_BYTES) {
    throw new Error(`${what} ${path}: ${size} bytes exceeds the ${MAX_SEGMENT_FILE_BYTES}-byte limit for a segment file`);
  }
  return splitSegments(readFileSync(path, 'utf8'));
}

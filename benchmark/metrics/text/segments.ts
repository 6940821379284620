/**
 * Reading segment files: one segment per line, UTF-8, no Unicode normalisation (sacrebleu does none). Line ends are
 * read as Python's universal newlines (`\r\n`, `\r`, `\n`); a final line end does not start a segment.
 */
import { SignbenchError } from '../../../pose/errors.js';
import { readInputFile } from '../../../pose/fsio.js';

/** Largest segment file accepted (bytes). */
export const MAX_SEGMENT_FILE_BYTES = 256 * 1024 * 1024;

export function splitSegments(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The 1-based line and column (in bytes) of the first invalid UTF-8 sequence in `bytes`. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a || bytes[i] === 0x0d) {
      try {
        strictUtf8.decode(bytes.subarray(start, i));
      } catch {
        // narrow down to the first byte that cannot be decoded within the line
        let k = start;
        while (k < i) {
          try { strictUtf8.decode(bytes.subarray(start, k + 1)); k++; } catch { break; }
        }
        // a valid prefix may end inside a multi-byte character: step back to the character's first byte
        while (k > start && (bytes[k] & 0xc0) === 0x80) k--;
        return { line, column: k - start + 1 };
      }
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) i++;
      line++;
      start = i + 1;
    }
  }
  return { line, column: 1 };
}

/**
 * Reads the segments of `path` (bounded, a regular file only); `what` (e.g. `--hyp`) names the argument in errors.
 * Invalid UTF-8 is refused with the line, as sacrebleu refuses it, instead of being scored as U+FFFD.
 */
export async function readSegments(path: string, what: string): Promise<string[]> {
  const bytes = await readInputFile(path, { maxBytes: MAX_SEGMENT_FILE_BYTES }).catch((err: unknown) => {
    throw err instanceof SignbenchError ? new SignbenchError(err.kind, `${what} ${err.message}`, { cause: err, detail: err.detail }) : err;
  });
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const { line, column } = firstInvalidUtf8(bytes);
    throw new SignbenchError('invalid-input', `${what} ${path}: line ${line} is not valid UTF-8 (byte ${column} of the line)`, { detail: { path, line, column } });
  }
  return splitSegments(text);
}

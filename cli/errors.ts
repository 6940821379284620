/**
 * How the CLI reports failures, in one place: a SignbenchError's kind maps to an exit code, a library option named in
 * an error's detail maps to the CLI flag that sets it, and Node's raw errors (errno codes, `Invalid string length`)
 * become one line naming the problem. The server maps the same kinds to HTTP statuses.
 */
import { SignbenchError, type ErrorKind } from '../pose/errors.js';
import { describeErrno } from '../pose/fsio.js';

/** Exit status per kind: 1 for everything a user can fix, 130 for a cancelled run (as after Ctrl-C). */
export const EXIT_CODES: Record<ErrorKind, number> = {
  'invalid-input': 1,
  'not-found': 1,
  'too-large': 1,
  rejected: 1,
  conflict: 1,
  unauthorized: 1,
  'rate-limited': 1,
  busy: 1,
  aborted: 130,
  internal: 1,
};

/** Library options named in an error's `detail.option`, and what the user passes on the command line instead. */
const OPTION_HINTS: Record<string, string> = {
  overwrite: 'pass --force to replace it',
  truncate: 'pass --truncate to cut it to the limit, or shorten it',
};

/**
 * Library options that an error's message starts with (`initFrom models/x: no checkpoint there`), and the flag that
 * sets them: the CLI names the flag instead (`--init models/x: no checkpoint there`).
 */
const OPTION_FLAGS: Record<string, string> = {
  initFrom: '--init',
  corpus: '--corpus',
  config: '--config',
};

function withFlag(message: string, option: string): string {
  const flag = OPTION_FLAGS[option];
  return flag && (message.startsWith(`${option} `) || message.startsWith(`${option}:`)) ? flag + message.slice(option.length) : message;
}

export interface CliFailure {
  /** One line, without the `signbench: ` prefix. */
  message: string;
  exitCode: number;
}

/** The line and exit status for an error that reached the top of a command. */
export function describeFailure(err: unknown): CliFailure {
  if (err instanceof SignbenchError) {
    const option = (err.detail as { option?: unknown } | undefined)?.option;
    const hint = typeof option === 'string' ? OPTION_HINTS[option] : undefined;
    const message = typeof option === 'string' ? withFlag(err.message, option) : err.message;
    return { message: hint ? `${message}; ${hint}` : message, exitCode: EXIT_CODES[err.kind] };
  }
  const e = err as NodeJS.ErrnoException | undefined;
  const problem = describeErrno(e?.code);
  if (problem) {
    const doing = e?.syscall === 'write' ? 'writing' : e?.syscall === 'read' ? 'reading' : e?.syscall;
    return { message: `${e?.path ? `${e.path}: ` : ''}${problem}${doing ? ` (while ${doing})` : ''}`, exitCode: 1 };
  }
  if (err instanceof RangeError && /Invalid string length|Array buffer allocation failed|Invalid typed array length/.test(err.message)) {
    return { message: `an input is too large to hold in memory (${err.message})`, exitCode: 1 };
  }
  return { message: err instanceof Error ? err.message : String(err), exitCode: 1 };
}

/**
 * Standard output closed early (`signbench inspect … | head -1`) ends the process quietly, as Unix tools do; any
 * other write error on stdout or stderr (ENOSPC on a full disk) prints one line and exits 1.
 */
export function guardStandardStreams(): void {
  const onError = (stream: 'standard output' | 'standard error') => (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === 'standard output') process.stderr.write(`signbench: ${stream}: ${describeErrno(err.code) ?? err.message}\n`);
    process.exit(1);
  };
  process.stdout.on('error', onError('standard output'));
  process.stderr.on('error', onError('standard error'));
}

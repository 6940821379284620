/**
 * Typed errors. Every error that library code throws on purpose is a SignbenchError whose `kind` says what went
 * wrong in terms a caller can act on; the CLI maps a kind to its exit code and the server to its HTTP status, each in
 * one place. Messages never name CLI flags or HTTP fields: the caller adds those.
 */
export type ErrorKind =
  /** The input is malformed or out of range (a file, a text, an option value). */
  | 'invalid-input'
  /** A named thing (file, suite, model, submission, run) does not exist. */
  | 'not-found'
  /** The input is over a size, count or ratio bound. */
  | 'too-large'
  /** A submission was validated and refused; `detail` holds the per-item report. */
  | 'rejected'
  /** The request conflicts with the current state (an output that would overwrite its input, a run already done). */
  | 'conflict'
  /** Missing or wrong credentials. */
  | 'unauthorized'
  /** A quota or rate limit was reached. */
  | 'rate-limited'
  /** A bounded pool or queue is full: try again later. */
  | 'busy'
  /** The work was cancelled through its AbortSignal. */
  | 'aborted'
  /** A dependency (a model file, the database, a child process) failed. */
  | 'internal';

export class SignbenchError extends Error {
  readonly kind: ErrorKind;
  /** Machine-readable detail (a per-item report, the offending field); JSON-serialisable. */
  readonly detail?: unknown;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown; detail?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SignbenchError';
    this.kind = kind;
    this.detail = options?.detail;
  }
}

/** Whether `err` is a SignbenchError of one of `kinds` (any kind when none is given). */
export function isSignbenchError(err: unknown, ...kinds: ErrorKind[]): err is SignbenchError {
  return err instanceof SignbenchError && (kinds.length === 0 || kinds.includes(err.kind));
}

/**
 * The one error type for unreadable or invalid pose input. Its message always names the file (or "<input>") and
 * the problem, so that a user can act on it: `poses.npz: npy header: shape (3,) does not match 18×2 body keypoints`.
 */
export class PoseFormatError extends SignbenchError {
  readonly file: string;
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown; kind?: ErrorKind }) {
    super(options?.kind ?? 'invalid-input', `${file}: ${problem}`, options);
    this.name = 'PoseFormatError';
    this.file = file;
    this.problem = problem;
  }
}

/** Limits that every reader of untrusted input honours. Callers may tighten or loosen them. */
export interface ReadLimits {
  /** Largest file or archive member read into memory, in bytes. */
  maxBytes: number;
  /** Most frames in one sequence. */
  maxFrames: number;
  /** Most entries (tar members, zip entries, pickle items, JSON files) in one container. */
  maxEntries: number;
  /** Most people per frame. */
  maxPeople: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxBytes: 2 * 1024 ** 3,
  maxFrames: 1_000_000,
  maxEntries: 1_000_000,
  maxPeople: 64,
});

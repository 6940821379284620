/**
 * The one error type for unreadable or invalid pose input. Its message always names the file (or "<input>") and
 * the problem, so that a user can act on it: `poses.npz: npy header: shape (3,) does not match 18×2 body keypoints`.
 */
export class PoseFormatError extends Error {
  readonly file: string;
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
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

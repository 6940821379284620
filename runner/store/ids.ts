import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

let lastMs = 0;

/**
 * A time-sortable id: `<prefix>_<ms, base 36><10 random hex>`, e.g. `run_mh3k2x1a4f0c9e2b17d`. Within a process the
 * time part strictly increases, so ids made one after another sort in that order (a rerun after its run).
 */
export function newId(prefix: string, now = Date.now()): string {
  lastMs = Math.max(now, lastMs + 1);
  return `${prefix}_${lastMs.toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

const TOKEN_PREFIX = 'sbt_';
const TOKEN_RE = /^sbt_[A-Za-z0-9_-]{43}$/;

/** A new API token: 32 random bytes, base64url, with a recognisable prefix. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether a string has a token's shape (checked before any lookup). */
export function isTokenShaped(token: string): boolean {
  return TOKEN_RE.test(token);
}

/** The stored form of a token: its sha256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The UTC day [start, end) in ms of `day` = YYYY-MM-DD. */
export function dayRange(day: string): [number, number] {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(start)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return [start, start + 86_400_000];
}

/** The UTC day of a time, YYYY-MM-DD. */
export function utcDay(ms = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 10);
}

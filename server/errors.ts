/** The one map from typed errors to HTTP answers: every error is JSON `{error, detail}`. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSignbenchError, type ErrorKind } from '../pose/errors.js';

export const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  'invalid-input': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  rejected: 422,
  'rate-limited': 429,
  internal: 500,
  busy: 503,
  aborted: 503,
};

export interface ErrorBody {
  error: string;
  detail: string;
  /** Machine-readable detail of the error (a submission's per-item problems, …). */
  info?: unknown;
  requestId?: string;
}

/** The JSON answer for an error of a given kind. */
export function errorResponse(c: Context, kind: ErrorKind | string, detail: string, status?: ContentfulStatusCode, info?: unknown): Response {
  const code = status ?? STATUS[kind as ErrorKind] ?? 500;
  const body: ErrorBody = { error: kind, detail, ...(info === undefined ? {} : { info }), requestId: c.get('requestId' as never) };
  if (code === 503 || code === 429) c.header('Retry-After', c.res.headers.get('Retry-After') ?? '1');
  return c.json(body, code);
}

const HTTP_KINDS: Record<number, string> = { 400: 'invalid-input', 401: 'unauthorized', 404: 'not-found', 405: 'method-not-allowed', 408: 'timeout', 413: 'too-large', 415: 'unsupported-media-type', 429: 'rate-limited', 503: 'busy', 504: 'timeout' };

/** app.onError: typed errors by kind, HTTPExceptions by status, anything else 500 (logged with its stack). */
export function onError(log: (line: Record<string, unknown>) => void) {
  return (err: Error, c: Context): Response => {
    if (isSignbenchError(err)) {
      const retry = (err.detail as { retryAfter?: number } | undefined)?.retryAfter;
      if (retry) c.header('Retry-After', String(retry));
      return errorResponse(c, err.kind, err.message, undefined, err.kind === 'busy' ? undefined : err.detail);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return errorResponse(c, HTTP_KINDS[status] ?? 'http-error', err.message || `HTTP ${status}`, status);
    }
    log({ level: 'error', requestId: c.get('requestId' as never), path: c.req.path, error: err.message, stack: err.stack });
    return errorResponse(c, 'internal', 'internal error; the request id names it in the server log', 500);
  };
}

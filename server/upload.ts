/** Pose uploads: multipart field `file`, or the raw body with the format from `?format=` or `Content-Type`. */
import type { Context } from 'hono';
import { SignbenchError } from '../pose/errors.js';
import { BYTE_FORMATS, type ByteFormat } from '../pose/io.js';

export interface PoseUpload {
  bytes: Uint8Array;
  format?: ByteFormat;
  name: string;
  /** The other multipart fields (render options sent with the file). */
  fields: Record<string, string>;
}

const TYPE_FORMATS: Record<string, ByteFormat | undefined> = {
  'application/pose': 'pose',
  'application/x-pose': 'pose',
  'application/x-tar': 'signverse',
  'application/vnd.apache.parquet': 'islr-parquet',
  'application/x-parquet': 'islr-parquet',
  // zip/npz, JSON and octet-stream: the bytes say which reader (SignVerse npz vs DWPose frame npz, DWPose vs OpenPose JSON)
};

export function parseFormat(v: string | undefined, what = 'format'): ByteFormat | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(BYTE_FORMATS as readonly string[]).includes(v)) {
    throw new SignbenchError('invalid-input', `${what}: unknown pose format '${v.slice(0, 64)}'; readable: ${BYTE_FORMATS.join(', ')}`);
  }
  return v as ByteFormat;
}

export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** Reads the upload; `format` (a query value) names its pose format, else Content-Type or the bytes tell. */
export async function readPoseUpload(c: Context, format: string | undefined): Promise<PoseUpload> {
  const type = mediaType(c);
  const queryFormat = parseFormat(format);
  if (type === 'multipart/form-data') {
    let body: Record<string, string | File | (string | File)[]>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch (err) {
      throw new SignbenchError('invalid-input', `multipart body: ${(err as Error).message}`);
    }
    const file = body.file;
    if (!(file instanceof File)) {
      throw new SignbenchError('invalid-input', Array.isArray(file) ? 'multipart: send one field "file"' : 'multipart: the field "file" (a pose file) is missing');
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === 'file') continue;
      if (typeof v !== 'string') throw new SignbenchError('invalid-input', `multipart: field "${k.slice(0, 64)}" must be a single text value`);
      fields[k] = v;
    }
    const format = queryFormat ?? parseFormat(fields.input_format, 'input_format') ?? TYPE_FORMATS[file.type];
    return { bytes: new Uint8Array(await file.arrayBuffer()), format, name: file.name || 'upload', fields };
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return { bytes, format: queryFormat ?? TYPE_FORMATS[type], name: 'upload', fields: {} };
}

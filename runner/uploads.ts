import { createHash, randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { modelDirHash, sha256Dir, sha256File } from '../benchmark/hash.js';
import { SignbenchError } from '../pose/errors.js';

/**
 * Submissions are copied into `<dataDir>/uploads/`, named by the sha256 of their content, before they are queued:
 * the worker scores the copy, so a submitter cannot change a file between submit and scoring, and two identical
 * uploads share one copy. The hash is the one the result records as `submission.sha256` (benchmark/hash.ts: of the
 * file, of a directory's files, of a model's manifest and graphs). Files keep their (sanitised) extension, which
 * the pose readers use to tell formats apart; directories (a predictions directory, a model) are copied whole.
 */
export interface StoredUpload {
  path: string;
  sha256: string;
  bytes: number;
  /** False when the same content was already stored (by an earlier submission). */
  created: boolean;
}

export interface UploadLimits {
  /** Total bytes of one upload (file or directory). */
  maxBytes: number;
  /** Files in one directory upload. */
  maxFiles: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 2 * 1024 ** 3, maxFiles: 100_000 };

function safeExt(name: string): string {
  const ext = extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,10}$/.test(ext) ? ext : '';
}

/** Files under `dir`, sorted, as paths relative to it; links and special files are refused. */
async function listFiles(dir: string, limits: UploadLimits): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) { await walk(p); continue; }
      const rel = relative(dir, p).split(sep).join('/');
      if (!e.isFile()) throw new SignbenchError('rejected', `${rel}: links and special files are not accepted in a submission`, { detail: { problems: [{ problem: `${rel}: not a regular file` }] } });
      const size = (await stat(p)).size;
      total += size;
      out.push({ rel, size });
      if (out.length > limits.maxFiles) throw new SignbenchError('too-large', `more than ${limits.maxFiles} files in the submission`);
      if (total > limits.maxBytes) throw new SignbenchError('too-large', `the submission is over ${limits.maxBytes} bytes`);
    }
  };
  await walk(dir);
  return out;
}

/** Checks a directory against the limits (no links, bounded files and bytes) and hashes it as the scorer will. */
export async function hashDirectory(dir: string, kind: 'predictions' | 'model', limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<{ sha256: string; bytes: number; files: number }> {
  const files = await listFiles(dir, limits);
  const sha256 = kind === 'model' ? await modelDirHash(dir) : await sha256Dir(dir);
  return { sha256, bytes: files.reduce((a, f) => a + f.size, 0), files: files.length };
}

/** Copies a file or directory into `<dataDir>/uploads/` under its content hash (kept when already there). */
export async function storeUpload(dataDir: string, source: string, kind: 'predictions' | 'model', limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<StoredUpload> {
  const uploads = join(dataDir, 'uploads');
  await mkdir(uploads, { recursive: true });
  const st = await lstat(source).catch(() => null);
  if (!st) throw new SignbenchError('not-found', `${source}: no such file or directory`);
  if (st.isSymbolicLink()) throw new SignbenchError('invalid-input', `${source}: is a link; give the file or directory itself`);
  const tmp = join(uploads, `.tmp-${randomBytes(6).toString('hex')}`);
  try {
    if (st.isDirectory()) {
      const { sha256, bytes } = await hashDirectory(source, kind, limits);
      const dest = join(uploads, sha256);
      const created = !(await exists(dest));
      if (created) {
        await cp(source, tmp, { recursive: true, verbatimSymlinks: true, errorOnExist: true });
        // The copy is what gets scored: check it is still what we hashed (the source may have changed meanwhile).
        if ((await hashDirectory(tmp, kind, limits)).sha256 !== sha256) throw new SignbenchError('conflict', `${source} changed while it was being copied`);
        await renameOrKeep(tmp, dest);
      }
      return { path: dest, sha256, bytes, created };
    }
    if (kind === 'model') throw new SignbenchError('invalid-input', `${source}: a model is a directory (manifest.json and ONNX graphs)`);
    if (!st.isFile()) throw new SignbenchError('invalid-input', `${source}: not a regular file or directory`);
    if (st.size > limits.maxBytes) throw new SignbenchError('too-large', `${source}: ${st.size} bytes, over the limit of ${limits.maxBytes}`);
    await cp(source, tmp);
    const sha256 = await sha256File(tmp);
    const dest = join(uploads, sha256 + safeExt(source));
    const created = !(await exists(dest));
    await renameOrKeep(tmp, dest);
    return { path: dest, sha256, bytes: st.size, created };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Stores uploaded bytes (an HTTP upload) the same way; `filename` supplies the extension. */
export async function storeUploadBytes(dataDir: string, bytes: Uint8Array, filename: string, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<StoredUpload> {
  if (bytes.length > limits.maxBytes) throw new SignbenchError('too-large', `upload of ${bytes.length} bytes, over the limit of ${limits.maxBytes}`);
  const uploads = join(dataDir, 'uploads');
  await mkdir(uploads, { recursive: true });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dest = join(uploads, sha256 + safeExt(filename));
  const created = !(await exists(dest));
  if (created) {
    const tmp = join(uploads, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(tmp, bytes);
      await renameOrKeep(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return { path: dest, sha256, bytes: bytes.length, created };
}

async function exists(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => null)) !== null;
}

/** Moves `tmp` to `dest`, or drops it when another process stored the same content first. */
async function renameOrKeep(tmp: string, dest: string): Promise<void> {
  if (await exists(dest)) return;
  try {
    await rename(tmp, dest);
  } catch (err) {
    if (!(await exists(dest))) throw err;
  }
}

/**
 * The suite's judge, loaded once per process and directory (scoring many submissions reuses the ONNX sessions),
 * and the judge's embeddings of a suite's references (for the Fréchet pose distance), once per suite version.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PoseSequence } from '../../pose/sequence.js';
import { Translator } from '../../translator/runtime.js';
import type { Suite } from '../suite/index.js';

const judges = new Map<string, Promise<Translator>>();
const refEmbeddings = new Map<string, Promise<Float64Array[]>>();

export function loadJudge(dir: string, hash: string): Promise<Translator> {
  const key = `${dir}\0${hash}`;
  let j = judges.get(key);
  if (!j) {
    j = Translator.load(dir);
    j.catch(() => judges.delete(key));
    judges.set(key, j);
  }
  return j;
}

/** Pooled encoder embeddings in batches of similar lengths (little padding), returned in input order. */
export async function embedSorted(judge: Translator, seqs: readonly PoseSequence[], batchSize = 32): Promise<Float64Array[]> {
  const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]!.frames - seqs[b]!.frames);
  const emb = await judge.embedBatch(order.map((i) => seqs[i]!), batchSize);
  const out: Float64Array[] = new Array(seqs.length);
  order.forEach((i, k) => { out[i] = emb[k]!; });
  return out;
}

/**
 * The judge's embeddings of a suite's references: computed once, kept in memory and in
 * `<suite>/cache/ref-embeddings-<judge hash>.bin` (derived data: a file per judge, rewritten if damaged).
 */
export function referenceEmbeddings(suite: Suite, judge: Translator, refs: readonly PoseSequence[]): Promise<Float64Array[]> {
  const hash = suite.info.judge?.hash ?? 'none';
  const key = `${suite.dir}\0${suite.info.version}\0${hash}`;
  let e = refEmbeddings.get(key);
  if (!e) {
    e = (async () => {
      const file = join(suite.dir, 'cache', `ref-embeddings-${suite.info.version}-${hash.slice(0, 16)}.bin`);
      const d = judge.config.dModel;
      if (existsSync(file)) {
        const buf = await readFile(file);
        if (buf.length === refs.length * d * 8) {
          const all = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
          return refs.map((_, i) => all.slice(i * d, (i + 1) * d));
        }
      }
      const emb = await embedSorted(judge, refs);
      const all = new Float64Array(refs.length * d);
      emb.forEach((v, i) => all.set(v, i * d));
      try {
        await mkdir(join(suite.dir, 'cache'), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, new Uint8Array(all.buffer));
        await rename(tmp, file);
      } catch {
        // a read-only suite directory: keep it in memory only
      }
      return emb;
    })();
    e.catch(() => refEmbeddings.delete(key));
    refEmbeddings.set(key, e);
  }
  return e;
}

/** Releases every cached judge (tests, long-lived workers switching suites). */
export async function releaseJudges(): Promise<void> {
  const all = [...judges.values()];
  judges.clear();
  refEmbeddings.clear();
  for (const j of all) await (await j.catch(() => null))?.release();
}

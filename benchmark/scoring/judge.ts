/**
 * The suite's judge, loaded once per process and directory (scoring many submissions reuses the ONNX sessions),
 * and the judge's embeddings of a suite's references (for the Fréchet pose distance), once per suite version.
 */
import { Translator } from '../../translator/runtime.js';

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

export function cachedReferenceEmbeddings(key: string, compute: () => Promise<Float64Array[]>): Promise<Float64Array[]> {
  let e = refEmbeddings.get(key);
  if (!e) {
    e = compute();
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

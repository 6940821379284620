import { SignbenchError } from '../pose/errors.js';
import { glossPhonology, type SignClip } from './corpus-data.js';
import { PHONOLOGY_PARAMS, type PhonologyParam } from './labels.js';
import type { Recognizer } from './runtime.js';

export interface ClassResult {
  gloss: string;
  n: number;
  top1: number;
  top5: number;
  /** Top-1 predictions other than the gloss, most frequent first. */
  confusedWith: { gloss: string; count: number }[];
}

export interface RecognitionReport {
  n: number;
  top1: number;
  top5: number;
  /** Mean of the per-class top-1 (each gloss weighs the same). */
  classTop1: number;
  /** Agreement of each phonology head with the lexicon's label (lexical signs only). */
  phonology: Record<PhonologyParam, number>;
  /** Left-handed signers' clips only (null when none). */
  leftHanded: { n: number; top1: number } | null;
  perClass: ClassResult[];
  /** The 20 classes of lowest top-1 (then top-5), with their confusions. */
  worst20: ClassResult[];
}

/** Recognises labelled clips and scores top-1/top-5 overall and per class, with the worst 20 classes. */
export async function evaluateRecognizer(rec: Recognizer, clips: Iterable<SignClip>,
  opts: { batchSize?: number; onProgress?: (done: number) => void; signal?: AbortSignal } = {}): Promise<RecognitionReport> {
  const per = new Map<string, { n: number; top1: number; top5: number; conf: Map<string, number> }>();
  const phon = Object.fromEntries(PHONOLOGY_PARAMS.map((k) => [k, [0, 0]])) as Record<PhonologyParam, [number, number]>;
  let n = 0;
  let top1 = 0;
  let top5 = 0;
  let leftN = 0;
  let leftTop1 = 0;
  const bs = opts.batchSize ?? 256;
  let buf: SignClip[] = [];
  const flush = async () => {
    const res = await rec.recognizeMany(buf.map((c) => ({ seq: c.seq, start: c.start, end: c.end })), { batchSize: bs, signal: opts.signal });
    buf.forEach((c, i) => {
      const r = res[i];
      const hit1 = r.top5[0].gloss === c.gloss;
      const hit5 = r.top5.some((t) => t.gloss === c.gloss);
      n++; top1 += +hit1; top5 += +hit5;
      if (c.leftHanded) { leftN++; leftTop1 += +hit1; }
      let e = per.get(c.gloss);
      if (!e) { e = { n: 0, top1: 0, top5: 0, conf: new Map() }; per.set(c.gloss, e); }
      e.n++; e.top1 += +hit1; e.top5 += +hit5;
      if (!hit1) e.conf.set(r.top5[0].gloss, (e.conf.get(r.top5[0].gloss) ?? 0) + 1);
      const labels = glossPhonology(c.gloss);
      if (labels) for (const k of PHONOLOGY_PARAMS) { phon[k][0] += +(r.phonology[k].label === labels[k]); phon[k][1]++; }
    });
    buf = [];
    opts.onProgress?.(n);
  };
  for (const c of clips) {
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'evaluation was cancelled');
    buf.push(c);
    if (buf.length >= bs) await flush();
  }
  if (buf.length > 0) await flush();
  const perClass: ClassResult[] = [...per.entries()].map(([gloss, e]) => ({
    gloss, n: e.n, top1: e.top1 / e.n, top5: e.top5 / e.n,
    confusedWith: [...e.conf.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([g, count]) => ({ gloss: g, count })),
  })).sort((a, b) => a.gloss.localeCompare(b.gloss));
  const worst20 = [...perClass].sort((a, b) => a.top1 - b.top1 || a.top5 - b.top5 || a.gloss.localeCompare(b.gloss)).slice(0, 20);
  return {
    n, top1: n ? top1 / n : 0, top5: n ? top5 / n : 0,
    classTop1: perClass.length ? perClass.reduce((a, c) => a + c.top1, 0) / perClass.length : 0,
    phonology: Object.fromEntries(PHONOLOGY_PARAMS.map((k) => [k, phon[k][1] ? phon[k][0] / phon[k][1] : 0])) as Record<PhonologyParam, number>,
    leftHanded: leftN ? { n: leftN, top1: leftTop1 / leftN } : null,
    perClass, worst20,
  };
}

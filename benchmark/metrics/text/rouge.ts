/**
 * ROUGE-L of the MS-COCO caption toolkit (pycocoevalcap rouge.py, as bundled by SLT as mscoco_rouge and by the
 * SLRTP evaluator): tokens = `split(" ")` (so empty strings between double spaces are tokens), LCS length l,
 * P = l/|hyp|, R = l/|ref| (max over references), F = (1+β²)·P·R / (R + β²·P) with β = 1.2, 0 when P or R is 0;
 * per sentence, then the corpus value is Σ F_i / n (accumulated in that order), ×100.
 */
import { checkCorpus, type RefStreams } from './corpus.js';
import { IntBuffer, StringInterner } from './interner.js';

const BETA = 1.2;

/** Length of the longest common subsequence of a[0..la) and b[0..lb). */
function lcsLength(a: Int32Array, la: number, b: Int32Array, lb: number, row: Int32Array): number {
  // row[j] = LCS(a[0..i), b[0..j)); one row, with the diagonal carried in a variable.
  row.fill(0, 0, lb + 1);
  for (let i = 1; i <= la; i++) {
    let diag = 0;
    const ai = a[i - 1]!;
    for (let j = 1; j <= lb; j++) {
      const up = row[j]!;
      row[j] = ai === b[j - 1]! ? diag + 1 : up > row[j - 1]! ? up : row[j - 1]!;
      diag = up;
    }
  }
  return row[lb]!;
}

/** Scorer that reuses its buffers across sentences. */
export class CocoRouge {
  private readonly vocab = new StringInterner();
  private readonly hypBuf = new IntBuffer();
  private readonly refBuf = new IntBuffer();
  private readonly rowBuf = new IntBuffer();

  private toIds(s: string, buf: IntBuffer): number {
    const toks = s.split(' ');
    const ids = buf.ensure(toks.length);
    for (let i = 0; i < toks.length; i++) ids[i] = this.vocab.id(toks[i]!);
    return toks.length;
  }

  /** ROUGE-L F (0–1) of one hypothesis against its references (pycocoevalcap `calc_score`). */
  sentence(hyp: string, refs: readonly string[]): number {
    if (refs.length === 0) throw new Error('ROUGE-L needs at least one reference');
    const lh = this.toIds(hyp, this.hypBuf);
    let precMax = -Infinity;
    let recMax = -Infinity;
    for (const ref of refs) {
      const lr = this.toIds(ref, this.refBuf);
      const row = this.rowBuf.ensure(lh + 1);
      const l = lcsLength(this.refBuf.data, lr, this.hypBuf.data, lh, row);
      const p = l / lh;
      const r = l / lr;
      if (p > precMax) precMax = p;
      if (r > recMax) recMax = r;
    }
    if (precMax !== 0 && recMax !== 0) {
      return ((1 + BETA ** 2) * precMax * recMax) / (recMax + BETA ** 2 * precMax);
    }
    return 0.0;
  }
}

/** Corpus ROUGE-L (0–100): mean of the per-sentence F against the references of each segment. */
export function cocoRouge(hyps: readonly string[], refs: RefStreams): number {
  checkCorpus(hyps, refs);
  const scorer = new CocoRouge();
  const n = hyps.length;
  const segRefs: string[] = new Array<string>(refs.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < refs.length; k++) segRefs[k] = refs[k]![i]!;
    total += scorer.sentence(hyps[i]!, segRefs) / n;
  }
  return total * 100;
}

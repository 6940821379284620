/**
 * Greedy and beam search over any incremental decoder, for a batch of inputs at once.
 *
 * The decoder is seen through `StepModel`: one call scores the next token for every live row (a row is one
 * hypothesis of one input) and returns its updated cache; `select` gathers cache rows when beams are re-ordered.
 * Row r of the initial cache belongs to input r. Beam 1 is exactly greedy decoding.
 */
export interface StepResult<C> {
  /** `rows × vocab` log-probabilities (row-major). */
  logProbs: Float32Array;
  cache: C;
}

export interface StepModel<C> {
  readonly vocabSize: number;
  /** Scores the next token of every row given its last token; `position` is the index of `tokens` in the output. */
  step(cache: C, tokens: Int32Array, position: number): StepResult<C> | Promise<StepResult<C>>;
  /** The cache with rows `rows[i]` of `cache` (rows may repeat or be dropped). */
  select(cache: C, rows: Int32Array): C;
}

export interface SearchOptions {
  bos: number;
  eos: number;
  /** Beam width (1 = greedy). Default 1. */
  beam?: number;
  /** Most output tokens, EOS excluded. Default 64. */
  maxLength?: number;
  /** GNMT length penalty exponent α: score = logProb / ((5 + len) / 6)^α. 0 = raw log-probability. Default 0.6. */
  lengthPenalty?: number;
}

export interface Hypothesis {
  /** Output tokens, BOS and EOS excluded. */
  tokens: number[];
  logProb: number;
  /** Length-normalised score used for ranking. */
  score: number;
}

interface Live {
  input: number;
  tokens: number[];
  logProb: number;
}

function lengthNorm(len: number, alpha: number): number {
  return alpha === 0 ? 1 : Math.pow((5 + len) / 6, alpha);
}

/** Indices of the `k` largest values of `v[offset .. offset+n)`, best first. */
function topK(v: Float32Array, offset: number, n: number, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = v[offset + i];
    if (idx.length === k && x <= v[offset + idx[k - 1]]) continue;
    let j = idx.length < k ? idx.length : k - 1;
    if (idx.length < k) idx.push(i);
    while (j > 0 && v[offset + idx[j - 1]] < x) { idx[j] = idx[j - 1]; j--; }
    idx[j] = i;
  }
  return idx;
}

/**
 * Beam search for `batch` inputs. Returns, per input, up to `beam` finished hypotheses, best score first. An input
 * is done when `beam` of its hypotheses have emitted EOS; hypotheses still live at `maxLength` are finished as they
 * are.
 */
export async function beamSearch<C>(model: StepModel<C>, initial: C, batch: number, opts: SearchOptions): Promise<Hypothesis[][]> {
  const K = Math.max(1, Math.floor(opts.beam ?? 1));
  const maxLength = Math.max(1, Math.floor(opts.maxLength ?? 64));
  const alpha = opts.lengthPenalty ?? 0.6;
  const V = model.vocabSize;
  const finished: Hypothesis[][] = Array.from({ length: batch }, () => []);
  let live: Live[] = Array.from({ length: batch }, (_, b) => ({ input: b, tokens: [], logProb: 0 }));
  let cache = initial;

  for (let pos = 0; pos < maxLength && live.length > 0; pos++) {
    const tokens = Int32Array.from(live, (h) => (h.tokens.length ? h.tokens[h.tokens.length - 1] : opts.bos));
    const res = await model.step(cache, tokens, pos);
    cache = res.cache;
    const lp = res.logProbs;
    if (lp.length !== live.length * V) throw new Error(`decoder step returned ${lp.length} scores for ${live.length} rows × ${V} tokens`);

    // Group live rows by input (rows of one input are contiguous by construction).
    const next: Live[] = [];
    const parents: number[] = [];
    let r = 0;
    while (r < live.length) {
      const input = live[r].input;
      let end = r;
      while (end < live.length && live[end].input === input) end++;
      const cands: { row: number; tok: number; logProb: number }[] = [];
      for (let row = r; row < end; row++) {
        for (const tok of topK(lp, row * V, V, Math.min(V, 2 * K))) {
          cands.push({ row, tok, logProb: live[row].logProb + lp[row * V + tok] });
        }
      }
      cands.sort((a, b) => b.logProb - a.logProb);
      let kept = 0;
      const last = pos === maxLength - 1;
      for (const c of cands) {
        if (finished[input].length >= K || kept >= K) break;
        if (c.tok === opts.eos) {
          const toks = live[c.row].tokens;
          finished[input].push({ tokens: toks.slice(), logProb: c.logProb, score: c.logProb / lengthNorm(toks.length + 1, alpha) });
        } else if (last) {
          const toks = [...live[c.row].tokens, c.tok];
          finished[input].push({ tokens: toks, logProb: c.logProb, score: c.logProb / lengthNorm(toks.length, alpha) });
          kept++;
        } else {
          next.push({ input, tokens: [...live[c.row].tokens, c.tok], logProb: c.logProb });
          parents.push(c.row);
          kept++;
        }
      }
      if (finished[input].length >= K) {
        // Done: drop this input's new live rows.
        while (next.length > 0 && next[next.length - 1].input === input) { next.pop(); parents.pop(); }
      }
      r = end;
    }
    live = next;
    if (live.length > 0) cache = model.select(cache, Int32Array.from(parents));
  }
  for (const f of finished) f.sort((a, b) => b.score - a.score);
  return finished;
}

/** Plain greedy decoding (argmax each step) for a batch: the reference that beam 1 must equal. */
export async function greedySearch<C>(model: StepModel<C>, initial: C, batch: number, opts: SearchOptions): Promise<Hypothesis[]> {
  const maxLength = Math.max(1, Math.floor(opts.maxLength ?? 64));
  const alpha = opts.lengthPenalty ?? 0.6;
  const V = model.vocabSize;
  const out: (Hypothesis | null)[] = new Array(batch).fill(null);
  let rows = Array.from({ length: batch }, (_, b) => b);
  const toks: number[][] = Array.from({ length: batch }, () => []);
  const lps = new Float64Array(batch);
  let cache = initial;
  for (let pos = 0; pos < maxLength && rows.length > 0; pos++) {
    const tokens = Int32Array.from(rows, (b) => (toks[b].length ? toks[b][toks[b].length - 1] : opts.bos));
    const res = await model.step(cache, tokens, pos);
    cache = res.cache;
    const keep: number[] = [];
    const keepRows: number[] = [];
    rows.forEach((b, i) => {
      const best = topK(res.logProbs, i * V, V, 1)[0];
      lps[b] += res.logProbs[i * V + best];
      if (best === opts.eos) {
        out[b] = { tokens: toks[b], logProb: lps[b], score: lps[b] / lengthNorm(toks[b].length + 1, alpha) };
      } else {
        toks[b].push(best);
        if (pos === maxLength - 1) out[b] = { tokens: toks[b], logProb: lps[b], score: lps[b] / lengthNorm(toks[b].length, alpha) };
        else { keep.push(b); keepRows.push(i); }
      }
    });
    rows = keep;
    if (rows.length > 0) cache = model.select(cache, Int32Array.from(keepRows));
  }
  return out.map((h) => h as Hypothesis);
}

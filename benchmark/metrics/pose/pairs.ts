/** Pairing hypothesis and reference sequences by id, as every pose protocol does before scoring. */
import type { PoseSequence } from '../../../pose/index.js';

function list(ids: readonly string[], max = 20): string {
  const shown = ids.slice(0, max).map((s) => `'${s}'`).join(', ');
  return ids.length > max ? `${shown} … (${ids.length} in all)` : shown;
}

function index(seqs: readonly PoseSequence[], what: string): Map<string, PoseSequence> {
  const m = new Map<string, PoseSequence>();
  const dup: string[] = [];
  for (const s of seqs) {
    if (m.has(s.id)) dup.push(s.id);
    else m.set(s.id, s);
  }
  if (dup.length > 0) throw new Error(`duplicate ${what} ids: ${list([...new Set(dup)])}`);
  return m;
}

/**
 * Pairs (hypothesis, reference) by sequence id, in reference order. Throws when the reference set is empty, when ids
 * repeat on one side, or when any id has no partner (listing them all).
 */
export function pairById(hyps: readonly PoseSequence[], refs: readonly PoseSequence[]): [PoseSequence, PoseSequence][] {
  if (refs.length === 0) throw new Error('the reference set is empty: nothing to score against');
  const h = index(hyps, 'hypothesis');
  const r = index(refs, 'reference');
  const noRef = [...h.keys()].filter((id) => !r.has(id));
  const noHyp = [...r.keys()].filter((id) => !h.has(id));
  if (noRef.length > 0 || noHyp.length > 0) {
    const parts: string[] = [];
    if (noHyp.length > 0) parts.push(`${noHyp.length} reference id(s) without a hypothesis: ${list(noHyp)}`);
    if (noRef.length > 0) parts.push(`${noRef.length} hypothesis id(s) without a reference: ${list(noRef)}`);
    throw new Error(`unmatched sequence ids: ${parts.join('; ')}`);
  }
  return refs.map((ref) => [h.get(ref.id) as PoseSequence, ref]);
}

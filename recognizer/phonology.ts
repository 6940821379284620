import type { GlossSpan, PoseSequence } from '../pose/sequence.js';
import { checkSegment } from './features.js';
import { PHONOLOGY_PARAMS, type PhonologyParam } from './labels.js';
import type { Recognizer } from './runtime.js';

/** Phonological features of one segment (the most probable class of each parameter, with its probability). */
export type SegmentPhonology = { start: number; end: number; gloss: string | null; p: Record<PhonologyParam, number> } & Record<PhonologyParam, string>;

/**
 * The segments to describe: [start, end) when either bound is given, else the sequence's gloss timings, else the
 * whole sequence. Bad bounds throw invalid-input.
 */
export function segmentsOf(seq: PoseSequence, start?: number, end?: number): GlossSpan[] {
  if (start !== undefined || end !== undefined) {
    const s = checkSegment(seq, start ?? 0, end ?? seq.frames);
    return [{ gloss: '', start: s.start, end: s.end }];
  }
  const spans = seq.meta.glosses?.filter((g) => g.end > g.start) ?? [];
  if (spans.length > 0) {
    for (const g of spans) checkSegment(seq, g.start, g.end);
    return spans;
  }
  checkSegment(seq);
  return [{ gloss: '', start: 0, end: seq.frames }];
}

/** Location, movement, palm orientation and handshape of each segment, from the recogniser's phonology heads. */
export async function segmentPhonology(rec: Recognizer, seq: PoseSequence, segments: readonly GlossSpan[],
  opts: { signal?: AbortSignal } = {}): Promise<SegmentPhonology[]> {
  const res = await rec.recognizeMany(segments.map((g) => ({ seq, start: g.start, end: g.end })), { signal: opts.signal });
  return segments.map((g, i) => {
    const out = { start: g.start, end: g.end, gloss: g.gloss || null, p: {} } as SegmentPhonology;
    for (const k of PHONOLOGY_PARAMS) { out[k] = res[i].phonology[k].label; out.p[k] = res[i].phonology[k].p; }
    return out;
  });
}
